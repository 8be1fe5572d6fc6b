#!/bin/bash
# Bad input, table-driven: hostile or malformed values in every xenstore node
# the calls read, in their environment and in their arguments. Each must fail
# with exit 1 and one clear line naming what was wrong (in hotplug-error, with
# hotplug-status=error, whenever the backend is known), and leave links,
# addresses, routes, neighbours, nftables, xenstore and state files exactly as
# they were. Values the calls do not read must change nothing either.
TEST_NAME="bad-input"
. "$(dirname "$0")/lib.sh"
lab_start

BR=xenbr0
MAC=00:16:3e:00:00:07
BE=$(be_path 7 0)
CASES=0

make_dom0 $BR 10.77.0.1
ip -n "$D0" link add eth0 type veth peer name lan0
ip -n "$D0" addr add 192.168.50.1/24 dev eth0
ip -n "$D0" link set eth0 up
ip -n "$D0" link set lan0 up
make_guest 7 0 $MAC 10.77.0.17/24
make_guest 2 0 00:16:3e:00:00:02 10.77.0.12/24
xs_vif 2 0 00:16:3e:00:00:02 bridge=$BR ip=10.77.0.12
hotplug vif-bridge 2 0 online >/dev/null
in_dom0 "$SCRIPTS/network-route" start netdev=eth0 >/dev/null
# The bridge's carrier follows its first port a moment later, and every new
# IPv6 address is "tentative" until its duplicate detection ends (a second or
# two, more on a loaded host): let all of it settle before the first snapshot.
settled() {
	ip -n "$D0" link show $BR | grep -q "state UP" &&
		[ -z "$(ip -n "$D0" -6 addr show tentative)" ]
}
for ((i = 0; i < 100; i++)); do
	settled && break
	sleep 0.1
done
check "dom0 settled before the first case" settled

# Every change the kernel announces in dom0 while the refused calls run
# (links, addresses, routes, nftables): there must be none, not even one
# undone before a snapshot. Neighbours are left out: traffic moves them.
ip -n "$D0" monitor link address route >"$TMP/monitor.ip" 2>&1 &
MONITORS=$!
ip netns exec "$D0" nft monitor >"$TMP/monitor.nft" 2>&1 &
MONITORS="$MONITORS $!"
sleep 0.3 # subscribed before the first call

# Everything a call could change, less the hotplug nodes it must write
# (neighbours: the entries a call could set; traffic moves the others).
snapshot() {
	host_state
	ip -n "$D0" neigh show nud permanent
	xs_state | grep -v "^$BE/hotplug-"
	find "$XEN_NETMODES_RUN_DIR" -type f -exec sha256sum {} + 2>/dev/null | sort
}

# verdict DESC RC EXPECT BEFORE OUT: exit 1, the message, one line, status error, nothing changed.
verdict() {
	local desc=$1 rc=$2 expect=$3 before=$4 out=$5 err status
	err=$(xenstore-read "$BE/hotplug-error" 2>/dev/null || true)
	status=$(xenstore-read "$BE/hotplug-status" 2>/dev/null || true)
	CASES=$((CASES + 1))
	if [ "$rc" -ne 1 ]; then
		not_ok "$desc: exit $rc, not 1"
	elif [[ "$err$out" != *"$expect"* ]]; then
		not_ok "$desc: no \"$expect\" in hotplug-error \"$err\" or output"
		echo "$out" | head -n 3 | sed 's/^/#   /'
	elif [ "$BACKEND_KNOWN" = yes ] && { [ -z "$err" ] || [ "$(wc -l <<<"$err")" -ne 1 ] ||
		[ "$status" != error ]; }; then
		not_ok "$desc: hotplug-error \"$err\" not one line, or status \"$status\""
	elif [ "$BACKEND_KNOWN" = no ] && [ -n "$err$status" ]; then
		not_ok "$desc: wrote hotplug nodes with no backend given"
	elif [ "$before" != "$(snapshot)" ]; then
		not_ok "$desc: the host changed"
		{ diff <(echo "$before") <(snapshot) || true; } | head -n 20 | sed 's/^/#   /'
		# Still there 2 s later, or the kernel catching up on its own?
		sleep 2
		{ diff <(echo "$before") <(snapshot) || true; } | head -n 20 | sed 's/^/#   2 s later: /'
	else
		ok "$desc"
	fi
}

# bad_case DESC EXPECT KNOWN CMD...: CMD, a call made with vif7.0's backend in
# place, judged by verdict (KNOWN: yes when the call can tell its backend);
# then the backend goes.
bad_case() {
	local desc=$1 expect=$2 known=$3 rc=0 before out
	shift 3
	before=$(snapshot)
	out=$("$@" 2>&1) || rc=$?
	BACKEND_KNOWN=$known verdict "$desc" "$rc" "$expect" "$before" "$out"
	xenstore-rm "$BE"
}

# node SCRIPT EXPECT NODE VALUE: online with NODE=VALUE in the backend.
node() {
	xs_vif 7 0 $MAC bridge=$BR ip=10.77.0.17
	xenstore-write -- "$BE/$3" "$4"
	bad_case "$1, $3=$(printf %q "$4" | cut -c1-40)" "$2" yes hotplug "$1" 7 0 online netdev=eth0
}

# env SCRIPT EXPECT VAR=VALUE...: online with VAR=VALUE in the environment.
env_case() {
	xs_vif 7 0 $MAC bridge=$BR ip=10.77.0.17
	bad_case "$1, $(printf %q "${*:3}" | cut -c1-50)" "$2" \
		"$([[ "${*:3}" == *XENBUS_PATH* ]] && echo no || echo yes)" hotplug "$1" 7 0 online "${@:3}"
}

# argv SCRIPT ARGS...: the call with that command line, as vif7.0's.
argv_call() {
	in_dom0 XENBUS_PATH=backend/vif/7/0 vif=vif7.0 "$SCRIPTS/$1" "${@:2}"
}

# arg SCRIPT EXPECT COMMAND [ARGS...]: the call with that command line.
arg_case() {
	xs_vif 7 0 $MAC bridge=$BR ip=10.77.0.17
	bad_case "$1 $(printf %q "${*:3}" | cut -c1-50)" "$2" \
		"$([[ "$1" == vif-* ]] && echo yes || echo no)" argv_call "$1" "${@:3}"
}

long=$(printf 'a%.0s' {1..3000})

echo "# mac"
node vif-bridge "backend node mac" mac ""
node vif-bridge "backend node mac" mac 00:16:3e:00:00
node vif-bridge "backend node mac" mac 01:00:5e:00:00:07
node vif-bridge "backend node mac" mac 00:00:00:00:00:00
node vif-bridge "backend node mac" mac ff:ff:ff:ff:ff:ff
node vif-bridge "backend node mac" mac 00:16:3e:00:00:0g
node vif-bridge "backend node mac" mac $'00:16:3e:00:00:07\nINJECTED line'
node vif-bridge "backend node mac" mac "00:16:3e:00:00:é7"
node vif-route "backend node mac" mac "00:16:3e:00:00:07; reboot"
node vif-nat "backend node mac" mac "$long"

echo "# ip"
node vif-bridge "backend node ip" ip 10.77.0.300
node vif-bridge "backend node ip" ip 10.77.0.17/33
node vif-bridge "backend node ip" ip fd77::17/129
node vif-bridge "backend node ip" ip 10.77.0.17/-1
node vif-bridge "backend node ip" ip "10.77.0.17 10.77.0.17"
node vif-bridge "backend node ip" ip '10.77.0.17;rm -rf /'
node vif-bridge "backend node ip" ip '$(reboot)'
node vif-bridge "backend node ip" ip $'10.77.0.17\nINJECTED line'
node vif-bridge "backend node ip" ip "$long"
node vif-bridge "backend node ip" ip "$(for i in $(seq 1 40); do printf '10.77.1.%d ' "$i"; done)"
node vif-route "backend node ip" ip 192.168.50.77/abc
node vif-nat "backend node ip" ip ::ffff:10.0.5.2x

echo "# bridge"
node vif-bridge "Could not find bridge device" bridge nosuch0
node vif-bridge "backend node bridge" bridge aaaaaaaaaaaaaaaaaaaaaaaa
node vif-bridge "backend node bridge" bridge ../../etc
node vif-bridge "backend node bridge" bridge '/sys/class/net/eth0'
node vif-bridge "backend node bridge" bridge 'br$(id)'
node vif-bridge "backend node bridge" bridge $'xenbr0\nINJECTED line'
node vif-bridge "is not a bridge" bridge eth0
node vif-bridge "backend node bridge: VLAN 4095 is out of range" bridge "$BR:4095"
node vif-bridge "backend node bridge" bridge "$BR:20:"
node vif-bridge "backend node bridge" bridge $'xenbr0:20\nINJECTED line'

echo "# vlan"
node vif-bridge "backend node vlan: VLAN 4096 is out of range" vlan 4096
node vif-bridge "backend node vlan: VLAN 010 has a leading zero" vlan 010
node vif-bridge "backend node vlan: empty term" vlan 10p/
node vif-bridge "backend node vlan: two PVIDs" vlan 10p/20p
node vif-bridge "backend node vlan: invalid term" vlan $'10\nINJECTED line'
node vif-bridge "backend node vlan: invalid term" vlan '10;reboot'
node vif-bridge "backend node vlan: VLAN 10 is given twice" vlan 10p/1-4094
node vif-bridge "backend node vlan" vlan "$long"
node vif-bridge "does not filter VLANs" vlan 10

echo "# mtu"
node vif-bridge "backend node mtu" mtu 0
node vif-bridge "backend node mtu" mtu -1
node vif-bridge "backend node mtu" mtu 1500x
node vif-bridge "backend node mtu" mtu 99999999999999999999
node vif-route "backend node mtu" mtu " 1500"

echo "# vifname"
node vif-bridge "backend node vifname" vifname bad/name
node vif-bridge "backend node vifname" vifname abcdefghijklmnopqrstu
node vif-bridge "backend node vifname" vifname ..
node vif-bridge "backend node vifname" vifname 'a b'
node vif-bridge "already exists" vifname vif2.0

echo "# gatewaydev"
node vif-route "backend node gatewaydev" gatewaydev bad/dev
node vif-route "netdev nosuch7 does not exist" gatewaydev nosuch7
node vif-nat "backend node gatewaydev" gatewaydev "$long"

echo "# environment"
env_case vif-bridge "XENBUS_PATH" XENBUS_PATH=
env_case vif-bridge "XENBUS_PATH" XENBUS_PATH=backend/vif/7/0/../../2/0
env_case vif-bridge "XENBUS_PATH" XENBUS_PATH=/etc/passwd
env_case vif-bridge "XENBUS_PATH" XENBUS_PATH=backend/vbd/7/0
env_case vif-bridge "XENBUS_PATH" "XENBUS_PATH=$long"
env_case vif-bridge "vif" vif=bad/name
env_case vif-bridge "vif" vif=aaaaaaaaaaaaaaaaaaaaaaaaa
env_case vif-route "netdev" netdev='eth0;reboot'
env_case vif-route "netdev nosuch9 does not exist" netdev=nosuch9
env_case xen-netmodes-cleanup "XENBUS_PATH" XENBUS_PATH=/etc/passwd
env_case xen-netmodes-cleanup "XENBUS_PATH" XENBUS_PATH=backend/vif/7/0/..
env_case vif-setup "script" script=/etc/passwd
env_case vif-setup "script" script=../../tmp/evil
# XEN_NETMODES_DRY_RUN: 0, no, false and empty are real runs, reported as any;
# a value that is neither may have been meant as a dry run: nothing written.
for v in 0 no false ""; do
	xs_vif 7 0 $MAC bridge=$BR ip=10.77.0.17
	bad_case "vif-bridge bogus with XEN_NETMODES_DRY_RUN=$v: a real run's failure" \
		'invalid command "bogus"' yes hotplug vif-bridge 7 0 bogus "XEN_NETMODES_DRY_RUN=$v"
done
# (XENBUS_PATH named again, as it is: env_case then expects no hotplug node written)
env_case vif-bridge 'invalid XEN_NETMODES_DRY_RUN "maybe": expected 1, yes or true' \
	XENBUS_PATH=backend/vif/7/0 XEN_NETMODES_DRY_RUN=maybe
env_case vif-bridge 'invalid XEN_NETMODES_DAEMON "maybe": expected yes, no or auto' \
	XEN_NETMODES_DAEMON=maybe

echo "# arguments"
arg_case vif-bridge 'invalid command "bogus"' bogus type_if=vif
arg_case vif-bridge 'unknown interface type "bogus"' online type_if=bogus
arg_case vif-bridge 'unexpected argument "--nosuch-flag"' online --nosuch-flag
arg_case vif-route "netdev" online netdev=bad/name
arg_case network-bridge "netdev" start netdev=aaaaaaaaaaaaaaaaaaaaaaa
arg_case network-bridge "antispoof" start antispoof=maybe
arg_case network-bridge 'invalid vlans "10,0": VLAN 0 is out of range 1 to 4094' start vlan_filtering=1 vlans=10,0
arg_case network-bridge "vlans= needs vlan_filtering=1" start vlans=10,20
arg_case network-bridge "vlans= names VLAN 1" start vlan_filtering=1 vlans=1,10
arg_case network-bridge "vlan_filtering" start vlan_filtering=maybe
arg_case network-route "netdev" start netdev=../eth0
arg_case network-nat "netdev" start netdev='eth0 eth1'
arg_case network-nat "dhcp" start dhcp=bogus

# shellcheck disable=SC2086
kill_own $MONITORS
wait $MONITORS 2>/dev/null || true
check_eq "no refused call made the kernel announce a change in dom0" "" \
	"$(cat "$TMP/monitor.ip" "$TMP/monitor.nft")"

echo "# nodes the calls do not read change nothing"
for kv in "frontend-id=abc" "handle=-1" $'frontend-id=7\nx'; do
	xs_vif 7 0 $MAC bridge=$BR ip=10.77.0.17
	xenstore-write -- "$BE/${kv%%=*}" "${kv#*=}"
	check "vif-bridge online with ${kv%%=*}=$(printf %q "${kv#*=}") ignores it" hotplug vif-bridge 7 0 online
	hotplug vif-bridge 7 0 offline >/dev/null
	xenstore-rm "$BE"
done

echo "# the log"
# The suite's own log: the checks below must not pass on a missing file.
check "the calls logged to the suite's own log" test -s "$HOTPLUG_LOG"
check_fails "no line of the log carries a raw control character" \
	env LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$HOTPLUG_LOG"
check_fails "no value injected a line of its own" grep -q '^INJECTED' "$HOTPLUG_LOG"
check "at least 40 cases" test "$CASES" -ge 40
echo "# $CASES bad-input cases"

finish
