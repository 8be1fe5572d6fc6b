# Shared by the namespace tests: TAP-style results, the xenstore fixture,
# the lab topology (a dom0 namespace with a bridge, guests behind veth pairs
# whose dom0 ends are named like netback's vifD.N), and calls made the way
# libxl makes them. Source it after setting TEST_NAME; pass the build dir.

set -euo pipefail

BUILD=$(realpath "${1:?usage: $0 BUILD_DIR}")
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/xnm-test.XXXXXX)
ID=$$
D0=xnm$ID-dom0
NAMESPACES=()
BACKGROUND=() # servers a test starts, stopped on exit
FIXTURE_PID=
export XENSTORED_PATH=$TMP/xenstored.sock
# network-* state files of this test only
export XEN_NETMODES_RUN_DIR=$TMP/run
SCRIPTS=$TMP/scripts

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
		sed 's/^/#   /' "$TMP/check.out" | head -n 20
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

cleanup() {
	local ns pid
	for pid in "${BACKGROUND[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	if [ -n "$FIXTURE_PID" ]; then
		kill "$FIXTURE_PID" 2>/dev/null || true
		wait "$FIXTURE_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

netns_add() {
	ip netns add "$1"
	NAMESPACES+=("$1")
	ip -n "$1" link set lo up
	if [ "$1" == "$D0" ] && [ -n "${XNM_DAEMON:-}" ]; then
		start_daemon
	fi
}

# XNM_DAEMON=1: the suite's per-vif calls all go through xen-netmodesd, started
# in dom0 as soon as dom0 exists; a call it does not make fails
# (XEN_NETMODES_DAEMON=yes: no silent fallback). finish() checks it served.
DAEMON_PID=
DAEMON_SOCKET=$XEN_NETMODES_RUN_DIR/xen-netmodesd.sock

# in_dom0 CMD...: CMD in dom0's namespace, with only what a hotplug gets.
in_dom0() {
	ip netns exec "$D0" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XENSTORED_PATH="$XENSTORED_PATH" \
		XEN_NETMODES_RUN_DIR="$XEN_NETMODES_RUN_DIR" ASAN_OPTIONS="${ASAN_OPTIONS:-}" "$@"
}

# start_daemon [ARGS...]: xen-netmodesd --foreground in dom0 with the suite's
# environment (run by the words of DAEMON_WRAP first, when set: valgrind);
# returns once it says it serves (a dead daemon's socket may still be there).
start_daemon() {
	local serving
	mkdir -p "$XEN_NETMODES_RUN_DIR"
	serving=$(grep -c "serving on" "$TMP/daemon.log" 2>/dev/null || true)
	# shellcheck disable=SC2086
	# in_dom0's environment, spelled out: $! must be the daemon itself (ip
	# execs env, which execs it), not a subshell running a function.
	ip netns exec "$D0" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XENSTORED_PATH="$XENSTORED_PATH" \
		XEN_NETMODES_RUN_DIR="$XEN_NETMODES_RUN_DIR" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		${DAEMON_WRAP:-} "$BUILD/xen-netmodesd" --foreground "$@" 2>>"$TMP/daemon.log" &
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
	kill -TERM "$DAEMON_PID" 2>/dev/null || true
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
}
daemon_calls() {
	sed -n 's/.*stopped after \([0-9]*\) calls$/\1/p' "$TMP/daemon.log" | tail -n 1
}

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

# The script directory a toolstack would use: the applets as links to our binary.
# The applets, as links to the binary; with XNM_VALGRIND=DIR, as scripts that
# run each call under valgrind memcheck, one log per process in DIR.
make_script_dir() {
	local a
	mkdir -p "$SCRIPTS"
	for a in vif-bridge vif-route vif-nat vif-setup network-bridge network-route network-nat \
		xen-netmodes-cleanup; do
		if [ -n "${XNM_VALGRIND:-}" ]; then
			printf '#!/bin/sh\nexec valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 --log-file=%s/%s.%%p.log %s "$@"\n' \
				"$XNM_VALGRIND" "$a" "$BUILD/bin/$a" >"$SCRIPTS/$a"
			chmod +x "$SCRIPTS/$a"
		else
			ln -sf "$BUILD/xen-netmodes" "$SCRIPTS/$a"
		fi
	done
}

# dom0 with bridge BRIDGE (address ADDR/24), up.
make_dom0() {
	local bridge=$1 addr=$2
	netns_add "$D0"
	# No duplicate address detection: state snapshots must not change by themselves.
	ip netns exec "$D0" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$D0" link add "$bridge" type bridge stp_state 0 forward_delay 0
	ip -n "$D0" addr add "$addr/24" dev "$bridge"
	ip -n "$D0" link set "$bridge" up
}

# make_guest DOMID DEVID MAC ADDR/LEN: a guest namespace whose eth0 is the
# peer of dom0's vifDOMID.DEVID, which is left down and unattached like a
# fresh netback device.
make_guest() {
	local domid=$1 devid=$2 mac=$3 addr=$4 ns=xnm$ID-g$1
	netns_add "$ns"
	ip -n "$D0" link add "vif$domid.$devid" type veth peer name eth0 netns "$ns"
	ip -n "$ns" link set eth0 address "$mac"
	ip -n "$ns" addr add "$addr" dev eth0
	ip -n "$ns" link set eth0 up
}

guest_ns() {
	echo "xnm$ID-g$1"
}

# xs_vif DOMID DEVID MAC [NODE=VALUE...]: the nodes libxl writes for a vif
# whose script is $VIF_SCRIPT (vif-bridge unless a test sets another).
xs_vif() {
	local domid=$1 devid=$2 mac=$3
	shift 3
	local be=/local/domain/0/backend/vif/$domid/$devid fe=/local/domain/$domid/device/vif/$devid
	xenstore-write "/local/domain/$domid/name" "guest$domid" "/local/domain/$domid/domid" "$domid"
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$domid" "$be/online" 1 \
		"$be/state" 1 "$be/script" "$SCRIPTS/${VIF_SCRIPT:-vif-bridge}" "$be/mac" "$mac" \
		"$be/handle" "$devid" "$be/type" vif "$be/hotplug-status" ""
	xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 \
		"$fe/handle" "$devid" "$fe/mac" "$mac"
	local kv
	for kv in "$@"; do
		xenstore-write "$be/${kv%%=*}" "${kv#*=}"
	done
}

be_path() {
	echo "/local/domain/0/backend/vif/$1/$2"
}

# xs_read PATH: the value, or "<absent>".
xs_read() {
	xenstore-read "$1" 2>/dev/null || echo "<absent>"
}

# hotplug SCRIPT DOMID DEVID COMMAND [ENV=VALUE...] [--flag...]: run as libxl
# runs it, in dom0; ENV=VALUE words go to the environment, flags to argv.
hotplug() {
	local script=$1 domid=$2 devid=$3 command=$4 a
	local env=() args=()
	shift 4
	for a in "$@"; do
		case $a in -*) args+=("$a") ;; *) env+=("$a") ;; esac
	done
	in_dom0 script="$SCRIPTS/$script" XENBUS_TYPE=vif XENBUS_PATH="backend/vif/$domid/$devid" \
		${XNM_DAEMON:+XEN_NETMODES_DAEMON=yes} \
		XENBUS_BASE_PATH=backend netdev= vif="vif$domid.$devid" "${env[@]}" \
		"$SCRIPTS/$script" "$command" type_if=vif "${args[@]}"
}

# settles STATEFN STATE [TRIES]: STATEFN prints STATE now, or does within TRIES
# tenths of a second (30: a link brought back up gets its IPv6 link-local
# address from the kernel a little later).
settles() {
	eventually "${3:-30}" prints "$1" "$2"
}
prints() { # FN TEXT: FN prints TEXT
	[ "$2" == "$("$1")" ]
}

# eventually TRIES COMMAND...: COMMAND succeeds now or within TRIES tenths of a second.
eventually() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# steps_fail DESC STATEFN TRIES CALLFN ARGS...: CALLFN ARGS is a call that fails at
# step $step of its plan (XEN_NETMODES_FAIL_AT, test builds). For step 0, 1...
# until the call succeeds, each failure must exit 1 and STATEFN's output settle
# back to what it was (within TRIES, as settles); then the call succeeds.
steps_fail() {
	local desc=$1 statefn=$2 tries=$3 step rc st
	shift 3
	st=$("$statefn")
	for ((step = 0; step < 40; step++)); do
		rc=0
		"$@" >/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 0 ] && break
		if [ "$rc" -eq 1 ] && settles "$statefn" "$st" "$tries"; then
			ok "$desc, failing at step $step: exit 1, host unchanged"
		else
			not_ok "$desc, failing at step $step (exit $rc)"
			{ diff <(echo "$st") <("$statefn") || true; } | head -n 10 | sed 's/^/#   /'
		fi
	done
	check_eq "$desc succeeds past its last step, after $step" 0 "$rc"
	[ "$step" -gt 0 ] || not_ok "$desc: no step failed"
}

# The state a vif call may not change: dom0 and xenstore, less the backend's hotplug nodes.
vif_call_state() {
	host_state
	xs_state | grep -v "^$STEPS_BE/hotplug-"
}

# A vif call failing at $step; a failure without hotplug-status=error exits 2.
vif_call_failing() {
	local rc=0
	hotplug "$@" XEN_NETMODES_FAIL_AT="$step" || rc=$?
	[ "$rc" -ne 1 ] || [ "$(xs_read "$STEPS_BE/hotplug-status")" = error ] || rc=2
	return "$rc"
}

# every_step_fails SCRIPT DOMID DEVID COMMAND [ENV=VALUE...]: steps_fail for a vif
# call: each failure also sets hotplug-status error.
every_step_fails() {
	STEPS_BE=$(be_path "$2" "$3") steps_fail "$1 $4 vif$2.$3" vif_call_state 30 vif_call_failing "$@"
}

# The isolation tests' packet sender.
SEND_PACKET="$(dirname "${BASH_SOURCE[0]}")/../tools/send_packet.py"

# dhcp_replies_dropped FROM TO ADDR: a datagram from guest namespace FROM to
# port 68 of ADDR, guest namespace TO's, arrives from an ordinary port (the
# control) but not from port 67 (a DHCP server's); TO counts what arrives.
dhcp_replies_dropped() {
	ip netns exec "$2" nft -f - <<'EOF'
table ip watch {
	chain input {
		type filter hook input priority 0;
		udp dport 68 counter
	}
}
EOF
	in_ns "$1" python3 "$SEND_PACKET" udp 1067 "$3" 68
	sleep 0.2
	check_eq "control: a datagram from another port reaches $3's port 68" 1 "$(port68_seen "$2")"
	in_ns "$1" python3 "$SEND_PACKET" udp 67 "$3" 68
	sleep 0.2
	check_eq "a DHCP server reply toward $3 does not" 1 "$(port68_seen "$2")"
	ip netns exec "$2" nft delete table ip watch
}

port68_seen() { # NS: the datagrams dhcp_replies_dropped's counter saw
	ip netns exec "$1" nft list chain ip watch input | grep -o 'packets [0-9]*' | cut -d' ' -f2
}

# net_state: host_state, the forwarding and proxy sysctls, and the state files.
net_state() {
	host_state
	ip netns exec "$D0" sysctl -a 2>/dev/null | grep -E '(ip_forward|\.forwarding|proxy_arp|proxy_ndp) =' || true
	{ find "$XEN_NETMODES_RUN_DIR" -type f -exec sha256sum {} + 2>/dev/null || true; } | sort
}

# A per-host script (network-*) call failing at $step.
net_call_failing() {
	ip netns exec "$D0" env -i ASAN_OPTIONS="${ASAN_OPTIONS:-}" XEN_NETMODES_RUN_DIR="$XEN_NETMODES_RUN_DIR" \
		XEN_NETMODES_CONF="${XEN_NETMODES_CONF:-}" XEN_NETMODES_FAIL_AT="$step" "$SCRIPTS/$1" "${@:2}"
}

# every_step_fails_net SCRIPT ARGS...: steps_fail for a per-host script, whose
# state includes its sysctls and state files, compared at once.
every_step_fails_net() {
	steps_fail "$*" net_state 1 net_call_failing "$@"
}

# xen-netmodes status [--json] in dom0.
xnm_status() {
	ip netns exec "$D0" env -i ASAN_OPTIONS="${ASAN_OPTIONS:-}" XENSTORED_PATH="$XENSTORED_PATH" \
		"$BUILD/xen-netmodes" status "$@"
}

# xen-netmodes check VIF in dom0.
xnm_check() {
	ip netns exec "$D0" env -i ASAN_OPTIONS="${ASAN_OPTIONS:-}" XENSTORED_PATH="$XENSTORED_PATH" \
		XEN_NETMODES_RUN_DIR="$XEN_NETMODES_RUN_DIR" XEN_NETMODES_CONF="${XEN_NETMODES_CONF:-}" \
		"$BUILD/xen-netmodes" check "$@"
}

# Everything a call could change in dom0: links, addresses, routes, proxy
# neighbours, nftables (tables in name order: one recreated by an undo comes
# back last; less what traffic moves: the bridge's running timers, rule
# counters, and the qdisc the kernel attaches when a link first comes up).
host_state() {
	ip netns exec "$D0" sh -c 'ip -d -o link show; ip -o addr show; ip route show table all;
		ip -6 route show table all; ip neigh show proxy; ip -6 neigh show proxy;
		nft list tables | sort | while read -r _ f t; do nft list table "$f" "$t"; done' | sed -e 's/[a-z_]*timer *[0-9.]*//g' -e 's/ qdisc [a-z_]*//' \
		-e 's/counter packets [0-9]* bytes [0-9]*/counter/'
}

# port_filtered FAMILY IFNAME: dom0 filters the port (it has its ports element).
port_filtered() {
	ip netns exec "$D0" nft get element "$1" xen-netmodes ports "{ \"$2\" }" >/dev/null 2>&1
}

# port_elements FAMILY IFNAME: every element of the anti-spoofing table keyed by IFNAME.
port_elements() {
	ip netns exec "$D0" nft list table "$1" xen-netmodes 2>/dev/null | grep -o "\"$2\"[^,}]*" |
		sed 's/ *$//' || true
}

# dropped FAMILY: whether the anti-spoofing rules counted a dropped packet.
dropped() {
	ip netns exec "$D0" nft list chain "$1" xen-netmodes prerouting | grep 'drop$' |
		grep -q 'packets [1-9]'
}

xs_state() {
	xenstore-ls -f /local
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

ping_ok() {
	# one reply within 3 s, asking every 0.2 s: a first ARP lost under load is not a failure
	ip netns exec "$1" ping -c 1 -w 3 -i 0.2 "${@:2}" >/dev/null 2>&1
}

# Tests read the hotplug log; the demo leaves no file behind.
[ "$TEST_NAME" = demo ] || mkdir -p /var/log/xen
start_fixture
make_script_dir
