#!/bin/bash
# The unit tests (which build and apply real plans in a private network
# namespace) under valgrind memcheck: any error or definite leak fails.
set -uo pipefail
BUILD=${1:?usage: valgrind.sh BUILD_DIR}
passed=0
failed=0
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue # the .d files beside them
	log=$(mktemp)
	if valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
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
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
