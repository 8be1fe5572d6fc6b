#!/bin/bash
# make lab stopped by a terminal's Ctrl-C (SIGINT to its process group)
# once both hosts are up: it exits 130 with nothing left running or behind.
#   lab_interrupt_test.sh [CACHE_DIR]   (the images make lab just used)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:-$here/../../build/xen}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0 failed=0
check() { # DESC CMD...
	if "${@:2}"; then passed=$((passed + 1)); echo "ok - lab-interrupt: $1"; else
		failed=$((failed + 1)); echo "not ok - lab-interrupt: $1"; sed 's/^/#   /' "$log" | tail -n 5; fi
}
mine() { pgrep -f 'xnm\.lab=' >/dev/null; }
# A shell's background job ignores SIGINT; a terminal's foreground does not.
setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' env XNM_LAB_IMAGES=keep "$here/lab.sh" "$CACHE" >"$log" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q '^== ' "$log" && break; sleep 0.2; done
check "the lab got to its story" grep -q '^== ' "$log"
dir=$(ls -d /tmp/xnm-lab.* 2>/dev/null | head -n 1)
check "both hosts run" mine
kill -INT -- "-$pid"
rc=0
wait "$pid" || rc=$?
check "Ctrl-C: make lab exits 130" test "$rc" = 130
gone() { for _ in $(seq 50); do mine || return 0; sleep 0.2; done; return 1; }
check "no QEMU of the lab is left" gone
check "its run directory is gone" test ! -e "${dir:-/nonexistent}"
echo "lab-interrupt: $passed passed, $failed failed"
[ $failed -eq 0 ]
