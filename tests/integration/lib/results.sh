# TAP-style results: each check prints "ok N - ..." or "not ok N - ...", and
# finish prints the suite's closing "NAME: N passed, M failed" line.

PASS=0
FAIL=0

ok() {
	PASS=$((PASS + 1))
	echo "ok $((PASS + FAIL)) - $*"
}

not_ok() {
	FAIL=$((FAIL + 1))
	echo "not ok $((PASS + FAIL)) - $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		head -n 20 "$TMP/check.out" | sed 's/^/#   /' # head first: a sed cut short by head would fail the pipe (pipefail)
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		{ diff <(echo "$2") <(echo "$3") || true; } | head -n 20 | sed 's/^/#   /'
	fi
}

# check_fails DESCRIPTION COMMAND...: passes when the command fails.
check_fails() {
	local desc=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		not_ok "$desc (it succeeded)"
	else
		ok "$desc"
	fi
}

# The suite's last word; through the daemon (XNM_DAEMON), also that it
# served the suite and stayed healthy.
finish() {
	if [ -n "${XNM_DAEMON:-}" ]; then
		check "xen-netmodesd still running at the end" kill -0 "$DAEMON_PID"
		stop_daemon
		check "xen-netmodesd made the suite's calls ($(daemon_calls))" test "$(daemon_calls)" -gt 0
		check "xen-netmodesd logged no sanitizer report" \
			bash -c "! grep -q 'Sanitizer' '$TMP/daemon.log'"
	fi
	echo "$TEST_NAME${XNM_DAEMON:+ (through xen-netmodesd)}: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
