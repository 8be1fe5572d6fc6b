# The suite's last word (its checks' results: tests/lib/results.sh); through
# the daemon (XNM_DAEMON), also that it served the suite and stayed healthy.
finish() {
	if [ -n "${XNM_DAEMON:-}" ]; then
		check "xen-netmodesd still running at the end" kill -0 "$DAEMON_PID"
		stop_daemon
		check "xen-netmodesd made the suite's calls ($(daemon_calls))" test "$(daemon_calls)" -gt 0
		check_fails "xen-netmodesd logged no sanitizer report" sanitizer_report "$TMP/daemon.log"
	fi
	summary "$TEST_NAME${XNM_DAEMON:+ (through xen-netmodesd)}"
}
