#!/bin/bash
# The hostile-frame matrix (issue 28): every kind of frame a filtered port
# must not pass, sent by a guest in each mode this kernel runs (a bridge's
# untagged port, routed, NAT), counted where it could arrive (another guest,
# the LAN, dom0 itself) as never arriving; sound frames of every family in
# the same burst counted as arriving once; and the same hostile frames from
# a port nobody filters counted as arriving, so a zero is the filter's and
# not the rig's. Frames carry a marker (tests/tools/hostile_frames.py); a
# receiver stops at the control's last frame, sent after all the others
# from the same CPU, so it has seen everything sent before it.
TEST_NAME="isolation"
. "$(dirname "$0")/lib.sh"
lab_start

# shellcheck source=lib/hostile_frames.sh
. "$LIB/hostile_frames.sh" # receiver, heard, counts, marks, drops, the kinds, bridged_lan

# burst NS ARGS...: hostile_frames.py send from guest namespace NS.
burst() {
	local ns=$1
	shift
	ip netns exec "$ns" python3 "$HF" send "$@"
}

# open_paths LAB KIND...: the lab's every way from either guest to each
# receiver carries frames: LAB_receivers listens, LAB_f and LAB_c (the
# filtered guest and the control) send these sound frames, again each tenth
# of a second until all have heard both (a link's first frames are lost
# until the kernel has given it a queue, which its link watch does a little
# after the carrier, later on a busy host).
open_paths() {
	local lab=$1 i
	shift
	"${lab}_receivers" "$(marks P "$@"),$(marks Q "$@")"
	for ((i = 0; i < 60; i++)); do
		"${lab}_f" P "$@" >/dev/null
		"${lab}_c" Q "$@" >/dev/null
		all_heard && break
		sleep 0.1
	done
	WHAT="$lab: both guests' probes" heard
}

# matrix LAB HOSTILE SOUND [KERNEL]: the checks of one burst. LAB_where KIND
# prints the receivers a frame of KIND can reach (the other guest, the LAN
# and dom0 for a routed datagram; dom0 alone for one a router never
# forwards). Each hostile kind: the filtered guest's frames arrive nowhere,
# the control's once at each. Each sound kind: the filtered guest's arrive
# once at each. KERNEL: kinds the kernel drops before any filter, from
# either guest. Sets DROPPED: how many of the filtered guest's frames
# vanished (each one a drop the table must have counted).
matrix() {
	local lab=$1 k rx
	DROPPED=0
	for k in $2; do
		rx=$("${lab}_where" "$k")
		# shellcheck disable=SC2086 # receivers: words
		check_eq "$lab: $k from the filtered guest never arrives" \
			"$(expect 0 $rx)" "$(counts F "$k" $rx)"
		# shellcheck disable=SC2086
		check_eq "$lab: control: $k from the guest without a filter arrives" \
			"$(expect 1 $rx)" "$(counts C "$k" $rx)"
		# shellcheck disable=SC2086
		if [ "$(counts F "$k" $rx)" = "$(expect 0 $rx)" ]; then
			DROPPED=$((DROPPED + $(grep -c "^$k$" "$TMP/sent.$lab")))
		fi
	done
	for k in $3; do
		rx=$("${lab}_where" "$k")
		# shellcheck disable=SC2086
		check_eq "$lab: sound $k from the filtered guest arrives once" \
			"$(expect 1 $rx)" "$(counts F "$k" $rx)"
	done
	for k in ${4:-}; do
		rx=$("${lab}_where" "$k")
		# shellcheck disable=SC2086
		check_eq "$lab: $k never arrives from either guest (the kernel drops a tag of a VLAN it has no device for)" \
			"$(expect 0 $rx) $(expect 0 $rx)" "$(counts F "$k" $rx) $(counts C "$k" $rx)"
	done
}

# run_lab LAB FAMILY HOSTILE SOUND KERNEL END...: the paths opened, then the
# burst: the filtered guest's hostile, kernel and sound frames, the
# control's hostile and kernel ones and its END frames last (one to each
# receiver); the matrix, and the table's drop counters.
run_lab() {
	local lab=$1 family=$2 hostile=$3 sound=$4 kernel=$5 before
	shift 5
	open_paths "$lab" "$@"
	"${lab}_receivers" "$(marks C "$@")"
	before=$(drops "$family")
	# shellcheck disable=SC2086 # kinds: words
	"${lab}_f" F $hostile $kernel $sound --report >"$TMP/sent.$lab"
	# shellcheck disable=SC2086
	"${lab}_c" C $hostile $kernel "$@" >/dev/null
	WHAT="$lab: the burst's last frame (all before it with it)" heard
	matrix "$lab" "$hostile" "$sound" "$kernel"
	check "$lab: the drop counters counted each of the $DROPPED hostile frames that vanished" \
		test "$(($(drops "$family") - before))" -ge "$DROPPED"
}

# dom0's end of a guest link in routed and NAT mode, as netback makes it, and its link-local address
GW_MAC=fe:ff:ff:ff:ff:ff
GW_LL=fe80::fcff:ffff:feff:ffff

# quiet NS...: no receiver answers an echo request (a reply would quote a marker).
quiet() {
	local ns
	for ns in "$@"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.icmp.echo_ignore_all=1 net.ipv4.icmp_echo_ignore_all=1
	done
}

echo "# bridged: untagged ports of xenbr0, its uplink to the LAN"
BR=xenbr0
LAN=xnm$ID-lan
MAC1=00:16:3e:81:00:11 # filtered: the hostile guest
MAC2=00:16:3e:81:00:12 # filtered: the other guest
MAC3=00:16:3e:81:00:13 # no ip, no filter: the control
bridged_lan 81
make_guest 1 0 $MAC1 10.81.0.11/24
make_guest 2 0 $MAC2 10.81.0.12/24
make_guest 3 0 $MAC3 10.81.0.13/24
xs_vif 1 0 $MAC1 bridge=$BR "ip=10.81.0.11 fd81::11"
xs_vif 2 0 $MAC2 bridge=$BR "ip=10.81.0.12 fd81::12"
xs_vif 3 0 $MAC3 bridge=$BR
check "vif1.0 online" hotplug vif-bridge 1 0 online
check "vif2.0 online" hotplug vif-bridge 2 0 online
check "vif3.0 online" hotplug vif-bridge 3 0 online
check "vif1.0 is filtered" port_filtered bridge vif1.0
check_fails "vif3.0 is not (no ip): the control" port_filtered bridge vif3.0
quiet "$D0" "$(guest_ns 2)" "$LAN"

# dom0 hears what its bridge takes up (after the bridge's hooks), and what a
# port hands up itself, of the ethertypes sent: LLDP, EAPOL, IPv4, IPv6,
# ARP and LLC (ETH_P_802_2), after the bridge's input hook where it has one.
bridge_receivers() {
	RECEIVERS=(dom0 guest lan)
	receiver dom0 "$D0" --iface $BR --until "$1" --local-proto 0x88cc --local-proto 0x888e \
		--local-proto 0x0800 --local-proto 0x86dd --local-proto 0x0806 --local-proto 0x0004
	receiver guest "$(guest_ns 2)" --iface eth0 --until "$1"
	receiver lan "$LAN" --iface eth0 --until "$1"
	listening
}
# Every frame to the broadcast or the all-nodes address, or its own group.
bridge_send() { # NS TAG IP4 IP6 KIND...
	burst "$1" --iface eth0 --tag "$2" --ip4 "$3" --ip6 "$4" --foreign4 10.81.0.99 --foreign6 fd81::99 \
		--spoof-mac 00:16:3e:81:00:66 --other-mac $MAC2 --router6 fd81::1 --ns-target fd81::1 \
		--arp-target 10.81.0.1 --to4 255.255.255.255 --to6 ff02::1 "${@:5}"
}
bridge_f() { bridge_send "$(guest_ns 1)" "$1" 10.81.0.11 fd81::11 "${@:2}"; }
bridge_c() { bridge_send "$(guest_ns 3)" "$1" 10.81.0.13 fd81::13 "${@:2}"; }
# Everywhere, but the link-local group frames the bridge does not forward,
# which only dom0 takes (on the port itself).
bridge_where() {
	case $1 in
	lldp | eapol | grp-ip4) echo dom0 ;;
	*) echo guest lan dom0 ;;
	esac
}
run_lab bridge bridge "$L2_HOSTILE $TAGS_HOSTILE $ETHERTYPES_HOSTILE $ARP_HOSTILE $IP4_HOSTILE $IP6_HOSTILE $ND_HOSTILE" \
	"$ARP_SOUND $IP4_SOUND $IP6_SOUND $ND_SOUND $ND_GLOBAL_SOUND" "" end

echo "# bridged, spanning tree on: no BPDU from a filtered port reaches it"
# With STP on, the bridge takes a BPDU for itself without a hook of its own
# family. Both guests claim the root with priority 0; the filtered guest's
# claim (its MAC is the lower: the better root) goes first: were it taken,
# the control's, after it, could not displace it.
ip -n "$D0" link add stpbr0 type bridge stp_state 1
ip -n "$D0" link set stpbr0 up
make_guest 11 0 00:16:3e:82:00:11 10.82.0.11/24
make_guest 13 0 00:16:3e:82:00:13 10.82.0.13/24
xs_vif 11 0 00:16:3e:82:00:11 bridge=stpbr0 ip=10.82.0.11
xs_vif 13 0 00:16:3e:82:00:13 bridge=stpbr0
check "vif11.0 online (filtered)" hotplug vif-bridge 11 0 online
check "vif13.0 online (no ip: the control)" hotplug vif-bridge 13 0 online
stp_receivers() { # what the ports get (before any hook: enough to know the links carry frames)
	RECEIVERS=(ports)
	receiver ports "$D0" --iface vif11.0 --iface vif13.0 --until "$1"
	listening
}
stp_f() { burst "$(guest_ns 11)" --iface eth0 --tag "$1" --ip4 10.82.0.11 --to4 255.255.255.255 "${@:2}"; }
stp_c() { burst "$(guest_ns 13)" --iface eth0 --tag "$1" --ip4 10.82.0.13 --to4 255.255.255.255 "${@:2}"; }
open_paths stp end
root_port() { # BRIDGE: its root port's number (0: the bridge is the root)
	ip -n "$D0" -d link show "$1" | grep -o 'root_port [0-9]*' | cut -d' ' -f2
}
port_no() { # PORT: its number on its bridge
	printf '%d' "$(ip -n "$D0" -d link show "$1" | grep -o 'port_no 0x[0-9a-f]*' | cut -d' ' -f2)"
}
check_eq "stpbr0 is the root of its tree" 0 "$(root_port stpbr0)"
stp_f F bpdu
stp_c C bpdu
root_is_a_guest() { [ "$(root_port stpbr0)" != 0 ]; }
check "stp: control: a BPDU from the guest without a filter makes its port the root port" \
	eventually 30 root_is_a_guest
check_eq "stp: a BPDU from the filtered guest never reaches the bridge's spanning tree (the root is the control's)" \
	"root port $(port_no vif13.0)" "root port $(root_port stpbr0)"

# by_hand DOMID ADDR4 DOM0_ADDR4 [ADDR6]: the control's link in routed and NAT
# mode, made as vif-route or vif-nat makes one but with no filter: a /32 of
# dom0's on dom0's end, a route to the guest.
by_hand() {
	local vif=vif$1.0
	ip -n "$D0" addr add "$3/32" dev "$vif"
	ip -n "$D0" link set "$vif" up
	ip -n "$D0" route add "$2/32" dev "$vif" src "$3"
	[ -z "${4:-}" ] || ip -n "$D0" -6 route add "$4/128" dev "$vif"
}

# routed_receivers VIF CONTROL MAC CONTROL_MAC GUEST MARKS: the routed and
# NAT labs' receivers: dom0's IP stack, the other guest and the LAN host.
routed_receivers() {
	RECEIVERS=(dom0 guest lan)
	l3_receiver "$1" "$2" "$3" "$4" "$6"
	receiver guest "$5" --iface eth0 --until "$6"
	receiver lan "$LAN" --iface eth0 --until "$6"
	listening
}

# open_dom0: dom0 forwards what the control spoofs (no reverse path filter)
# and answers no echo request.
open_dom0() {
	local dev
	for dev in all default $(ip -n "$D0" -o link show | awk -F': ' '/vif/ {print $2}' | cut -d@ -f1); do
		ip netns exec "$D0" sysctl -qw "net/ipv4/conf/$dev/rp_filter=0"
	done
	quiet "$D0"
}

# neigh_fixed DEV MAC ADDR...: permanent neighbours in dom0: no resolution
# holds a forwarded frame back behind the burst's last.
neigh_fixed() {
	local a
	for a in "${@:3}"; do
		ip -n "$D0" neigh replace "$a" lladdr "$2" dev "$1" nud permanent
	done
}

has_gw_ll() { # VIF: dom0's end of the link has the link-local address of GW_MAC
	ip -n "$D0" -6 addr show dev "$1" | grep -q "inet6 $GW_LL/64"
}

link_mac() { # NS DEV
	ip -n "$1" -o link show dev "$2" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2
}

# dom0's receiver in routed and NAT mode: what its IP stack delivers (after
# every hook), a member of the groups ND and MLD go to (all routers, MLDv2
# routers, both guests' solicited-node groups) on both guest links.
l3_receiver() { # VIF VIF GUEST_MAC GUEST_MAC UNTIL
	local sn joins=() v m
	for m in "$3" "$4"; do
		sn=ff02::1:ff${m:9:2}:${m:12:2}${m:15:2}
		for v in "$1" "$2"; do joins+=(--join "$sn%$v"); done
	done
	for v in "$1" "$2"; do joins+=(--join "ff02::2%$v" --join "ff02::16%$v"); done
	receiver dom0 "$D0" --l3 "${joins[@]}" --until "$5"
}

# A routed frame reaches the other guest, the LAN host and dom0 (one frame
# to each); one a router never forwards (a link-local source or destination,
# a broadcast) only dom0.
ROUTED_ONLY_DOM0=" ok-dhcp ip4-zero ll-udp ll-echo ip6-zero-udp ra redirect mld-query $ND_HOSTILE $ND_SOUND $ND_GLOBAL_SOUND "
route_where() {
	case $ROUTED_ONLY_DOM0 in
	*" $1 "*) echo dom0 ;;
	*) echo guest lan dom0 ;;
	esac
}
ROUTED_KERNEL="vlan99 qinq99 qinq dot1q2"
ROUTED_HOSTILE="mac prio-src $IP4_HOSTILE $IP6_HOSTILE $ND_HOSTILE"
ROUTED_SOUND="ok-prio $IP4_SOUND $IP6_SOUND $ND_SOUND $ND_GLOBAL_SOUND"

echo "# routed: network-route and vif-route, dom0's eth0 on the LAN"
D0=xnm$ID-rdom0
LAN=xnm$ID-rlan
MAC4=00:16:3e:50:00:44 # filtered: the hostile guest
MAC5=00:16:3e:50:00:45 # filtered: the other guest
MAC6=00:16:3e:50:00:46 # linked by hand, no filter: the control
lan_dom0 "$LAN" 192.168.50 fd50::1 fd50::2
VIF_SCRIPT="vif-route"
make_guest 4 0 $MAC4 192.168.50.44/24
make_guest 5 0 $MAC5 192.168.50.45/24
make_guest 6 0 $MAC6 192.168.50.46/24
for g in 4 5 6; do
	in_ns "$(guest_ns $g)" ip -6 addr add "fd50::4$g/128" dev eth0 nodad
	ip -n "$D0" link set vif$g.0 address $GW_MAC
done
xs_vif 4 0 $MAC4 "ip=192.168.50.44 fd50::44"
xs_vif 5 0 $MAC5 "ip=192.168.50.45 fd50::45"
check "network-route start" in_dom0 "$SCRIPTS/network-route" start
check "vif4.0 online" hotplug vif-route 4 0 online
check "vif5.0 online" hotplug vif-route 5 0 online
check "vif4.0 is filtered" port_filtered inet vif4.0
check "vif4.0 has the link-local address of its MAC, the target of the guest's NS" \
	eventually 30 has_gw_ll vif4.0
by_hand 6 192.168.50.46 192.168.50.1 fd50::46
check_fails "vif6.0 (by hand) is not: the control" port_filtered inet vif6.0
check "vif6.0 has the link-local address of its MAC" eventually 30 has_gw_ll vif6.0
open_dom0
neigh_fixed eth0 "$(link_mac "$LAN" eth0)" 192.168.50.2 fd50::2
neigh_fixed vif5.0 $MAC5 192.168.50.45 fd50::45
quiet "$(guest_ns 5)" "$LAN"
route_receivers() { routed_receivers vif4.0 vif6.0 $MAC4 $MAC6 "$(guest_ns 5)" "$1"; }
route_send() { # NS TAG IP4 IP6 KIND...: to the LAN host, the other guest and dom0
	burst "$1" --iface eth0 --tag "$2" --ip4 "$3" --ip6 "$4" --foreign4 192.168.50.99 --foreign6 fd50::99 \
		--spoof-mac 00:16:3e:50:00:66 --other-mac $MAC5 --router6 fd50::1 --ns-target $GW_LL \
		--gw-mac $GW_MAC --to4 192.168.50.2,192.168.50.45,192.168.50.1 --to6 fd50::2,fd50::45,fd50::1 "${@:5}"
}
route_f() { route_send "$(guest_ns 4)" "$1" 192.168.50.44 fd50::44 "${@:2}"; }
route_c() { route_send "$(guest_ns 6)" "$1" 192.168.50.46 fd50::46 "${@:2}"; }
run_lab route inet "$ROUTED_HOSTILE" "$ROUTED_SOUND" "$ROUTED_KERNEL" end end6

echo "# NAT: network-nat and vif-nat (IPv4 alone; IPv6 only on the link)"
D0=xnm$ID-ndom0
LAN=xnm$ID-nlan
MAC7=00:16:3e:60:00:77 # filtered: the hostile guest (10.0.7.1, derived)
MAC8=00:16:3e:60:00:78 # filtered: the other guest (10.0.8.1)
MAC9=00:16:3e:60:00:79 # linked by hand, no filter: the control (10.0.9.1)
lan_dom0 "$LAN" 192.168.60
VIF_SCRIPT="vif-nat"
export XEN_NETMODES_CONF=$TMP/nat.conf
: >"$XEN_NETMODES_CONF"
for g in 7 8 9; do
	make_guest $g 0 "00:16:3e:60:00:7$g" "10.0.$g.1/8"
	ip -n "$D0" link set vif$g.0 address $GW_MAC
done
xs_vif 7 0 $MAC7
xs_vif 8 0 $MAC8
check "network-nat start" in_dom0 "$SCRIPTS/network-nat" start
check "vif7.0 online" hotplug vif-nat 7 0 online
check "vif8.0 online" hotplug vif-nat 8 0 online
check "vif7.0 is filtered" port_filtered inet vif7.0
check "vif7.0 has the link-local address of its MAC" eventually 30 has_gw_ll vif7.0
by_hand 9 10.0.9.1 10.0.9.128
check_fails "vif9.0 (by hand) is not: the control" port_filtered inet vif9.0
check "vif9.0 has the link-local address of its MAC" eventually 30 has_gw_ll vif9.0
open_dom0
neigh_fixed eth0 "$(link_mac "$LAN" eth0)" 192.168.60.2
neigh_fixed vif8.0 $MAC8 10.0.8.1
quiet "$(guest_ns 8)" "$LAN"
nat_receivers() { routed_receivers vif7.0 vif9.0 $MAC7 $MAC9 "$(guest_ns 8)" "$1"; }
nat_send() { # NS TAG IP4 DOM0 KIND...: to the LAN host (masqueraded), the other guest, dom0
	burst "$1" --iface eth0 --tag "$2" --ip4 "$3" --foreign4 "${3%.1}.99" --foreign6 fd60::99 \
		--spoof-mac 00:16:3e:60:00:66 --other-mac $MAC8 --router6 fd60::1 --ns-target $GW_LL \
		--gw-mac $GW_MAC --to4 "192.168.60.2,10.0.8.1,$4" --to6 ff02::1 "${@:5}"
}
nat_f() { nat_send "$(guest_ns 7)" "$1" 10.0.7.1 10.0.7.128 "${@:2}"; }
nat_c() { nat_send "$(guest_ns 9)" "$1" 10.0.9.1 10.0.9.128 "${@:2}"; }
nat_where() { # as routed; ip6-src goes to all nodes: dom0 alone hears it
	if [ "$1" = ip6-src ]; then echo dom0; else route_where "$1"; fi
}
run_lab nat inet "mac prio-src $IP4_HOSTILE ip6-src ll-udp ll-echo ip6-zero-udp ra redirect mld-query $ND_HOSTILE" \
	"ok-prio $IP4_SOUND ${ND_SOUND/ok-na /}" "$ROUTED_KERNEL" end

finish
