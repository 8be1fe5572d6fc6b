#!/bin/bash
# Every mode's calls under valgrind memcheck, against the real kernel in
# namespaces: vif-bridge, vif-route and vif-nat online, again, offline and a
# refused online; network-bridge, network-route and network-nat start and
# stop; status and check. Any memory error or definite leak in any call fails.
# --child-silent-after-fork: the child an offline leaves its socket's last
# close to (hotplug/call/nft_release.c) is a copy of the call that only closes
# and exits; its leak report would be the parent's heap seen half-way.
#   tests/valgrind_modes.sh BUILD (a build without sanitizers)
TEST_NAME="valgrind-modes"
. "$(dirname "$0")/integration/lib.sh"
lab_start

VG_LOGS=$TMP/valgrind
mkdir -p "$VG_LOGS"
# Each applet in $SCRIPTS becomes valgrind running it; logs one file per process.
# Every installed name (xen-netmodes --list) but xen-netmodes-cleanup, which
# stays a link: no call here makes it.
for a in $("$BUILD/xen-netmodes" --list | grep -vx xen-netmodes-cleanup); do
	rm -f "$SCRIPTS/$a"
	printf '#!/bin/sh\nexec valgrind -q --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 --log-file=%s/%s.%%p.log %s "$@"\n' \
		"$VG_LOGS" "$a" "$BUILD/bin/$a" >"$SCRIPTS/$a"
	chmod +x "$SCRIPTS/$a"
done
export XEN_NETMODES_CONF=$TMP/xen-netmodes.conf
: >"$XEN_NETMODES_CONF"

net() { # SCRIPT ARGS...: a per-host script in dom0 (in_dom0 passes XEN_NETMODES_CONF)
	in_dom0 "$SCRIPTS/$1" "${@:2}"
}

make_dom0 xenbr0 10.77.0.1
ip -n "$D0" link add eth0 type veth peer name lan0
ip -n "$D0" addr add 192.168.50.1/24 dev eth0
ip -n "$D0" link set eth0 up
ip -n "$D0" link set lan0 up
ip -n "$D0" route add default via 192.168.50.2 dev eth0 onlink
ip -n "$D0" link add eth5 type veth peer name lan5
ip -n "$D0" link set lan5 up
make_guest 1 0 00:16:3e:00:00:01 10.77.0.11/24
make_guest 2 0 00:16:3e:00:00:02 192.168.50.77/24
make_guest 3 0 00:16:3e:00:00:03 10.0.3.2/24
xs_vif 1 0 00:16:3e:00:00:01 bridge=xenbr0 "ip=10.77.0.11 fd77::11"
VIF_SCRIPT=vif-route xs_vif 2 0 00:16:3e:00:00:02 ip=192.168.50.77
VIF_SCRIPT=vif-nat xs_vif 3 0 00:16:3e:00:00:03 ip=10.0.3.2

check "network-bridge start" net network-bridge start netdev=eth5
check "network-bridge stop" net network-bridge stop netdev=eth5
check "network-route start" net network-route start netdev=eth0
check "network-nat start" net network-nat start netdev=eth0
for m in vif-bridge:1 vif-route:2 vif-nat:3; do
	s=${m%:*} d=${m#*:}
	check "$s online" hotplug "$s" "$d" 0 online XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
	check "$s online again" hotplug "$s" "$d" 0 online XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
done
check "xen-netmodes status" in_dom0 valgrind -q --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
	--log-file="$VG_LOGS/status.%p.log" "$BUILD/xen-netmodes" status --json
check "xen-netmodes check" in_dom0 valgrind -q --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
	--log-file="$VG_LOGS/check.%p.log" "$BUILD/xen-netmodes" check vif1.0
for m in vif-bridge:1 vif-route:2 vif-nat:3; do
	s=${m%:*} d=${m#*:}
	check "$s offline" hotplug "$s" "$d" 0 offline XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
done
echo "# xen-netmodesd under memcheck: calls from clients and from its watch"
DAEMON_WRAP="valgrind -q --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 --log-file=$VG_LOGS/xen-netmodesd.%p.log"
check "xen-netmodesd starts" start_daemon --workers 2
for m in vif-bridge:1 vif-route:2 vif-nat:3; do
	s=${m%:*} d=${m#*:}
	check "$s online through the daemon" hotplug "$s" "$d" 0 online XEN_NETMODES_DAEMON=yes \
		XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
	check "$s offline through the daemon" hotplug "$s" "$d" 0 offline XEN_NETMODES_DAEMON=yes \
		XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
done
xenstore-write "$(be_path 1 0)/hotplug-status" "" "$(be_path 1 0)/state" 2
watched() { [ "$(xs_read "$(be_path 1 0)/hotplug-status")" = connected ]; }
check "vif1.0 brought up by the daemon's watch" eventually 100 watched
xenstore-write "$(be_path 1 0)/online" 0 "$(be_path 1 0)/state" 6
sleep 1
stop_daemon
check "xen-netmodesd stopped cleanly" grep -q "stopped after" "$TMP/daemon.log"
xenstore-write "$(be_path 1 0)/online" 1 "$(be_path 1 0)/state" 1
xenstore-write "$(be_path 1 0)/bridge" nosuch0
check_fails "a refused vif-bridge online" hotplug vif-bridge 1 0 online
check "network-nat stop" net network-nat stop
check "network-route stop" net network-route stop

errors=$(cat "$VG_LOGS"/*.log 2>/dev/null)
check_eq "no memory error or definite leak in any call" "" "$errors"
check "every call ran under valgrind" test "$(ls "$VG_LOGS" | wc -l)" -ge 23
finish
