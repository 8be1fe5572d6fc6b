#!/bin/bash
# Every man page in docs/ passes mandoc's lint at warning level, and the
# README names every source file that starts a program.
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
# The README's list of the programs a call can start names every source
# file that starts one (exec, system, popen, posix_spawn).
root=$(dirname "$0")/..
for f in $(cd "$root" && grep -lE '\b(execv|execve|execvp|execl|system|popen|posix_spawn)[[:space:]]*\(' \
	hotplug/*.c hotplug/*/*.c netmodes/*.c netmodes/*/*.c); do
	if grep -qF "(\`$f\`)" "$root/README.md"; then
		passed=$((passed + 1))
		echo "ok - README names $f among the programs a call starts"
	else
		failed=$((failed + 1))
		echo "not ok - $f starts a program, and README's list does not name it"
	fi
done
echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
