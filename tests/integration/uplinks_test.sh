#!/bin/bash
# The uplink of network-bridge, network-route and network-nat: an enslaved
# netdev (a veth that is a port of a bridge, standing in for a bond's slave:
# this kernel has no bonding) refused by each with its master named and
# nothing changed; a name too long for network-bridge's "p" refused, not cut
# short; a bridge as netdev refused by network-bridge, taken by the others;
# status showing the uplink's kind. Bonds and VLAN devices themselves are
# proven on the real host (tests/xen/scenarios/80-uplinks.sh).
TEST_NAME="uplinks"
. "$(dirname "$0")/lib.sh"
lab_start

LAN=xnm$ID-lan
netns_add "$D0"
ip netns exec "$D0" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
netns_add "$LAN"
ip -n "$D0" link add eth24 type veth peer name eth0 netns "$LAN"
ip -n "$D0" addr add 192.168.71.10/24 dev eth24
ip -n "$D0" link set eth24 up
ip -n "$D0" route add default via 192.168.71.2
ip -n "$LAN" addr add 192.168.71.2/24 dev eth0
ip -n "$LAN" link set eth0 up
# eth30 a port of hold0, as a bond's slave is of its bond; eth30p its free peer
ip -n "$D0" link add eth30 type veth peer name eth30p
ip -n "$D0" link add hold0 type bridge stp_state 0 forward_delay 0
ip -n "$D0" link set eth30 master hold0
ip -n "$D0" link set eth30 up
ip -n "$D0" link set hold0 up
# the longest name a device may have, one too many for "p"
ip -n "$D0" link add abcdefghijklmno type veth peer name short0

net() {
	local mode=$1
	shift
	in_dom0 "$SCRIPTS/$mode" "$@"
}

# refused MODE NETDEV MESSAGE: start fails with exit 1, says MESSAGE, changes nothing
refused() {
	local mode=$1 netdev=$2 msg=$3 before rc=0 out
	before=$(net_state)
	out=$(net "$mode" start "netdev=$netdev" 2>&1) || rc=$?
	check_eq "$mode start netdev=$netdev: exit 1" 1 "$rc"
	check "$mode says: $msg" grep -qF "$msg" <<<"$out"
	check_eq "$mode changed nothing" "$before" "$(net_state)"
	rc=0
	out=$(net "$mode" start "netdev=$netdev" --dry-run 2>&1) || rc=$?
	check_eq "$mode start --dry-run refuses it alike" 1 "$rc"
}

echo "# an enslaved netdev"
refused network-bridge eth30 "eth30 is a port of bridge hold0 already: attach the guests to hold0 itself (bridge=hold0), or release eth30 first (ip link set dev eth30 nomaster)"
refused network-route eth30 "eth30 is a port of bridge hold0: give netdev=hold0 instead"
refused network-nat eth30 "eth30 is a port of bridge hold0: give netdev=hold0 instead"

echo "# a name too long for network-bridge's p<netdev>"
refused network-bridge abcdefghijklmno "cannot rename abcdefghijklmno to pabcdefghijklmno: 16 characters, and a device name has at most 15; give the uplink a shorter name"
check "network-route takes it (it renames nothing)" net network-route start netdev=abcdefghijklmno
check "and stops" net network-route stop

echo "# a bridge as netdev"
refused network-bridge hold0 "hold0 is a bridge already: attach the guests to it as it is (bridge=hold0)"
before=$(net_state)
check "network-route start netdev=hold0" net network-route start netdev=hold0
check "its status shows the bridge and its port" grep -qx "  uplink: bridge, ports eth30" <<<"$(net network-route status)"
check "and in JSON" grep -qF '"uplink": {"kind": "bridge", "ports": ["eth30"]}' <<<"$(net network-route status --json)"
check "network-route stop" net network-route stop
check_eq "the host as before" "$before" "$(net_state)"

echo "# a free NIC, chosen by the default route"
check "network-nat start" net network-nat start
check "status names the default route's device" grep -qx "  netdev: eth24" <<<"$(net network-nat status)"
check "and its kind" grep -qx "  uplink: veth" <<<"$(net network-nat status)"
check "and in JSON" grep -qF '"uplink": {"kind": "veth"}' <<<"$(net network-nat status --json)"
check "network-nat stop" net network-nat stop
check_eq "the host as before" "$before" "$(net_state)"
check "network-bridge start" net network-bridge start
check "status shows the moved uplink's kind" grep -qx "  uplink: veth" <<<"$(net network-bridge status)"
check "network-bridge stop" net network-bridge stop
check_eq "the host as before" "$before" "$(net_state)"

finish
