#!/bin/bash
# Every namespace suite with each call of the binary under valgrind memcheck
# (make valgrind-full): no call may show a memory error or a definite leak.
# The suites' own checks run too and their failures are listed, but a few
# cannot hold under the wrapper (it changes argv[0]'s directory, where
# vif-setup and hooks look for scripts, and strace sees valgrind's execs),
# so only memcheck's findings fail this run.
#   tests/valgrind_full.sh BUILD (built with FAULTS=1, without sanitizers)
set -uo pipefail
BUILD=${1:?usage: valgrind_full.sh BUILD_DIR}
here=$(dirname "$0")
passed=0
failed=0
for t in "$here"/integration/*_test.sh; do
	logs=$(mktemp -d)
	out=$(XNM_VALGRIND=$logs "$t" "$BUILD" 2>&1)
	rc=$?
	errors=$(cat "$logs"/*.log 2>/dev/null)
	name=$(basename "$t" _test.sh)
	if [ -z "$errors" ]; then
		passed=$((passed + 1))
		echo "ok - $name under memcheck ($(ls "$logs" | wc -l) calls)"
	else
		failed=$((failed + 1))
		echo "not ok - $name under memcheck"
		head -n 20 <<<"$errors" | sed 's/^/#   /'
	fi
	[ $rc -eq 0 ] || grep '^not ok' <<<"$out" | sed "s/^/#   $name, under the wrapper: /"
	rm -rf "$logs"
done
echo "valgrind-full: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
