# Bonded and VLAN uplinks on the real host, proven with packets: bond0
# (active-backup over eth2 and eth4, whose far ends eth3 and eth5 are
# bridged in the namespace lanb) moved onto a bridge by network-bridge with
# its slaves kept, surviving a slave's failure, and restored exactly; a
# slave refused as netdev by all three network-* modes; eth0.100 (VLAN 100
# on eth0, eth1.100 in the namespace lan) moved likewise with eth0 left as
# it was; network-route on bond0 (proxy ARP and forwarding for a host
# behind dom0) and network-nat on eth0.100 (a host behind dom0 masqueraded
# onto VLAN 100); the default route's device chosen when no netdev is
# given. Everything made here is removed: dom0 is left as it was found.
. /xnm/lib.sh

t0=$(cut -d' ' -f1 /proc/uptime)
# part NAME: the seconds since the scenario began, on the console (CI time is counted)
part() { say "# $SCENARIO: $1 at $(awk -v t0="$t0" '{printf "%.0f", $1 - t0}' /proc/uptime) s"; }
lan_setup 10.9.0.2/24
ip link set eth0 up
modprobe bonding
modprobe 8021q
found=$(snapshot)
was_up=
for d in eth2 eth3 eth4 eth5; do
	ip -o link show dev "$d" | grep -q '[<,]UP[,>]' && was_up="$was_up $d"
done
# a NIC in detail, and its addresses; but its promiscuity count, which a
# bridge port's promiscuous mode raises on the VLAN device's parent
link_of() {
	ip -d -o link show dev "$1" | sed 's/^[0-9]*: //; s/ promiscuity [0-9]*//; s/ allmulti [0-9]*//'
	ip -o addr show dev "$1" | sed 's/^[0-9]*: //; s/valid_lft.*//'
}
lanb() { ip netns exec lanb "$@"; }

# --- everything the parts share, made once: the bond and its LAN side,
# the VLAN device and its LAN side, a host behind dom0 for each of routing
# and NAT; each part's stop is compared with this one snapshot
ip link add bond0 type bond mode active-backup miimon 100
for d in eth2 eth4; do ip link set "$d" down; ip link set "$d" master bond0; done
ip link set bond0 up
ip addr add 192.168.81.1/24 dev bond0
ip addr add fd81::1/64 dev bond0 nodad
ip netns add lanb
ip link set eth3 netns lanb
ip link set eth5 netns lanb
lanb ip link set lo up
lanb ip link add lbr type bridge stp_state 0 forward_delay 0
lanb ip link set eth3 master lbr
lanb ip link set eth5 master lbr
for d in eth3 eth5 lbr; do lanb ip link set "$d" up; done
lanb ip addr add 192.168.81.2/24 dev lbr
lanb ip addr add fd81::2/64 dev lbr nodad
lanb ip addr add 10.81.0.1/32 dev lo # reached through bond0's route only
ip route add 10.81.0.0/16 via 192.168.81.2 dev bond0
ip route add default via 192.168.81.2 dev bond0 metric 7
eth0_was=$(link_of eth0)
ip link add link eth0 name eth0.100 type vlan id 100
ip addr add 192.168.82.1/24 dev eth0.100
ip link set eth0.100 up
in_lan ip link add link eth1 name eth1.100 type vlan id 100
in_lan ip addr add 192.168.82.2/24 dev eth1.100
in_lan ip link set eth1.100 up
in_lan ip addr add 10.82.0.1/32 dev lo
ip route add 10.82.0.0/16 via 192.168.82.2 dev eth0.100
# the host behind dom0 that network-route makes reachable from the LAN side
ip netns add rtn
ip link add xr0 type veth peer name xr1 netns rtn
ip addr add 10.83.0.1/24 dev xr0
ip link set xr0 up
ip netns exec rtn sh -c 'ip link set lo up; ip addr add 10.83.0.5/24 dev xr1; ip link set xr1 up;
	ip route add default via 10.83.0.1'
lanb ip route add 10.83.0.0/24 dev lbr # on the LAN, as if on-link: proxy ARP answers
# the host behind dom0 that network-nat masquerades onto VLAN 100
ip netns add natn
ip link add xn0 type veth peer name xn1 netns natn
ip addr add 10.84.0.1/24 dev xn0
ip link set xn0 up
ip netns exec natn sh -c 'ip link set lo up; ip addr add 10.84.0.5/24 dev xn1; ip link set xn1 up;
	ip route add default via 10.84.0.1'
reaches_lanb() { ping -c1 -W2 192.168.81.2 && ping -c1 -W2 10.81.0.1 && ping -c1 -W2 fd81::2; }
reaches_vlan() { ping -c1 -W2 192.168.82.2 && ping -c1 -W2 10.82.0.1; }
check "bond0 of eth2 and eth4 reaches the bridged LAN side (its address, a route, IPv6)" until_ok 20 reaches_lanb
check_eq "bond0's slaves" "eth2 eth4" "$(cat /sys/class/net/bond0/bonding/slaves)"
active=$(cat /sys/class/net/bond0/bonding/active_slave)
check "eth0.100 reaches the LAN host on VLAN 100 (its address, a route)" until_ok 20 reaches_vlan

part "default netdev"
# --- no netdev given: the default route's device, a bond or a VLAN device
check "network-bridge's default netdev is the default route's device, bond0" \
	sh -c "$S/network-bridge start --dry-run | grep -qx 'ip link set dev bond0 name pbond0'"
check "network-route's is bond0" \
	sh -c "$S/network-route start --dry-run | grep -qx 'sysctl -w net/ipv4/conf/bond0/proxy_arp=1'"
ip route add default via 192.168.82.2 dev eth0.100 metric 5
check "network-nat's, with a better default route through eth0.100, is eth0.100" \
	sh -c "$S/network-nat start --dry-run | grep -q 'oifname \"eth0.100\" masquerade'"
ip route del default via 192.168.82.2 dev eth0.100 metric 5
ready=$(snapshot)

part "refusals"
# --- a slave as netdev: refused by every mode, nothing changed
for m in network-bridge network-route network-nat; do
	rc=0
	out=$($S/$m start netdev=eth2 2>&1) || rc=$?
	check_eq "$m start netdev=eth2 (a slave of bond0) fails" 1 "$rc"
	check "$m says whose slave it is and what to give" \
		grep -q "eth2 is a slave of bond bond0: give netdev=bond0 instead" <<<"$out"
done
check_eq "the refusals changed nothing" "$ready" "$(snapshot)"

part "network-bridge on bond0"
# --- network-bridge on bond0
check "network-bridge start netdev=bond0" $S/network-bridge start netdev=bond0
check "bond0 is now a bridge" test -d /sys/class/net/bond0/bridge
check "the bond, renamed pbond0, is its port" test -e /sys/class/net/bond0/brif/pbond0
check_eq "the slaves stay enslaved to the bond" "eth2 eth4" "$(cat /sys/class/net/pbond0/bonding/slaves 2>&1)"
check "eth2 and eth4 have pbond0 as master" sh -c \
	"ip -o link show dev eth2 | grep -q 'master pbond0' && ip -o link show dev eth4 | grep -q 'master pbond0'"
check "the addresses are on the bridge" sh -c \
	"ip -o addr show dev bond0 | grep -q 'inet 192.168.81.1/24' && ip -o addr show dev bond0 | grep -q 'inet6 fd81::1/64'"
check "the route and the default route are on the bridge" sh -c \
	"ip route show dev bond0 | grep -q '^10.81.0.0/16 via 192.168.81.2' && ip route show dev bond0 | grep -q '^default via 192.168.81.2 metric 7'"
check "pbond0 holds no address" sh -c "! ip -o addr show dev pbond0 | grep -q 'inet .*192.168'"
check "dom0 reaches the LAN side through the bridge and the bond" until_ok 20 reaches_lanb
check "status shows a bond and its slaves" sh -c "$S/network-bridge status | grep -qx '  uplink: bond, slaves eth2 eth4'"
check "status --json too" sh -c \
	"$S/network-bridge status --json | grep -qF '\"uplink\": {\"kind\": \"bond\", \"slaves\": [\"eth2\", \"eth4\"]}'"
ip link set "$active" down
check "the active slave $active down: the bond fails over" \
	until_ok 10 sh -c "[ \"\$(cat /sys/class/net/pbond0/bonding/active_slave)\" != $active ]"
check "dom0 still reaches the LAN side over the other slave" until_ok 20 reaches_lanb
ip link set "$active" up
ip link set pbond0 type bond active_slave "$active" 2>/dev/null ||
	echo "$active" >/sys/class/net/pbond0/bonding/active_slave
until_ok 10 sh -c "[ \"\$(cat /sys/class/net/pbond0/bonding/active_slave)\" = $active ]" >/dev/null
check "network-bridge stop" $S/network-bridge stop
check_eq "network-bridge stop restored dom0 exactly" "$ready" "$(snapshot)"
check "dom0 reaches the LAN side over bond0 again" until_ok 20 reaches_lanb

part "network-route on bond0"
# --- network-route on bond0: the LAN side reaches the host behind dom0 by
# proxy ARP on bond0 and forwarding
check_fails "before start the LAN side cannot reach the host behind dom0" lanb ping -c1 -W2 10.83.0.5
check "network-route start netdev=bond0" $S/network-route start netdev=bond0
check_eq "proxy ARP on bond0" 1 "$(cat /proc/sys/net/ipv4/conf/bond0/proxy_arp)"
check_eq "forwarding on" 1 "$(cat /proc/sys/net/ipv4/conf/all/forwarding)"
check "the LAN side reaches the host behind dom0 (proxy ARP on the bond, forwarded)" \
	until_ok 15 lanb ping -c1 -W2 10.83.0.5
check "status shows the bond" sh -c "$S/network-route status | grep -qx '  uplink: bond, slaves eth2 eth4'"
check "network-route stop" $S/network-route stop
check_eq "network-route stop restored dom0 exactly" "$ready" "$(snapshot)"
lanb ip neigh flush dev lbr
check_fails "after stop no proxy ARP answers for it" lanb ping -c1 -W2 10.83.0.5

part "network-bridge on eth0.100"
# --- network-bridge on the VLAN device eth0.100
check "network-bridge start netdev=eth0.100" $S/network-bridge start netdev=eth0.100
check "eth0.100 is now a bridge with peth0.100 in it" test -e /sys/class/net/eth0.100/brif/peth0.100
check "peth0.100 is still VLAN 100 on eth0" sh -c \
	"ip -d -o link show dev peth0.100 | grep -q '^[0-9]*: peth0.100@eth0: .* vlan protocol 802.1Q id 100 '"
check_eq "eth0 stays as it was (but its promiscuity count)" "$eth0_was" "$(link_of eth0)"
check "the address and the route are on the bridge" sh -c \
	"ip -o addr show dev eth0.100 | grep -q 'inet 192.168.82.1/24' && ip route show dev eth0.100 | grep -q '^10.82.0.0/16 via 192.168.82.2'"
rx=$(in_lan cat /sys/class/net/eth1.100/statistics/rx_packets)
check "dom0 reaches the LAN host through the bridge, on VLAN 100" until_ok 20 reaches_vlan
check "the LAN host received it on eth1.100 (tagged 100)" \
	test "$(in_lan cat /sys/class/net/eth1.100/statistics/rx_packets)" -gt "$rx"
check "status shows VLAN 100 on eth0" sh -c "$S/network-bridge status | grep -qx '  uplink: vlan 100 on eth0'"
check "status --json too" sh -c \
	"$S/network-bridge status --json | grep -qF '\"uplink\": {\"kind\": \"vlan\", \"vlan_id\": 100, \"protocol\": \"802.1Q\", \"parent\": \"eth0\"}'"
check "network-bridge stop" $S/network-bridge stop
check_eq "network-bridge stop restored dom0 exactly" "$ready" "$(snapshot)"
check "eth0.100 reaches the LAN host again" until_ok 20 reaches_vlan

part "network-nat on eth0.100"
# --- network-nat on eth0.100: the host behind dom0 masqueraded onto VLAN 100
check_fails "the LAN host has no route back to 10.84.0.5" in_lan ip route get 10.84.0.5
check_fails "before start the host behind dom0 cannot reach the LAN host" \
	ip netns exec natn ping -c1 -W2 192.168.82.2
check "network-nat start netdev=eth0.100" $S/network-nat start netdev=eth0.100
rx=$(in_lan cat /sys/class/net/eth1.100/statistics/rx_packets)
check "the host behind dom0 reaches the LAN host, masqueraded onto VLAN 100" \
	until_ok 15 ip netns exec natn ping -c1 -W2 192.168.82.2
check "the LAN host received it on eth1.100" \
	test "$(in_lan cat /sys/class/net/eth1.100/statistics/rx_packets)" -gt "$rx"
check "status shows the VLAN" sh -c "$S/network-nat status | grep -qx '  uplink: vlan 100 on eth0'"
check "network-nat stop" $S/network-nat stop
check_eq "network-nat stop restored dom0 exactly" "$ready" "$(snapshot)"
check_fails "after stop it is not masqueraded" ip netns exec natn ping -c1 -W2 192.168.82.2

part "teardown"
# --- teardown: dom0 as it was found
ip netns del natn
ip netns del rtn
ip link del eth0.100
in_lan ip link del eth1.100
in_lan ip addr del 10.82.0.1/32 dev lo
ip link del bond0
# Through a namespace and back, as eth3 and eth5 come back: a NIC brought up
# once keeps the qdisc the kernel then attached, and a move detaches it.
for d in eth2 eth4; do case " $was_up " in *" $d "*) ;; *) ip link set "$d" netns lanb ;; esac; done
for d in eth2 eth3 eth4 eth5; do lanb ip link set "$d" netns 1 2>/dev/null; done
ip netns del lanb
for d in eth2 eth3 eth4 eth5; do
	case " $was_up " in *" $d "*) ip link set "$d" up ;; *) ip link set "$d" down ;; esac
done
check_eq "dom0 is as the scenario found it" "$found" "$(snapshot)"
part "the end"
finish
