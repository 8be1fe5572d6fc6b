# The lab's namespaces: dom0 with a bridge, and guests behind veth pairs
# whose dom0 ends are named like netback's vifD.N. Every namespace made
# here is deleted by cleanup.

ID=$$
D0=xnm$ID-dom0
NAMESPACES=()

netns_add() {
	ip netns add "$1"
	NAMESPACES+=("$1")
	ip -n "$1" link set lo up
	# XNM_DAEMON: the daemon serves dom0 from the moment dom0 exists.
	if [ "$1" == "$D0" ] && [ -n "${XNM_DAEMON:-}" ]; then
		start_daemon
	fi
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

# lan_dom0 LAN NET [DOM0_ADDR6 LAN_ADDR6]: a fresh dom0 (D0) whose eth0 leads
# to namespace LAN: NET.1/24 on dom0, NET.2/24 on the LAN host (and the two
# IPv6 addresses when given), its default route through the LAN host.
lan_dom0() {
	netns_add "$D0"
	ip netns exec "$D0" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	netns_add "$1"
	ip -n "$D0" link add eth0 type veth peer name eth0 netns "$1"
	ip -n "$D0" addr add "$2.1/24" dev eth0
	ip -n "$1" addr add "$2.2/24" dev eth0
	if [ -n "${3:-}" ]; then
		ip -n "$D0" addr add "$3/64" dev eth0 nodad
		ip -n "$1" addr add "$4/64" dev eth0 nodad
	fi
	ip -n "$D0" link set eth0 up
	ip -n "$1" link set eth0 up
	ip -n "$D0" route add default via "$2.2"
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

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

ping_ok() {
	# one reply within 3 s, asking every 0.2 s: a first ARP lost under load is not a failure
	ip netns exec "$1" ping -c 1 -w 3 -i 0.2 "${@:2}" >/dev/null 2>&1
}
