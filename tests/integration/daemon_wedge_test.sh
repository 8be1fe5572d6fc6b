#!/bin/bash
# xen-netmodesd when calls hang: a hook that never ends is killed at its
# time limit with its process group (the call fails, hotplug-error names the
# hook, nothing of it is left), made by a client itself or by the daemon;
# every worker held by such hooks while other clients still get their calls
# made; a flood of clients beyond the queue's bound; the daemon out of
# descriptors (EMFILE) without spinning, and serving again after.
TEST_NAME="daemon_wedge"
. "$(dirname "$0")/lib.sh"
lab_start

BR=xenbr0
make_dom0 $BR 10.78.0.1
for d in 61 62 63 64 65; do
	make_guest $d 0 00:16:3e:00:78:$d 10.78.0.$d/24
	xs_vif $d 0 00:16:3e:00:78:$d bridge=$BR ip=10.78.0.$d
done

# The hook hangs for a vif whose marker $TMP/hang.VIF exists: it starts a
# child in its process group, records both pids and waits for ever.
mkdir -p "$SCRIPTS/vif-post.d"
HOOK=$SCRIPTS/vif-post.d/50-hang.hook
cat >"$HOOK" <<EOF
#!/bin/sh
[ -e "$TMP/hang.\$vif" ] || exit 0
sleep 3600 &
echo "\$\$ \$!" >"$TMP/pids.\$vif.tmp"
mv "$TMP/pids.\$vif.tmp" "$TMP/pids.\$vif"
wait
EOF
chmod 0755 "$HOOK"
KILLED="hook: $HOOK did not finish within 10 s; killed it and its process group"

through() { hotplug "$@" XEN_NETMODES_DAEMON=yes; }
on_bridge() { ip -n "$D0" -o link show "$1" | grep -q "master $BR state UP"; }
hang() { rm -f "$TMP/pids.vif$1.0"; touch "$TMP/hang.vif$1.0"; }
unhang() { rm -f "$TMP/hang.vif$1.0"; }
hook_running() { test -s "$TMP/pids.vif$1.0"; }
# hook_gone DOMID: the hook's shell and its child are gone
hook_gone() { pids_gone "$TMP/pids.vif$1.0"; }
reset_vif() { # DOMID: no status, no error, off the bridge
	xenstore-write "$(be_path "$1" 0)/hotplug-status" ""
	xenstore-rm "$(be_path "$1" 0)/hotplug-error" 2>/dev/null || true
	ip -n "$D0" link set "vif$1.0" nomaster down 2>/dev/null || true
}
export -f in_dom0 hotplug through
export D0 XENSTORED_PATH SCRIPTS

# A raw client: opens N connections to the daemon's socket and sends each a
# call of vif-bridge for a vif that does not exist; with PID and SECONDS,
# prints the daemon's CPU ticks (utime+stime) spent over SECONDS while they
# wait; then prints one line per connection: "accepted", "handed-back TEXT",
# "status N TEXT", "closed" (no answer, closed) or "none" (nothing within 8 s).
cat >"$TMP/flood.py" <<'EOF'
import socket, struct, sys, time
path, n = sys.argv[1], int(sys.argv[2])
pid = sys.argv[3] if len(sys.argv) > 3 else None
def req(i):
    argv = [b"vif-bridge", b"online", b"type_if=vif"]
    env = [b"XENBUS_PATH=backend/vif/%d/0" % (200 + i), b"vif=vif%d.0" % (200 + i)]
    return (b"XNMq" + struct.pack("<III", len(argv), len(env), 20000) +
            b"".join(s + b"\0" for s in [b"vif-bridge"] + argv + env))
def ticks():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    try:
        s.send(req(i))
    except OSError:  # answered and closed at once (no descriptor): the answer is still there
        pass
    socks.append(s)
if pid:
    t0 = ticks()
    time.sleep(float(sys.argv[4]))
    print("cpu", ticks() - t0)
for s in socks:
    s.settimeout(8)
    try:
        r = s.recv(8192)
    except socket.timeout:
        r = None
    except ConnectionResetError:
        r = b""
    if r is None:
        print("none")
    elif r == b"":
        print("closed")  # a client makes its call itself then too
    elif r == b"XNMa":
        print("accepted")
    elif r[:4] == b"XNMr":
        st = struct.unpack("<i", r[4:8])[0]
        text = r[8:].decode().strip()
        print(("handed-back " if st == -1 else "status %d " % st) + text)
    else:
        print("garbage")
    s.close()
EOF
flood() { ip netns exec "$D0" python3 "$TMP/flood.py" "$DAEMON_SOCKET" "$@"; }
daemon_fds() { find "/proc/$DAEMON_PID/fd" -mindepth 1 | wc -l; }

echo "# a hook that never ends, the call made by the client itself"
hang 61
rc=0
out=$(timeout 25 bash -c 'hotplug "$@"' _ vif-bridge 61 0 online XEN_NETMODES_DAEMON=no 2>&1) || rc=$?
check_eq "the call fails at the hook's time limit: exit 1" 1 "$rc"
check "it says the hook was killed" grep -qF "$KILLED" <<<"$out"
check_eq "hotplug-error names the killed hook" "$KILLED" "$(xs_read "$(be_path 61 0)/hotplug-error")"
check_eq "hotplug-status error" error "$(xs_read "$(be_path 61 0)/hotplug-status")"
check_fails "the steps before it were undone: vif61.0 is not on $BR" on_bridge vif61.0
check "the hook ran" hook_running 61
check "the hook and its child are gone" eventually 50 hook_gone 61
unhang 61
reset_vif 61
check "without the marker the same call succeeds" hotplug vif-bridge 61 0 online XEN_NETMODES_DAEMON=no
check "vif61.0 is on $BR" on_bridge vif61.0
hotplug vif-bridge 61 0 offline XEN_NETMODES_DAEMON=no >/dev/null
reset_vif 61

echo "# the same hook, the call made by xen-netmodesd"
check "xen-netmodesd starts with 2 workers" start_daemon --workers 2 --no-watch
hang 61
rc=0
out=$(timeout 25 bash -c 'through "$@"' _ vif-bridge 61 0 online 2>&1) || rc=$?
check_eq "the call fails at the hook's time limit: exit 1" 1 "$rc"
check "the client prints why" grep -qF "$KILLED" <<<"$out"
check_eq "hotplug-error names the killed hook" "$KILLED" "$(xs_read "$(be_path 61 0)/hotplug-error")"
check_fails "vif61.0 is not on $BR" on_bridge vif61.0
check "the hook and its child are gone" eventually 50 hook_gone 61
reset_vif 61

echo "# every worker held by a hanging hook"
hang 61
hang 62
timeout 25 bash -c 'through "$@"' _ vif-bridge 61 0 online >"$TMP/h61.log" 2>&1 &
h61=$!
timeout 25 bash -c 'through "$@"' _ vif-bridge 62 0 online >"$TMP/h62.log" 2>&1 &
h62=$!
check "both workers run a hook that hangs" eventually 100 eval 'hook_running 61 && hook_running 62'
rc=0
out=$(timeout 25 bash -c 'through "$@"' _ vif-bridge 65 0 online 2>&1) || rc=$?
check_eq "a client that requires the daemon fails: exit 1" 1 "$rc"
check "it says the daemon did not make the call" \
	grep -q "xen-netmodesd did not make the call (XEN_NETMODES_DAEMON=yes)" <<<"$out"
check_fails "vif65.0 is not on $BR" on_bridge vif65.0
rc=0
out=$(timeout 25 bash -c 'hotplug "$@"' _ vif-bridge 63 0 online \
	XEN_NETMODES_EVENT_AT=0 XEN_NETMODES_EVENT_CMD="echo \$PPID >$TMP/maker63" 2>&1) || rc=$?
check_eq "another client's own call is still made: exit 0" 0 "$rc"
check "the daemon handed it back" grep -q "xen-netmodesd: .*; the client makes the call" <<<"$out"
# The injected event's shell records its parent: the process that made the call.
check "the client made it itself, not the daemon" \
	test -s "$TMP/maker63" -a "$(cat "$TMP/maker63" 2>/dev/null)" != "$DAEMON_PID"
check "vif63.0 is on $BR" on_bridge vif63.0
check_eq "hotplug-status connected" connected "$(xs_read "$(be_path 63 0)/hotplug-status")"
rc=0
out=$(timeout 25 bash -c 'hotplug "$@"' _ vif-bridge 64 0 online 2>&1) || rc=$?
check_eq "and the next one too" 0 "$rc"
check "vif64.0 is on $BR" on_bridge vif64.0
rc=0
wait "$h61" || rc=$?
check_eq "the first hanging call ends at its hook's limit: exit 1" 1 "$rc"
rc=0
wait "$h62" || rc=$?
check_eq "the second too" 1 "$rc"
check_eq "hotplug-error names the hook" "$KILLED" "$(xs_read "$(be_path 62 0)/hotplug-error")"
check "both hooks and their children are gone" eventually 50 eval 'hook_gone 61 && hook_gone 62'
unhang 61
unhang 62
reset_vif 61
reset_vif 65
check "the daemon makes calls again" through vif-bridge 61 0 online
check "vif61.0 is on $BR" on_bridge vif61.0
check "the daemon said it handed calls back" grep -q "handed [0-9]* calls\? back to" "$TMP/daemon.log"
stop_daemon

echo "# a flood of clients beyond the queue's bound"
check "xen-netmodesd starts with 1 worker and a queue of 4" start_daemon --workers 1 --queue 4 --no-watch
hang 62
reset_vif 62
timeout 25 bash -c 'through "$@"' _ vif-bridge 62 0 online >"$TMP/h62.log" 2>&1 &
h62=$!
check "the worker runs a hook that hangs" eventually 100 hook_running 62
base=$(daemon_fds) # its connections open, the call's lock and the hook's pidfd among them
flood 40 >"$TMP/flood.out"
check_eq "each of 40 clients is answered, none accepted" 40 "$(grep -c "^handed-back" "$TMP/flood.out")"
# The first 4 wait; the others find 4 waiting and are handed back at once;
# once the worker has been on its call for 3 s, those waiting are too (and
# any that come later).
check "the clients beyond the bound were handed back at once" \
	grep -q "^handed-back xen-netmodesd: 4 calls wait for a worker already" "$TMP/flood.out"
check_eq "each was told why, and never more than 4 waited" 40 "$(grep -c \
	-e "^handed-back xen-netmodesd: 4 calls wait for a worker already; the client makes the call" \
	-e "^handed-back xen-netmodesd: all 1 workers have been on their calls for over 3 s; the client" \
	"$TMP/flood.out")"
rc=0
wait "$h62" || rc=$?
check_eq "the hanging call ends at its hook's limit" 1 "$rc"
unhang 62
reset_vif 62
check "the daemon holds no descriptor of theirs" eventually 50 test "$(daemon_fds)" -le "$base"
check "and makes calls again" through vif-bridge 62 0 online
check "vif62.0 is on $BR" on_bridge vif62.0

echo "# out of descriptors"
stop_daemon
check "xen-netmodesd starts with 1 worker" start_daemon --workers 1 --no-watch
hotplug vif-bridge 64 0 offline XEN_NETMODES_DAEMON=no >/dev/null
reset_vif 64
hang 64
timeout 25 bash -c 'through "$@"' _ vif-bridge 64 0 online >"$TMP/h64.log" 2>&1 &
h64=$!
check "the worker runs a hook that hangs" eventually 100 hook_running 64
limit=$(($(daemon_fds) + 4))
prlimit --pid "$DAEMON_PID" --nofile=$limit:
flood 40 "$DAEMON_PID" 3 >"$TMP/emfile.out"
ticks=$(sed -n 's/^cpu //p' "$TMP/emfile.out")
check "its CPU time does not run away while clients wait (${ticks:-?} ticks in 3 s)" \
	test "${ticks:-999}" -lt 30
check_eq "none of 40 clients is accepted or left waiting" 0 \
	"$(grep -c -e "^accepted" -e "^none" -e "^garbage" "$TMP/emfile.out" || true)"
check "those it had no descriptor for are told so" \
	grep -q "^handed-back xen-netmodesd: no descriptor left for the call; the client makes it" "$TMP/emfile.out"
check "the daemon says so" grep -q "no descriptor left: clients are told to make their calls themselves" \
	"$TMP/daemon.log"
rc=0
wait "$h64" || rc=$?
check_eq "the hanging call ends at its hook's limit" 1 "$rc"
unhang 64
reset_vif 64
check_eq "its limit is still $limit descriptors" "$limit" \
	"$(prlimit --pid "$DAEMON_PID" --nofile --noheadings --output SOFT | tr -d " ")"
check "it makes calls again" through vif-bridge 64 0 online
check "vif64.0 is on $BR" on_bridge vif64.0
check "and again" through vif-bridge 64 0 offline
check "xen-netmodesd is still running" kill -0 "$DAEMON_PID"
check_fails "it logged no sanitizer report" grep -q Sanitizer "$TMP/daemon.log"
stop_daemon

finish
