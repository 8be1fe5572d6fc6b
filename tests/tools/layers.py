#!/usr/bin/env python3
"""The layering of the sources: prints every include that points up a layer
or sideways into another folder of the same layer, and every cycle of
includes between files (a file and its header counted as one), and exits 1
when there is any. Layers, lowest first (docs/HACKING.md, "Where code
lives"): a file includes only its own folder's headers and those of lower
layers. Given a build directory too (layers.py TOP BUILD), the same for
calls: which object's undefined symbols another object defines (nm)."""
import os
import re
import subprocess
import sys

LAYERS = [
    ["netmodes"],  # the core: plan, values, errors
    ["netmodes/rtnl", "netmodes/nft", "netmodes/host", "netmodes/ovs"],  # kernel and host objects
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


def calls(top, build, problems, edges):
    """Adds the call edges between the objects under build to edges."""
    defined, wanted = {}, {}
    for root in ("hotplug", "netmodes"):
        for d, _, names in os.walk(os.path.join(build, root)):
            for n in names:
                if not n.endswith(".o"):
                    continue
                obj = os.path.join(d, n)
                src = os.path.relpath(obj, build)[:-2]
                out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
                for line in out.splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == "U":
                        wanted.setdefault(src, set()).add(parts[1])
                    elif len(parts) == 3 and parts[1] in "TDBR":
                        defined[parts[2]] = src
    for src, syms in wanted.items():
        if not os.path.exists(os.path.join(top, src + ".c")):
            continue  # an object of a source since moved
        for sym in sorted(syms):
            dst = defined.get(sym)
            if not dst or dst == src or not os.path.exists(os.path.join(top, dst + ".c")):
                continue
            a, b = os.path.dirname(src), os.path.dirname(dst)
            if a in RANK and b in RANK and b != a and RANK[b] >= RANK[a]:
                problems.append(f"{src}.c calls {sym} of {dst}.c: "
                                + ("up a layer" if RANK[b] > RANK[a] else "sideways"))
            edges.setdefault(src, set()).add(dst)


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
    if len(sys.argv) > 2:
        calls(top, sys.argv[2], problems, edges)
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
