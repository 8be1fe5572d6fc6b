#!/bin/bash
# Static analysis over every C source: cppcheck (warning, performance,
# portability) and clang-tidy (the checks in .clang-tidy), and comments that
# name functions or variables the code no longer has, and the layers.
# Any finding fails.
#   lint.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
flags=(-std=c11 -iquote . -D_GNU_SOURCE -DXNM_FAULT_INJECTION -DXEN_SCRIPT_DIR='"/etc/xen/scripts"'
	$(pkg-config --cflags libnl-3.0 libnl-route-3.0 libmnl libnftnl xenstore 2>/dev/null))
srcs=(hotplug/*.c hotplug/*/*.c netmodes/*.c netmodes/*/*.c tests/xenstored/*.c tests/bench/*.c tests/unit/*.c tests/fuzz/*.c)
passed=0
failed=0

result() { # NAME OUTPUT
	if [ -z "$2" ]; then
		passed=$((passed + 1))
		echo "ok - $1 finds nothing"
	else
		failed=$((failed + 1))
		echo "not ok - $1"
		head -n 30 <<<"$2" | sed 's/^/#   /'
	fi
}

result cppcheck "$(cppcheck --quiet --enable=warning,performance,portability --std=c11 -I. \
	-D_GNU_SOURCE -DXNM_FAULT_INJECTION hotplug netmodes tests 2>&1)"
result clang-tidy "$(for f in "${srcs[@]}"; do
	clang-tidy -quiet "$f" -- "${flags[@]}" 2>/dev/null
done | grep -A3 -E 'warning:|error:')"
# the layers (docs/HACKING.md): includes, and calls between the objects of
# BUILD when given (make check's build)
result "layers: nothing included or called up a layer, no cycle" \
	"$(tests/tools/layers.py . ${1:+"$(realpath "$1")"} 2>&1)"
result "comments name only what the code has" \
	"$(tests/tools/comment_names.py hotplug/*.[ch] hotplug/*/*.[ch] netmodes/*.[ch] netmodes/*/*.[ch] 2>&1)"
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
