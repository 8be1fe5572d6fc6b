# Results of a suite's checks, one library for every suite: the namespace
# suites, the real-Xen rig's scenarios and lab, make install's and the lab's
# interrupt tests. Each check prints "ok N - ..." or "not ok N - ...", a
# failure's evidence follows on "#   " lines, and the suite ends with
# "NAME: N passed, M failed", the line tests/run-all.sh adds up.
#
# May set before sourcing:
#   RESULTS_PREFIX  before every line: "XNM " in the rig, whose runner picks
#                   its lines out of the serial console by it
#   RESULTS_NAME    before every check's description: "10-bridge: "
# and must set:
#   RESULTS_DIR     a directory of the suite's own, where a check keeps its
#                   command's output: RESULTS_DIR/last is the last check's,
#                   for the checks after it

PASS=0
FAIL=0
LAST_FAILED=0
: "${RESULTS_DIR:?set RESULTS_DIR before sourcing results.sh}"

say() { echo "${RESULTS_PREFIX:-}$*"; }

# evidence [N]: standard input's first N lines (25) as a failure's evidence.
# head first: a sed cut short by head would fail the pipe (pipefail).
evidence() { head -n "${1:-25}" | sed "s/^/${RESULTS_PREFIX:-}#   /"; }

ok() {
	PASS=$((PASS + 1))
	LAST_FAILED=0
	say "ok $((PASS + FAIL)) - ${RESULTS_NAME:-}$*"
}

not_ok() {
	FAIL=$((FAIL + 1))
	LAST_FAILED=1
	say "not ok $((PASS + FAIL)) - ${RESULTS_NAME:-}$*"
}

# last_failed: whether the last check failed (for more evidence after it).
last_failed() { [ "$LAST_FAILED" = 1 ]; }

# run_kept CMD...: CMD, its output kept in RESULTS_DIR/last.
run_kept() {
	local rc=0
	"$@" >"$RESULTS_DIR/out" 2>&1 || rc=$?
	mv -f "$RESULTS_DIR/out" "$RESULTS_DIR/last"
	return $rc
}

# check DESCRIPTION COMMAND...: passes when the command succeeds; its output
# is the evidence.
check() {
	local desc=$1
	shift
	if run_kept "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		evidence <"$RESULTS_DIR/last"
	fi
}

# check_fails DESCRIPTION COMMAND...: passes when the command fails.
check_fails() {
	local desc=$1
	shift
	if run_kept "$@"; then
		not_ok "$desc (it succeeded)"
		evidence <"$RESULTS_DIR/last"
	else
		ok "$desc"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		{ diff <(echo "$2") <(echo "$3") || true; } | evidence
	fi
}

# summary NAME: the closing count; fails when a check did.
summary() {
	say "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
