#!/bin/bash
# xen-netmodesd: calls handed over by clients, vifs brought up and down from
# its own xenstore watch, calls for different vifs at once and for one vif in
# order, one deadline per call (a call the daemon took never made twice, one
# no worker started in time handed back to its client), a daemon killed mid-call (the client
# reports it, and does not make the call), xenstore and
# the nftables ruleset restarted under it, 256 calls at once, bad requests.
# (The vif suites also run whole through the daemon: XNM_DAEMON=1.)
TEST_NAME="daemon"
. "$(dirname "$0")/lib.sh"
lab_start

BR=xenbr0
make_dom0 $BR 10.79.0.1
make_guest 51 0 00:16:3e:00:79:51 10.79.0.51/24
make_guest 52 0 00:16:3e:00:79:52 10.79.0.52/24
G51=$(guest_ns 51)
xs_vif 51 0 00:16:3e:00:79:51 bridge=$BR ip=10.79.0.51
xs_vif 52 0 00:16:3e:00:79:52 bridge=$BR ip=10.79.0.52

# through COMMAND...: a client call that must be made by the daemon.
through() {
	hotplug "$@" XEN_NETMODES_DAEMON=yes
}
on_bridge() { # VIF: attached to the bridge and up
	ip -n "$D0" -o link show "$1" | grep -q "master $BR state UP"
}
status_is() { # BACKEND VALUE
	[ "$(xs_read "$1/hotplug-status")" = "$2" ]
}

echo "# starting"
check "xen-netmodesd starts" start_daemon
check_eq "its socket is root's only" "600 root" "$(stat -c '%a %U' "$DAEMON_SOCKET")"
rc=0
out=$(in_dom0 "$BUILD/xen-netmodesd" --foreground 2>&1) || rc=$?
check_eq "a second daemon refuses to start: exit 1" 1 "$rc"
check "and says why" grep -q "another xen-netmodesd is listening on $DAEMON_SOCKET" <<<"$out"
for bad in 0 65 x; do
	rc=0
	"$BUILD/xen-netmodesd" --workers $bad >/dev/null 2>&1 || rc=$?
	check_eq "--workers $bad refused" 1 "$rc"
done

echo "# calls handed over by clients"
check "vif51.0 online through the daemon" through vif-bridge 51 0 online
check_eq "hotplug-status connected" connected "$(xs_read "$(be_path 51 0)/hotplug-status")"
check "vif51.0 is on $BR and up" on_bridge vif51.0
check "vif51.0 is filtered" port_filtered bridge vif51.0
check "guest 51 pings dom0 through the bridge" ping_ok "$G51" 10.79.0.1
in_ns "$G51" ip addr add 10.79.0.99/24 dev eth0
check_fails "a spoofed source from guest 51 does not get through" ping_ok "$G51" -I 10.79.0.99 10.79.0.1
in_ns "$G51" ip addr del 10.79.0.99/24 dev eth0
online_state=$(host_state)
check "a repeated online through the daemon" through vif-bridge 51 0 online
check_eq "changes nothing" "$online_state" "$(host_state)"
xenstore-write "$(be_path 52 0)/mac" "00:16:3e:zz:00:01"
rc=0
out=$(through vif-bridge 52 0 online 2>&1) || rc=$?
check_eq "a bad mac through the daemon: exit 1" 1 "$rc"
check "the client prints the call's error" grep -q "vif-bridge: .*mac" <<<"$out"
check "hotplug-error says it" grep -q "mac" <<<"$(xs_read "$(be_path 52 0)/hotplug-error")"
check_eq "hotplug-status error" error "$(xs_read "$(be_path 52 0)/hotplug-status")"
xenstore-write "$(be_path 52 0)/mac" "00:16:3e:00:79:52" "$(be_path 52 0)/hotplug-status" ""
xenstore-rm "$(be_path 52 0)/hotplug-error"
out=$(hotplug vif-bridge 52 0 online --dry-run XEN_NETMODES_DAEMON=yes)
check "a dry run is printed by the client itself" grep -q "^# vif-bridge online vif52.0" <<<"$out"
check_fails "and changes nothing" on_bridge vif52.0
# The injected event's shell records its parent: the process that made the call.
check "XEN_NETMODES_DRY_RUN=0 is a real run" through vif-bridge 52 0 online XEN_NETMODES_DRY_RUN=0 \
	XEN_NETMODES_EVENT_AT=0 XEN_NETMODES_EVENT_CMD="echo \$PPID >$TMP/maker"
check_eq "and the daemon made it" "$DAEMON_PID" "$(cat "$TMP/maker" 2>/dev/null)"
check "vif52.0 is on $BR" on_bridge vif52.0
check "XEN_NETMODES_DRY_RUN=false: a real run too" through vif-bridge 52 0 offline XEN_NETMODES_DRY_RUN=false
check_fails "vif52.0 is off $BR" on_bridge vif52.0
xenstore-write "$(be_path 52 0)/hotplug-status" ""
check "vif51.0 offline through the daemon" through vif-bridge 51 0 offline
check_fails "vif51.0 is off the bridge" on_bridge vif51.0
check_fails "its filter is gone" port_filtered bridge vif51.0

echo "# the daemon's own watch: no client at all"
be=$(be_path 51 0)
xenstore-write "$be/hotplug-status" ""
xenstore-write "$be/state" 2 # netback: InitWait, the vif exists
check "state 2 with online 1: the daemon brings vif51.0 up" \
	eventually 50 status_is "$be" connected
check "vif51.0 is on $BR" on_bridge vif51.0
check "and filtered" port_filtered bridge vif51.0
check "guest 51 pings dom0" ping_ok "$G51" 10.79.0.1
xenstore-write "$be/online" 0 "$be/state" 5 # the toolstack takes it down
watched_off() { ! on_bridge vif51.0 && ! port_filtered bridge vif51.0; }
check "online 0 with state 5: the daemon takes vif51.0 down" eventually 50 watched_off
xenstore-write "$(be_path 52 0)/script" /etc/xen/scripts/vif-custom "$(be_path 52 0)/state" 2
sleep 0.5
check_eq "a vif whose script is not ours is left alone" "" "$(xs_read "$(be_path 52 0)/hotplug-status")"
check_fails "its vif untouched" on_bridge vif52.0
xenstore-write "$(be_path 52 0)/script" "$SCRIPTS/vif-bridge" "$(be_path 52 0)/hotplug-status" error \
	"$(be_path 52 0)/state" 4
sleep 0.5
check_eq "a vif whose call failed is not tried again by the daemon" error \
	"$(xs_read "$(be_path 52 0)/hotplug-status")"
xenstore-write "$(be_path 52 0)/hotplug-status" "" "$(be_path 52 0)/state" 1
xenstore-write "$be/online" 1 "$be/state" 1 "$be/hotplug-status" ""

echo "# different vifs at once, one vif in order"
lock=$XEN_NETMODES_LOCK_DIR/xen-netmodes-vif51.0
mkdir -p "$XEN_NETMODES_LOCK_DIR"
flock "$lock" sleep 3 &
holder=$!
sleep 0.2
through vif-bridge 51 0 online >"$TMP/o1.log" 2>&1 &
p1=$!
sleep 0.1
through vif-bridge 51 0 offline >"$TMP/o2.log" 2>&1 &
p2=$!
sleep 0.1
check "vif52.0 online while vif51.0's calls wait for its lock" through vif-bridge 52 0 online
check "vif52.0 came up before vif51.0's lock was free" kill -0 "$holder"
check_fails "vif51.0 not up yet" on_bridge vif51.0
wait "$p1" && wait "$p2"
check "vif51.0's online and offline both succeed once the lock is free" true
check_fails "and they ran in order: vif51.0 ends offline" on_bridge vif51.0
check_eq "status from the online" connected "$(xs_read "$(be_path 51 0)/hotplug-status")"
wait "$holder" || true
through vif-bridge 52 0 offline >/dev/null

echo "# nftables restarted under the daemon"
through vif-bridge 51 0 online >/dev/null
online_state=$(host_state)
in_ns "$D0" nft flush ruleset
check "online after the ruleset was flushed" through vif-bridge 51 0 online
check "the filter is back" port_filtered bridge vif51.0
check_eq "the same state as before" "$online_state" "$(host_state)"

echo "# one deadline per call; a call the daemon took is never made twice"
export -f in_dom0 hotplug through
export D0 XENSTORED_PATH XEN_NETMODES_RUN_DIR SCRIPTS
be=$(be_path 51 0)
through vif-bridge 51 0 offline >/dev/null
xenstore-write "$be/hotplug-status" ""
mkdir -p "$XEN_NETMODES_LOCK_DIR"
# gate: held by this shell (on fd 9, which no call may inherit), a call's
# injected event waits at it until it is let go.
gate=$TMP/gate
exec 9>"$gate"
flock 9
log=$HOTPLUG_LOG
mark=$(wc -l <"$log" 2>/dev/null || echo 0)
rc=0
out=$(timeout 50 bash -c 'through "$@"' _ vif-bridge 51 0 online XEN_NETMODES_CALL_BUDGET_MS=3000 \
	XEN_NETMODES_EVENT_AT=1 XEN_NETMODES_EVENT_CMD="flock $gate true" 2>&1 9>&-) || rc=$?
check_eq "a call the daemon took but could not finish by its deadline: exit 1" 1 "$rc"
check "the client says so, and does not make it itself" \
	grep -q "did not answer by its deadline; not making it a second time" <<<"$out"
check_fails "nothing made it meanwhile: vif51.0 is not on $BR" on_bridge vif51.0
exec 9>&- # the gate opens
check "the daemon, let go, makes the call" eventually 100 status_is "$be" connected
check "vif51.0 is on $BR" on_bridge vif51.0
check_eq "made once: one success logged" 1 \
	"$(tail -n +$((mark + 1)) "$log" | grep -c "Successful vif-bridge online for vif51.0")"
# A call queued behind a slow one for the same vif, which no worker starts
# within its window: handed back, never made by the daemon; its client makes
# it itself, and waits for the vif's lock until its deadline.
exec 9>"$gate"
flock 9
through vif-bridge 51 0 online XEN_NETMODES_EVENT_AT=0 XEN_NETMODES_EVENT_CMD="flock $gate true" \
	>"$TMP/slow.log" 2>&1 9>&- &
slow=$!
vif_lock_held() { ! flock -n "$XEN_NETMODES_LOCK_DIR/xen-netmodes-vif51.0" true; }
check "the slow online holds vif51.0's lock" eventually 100 vif_lock_held
rc=0
out=$(timeout 50 bash -c 'hotplug "$@"' _ vif-bridge 51 0 offline XEN_NETMODES_CALL_BUDGET_MS=2000 2>&1 9>&-) ||
	rc=$?
check_eq "an offline queued behind it, not started in time: exit 1" 1 "$rc"
check "the daemon handed it back" grep -q \
	"xen-netmodesd: no worker was free to start the call in time; the client makes the call" <<<"$out"
check "and the client, making it, waited for vif51.0's lock until its deadline" \
	grep -q "xen-netmodes-vif51.0: the call's deadline" <<<"$out"
exec 9>&-
rc=0
wait "$slow" || rc=$?
check_eq "the slow online then succeeds" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' "$TMP/slow.log"
check "the daemon says it handed the call back" eventually 100 grep -q \
	"handed 1 call back to its client: no worker was free to start the call in time" \
	<(tail -n +$((mark + 1)) "$log")
check "so vif51.0 is still on $BR, as the online left it" on_bridge vif51.0
check_eq "and hotplug-status is the online's" connected "$(xs_read "$be/hotplug-status")"
# The lock wait ends by the deadline, on the client's own path too.
exec 9>"$XEN_NETMODES_LOCK_DIR/xen-netmodes-vif51.0"
flock 9
rc=0
out=$(timeout 50 bash -c 'hotplug "$@"' _ vif-bridge 51 0 offline XEN_NETMODES_DAEMON=no \
	XEN_NETMODES_CALL_BUDGET_MS=4000 2>&1) || rc=$?
exec 9>&-
check_eq "a lock held past the call's deadline: exit 1" 1 "$rc"
check "the lock wait ended at the call's deadline" \
	grep -q "waiting for lock $XEN_NETMODES_LOCK_DIR/xen-netmodes-vif51.0: the call's deadline" <<<"$out"
check "hotplug-error says so" grep -q "the call's deadline" <<<"$(xs_read "$be/hotplug-error")"
through vif-bridge 51 0 offline >/dev/null
xenstore-write "$be/hotplug-status" ""
xenstore-rm "$be/hotplug-error"

echo "# killed mid-call: the call was the daemon's, the client does not make it again"
rc=0
out=$(hotplug vif-bridge 51 0 online XEN_NETMODES_EVENT_AT=2 \
	XEN_NETMODES_EVENT_CMD="kill -9 $DAEMON_PID 2>/dev/null || true" 2>&1) || rc=$?
check_eq "the client's call fails: exit 1" 1 "$rc"
check "it says the daemon went away with the call" \
	grep -q "xen-netmodesd went away while it had the call; not making it a second time" <<<"$out"
check_eq "hotplug-status error" error "$(xs_read "$be/hotplug-status")"
check "hotplug-error says why" grep -q "went away while it had the call" <<<"$(xs_read "$be/hotplug-error")"
check_fails "the client did not make it: vif51.0 is not on $BR" on_bridge vif51.0
rc=0
wait "$DAEMON_PID" 2>/dev/null || rc=$?
check_eq "the daemon was killed" 137 "$rc"
check "no daemon: the next online is made by the client itself" hotplug vif-bridge 51 0 online
check_eq "the host is as after any online" "$online_state" "$(host_state)"
check "no daemon: a client makes the call itself" hotplug vif-bridge 51 0 offline
check_fails "a client that requires the daemon fails" through vif-bridge 51 0 online
check "a restarted daemon starts on the dead one's socket" start_daemon
check "and makes calls" through vif-bridge 51 0 online

echo "# xenstore restarted under the daemon"
kill "$FIXTURE_PID"
wait "$FIXTURE_PID" 2>/dev/null || true
rm -f "$TMP/xs.pid"
start_fixture
xs_vif 51 0 00:16:3e:00:79:51 bridge=$BR ip=10.79.0.51
check "the daemon notices and reconnects" eventually 50 \
	grep -q "xenstore is back" "$TMP/daemon.log"
check "online through the daemon after the restart" through vif-bridge 51 0 online
check_eq "hotplug-status connected in the new xenstore" connected "$(xs_read "$(be_path 51 0)/hotplug-status")"
check "offline too" through vif-bridge 51 0 offline
# Without the watch nothing notices the loss before a call does: the call
# fails on the dead connection and is made once more on a new one.
stop_daemon
check "a daemon without its watch starts" start_daemon --no-watch
check "and makes calls" through vif-bridge 51 0 online
kill "$FIXTURE_PID"
wait "$FIXTURE_PID" 2>/dev/null || true
rm -f "$TMP/xs.pid"
start_fixture
xs_vif 51 0 00:16:3e:00:79:51 bridge=$BR ip=10.79.0.51
check "the first call after a xenstore restart succeeds" through vif-bridge 51 0 online
check_eq "hotplug-status connected" connected "$(xs_read "$(be_path 51 0)/hotplug-status")"
check "offline too" through vif-bridge 51 0 offline
stop_daemon
check "the daemon with its watch again" start_daemon

echo "# bad requests"
# raw REQUEST: sends bytes (python escapes) to the socket, prints the reply's status
raw() {
	python3 - "$DAEMON_SOCKET" "$1" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(eval(sys.argv[2]))
r = s.recv(8192)
print(struct.unpack("<i", r[4:8])[0] if r[:4] == b"XNMr" else "no reply", r[8:].decode().strip())
EOF
}
check_eq "garbage: exit status 1 and why" "1 xen-netmodesd: malformed request" "$(raw 'b"hello"')"
check_eq "counts that do not match the strings" "1 xen-netmodesd: malformed request" \
	"$(raw 'b"XNMq" + struct.pack("<III", 3, 0, 1000) + b"vif-bridge\0vif-bridge\0online\0"')"
check_eq "a string without its NUL" "1 xen-netmodesd: malformed request" \
	"$(raw 'b"XNMq" + struct.pack("<III", 1, 0, 1000) + b"vif-bridge\0online"')"
check_eq "no budget" "1 xen-netmodesd: malformed request" \
	"$(raw 'b"XNMq" + struct.pack("<III", 1, 0, 0) + b"vif-bridge\0vif-bridge\0"')"
check_eq "a mode that is not per-vif" "1 xen-netmodesd: not a per-vif mode" \
	"$(raw 'b"XNMq" + struct.pack("<III", 2, 0, 1000) + b"network-bridge\0network-bridge\0start\0"')"
check_eq "an oversized request" "1 xen-netmodesd: malformed request" \
	"$(raw 'b"XNMq" + struct.pack("<III", 1, 0, 1000) + b"vif-bridge\0" + b"a" * 70000 + b"\0"')"
check "the daemon is still running" kill -0 "$DAEMON_PID"

echo "# 256 calls at once, through the daemon (or made by their clients when handed back)"
N=256
{
	for ((d = 100; d < 100 + N; d++)); do
		echo "link add vif$d.0 type veth peer name g$d"
	done
} | ip -n "$D0" -batch -
for ((d = 100; d < 100 + N; d++)); do
	mac=$(printf '00:16:3e:01:%02x:%02x' $((d / 256)) $((d % 256)))
	be=$(be_path $d 0)
	echo "$be/frontend /local/domain/$d/device/vif/0 $be/online 1 $be/state 1 $be/script $SCRIPTS/vif-bridge"
	echo "$be/mac $mac $be/bridge $BR $be/handle 0 $be/type vif"
	echo "/local/domain/$d/device/vif/0/mac $mac $be/ip 10.80.$((d / 256)).$((d % 256))"
done | xargs -n 12 xenstore-write
export -f in_dom0 hotplug through
export D0 XENSTORED_PATH XEN_NETMODES_RUN_DIR SCRIPTS XNM_DAEMON=
pids=()
for ((d = 100; d < 100 + N; d++)); do
	timeout 60 bash -c 'hotplug vif-bridge "$1" 0 online' _ $d >>"$TMP/many.log" 2>&1 &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
check_eq "$N concurrent calls: none failed" 0 "$failed"
# A call no worker starts within 8 s is handed back, and its client makes it.
check "the daemon made most of them" \
	test "$(grep -c "the client makes the call" "$TMP/many.log" || true)" -lt $((N / 2))
connected=0 attached=0
for ((d = 100; d < 100 + N; d++)); do
	[ "$(xs_read "$(be_path $d 0)/hotplug-status")" = connected ] && connected=$((connected + 1))
done
attached=$(ip -n "$D0" -o link show master $BR | grep -cE ': vif[0-9]{3}\.0@' || true)
check_eq "all $N connected" $N "$connected"
check_eq "all $N on the bridge" $N "$attached"
# The daemon's sockets, by /proc: its fds' inodes looked up in its namespace's tables.
daemon_socks() { # KIND: rtnl, nft (netlink by protocol) or stream (unix, unnamed: xenstore)
	local inodes
	inodes=$(find "/proc/$DAEMON_PID/fd" -lname 'socket:*' -printf '%l\n' | tr -dc '0-9\n')
	case $1 in
	rtnl) awk 'NR > 1 && $2 == 0 {print $NF}' "/proc/$DAEMON_PID/net/netlink" ;;
	nft) awk 'NR > 1 && $2 == 12 {print $NF}' "/proc/$DAEMON_PID/net/netlink" ;;
	stream) awk 'NR > 1 && $5 == "0001" && NF == 7 {print $7}' "/proc/$DAEMON_PID/net/unix" ;;
	esac | grep -cxF -f <(echo "$inodes") || true
}
check_eq "after $N calls on 8 workers: one rtnetlink socket" 1 "$(daemon_socks rtnl)"
check_eq "one nftables socket" 1 "$(daemon_socks nft)"
check_eq "two xenstore connections: the calls' and the watch's" 2 "$(daemon_socks stream)"

echo "# stopping"
kill -TERM "$DAEMON_PID" || echo "# xen-netmodesd was gone before its SIGTERM"
rc=0
wait "$DAEMON_PID" || rc=$?
check_eq "SIGTERM: exit 0" 0 "$rc"
check_fails "its socket is gone" test -e "$DAEMON_SOCKET"
check "it says how many calls it made" grep -q "stopped after [0-9]* calls" "$TMP/daemon.log"
check_fails "it logged no sanitizer report" sanitizer_report "$TMP/daemon.log"
DAEMON_PID=
check "then clients make their calls themselves" hotplug vif-bridge 51 0 online

echo "# in the background"
# background [ENV...]: xen-netmodesd without --foreground; prints its output, exits with its status.
background() {
	in_dom0 "$@" "$BUILD/xen-netmodesd" 2>&1
}
rc=0
out=$(background) || rc=$?
check_eq "without --foreground the command returns 0 once the daemon serves" 0 "$rc"
check "its socket is there when it returns" test -S "$DAEMON_SOCKET"
check "the daemon makes calls" through vif-bridge 51 0 offline
pkill -TERM -x -f "$BUILD/xen-netmodesd"
gone() { ! test -e "$DAEMON_SOCKET"; }
check "SIGTERM stops it" eventually 250 gone
rc=0
out=$(background XENSTORED_PATH="$TMP/no-xenstore.sock") || rc=$?
check_eq "with no xenstore to watch: exit 1" 1 "$rc"
check "and it says so" grep -q "xen-netmodesd: did not start" <<<"$out"
check_fails "no socket left behind" test -e "$DAEMON_SOCKET"

finish
