#!/usr/bin/env python3
"""The layering of the sources: prints every include that points up a layer
or sideways into another folder of the same layer, and every cycle of
includes between files (a file and its header counted as one), and exits 1
when there is any. Layers, lowest first (docs/HACKING.md, "Where code
lives"): a file includes only its own folder's headers and those of lower
layers."""
import os
import re
import sys

LAYERS = [
    ["netmodes"],  # the core: plan, values, errors
    ["netmodes/rtnl", "netmodes/nft", "netmodes/host"],  # kernel and host objects
    ["netmodes/modes"],  # the modes' planners
    ["hotplug/call"],  # what a call is made of: argv, env, deadline, config, log
    ["hotplug/xen"],  # xenstore
    ["hotplug/vif", "hotplug/network"],  # the flows
    ["hotplug/daemon", "hotplug/tools"],  # the daemon, the tools
    ["hotplug"],  # the programs' mains, the applet table
]
RANK = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(top):
    for root in ("hotplug", "netmodes"):
        for d, _, names in os.walk(os.path.join(top, root)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, n), top)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = []
    edges = {}
    for f in sources(top):
        folder = os.path.dirname(f)
        if folder not in RANK:
            problems.append(f"{f}: its folder {folder} is in no layer (tests/tools/layers.py)")
            continue
        module = f[:-2]
        with open(os.path.join(top, f), encoding="utf-8") as src:
            for inc in INCLUDE.findall(src.read()):
                target = os.path.dirname(inc)
                if target not in RANK:
                    continue
                if target != folder and RANK[target] >= RANK[folder]:
                    how = "up a layer" if RANK[target] > RANK[folder] else "sideways"
                    problems.append(f"{f} includes {inc}: {how}")
                if inc[:-2] != module:
                    edges.setdefault(module, set()).add(inc[:-2])
    # cycles: Tarjan's strongly connected components
    index, low, stack, on, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in comps:
        problems.append("include cycle: " + " -> ".join(comp) + " -> " + comp[0])
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
