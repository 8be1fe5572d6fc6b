# The xenstore fixture (xs-fixture): the suite's own xenstored, on a socket
# in $TMP that every call and xenstore-* tool finds through XENSTORED_PATH.

export XENSTORED_PATH=$TMP/xenstored.sock
FIXTURE_PID=

start_fixture() {
	"$BUILD/xs-fixture" --socket "$XENSTORED_PATH" --pidfile "$TMP/xs.pid" &
	FIXTURE_PID=$!
	for _ in $(seq 200); do
		[ -s "$TMP/xs.pid" ] && return 0
		sleep 0.02
	done
	echo "xenstore fixture did not start" >&2
	return 1
}

stop_fixture() {
	[ -n "$FIXTURE_PID" ] || return 0
	kill_own "$FIXTURE_PID"
	wait "$FIXTURE_PID" 2>/dev/null || true
	FIXTURE_PID=
}

# xs_read PATH: the value, or "<absent>".
xs_read() {
	xenstore-read "$1" 2>/dev/null || echo "<absent>"
}

xs_state() {
	xenstore-ls -f /local
}
