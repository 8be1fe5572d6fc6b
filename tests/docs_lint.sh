#!/bin/bash
# Every man page in docs/ passes mandoc's lint at warning level.
set -uo pipefail
passed=0
failed=0
for page in "$(dirname "$0")"/../docs/*.[1-8]; do
	if out=$(mandoc -Tlint -W warning "$page" 2>&1) && [ -z "$out" ]; then
		passed=$((passed + 1))
		echo "ok - $(basename "$page")"
	else
		failed=$((failed + 1))
		echo "not ok - $(basename "$page")"
		echo "$out" | sed 's/^/#   /'
	fi
done
echo "man pages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
