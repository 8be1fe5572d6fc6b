# xen-netmodesd in dom0: started, stopped, and how many calls it made.
# XNM_DAEMON=1: the suite's per-vif calls all go through it, started in dom0
# as soon as dom0 exists (netns_add); a call it does not make fails
# (XEN_NETMODES_DAEMON=yes: no silent fallback). finish() checks it served.

DAEMON_PID=
DAEMON_SOCKET=$XEN_NETMODES_RUN_DIR/xen-netmodesd.sock

# start_daemon [ARGS...]: xen-netmodesd --foreground in dom0 with the suite's
# environment (run by the words of DAEMON_WRAP first, when set: valgrind);
# returns once it says it serves (a dead daemon's socket may still be there).
start_daemon() {
	local serving
	mkdir -p "$XEN_NETMODES_RUN_DIR"
	serving=$(grep -c "serving on" "$TMP/daemon.log" 2>/dev/null || true)
	# --exec: $! must be the daemon itself, not a subshell running in_dom0.
	# It starts with 0, 1 and 2 only, as systemd starts it: what its hooks
	# inherit is then only what it opened itself.
	# shellcheck disable=SC2086
	{
		close_other_fds
		in_dom0 --exec ${DAEMON_WRAP:-} "$BUILD/xen-netmodesd" --foreground "$@"
	} 2>>"$TMP/daemon.log" &
	DAEMON_PID=$!
	BACKGROUND+=("$DAEMON_PID")
	for _ in $(seq 500); do
		[ "$(grep -c "serving on" "$TMP/daemon.log")" -gt "${serving:-0}" ] && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.02
	done
	echo "xen-netmodesd did not start:" >&2
	cat "$TMP/daemon.log" >&2
	return 1
}

# stop_daemon: SIGTERM, and waits for it; daemon_calls then prints how many calls it made.
stop_daemon() {
	kill_own "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
}
# sanitizer_report LOG: succeeds when LOG holds a sanitizer's report, and
# prints its head (where it happened: the tail of a long report is not).
sanitizer_report() {
	grep -q Sanitizer "$1" || return 1
	grep -m1 -A30 -E '^==[0-9]+==|runtime error|^Tracer caught' "$1" || grep -m1 -B2 -A30 Sanitizer "$1"
}
daemon_calls() {
	sed -n 's/.*stopped after \([0-9]*\) calls$/\1/p' "$TMP/daemon.log" | tail -n 1
}
