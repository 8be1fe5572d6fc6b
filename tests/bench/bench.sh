#!/bin/bash
# make bench: how long a hotplug takes, on a rig of namespaces and the
# xenstore fixture. Prints a table and writes BUILD/bench.json.
#   tests/bench/bench.sh BUILD [--smoke]
# --smoke runs every part with tiny counts (make check uses it, so the
# benchmark cannot rot); the numbers it prints mean nothing.
# BENCH_ONLY="SECTION..." runs only those sections, after vif-bridge's
# online with ip (every ratio's base): modes (the other modes' one-shot
# rows), floor (and the bounds), daemon, ovs (vif-openvswitch), debian,
# scale (the probe, scale, concurrency and the daemon at scale), pktrate.
TEST_NAME="bench"
. "$(dirname "$0")/../integration/lib.sh"
lab_start

SMOKE=${2:-}
if [ "$SMOKE" = --smoke ]; then
	ROUNDS=3 SCALE=16 EDGE=4 CONCURRENT=8
else
	ROUNDS=${BENCH_ROUNDS:-50} SCALE=${BENCH_SCALE:-4096} EDGE=100 CONCURRENT=${BENCH_CONCURRENT:-256}
fi
JSON=$BUILD/bench.json
want() { # SECTION: whether BENCH_ONLY leaves it in
	[ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]
}
RESULTS=()
declare -A OURS    # script name: its online median, µs
declare -A ONESHOT # domid: the online median of its one_call, µs

make_dom0 xenbr0 10.90.0.1
ip netns exec "$D0" sysctl -qw net.ipv4.ip_forward=1
ip -n "$D0" link add eth0 type veth peer name lan0
ip -n "$D0" addr add 192.168.90.1/24 dev eth0
ip -n "$D0" link set eth0 up
ip -n "$D0" link set lan0 up

now_ns() {
	date +%s%N
}

# A Linux bridge takes at most 1024 ports (BR_MAX_PORTS): vif D goes on
# xenbr(D / 1000), all of them filtered in the one table.
bridge_of() {
	echo "xenbr$(($1 / 1000))"
}

# vifs FIRST LAST: dom0 ends vifD.0 for D in FIRST..LAST (peers stay in dom0),
# and their xenstore nodes, many vifs per xenstore-write.
vifs() {
	local d args=() br
	for ((d = $1; d <= $2; d++)); do
		br=$(bridge_of "$d")
		if ! ip -n "$D0" link show "$br" >/dev/null 2>&1; then
			ip -n "$D0" link add "$br" type bridge stp_state 0 forward_delay 0
			ip -n "$D0" link set "$br" up
		fi
		ip -n "$D0" link add "vif$d.0" type veth peer name "g$d"
		local be=/local/domain/0/backend/vif/$d/0 fe=/local/domain/$d/device/vif/0
		local mac
		mac=$(printf '00:16:3e:%02x:%02x:%02x' $((d >> 16 & 255)) $((d >> 8 & 255)) $((d & 255)))
		args+=("$be/frontend" "$fe" "$be/frontend-id" "$d" "$be/mac" "$mac" "$be/bridge" "$br"
			"$be/ip" "10.90.$((d / 250)).$((d % 250 + 2))" "$be/handle" 0 "$be/hotplug-status" ""
			"$fe/mac" "$mac")
		if [ ${#args[@]} -ge 1000 ]; then
			xenstore-write "${args[@]}"
			args=()
		fi
	done
	[ ${#args[@]} -eq 0 ] || xenstore-write "${args[@]}"
}

# call SCRIPT DOMID COMMAND: one hotplug, spawned from C in dom0; prints its wall time in µs.
call() {
	in_dom0 XENBUS_PATH="backend/vif/$2/0" vif="vif$2.0" type_if=vif "$BUILD/bench/spawn" 1 \
		"$BUILD/xen-netmodes" "$1" "$3" | cut -d' ' -f1
}

# stats: median and p99 of the numbers on stdin ("MEDIAN P99").
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "0 0"; exit }
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99 + 0.999)]; if (p == "") p = v[NR]
		print m, p }'
}

# row NAME VALUE UNIT: one line of the table, and of the JSON.
row() {
	printf '%-52s %12s %s\n' "$1" "$2" "$3"
	RESULTS+=("{\"name\": \"$1\", \"value\": $2, \"unit\": \"$3\"}")
}

# spawned DOMID FIRST SECOND: FIRST ROUNDS times, each followed by SECOND, spawned
# straight from C inside dom0 (no ip netns exec, no shell around them), as the
# backend of vifDOMID.0 with netdev=eth0; one "wall cpu rss" line per FIRST.
SPAWN_ENV=() # more NAME=VALUE for the spawned calls' environment
spawned() {
	in_dom0 "${SPAWN_ENV[@]}" XENBUS_PATH="backend/vif/$1/0" vif="vif$1.0" netdev=eth0 type_if=vif \
		"$BUILD/bench/spawn" "$ROUNDS" $2 --then $3
}

# one_call NAME SCRIPT DOMID: online then offline, ROUNDS times: wall time (median,
# p99), CPU time and peak RSS of each online, wall time of each offline.
one_call() {
	local bin="$BUILD/xen-netmodes $2" m p
	spawned "$3" "$bin online" "$bin offline" >"$TMP/on"
	hotplug "$2" "$3" 0 online >/dev/null
	spawned "$3" "$bin offline" "$bin online" >"$TMP/off"
	hotplug "$2" "$3" 0 offline >/dev/null
	read -r m p < <(cut -d' ' -f1 "$TMP/on" | stats)
	# Debian's script is set beside the first of each (the same backend, with ip)
	[ -n "${OURS[$2]:-}" ] || OURS[$2]=$m
	ONESHOT[$3]=$m
	row "$1 online, median" "$m" us
	row "$1 online, p99" "$p" us
	read -r m _ < <(cut -d' ' -f2 "$TMP/on" | stats)
	row "$1 online, CPU user+system, median" "$m" us
	read -r m _ < <(cut -d' ' -f3 "$TMP/on" | stats)
	row "$1 online, peak RSS, median" "$m" KiB
	read -r m p < <(cut -d' ' -f1 "$TMP/off" | stats)
	row "$1 offline, median" "$m" us
	row "$1 offline, p99" "$p" us
	row "$1 offline / online, medians" \
		"$(awk -v a="$m" -v b="${OURS[$2]}" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" ratio
	# instructions: a figure that does not drift with the machine's load
	if command -v valgrind >/dev/null; then
		in_dom0 XENBUS_PATH="backend/vif/$3/0" vif="vif$3.0" netdev=eth0 type_if=vif \
			valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" $bin online \
			>/dev/null 2>"$TMP/cg.err" || true
		hotplug "$2" "$3" 0 offline >/dev/null
		m=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$TMP/cg.out" 2>/dev/null | head -n 1)
		row "$1 online, instructions (callgrind)" "${m:-0}" instructions
	fi
}

echo "# rig: dom0 namespace, bridge xenbr0, veth vifs, the xenstore fixture"
vifs 1 4
xenstore-rm /local/domain/0/backend/vif/2/0/ip # vif2.0: no anti-spoofing
in_dom0 "$SCRIPTS/network-route" start netdev=eth0 >/dev/null
in_dom0 "$SCRIPTS/network-nat" start netdev=eth0 >/dev/null
xenstore-write /local/domain/0/backend/vif/4/0/ip ""

printf '\n%-52s %12s %s\n' "measure" "value" "unit"
one_call "vif-bridge with ip (anti-spoofing)" vif-bridge 1
if want modes; then
	one_call "vif-bridge without ip" vif-bridge 2
	one_call "vif-route" vif-route 3
	one_call "vif-nat (derived address)" vif-nat 4
fi

hotplug vif-bridge 1 0 offline >/dev/null

if want floor; then
	echo "# the floor: the same netlink messages from open sockets, and the process start"
	read -r floor _ < <(in_dom0 "$BUILD/bench/floor" vif1.0 xenbr0 "$ROUNDS" | stats)
	row "floor: its netlink messages from open sockets, median" "$floor" us
	read -r start _ < <(in_dom0 "$BUILD/bench/spawn" "$ROUNDS" "$BUILD/bench/floor" --noop | cut -d' ' -f1 | stats)
	row "process start (a minimal C program), median" "$start" us
	read -r ostart _ < <(in_dom0 "$BUILD/bench/spawn" "$ROUNDS" "$BUILD/xen-netmodes" --help | cut -d' ' -f1 | stats)
	row "process start of xen-netmodes (its libraries loaded), median" "$ostart" us
	if [ -x "$BUILD/shared/xen-netmodes" ]; then
		# The same program with its libraries linked shared (STATIC_DEPS=0): what static linking buys.
		read -r m _ < <(in_dom0 "$BUILD/bench/spawn" "$ROUNDS" "$BUILD/shared/xen-netmodes" --help | cut -d' ' -f1 | stats)
		row "process start of xen-netmodes linked shared, median" "$m" us
		read -r m _ < <(spawned 1 "$BUILD/shared/xen-netmodes vif-bridge online" \
			"$BUILD/shared/xen-netmodes vif-bridge offline" | cut -d' ' -f1 | stats)
		row "vif-bridge online with ip, linked shared, median" "$m" us
	fi
	row "ours / (floor + process start)" \
		"$(awk -v o="${OURS[vif-bridge]}" -v f="$floor" -v s="$start" 'BEGIN { printf "%.2f", (f + s) ? o / (f + s) : 0 }')" ratio

	# What no call can go below, whatever its own code costs: a process's
	# start, the floor's messages and the call's xenstore requests, each a
	# round trip to another process (counted from one call: every libxenstore
	# request opens with a 16-byte header write).
	read -r rtt _ < <(in_dom0 "$BUILD/bench/xs_rtt" /local/domain/0/backend/vif/1/0/mac "$ROUNDS" | stats)
	row "xenstore round trip (one xs_read to the fixture), median" "$rtt" us
	# (LeakSanitizer cannot run under ptrace: the sanitizer build's call leaves it out.)
	in_dom0 XENBUS_PATH=backend/vif/1/0 vif=vif1.0 type_if=vif ASAN_OPTIONS=detect_leaks=0 \
		strace -f -qq -e trace=connect,write -o "$TMP/xs.strace" "$BUILD/xen-netmodes" vif-bridge online >/dev/null
	hotplug vif-bridge 1 0 offline >/dev/null
	xsreq=$(awk -v sock="$XENSTORED_PATH" '
		index($0, "connect(") && index($0, "\"" sock "\"") && / = 0$/ { split($0, a, /[(,]/); fd = a[2] }
		fd != "" && index($0, "write(" fd ", ") && /, 16\) = 16$/ { n++ }
		END { print n + 0 }' "$TMP/xs.strace")
	row "xenstore requests of one vif-bridge online with ip" "$xsreq" requests
	# bound FORMAT EXPR: EXPR over a (xen-netmodes's start), f (floor), s (process start), x (xenstore).
	bound() {
		awk -v a="$ostart" -v f="$floor" -v s="$start" -v n="$xsreq" -v r="$rtt" "BEGIN { x = n * r; printf \"$1\", $2 }"
	}
	row "bound, one-shot: a bare start + floor + xenstore, over floor + process start" "$(bound %.2f "(s + f + x) / (f + s)")" ratio
	row "bound, one-shot: xen-netmodes's start + floor + xenstore, over the same" "$(bound %.2f "(a + f + x) / (f + s)")" ratio
	row "bound, the daemon's work: floor + xenstore" "$(bound %.0f "f + x")" us
	row "bound, a client that waits for that work: a bare start + it, over process start" "$(bound %.2f "(s + f + x) / s")" ratio
fi

if want daemon; then
	echo "# xen-netmodesd: the same calls made by the resident daemon, on the same rig"
	start_daemon
	# in_daemon NAME MODE DOMID: ROUNDS onlines and offlines sent over the socket from one warm client.
	in_daemon() {
		local m p
		in_dom0 "$BUILD/bench/daemon_rtt" latency "$2" "$3" "$ROUNDS" >"$TMP/d"
		read -r m p < <(cut -d' ' -f1 "$TMP/d" | stats)
		[ "$2" = vif-bridge ] && [ "$3" = 1 ] && DAEMON_ONLINE=$m
		row "$1 online in the daemon, median" "$m" us
		row "$1 online in the daemon, p99" "$p" us
		read -r m _ < <(cut -d' ' -f2 "$TMP/d" | stats)
		row "$1 offline in the daemon, median" "$m" us
	}
	in_daemon "vif-bridge with ip (anti-spoofing)" vif-bridge 1
	in_daemon "vif-bridge without ip" vif-bridge 2
	in_daemon "vif-route" vif-route 3
	in_daemon "vif-nat (derived address)" vif-nat 4
	row "vif-bridge with ip: one-shot / daemon" \
		"$(awk -v a="${ONESHOT[1]}" -v b="$DAEMON_ONLINE" 'BEGIN { printf "%.1f", b ? a / b : 0 }')" ratio
	# The toolstack's way: a client process (the same program) hands the call over.
	bin="$BUILD/xen-netmodes vif-bridge"
	read -r m p < <(spawned 1 "$bin online" "$bin offline" | cut -d' ' -f1 | stats)
	row "vif-bridge with ip online, client process through the daemon, median" "$m" us
	row "vif-bridge with ip online, client process through the daemon, p99" "$p" us
	stop_daemon
fi

# vif-openvswitch against a real Open vSwitch in dom0 (tests/ovs/start.sh:
# ovsdb-server and ovs-vswitchd, the userspace datapath, every file in
# $OVS), running only while its rows are measured, here and for Debian's
# script below: ovs-vswitchd would weigh on every other row (see below).
OVS=
OVSTOOLS=$(realpath "$(dirname "$0")/../ovs")
ovs_up() { # a fresh database, and bridge ovsbr0
	OVS=$TMP/ovs
	ip netns exec "$D0" "$OVSTOOLS/start.sh" "$OVS"
	"$OVSTOOLS/vsctl.sh" "$OVS" add-br ovsbr0 -- set bridge ovsbr0 datapath_type=netdev
	ip -n "$D0" link set ovsbr0 up
}
ovs_down() {
	[ -z "$OVS" ] || "$OVSTOOLS/stop.sh" "$OVS"
	OVS=
}
# both stopped however the bench ends (start.sh detaches them)
bench_exit() {
	local rc=$?
	set +e
	ovs_down
	(exit "$rc")
	cleanup
}
trap bench_exit EXIT
HAS_OVS=
if ! want ovs; then
	: # left out (BENCH_ONLY)
elif command -v ovs-vswitchd >/dev/null && command -v ovsdb-server >/dev/null; then
	HAS_OVS=1
	echo "# vif-openvswitch: ovsdb-server and ovs-vswitchd in dom0 (tests/ovs/start.sh, userspace datapath)"
	ovs_up
	echo "ovsdb_socket = $OVS/db.sock" >"$TMP/ovs.conf"
	# vif-bridge's online once more, ovs-vswitchd now beside it: it runs its
	# whole reconfiguration on any link change in dom0 (its if_notifier),
	# whoever makes the change, so every mode pays it on an Open vSwitch host
	read -r m _ < <(spawned 1 "$BUILD/xen-netmodes vif-bridge online" "$BUILD/xen-netmodes vif-bridge offline" |
		cut -d' ' -f1 | stats)
	bridge_beside_ovs=$m
	row "vif-bridge with ip online, ovs-vswitchd running in dom0, median" "$m" us
	# vif7.0, with ip (its filter is part of the call), on ovsbr0; the VM's
	# name and uuid, which both scripts write into the interface's external_ids
	vifs 7 7
	uuid=00000000-0000-4000-8000-000000000007
	xenstore-write /local/domain/0/backend/vif/7/0/bridge ovsbr0 /local/domain/7/vm "/vm/$uuid" \
		"/vm/$uuid/name" guest7 "/vm/$uuid/uuid" "$uuid"
	# The servers' CPU time (all their threads, /proc/PID/stat) over one_call's
	# 2 ROUNDS + 2 onlines and as many offlines: their share of each call.
	ovs_cpu() {
		awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1e6 / hz }' "/proc/$(cat "$OVS/$1.pid")/stat"
	}
	s0=$(ovs_cpu ovsdb-server) v0=$(ovs_cpu ovs-vswitchd)
	export XEN_NETMODES_CONF=$TMP/ovs.conf # in_dom0 passes it: the calls of this section find $OVS
	one_call "vif-openvswitch with ip (anti-spoofing)" vif-openvswitch 7
	unset XEN_NETMODES_CONF
	for srv in ovsdb-server:"$s0" ovs-vswitchd:"$v0"; do
		row "${srv%:*}'s CPU time per vif-openvswitch online and offline" \
			"$(awk -v a="${srv#*:}" -v b="$(ovs_cpu "${srv%:*}")" -v n=$((2 * ROUNDS + 2)) \
				'BEGIN { printf "%.0f", (b - a) / n }')" us
	done
	row "vif-openvswitch online / vif-bridge online, with ip, medians" \
		"$(awk -v a="${OURS[vif-openvswitch]}" -v b="${OURS[vif-bridge]}" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" ratio
	row "vif-openvswitch online / vif-bridge online with ovs-vswitchd running, medians" \
		"$(awk -v a="${OURS[vif-openvswitch]}" -v b="$bridge_beside_ovs" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" ratio
	check_eq "no port left on ovsbr0" "" "$("$OVSTOOLS/vsctl.sh" "$OVS" list-ports ovsbr0)"
	ovs_down
else
	echo "# no openvswitch-switch installed: vif-openvswitch's rows left out"
fi

if [ -x /etc/xen/scripts/vif-bridge ] && [ "$SMOKE" != --smoke ] && want debian; then
	echo "# Debian's shell scripts on the same rig (the same backends; Debian's vif-bridge does no anti-spoofing, Debian bug #894013)"
	mkdir -p "$TMP/debian"
	cp -a /etc/xen/scripts/. "$TMP/debian/"
	# Their logger(1) calls send to syslog, as on a Debian host (journald or
	# rsyslog there); without a /dev/log each would fail at once, cheaper.
	devlog=
	if [ ! -e /dev/log ]; then
		"$BUILD/bench/devlog" /dev/log &
		devlog=$!
		BACKGROUND+=("$devlog") # killed (TERM: it removes /dev/log) however the bench ends
		for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.02; done
	fi
	modes=(vif-bridge:1 vif-route:3 vif-nat:4)
	[ -n "$HAS_OVS" ] && [ -x /etc/xen/scripts/vif-openvswitch ] && modes+=(vif-openvswitch:7)
	for mode in "${modes[@]}"; do
		script=${mode%:*} d=${mode#*:}
		if [ "$script" = vif-openvswitch ]; then
			# the same backend as ours, its ovs-vsctl forks finding the database in $OVS_RUNDIR
			ovs_up
			SPAWN_ENV=(OVS_RUNDIR="$OVS")
		fi
		spawned "$d" "$TMP/debian/$script online" "$TMP/debian/$script offline" 2>/dev/null >"$TMP/deb"
		SPAWN_ENV=()
		read -r m p < <(cut -d' ' -f1 "$TMP/deb" | stats)
		row "Debian's $script online, median" "$m" us
		row "Debian's $script / ours" \
			"$(awk -v a="$m" -v b="${OURS[$script]}" 'BEGIN { printf "%.1f", b ? a / b : 0 }')" ratio
	done
	[ -n "$devlog" ] && kill "$devlog" && wait "$devlog" 2>/dev/null
fi
ovs_down

if want scale; then
	# probe: per-packet cost of the filter, guest to guest through two filtered
	# ports (a flood ping: N requests and N replies).
	PROBE=$([ "$SMOKE" = --smoke ] && echo 50 || echo 20000)
	make_guest 5 0 00:16:3e:00:05:05 10.90.0.7/24
	make_guest 6 0 00:16:3e:00:06:06 10.90.0.8/24
	xs_vif 5 0 00:16:3e:00:05:05 bridge=xenbr0 ip=10.90.0.7
	xs_vif 6 0 00:16:3e:00:06:06 bridge=xenbr0 ip=10.90.0.8
	hotplug vif-bridge 5 0 online >/dev/null
	hotplug vif-bridge 6 0 online >/dev/null
	probe() { # NAME: ns per echo request and reply
		local t0 t1
		ip netns exec "$(guest_ns 5)" ping -c 3 -i 0.2 -q 10.90.0.8 >/dev/null || echo "probe: no reply" >&2
		t0=$(now_ns)
		ip netns exec "$(guest_ns 5)" ping -f -c "$PROBE" -q 10.90.0.8 >/dev/null || echo "probe failed" >&2
		t1=$(now_ns)
		row "$1" "$(((t1 - t0) / PROBE))" ns
	}
	probe "flood ping between two filtered guests, 2 filtered vifs, per round trip"

	echo "# scale: $SCALE vifs with anti-spoofing, on bridges of at most 1000 ports"
	vifs 10 $((SCALE + 9))
	first=() last=()
	for ((d = 10; d < SCALE + 10; d++)); do
		t=$(call vif-bridge $d online)
		[ $d -lt $((10 + EDGE)) ] && first+=("$t")
		[ $d -ge $((SCALE + 10 - EDGE)) ] && last+=("$t")
	done
	read -r mf _ < <(printf '%s\n' "${first[@]}" | stats)
	read -r ml _ < <(printf '%s\n' "${last[@]}" | stats)
	row "online, first $EDGE of $SCALE, median" "$mf" us
	row "online, last $EDGE of $SCALE, median" "$ml" us
	row "last / first" "$(awk -v a="$ml" -v b="$mf" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" ratio
	probe "flood ping between two filtered guests, $((SCALE + 2)) filtered vifs, per round trip"

	echo "# concurrency: $CONCURRENT onlines at once"
	for ((d = 10; d < CONCURRENT + 10; d++)); do hotplug vif-bridge $d 0 offline >/dev/null 2>&1 || true; done
	t0=$(now_ns)
	pids=()
	for ((d = 10; d < CONCURRENT + 10; d++)); do
		hotplug vif-bridge $d 0 online >/dev/null 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || true; done
	t1=$(now_ns)
	connected=0
	for ((d = 10; d < CONCURRENT + 10; d++)); do
		[ "$(xs_read "$(be_path $d 0)/hotplug-status")" = connected ] && connected=$((connected + 1))
	done
	row "$CONCURRENT concurrent onlines, total" "$(((t1 - t0) / 1000))" us
	row "$CONCURRENT concurrent onlines, connected" "$connected" vifs
	check_eq "every concurrent online connected" "$CONCURRENT" "$connected"

	echo "# xen-netmodesd: throughput and its watch, at scale"
	start_daemon
	sleep 1 # its watch's first look at every backend, not what is measured
	# Throughput: the concurrency section's vifs, taken down and brought up from CONCURRENT clients.
	for cmd in offline online; do
		read -r t ok < <(in_dom0 "$BUILD/bench/daemon_rtt" burst vif-bridge $cmd 10 "$CONCURRENT" "$CONCURRENT")
		row "$CONCURRENT ${cmd}s through the daemon from $CONCURRENT clients, total" "$t" us
		row "$CONCURRENT ${cmd}s through the daemon, per second" \
			"$(awk -v n="$CONCURRENT" -v t="$t" 'BEGIN { printf "%.0f", t ? n * 1e6 / t : 0 }')" calls/s
		check_eq "every $cmd through the daemon succeeded" "$CONCURRENT" "$ok"
	done
	connected=0
	for ((d = 10; d < CONCURRENT + 10; d++)); do
		[ "$(xs_read "$(be_path $d 0)/hotplug-status")" = connected ] && connected=$((connected + 1))
	done
	check_eq "and every vif is connected again" "$CONCURRENT" "$connected"
	# The daemon's own watch: no process at all. From the toolstack's write of
	# state 2 to hotplug-status "connected", xenstore's two watch events included.
	W=$((SCALE + 100))
	vifs $W $((W + ROUNDS - 1))
	for ((d = W; d < W + ROUNDS; d++)); do
		be=$(be_path $d 0)
		echo "$be/script $SCRIPTS/vif-bridge $be/online 1 $be/state 1"
	done | xargs -n 6 xenstore-write
	read -r m p < <(in_dom0 timeout 300 "$BUILD/bench/daemon_rtt" watch $W "$ROUNDS" | stats)
	row "vif-bridge with ip online by the daemon's watch, median" "$m" us
	row "vif-bridge with ip online by the daemon's watch, p99" "$p" us
	stop_daemon
	check "xen-netmodesd served the benchmark's calls" test "$(daemon_calls)" -gt 0
fi

if want pktrate; then
	# Last, on a rig of its own (three dom0s; this one's stays, idle): the
	# packet rate through the filter, without it, and as it was before issue 28.
	echo "# packet rate through the anti-spoofing filter (tests/bench/pktrate.sh)"
	: >"$TMP/pktrate"
	if "$(dirname "$0")/pktrate.sh" "$BUILD" ${SMOKE:+"$SMOKE"} --rows "$TMP/pktrate"; then
		ok "the packet-rate section's checks passed"
	else
		not_ok "the packet-rate section's checks passed"
	fi
	while IFS=$'\t' read -r name value unit; do
		RESULTS+=("{\"name\": \"packet rate, $name\", \"value\": $value, \"unit\": \"$unit\"}")
	done <"$TMP/pktrate"
fi

printf '[%s]\n' "$(IFS=,; echo "${RESULTS[*]}")" >"$JSON"
echo "# written to $JSON"
finish
