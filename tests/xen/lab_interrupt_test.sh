#!/bin/bash
# make lab stopped by a terminal's Ctrl-C (SIGINT to its process group)
# once both hosts are up: it exits 130 with nothing left running or behind.
#   lab_interrupt_test.sh [CACHE_DIR]   (the images make lab just used)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:-$here/../../build/xen/${XNM_XEN_RELEASE:-13}}
RESULTS_DIR=$(mktemp -d)
log=$RESULTS_DIR/lab.log
trap 'rm -rf "$RESULTS_DIR"' EXIT
RESULTS_NAME="lab-interrupt: "
. "$here/../lib/results.sh"
# check, with the lab's last lines as the evidence of a failure
lab_check() {
	check "$@"
	if last_failed; then tail -n 5 "$log" | evidence; fi
}
mine() { pgrep -f 'xnm\.lab=' >/dev/null; }
# A shell's background job ignores SIGINT; a terminal's foreground does not.
setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' env XNM_LAB_IMAGES=keep "$here/lab.sh" "$CACHE" >"$log" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q '^== ' "$log" && break; sleep 0.2; done
lab_check "the lab got to its story" grep -q '^== ' "$log"
dir=$(ls -d /tmp/xnm-lab.* 2>/dev/null | head -n 1)
lab_check "both hosts run" mine
kill -INT -- "-$pid"
rc=0
wait "$pid" || rc=$?
lab_check "Ctrl-C: make lab exits 130" test "$rc" = 130
gone() { for _ in $(seq 50); do mine || return 0; sleep 0.2; done; return 1; }
lab_check "no QEMU of the lab is left" gone
lab_check "its run directory is gone" test ! -e "${dir:-/nonexistent}"
summary lab-interrupt
