#!/bin/bash
# The unit tests (which build and apply real plans in a private network
# namespace) and every mode's calls (tests/valgrind_modes.sh) under valgrind
# memcheck: any error or definite leak fails.
set -uo pipefail
BUILD=${1:?usage: valgrind.sh BUILD_DIR}
passed=0
failed=0
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue # the .d files beside them
	log=$(mktemp)
	if valgrind -q --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
		"$t" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "ok - $(basename "$t") under memcheck"
	else
		failed=$((failed + 1))
		echo "not ok - $(basename "$t") under memcheck"
		grep '^==' "$log" | head -n 20 | sed 's/^/#   /'
	fi
	rm -f "$log"
done
# Every mode's calls, in namespaces, under memcheck too.
if out=$("$(dirname "$0")/valgrind_modes.sh" "$BUILD" 2>&1); then
	passed=$((passed + 1))
	echo "ok - every mode's calls under memcheck"
else
	failed=$((failed + 1))
	echo "not ok - every mode's calls under memcheck"
	grep -v '^ok' <<<"$out" | head -n 30 | sed 's/^/#   /'
fi
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
