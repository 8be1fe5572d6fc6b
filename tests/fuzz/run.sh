#!/bin/bash
# Runs every fuzz target for SECONDS each on its corpus (kept in tests/fuzz/corpus),
# and closes with a count: a crash, leak or failed check fails its target.
set -uo pipefail
BUILD=${1:?usage: run.sh BUILD_DIR SECONDS}
SECONDS_EACH=${2:-60}
here=$(dirname "$0")
passed=0
failed=0
for f in "$BUILD"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue # the .d files beside them
	name=$(basename "$f")
	corpus=$here/corpus/${name#fuzz_}
	work=$(mktemp -d)
	if "$f" -max_total_time="$SECONDS_EACH" -print_final_stats=0 "$work" "$corpus" >"$work.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok - $name: $(grep -o 'Done [0-9]* runs' "$work.log" | tail -n 1)"
	else
		failed=$((failed + 1))
		echo "not ok - $name"
		tail -n 30 "$work.log" | sed 's/^/#   /'
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
