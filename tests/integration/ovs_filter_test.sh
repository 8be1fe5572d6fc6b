#!/bin/bash
# The anti-spoofing filter of a port of an Open vSwitch bridge (PORT_OVS:
# the netdev table, the port's own base chain on its device's ingress),
# with real frames. A guest behind vif1.0 (a veth named like netback's) is
# filtered; a guest behind vif3.0 is not: the control, so that a zero is the
# filter's and not the rig's. Both are ports of a Linux bridge with an
# uplink to a LAN host: the ingress hook runs before any rx_handler, a
# Linux bridge's or the openvswitch datapath's alike, so what the bridge
# never gets, OVS's kernel datapath would not either. This machine has no
# openvswitch module; OVS's userspace datapath is no such port's receiver
# (see the tap's check below).
#
# The filter is applied by the unit test's tool (test_ovs_port_filter set,
# clear): the plan and the batch that vif-openvswitch will make.
#
# Frames carry a marker (tests/tools/hostile_frames.py); a receiver stops at
# the control's last frame, sent after all the others from the same CPU, so
# it has seen everything sent before it.
TEST_NAME="ovs-filter"
. "$(dirname "$0")/lib.sh"

# shellcheck source=lib/hostile_frames.sh
. "$LIB/hostile_frames.sh" # receiver, heard, counts, marks, drops, the kinds, bridged_lan
TOOL=$BUILD/tests/unit/test_ovs_port_filter
[ -x "$TOOL" ] || {
	echo "$TOOL: not built (make SAN=1 BUILD=$BUILD tests)" >&2
	exit 1
}
BR=xenbr0
LAN=xnm$ID-lan
MAC1=00:16:3e:83:00:11 # filtered
MAC3=00:16:3e:83:00:13 # the control
bridged_lan 83
make_guest 1 0 $MAC1 10.83.0.11/24
make_guest 3 0 $MAC3 10.83.0.13/24
for v in vif1.0 vif3.0; do ip -n "$D0" link set $v master $BR up; done
for ns in "$D0" "$LAN" "$(guest_ns 1)" "$(guest_ns 3)"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.icmp.echo_ignore_all=1 net.ipv4.icmp_echo_ignore_all=1
done

filter() { ip netns exec "$D0" "$TOOL" "$@" >"$TMP/plan" 2>&1 || { cat "$TMP/plan" >&2; return 1; }; }
chains() { # the table's chains, one name a line
	ip netns exec "$D0" nft list table netdev xen-netmodes | awk '$1 == "chain" && $2 !~ /^drop_/ {print $2}' | sort | tr '\n' ' '
}
hooks() { # the table's hooks
	ip netns exec "$D0" nft list table netdev xen-netmodes | grep -o 'hook [a-z]* device "[^"]*"' | tr '\n' ' '
}

echo "# the filter of vif1.0: its own chain on its ingress, the shared ones"
check "vif1.0's filter applied (no tagged VLAN)" filter set vif1.0 $MAC1 "10.83.0.11 fd83::11"
check_eq "the chains: the port's and the shared ones" \
	"arp_check icmp6_check ingress-vif1.0 ip6_check ip_check port_check " "$(chains)"
check_eq "one hook: the ingress of vif1.0" 'hook ingress device "vif1.0" ' "$(hooks)"
# the --dry-run text is what was sent: replayed through nft -f in a fresh
# namespace, it makes the same table. nft(8) 1.0.6 cannot read back a
# lookup of a raw transport field nor of a VLAN id in a set of another
# type (as vif_bridge_test.sh says): those rules are left out of both sides.
raw_lookup='@th,[0-9]*,[0-9]* != @\|vlan id != @vlans'
netns_add "xnm$ID-replay"
ip -n "xnm$ID-replay" link add vif1.0 type veth peer name g1
sed -n 's/^nft //p' "$TMP/plan" | grep -v -- "$raw_lookup" >"$TMP/plan.nft"
check "the dry-run text replays through nft -f" ip netns exec "xnm$ID-replay" nft -f "$TMP/plan.nft"
listing() {
	ip netns exec "$1" nft list table netdev xen-netmodes | grep -v -- "$raw_lookup" |
		sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
}
check_eq "and makes the same table" "$(listing "$D0")" "$(listing "xnm$ID-replay")"
check_eq "all but those 6 rules" 6 "$(grep -c -- "$raw_lookup" "$TMP/plan")"
check_fails "which lists no raw payload: every rule reads as its text" \
	bash -c "$(printf '%q ' ip netns exec "$D0" nft list table netdev xen-netmodes) | grep -q '@ll,'"
check "applied again: nothing to do" bash -c "$(printf '%q ' ip netns exec "$D0" "$TOOL" set vif1.0 $MAC1 "10.83.0.11 fd83::11") | cmp -s - /dev/null"

# what the bridge takes up (after its hooks) and what a port hands up
# itself (link-local group frames), and the LAN host's link; tap: a packet
# socket on vif1.0 itself.
RECEIVERS=(dom0 lan)
receivers() {
	receiver dom0 "$D0" --iface $BR --until "$1" --local-proto 0x88cc --local-proto 0x888e \
		--local-proto 0x0800 --local-proto 0x86dd --local-proto 0x0806 --local-proto 0x0004
	receiver lan "$LAN" --iface eth0 --until "$1"
	if [ -n "${TAP:-}" ]; then # in dom0 too: no UDP sockets of its own
		rm -f "$TMP/rx.tap"
		ip netns exec "$D0" python3 "$HF" listen --iface vif1.0 --until "$TAP" --seconds 20 \
			>"$TMP/rx.tap" 2>&1 &
		RX_PID[tap]=$!
		BACKGROUND+=("$!")
	fi
	listening
}
send() { # NS TAG IP4 IP6 KIND...
	ip netns exec "$1" python3 "$HF" send --iface eth0 --tag "$2" --ip4 "$3" --ip6 "$4" \
		--foreign4 10.83.0.99 --foreign6 fd83::99 --spoof-mac 00:16:3e:83:00:66 --other-mac $MAC3 \
		--router6 fd83::1 --ns-target fd83::1 --arp-target 10.83.0.1 --to4 255.255.255.255 \
		--to6 ff02::1 "${@:5}"
}
f() { send "$(guest_ns 1)" "$1" 10.83.0.11 fd83::11 "${@:2}"; }
c() { send "$(guest_ns 3)" "$1" 10.83.0.13 fd83::13 "${@:2}"; }
where() {
	case $1 in
	lldp | eapol | grp-ip4) echo dom0 ;;
	*) echo lan dom0 ;;
	esac
}
# open_paths KIND...: both guests' probes heard everywhere (a link's first
# frames are lost until the kernel has given it a queue).
open_paths() {
	local i
	RECEIVERS=(dom0 lan)
	receivers "$(marks P "$@"),$(marks Q "$@")"
	for ((i = 0; i < 60; i++)); do
		f P "$@" >/dev/null
		c Q "$@" >/dev/null
		all_heard && break
		sleep 0.1
	done
	WHAT="both guests' probes" heard
}
# burst NAME HOSTILE SOUND: the filtered guest's frames, then the control's
# hostile ones and its end; each hostile kind from vif1.0 arrives nowhere and
# the control's once at each receiver, each sound kind from vif1.0 once; the
# drop counters counted every vanished frame.
burst() {
	local name=$1 hostile=$2 sound=$3 k rx before dropped=0
	open_paths end
	RECEIVERS=(dom0 lan)
	receivers "$(marks C end)"
	before=$(drops netdev)
	# shellcheck disable=SC2086 # kinds: words
	f F $hostile $sound --report >"$TMP/sent"
	# shellcheck disable=SC2086
	c C $hostile end >/dev/null
	WHAT="$name: the burst's last frame" heard
	for k in $hostile; do
		rx=$(where "$k")
		# shellcheck disable=SC2086 # receivers: words
		check_eq "$name: $k from vif1.0 never arrives" "$(expect 0 $rx)" "$(counts F "$k" $rx)"
		# shellcheck disable=SC2086
		check_eq "$name: control: $k from vif3.0 arrives" "$(expect 1 $rx)" "$(counts C "$k" $rx)"
		dropped=$((dropped + $(grep -c "^$k$" "$TMP/sent")))
	done
	for k in $sound; do
		rx=$(where "$k")
		# shellcheck disable=SC2086
		check_eq "$name: sound $k from vif1.0 arrives once" "$(expect 1 $rx)" "$(counts F "$k" $rx)"
	done
	check "$name: the drop counters counted each of the $dropped hostile frames" \
		test "$(($(drops netdev) - before))" -ge "$dropped"
}

echo "# the hostile matrix, untagged port"
burst "untagged" "$L2_HOSTILE $TAGS_HOSTILE $ETHERTYPES_HOSTILE $ARP_HOSTILE $IP4_HOSTILE $IP6_HOSTILE $ND_HOSTILE" \
	"$ARP_SOUND $IP4_SOUND $IP6_SOUND $ND_SOUND $ND_GLOBAL_SOUND"

echo "# tags at ingress: VLAN 99 allowed tagged (a trunk port)"
# netback does no VLAN offload: the tag comes in the frame's bytes, as from
# this veth; the stack moves the outer one into the skb before ingress.
check "vif1.0's filter replaced: VLAN 99 tagged" filter set vif1.0 $MAC1 "10.83.0.11 fd83::11" 99
check "the replacement made the port's chain again in its batch" \
	grep -qx 'nft delete chain netdev xen-netmodes ingress-vif1.0' "$TMP/plan"
check_eq "still one hook: the ingress of vif1.0" 'hook ingress device "vif1.0" ' "$(hooks)"
burst "trunk 99" "qinq99 qinq dot1q2 prio mac" "vlan99 ok-udp4 ok-arp"

echo "# what the ingress hook cannot stop: a packet socket on the vif itself"
# Taps (ETH_P_ALL sockets) run before the ingress hook: OVS's userspace
# datapath (datapath_type=netdev) reads its ports with such a socket, so a
# port there is not protected by this filter; the kernel datapath's vport is
# an rx_handler, after it.
RECEIVERS=(dom0 lan tap)
TAP=$(marks F mac) receivers "$(marks C end)"
f F mac >/dev/null
c C end >/dev/null
WHAT="tap" heard
check_eq "a tap on vif1.0 still sees the spoofed frame the filter drops" "tap=1 lan=0" \
	"$(counts F mac tap lan)"

echo "# offline: the port's elements and its chain go; the shared chains stay"
check "vif1.0's filter removed" filter clear vif1.0
check "the removal deleted the port's chain" \
	grep -qx 'nft delete chain netdev xen-netmodes ingress-vif1.0' "$TMP/plan"
check_eq "no port chain left, no hook" "arp_check icmp6_check ip6_check ip_check port_check |" \
	"$(chains)|$(hooks)"
open_paths end
RECEIVERS=(dom0 lan)
receivers "$(marks C end)"
f F mac vlan99 >/dev/null
c C end >/dev/null
WHAT="unfiltered" heard
check_eq "unfiltered again: the spoofed frame and the tagged one arrive" "lan=1 dom0=1 lan=1 dom0=1" \
	"$(counts F mac lan dom0) $(counts F vlan99 lan dom0)"

echo "# the device deleted under its chain, then the offline"
check "vif1.0's filter applied" filter set vif1.0 $MAC1 "10.83.0.11"
ip -n "$D0" link del vif1.0
case $(chains) in
*ingress-vif1.0*) echo "# this kernel ($(uname -r)) keeps the chain of a deleted device" ;;
*) echo "# this kernel ($(uname -r)) deleted the chain with its device" ;;
esac
check "offline after the device went" filter clear vif1.0
check_eq "nothing of vif1.0 left" "arp_check icmp6_check ip6_check ip_check port_check |" "$(chains)|$(hooks)"
check_eq "no element of vif1.0 left" "" "$(port_elements netdev vif1.0)"

# A real Open vSwitch bridge, when openvswitch-switch is installed. This
# machine has no openvswitch module: the bridge is userspace's
# (datapath_type=netdev), which reads its ports through packet sockets,
# before the ingress hook. The filter still judges and counts every frame,
# but the switch has its copy already: this proves the limit
# xen-netmodes(7) states, and that the filter is no substitute there.
if command -v ovs-vswitchd >/dev/null && command -v ovsdb-server >/dev/null; then
	echo "# Open vSwitch, userspace datapath: what the ingress hook cannot stop"
	O0=xnm$ID-odom0 OG=xnm$ID-og OL=xnm$ID-olan
	MAC5=00:16:3e:83:00:55
	netns_add "$O0"
	netns_add "$OG"
	netns_add "$OL"
	ip -n "$O0" link add vif5.0 type veth peer name eth0 netns "$OG"
	ip -n "$O0" link add up0 type veth peer name eth0 netns "$OL"
	ip -n "$OG" link set eth0 address $MAC5
	ip -n "$OG" addr add 10.83.5.5/24 dev eth0
	ip -n "$OL" addr add 10.83.5.2/24 dev eth0
	for l in "$OG eth0" "$OL eth0" "$O0 vif5.0" "$O0 up0"; do
		# shellcheck disable=SC2086 # namespace and device: words
		ip -n ${l% *} link set ${l#* } up
	done
	ovsdb-tool create "$TMP/ovs.db" /usr/share/openvswitch/vswitch.ovsschema
	ip netns exec "$O0" ovsdb-server "$TMP/ovs.db" --remote="punix:$TMP/ovs.sock" \
		--unixctl="$TMP/ovsdb.ctl" --log-file="$TMP/ovsdb.log" >/dev/null 2>&1 &
	BACKGROUND+=("$!")
	vsctl() { ip netns exec "$O0" ovs-vsctl --db="unix:$TMP/ovs.sock" --timeout=20 "$@"; }
	eventually 100 test -S "$TMP/ovs.sock"
	vsctl --no-wait init
	ip netns exec "$O0" ovs-vswitchd "unix:$TMP/ovs.sock" --unixctl="$TMP/vswitchd.ctl" \
		--log-file="$TMP/vswitchd.log" >/dev/null 2>&1 &
	BACKGROUND+=("$!")
	check "ovsbr0 (datapath_type=netdev) with vif5.0 and the uplink" \
		vsctl add-br ovsbr0 -- set bridge ovsbr0 datapath_type=netdev -- add-port ovsbr0 vif5.0 \
		-- add-port ovsbr0 up0
	check "vif5.0's filter applied" bash -c "ip netns exec $O0 $TOOL set vif5.0 $MAC5 10.83.5.5 >/dev/null"
	osend() { # TAG KIND...
		ip netns exec "$OG" python3 "$HF" send --iface eth0 --tag "$1" --ip4 10.83.5.5 \
			--foreign4 10.83.5.99 --spoof-mac 00:16:3e:83:00:66 --to4 255.255.255.255 "${@:2}"
	}
	olisten() { # UNTIL
		rm -f "$TMP/rx.olan"
		ip netns exec "$OL" python3 "$HF" listen --iface eth0 --udp-port 5998 --seconds 20 \
			--until "$1" >"$TMP/rx.olan" 2>&1 &
		RX_PID[olan]=$!
		BACKGROUND+=("$!")
		eventually 100 grep -qsx READY "$TMP/rx.olan"
	}
	olisten "$(marks P ok-udp4)"
	for ((i = 0; i < 100; i++)); do
		osend P ok-udp4 >/dev/null
		grep -qsx DONE "$TMP/rx.olan" && break
		sleep 0.1
	done
	RECEIVERS=(olan)
	WHAT="ovs: the probe" heard
	olisten "$(marks F end)"
	before=$(drops netdev "$O0")
	osend F mac ip4-src vlan99 ok-udp4 end >/dev/null
	WHAT="ovs: the burst's last frame" heard
	after=$(drops netdev "$O0")
	check "ovs: the ingress filter dropped and counted the 3 hostile frames" test $((after - before)) -ge 3
	check_eq "ovs: sound ok-udp4 arrives once" "olan=1" "$(counts F ok-udp4 olan)"
	check_eq "ovs, userspace datapath: the hostile frames reach the LAN all the same (the switch read them before ingress)" \
		"olan=1 olan=1 olan=1" "$(counts F mac olan) $(counts F ip4-src olan) $(counts F vlan99 olan)"
	check "vif5.0's filter removed" bash -c "ip netns exec $O0 $TOOL clear vif5.0 >/dev/null"
	vsctl del-br ovsbr0 || true
else
	echo "# no openvswitch-switch: the real Open vSwitch part skipped"
fi

finish
