# Open vSwitch on the real host: dom0 runs ovsdb-server and ovs-vswitchd on
# the kernel's openvswitch datapath, with eth0 the uplink of ovsbr0; xl runs
# vif-openvswitch for vifs on ovsbr0, on ovsbr0.10 (an access port of VLAN
# 10) and on ovsbr0:10:20 (a trunk). Pings, VLAN isolation and the spoof
# matrix are counted where frames would arrive; hot-plug, a stale port, a
# missing bridge, status; destroy leaves no port and no chain.
#
# Each guest's eth0 is a control link on a plain bridge (xnmctl) that
# carries the command server; its eth1 is the Open vSwitch port under test
# (p2's eth2 too: the trunk).
. /xnm/lib.sh

t0=$(cut -d' ' -f1 /proc/uptime)
part() { say "# $SCENARIO: $1 at $(awk -v t0="$t0" '{printf "%.0f", $1 - t0}' /proc/uptime) s"; }
vsctl() { ovs-vsctl --timeout=20 "$@"; }
# ports: ovsbr0's ports, one line
ports() { vsctl list-ports ovsbr0 2>&1 | tr '\n' ' ' | sed 's/ $//'; }
# chains: the netdev table's per-vif base chains, one line
chains() { nft list table netdev xen-netmodes 2>/dev/null | sed -n 's/^\tchain \(ingress-[^ ]*\) {/\1/p' | tr '\n' ' ' | sed 's/ $//'; }
# iface_of DEV KEY: a column of DEV's Interface row
iface_of() { vsctl get interface "$1" "$2" 2>&1; }

lan_setup 10.11.0.2/24
lan_vlans 10:10.11.10.2/24 20:10.11.20.2/24
ip link set eth0 up
# (its carrier and link-local address settled: the state compared at the end)
until_ok 10 sh -c "ip link show eth0 | grep -q 'state UP' && ip -6 addr show dev eth0 scope link | grep -q fe80 &&
	! ip -6 addr show dev eth0 | grep -q tentative"
before=$(snapshot)
ip link add xnmctl type bridge
ip addr add 10.98.0.1/24 dev xnmctl
ip link set xnmctl up

# Open vSwitch as Debian's ovs-ctl starts it: a fresh database, the server on
# its default socket (the project's default ovsdb_socket), the switch on the
# kernel datapath.
part "ovs"
check "modprobe openvswitch" modprobe openvswitch
check "ovsdb-server starts" ovs_db_start
check "ovs-vswitchd starts" ovs_switchd_start
check "ovsbr0 with eth0 its uplink, on the kernel datapath" \
	vsctl add-br ovsbr0 -- add-port ovsbr0 eth0
check_eq "ovsbr0's datapath is the kernel's" system "$(vsctl get bridge ovsbr0 datapath_type | tr -d '"' | sed 's/^$/system/')"
check "the kernel has the datapath (ovs-system)" test -e /sys/class/net/ovs-system
# (dom0 takes no router advertisement: the control below sends one)
sysctl -qw net.ipv6.conf.ovsbr0.accept_ra=0
ip addr add 10.11.0.1/24 dev ovsbr0
ip link set ovsbr0 up
check "dom0 reaches the LAN host through ovsbr0" until_ok 20 ping -c1 -W1 10.11.0.2
pre_ports=$(ports)

# A stale port: a row named as a guest's vif will be, with no device, left
# (as a guest gone without its offline leaves one) on ovsbr0.
vsctl add-port ovsbr0 ovsweb -- set interface ovsweb external_ids:xen-vm-name=gone >/dev/null 2>&1
check "a stale port ovsweb is on ovsbr0" sh -c "ovs-vsctl list-ports ovsbr0 | grep -qx ovsweb"

C1=00:16:3e:00:65:01 C2=00:16:3e:00:65:02 C3=00:16:3e:00:65:03
P1=00:16:3e:00:66:01 P2=00:16:3e:00:66:02 A=00:16:3e:00:66:03 TR=00:16:3e:00:66:04
ctl() { echo "mac=$1, ip=$2, bridge=xnmctl, script=vif-bridge"; }
part creates
check "xl create p1: bridge=ovsbr0, ip=10.11.0.11" create p1 10.98.0.11/24 "" \
	"$(ctl $C1 10.98.0.11)" "mac=$P1, ip=10.11.0.11, bridge=ovsbr0, script=vif-openvswitch"
check "xl create p2: bridge=ovsbr0, vifname=ovsweb (the stale port's name); a trunk, bridge=ovsbr0:10:20" \
	create p2 10.98.0.12/24 "" "$(ctl $C2 10.98.0.12)" \
	"mac=$P2, ip=10.11.0.12, bridge=ovsbr0, script=vif-openvswitch, vifname=ovsweb" \
	"mac=$TR, ip=10.11.10.14 10.11.20.14, bridge=ovsbr0:10:20, script=vif-openvswitch"
check "xl create a: bridge=ovsbr0.10" create a 10.98.0.13/24 "" \
	"$(ctl $C3 10.98.0.13)" "mac=$A, ip=10.11.10.13, bridge=ovsbr0.10, script=vif-openvswitch"
for g in p1:10.98.0.11 p2:10.98.0.12 a:10.98.0.13; do
	check "${g%%:*} is up" up "${g#*:}" "${g%%:*}"
done
part "guests up"
dp1=$(domid p1) dp2=$(domid p2) da=$(domid a)
vt=vif$dp2.2 # the trunk

check_eq "ovsbr0's ports: the uplink and the four vifs, the stale row replaced" \
	"$(echo eth0 ovsweb "vif$da.1" "vif$dp1.1" "$vt" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(ports | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
# ext DEV KEY: one of DEV's external_ids, unquoted
ext() { vsctl get interface "$1" "external_ids:$2" 2>&1 | tr -d '"'; }
check_eq "ovsweb is p2's now (its external_ids: name, uuid, MAC)" \
	"p2 $(basename "$(xenstore-read "/local/domain/$dp2/vm" 2>&1)") $P2" \
	"$(ext ovsweb xen-vm-name) $(ext ovsweb xen-vm-uuid) $(ext ovsweb attached-mac)"
for v in "vif$dp1.1" ovsweb "vif$da.1" "$vt"; do
	check "$v has an OpenFlow port on the kernel datapath and no error" sh -c \
		"test \"\$(ovs-vsctl get interface $v ofport)\" -gt 0 && test \"\$(ovs-vsctl get interface $v error)\" = '[]'"
done
check_eq "hotplug-status of p2's vif" connected "$(xenstore-read "backend/vif/$dp2/1/hotplug-status" 2>&1)"
check_eq "a's port: an access port of VLAN 10" "10 [] []" \
	"$(vsctl get port "vif$da.1" tag) $(vsctl get port "vif$da.1" trunks) $(vsctl get port "vif$da.1" vlan_mode)"
check_eq "p2's $vt: a trunk of 10 and 20" "[] [10, 20]" \
	"$(vsctl get port "$vt" tag) $(vsctl get port "$vt" trunks)"
check_eq "each vif has its own ingress chain" \
	"$(echo "ingress-vif$da.1" "ingress-vif$dp1.1" "ingress-$vt" ingress-ovsweb | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(chains | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
check "the chain hooks the vif's ingress" sh -c \
	"nft list chain netdev xen-netmodes ingress-vif$dp1.1 | grep -q 'type filter hook ingress device \"vif$dp1.1\"'"
check "the project's log shows xl's call of vif-openvswitch for p1's vif" \
	sh -c "grep 'vif$dp1.1' '$HOTPLUG_LOG' | grep -q openvswitch"
grep "vif$dp1.1" "$HOTPLUG_LOG" | evidence 2 | sed "s/^XNM #   /XNM #   log: /"
check "status: p2's port on ovsbr0" sh -c "$L/xen-netmodes status | grep -A3 '^ovsweb ' |
	grep -qx '  ovs: bridge ovsbr0, ofport $(iface_of ovsweb ofport)'"

guest_addrs 10.98.0.11 eth1 10.11.0.11/24 >/dev/null
guest_addrs 10.98.0.12 eth1 10.11.0.12/24 >/dev/null
guest_addrs 10.98.0.13 eth1 10.11.10.13/24 >/dev/null
check "p2's VLAN subinterfaces on the trunk, eth2.10 and eth2.20" \
	guest_trunk 10.98.0.12 eth2 10:10.11.10.14/24 20:10.11.20.14/24
part pings
check "p1 reaches p2 through ovsbr0" gcall 10.98.0.11 'ping -c3 -W3 10.11.0.12'
check "p1 reaches dom0 (ovsbr0's address)" gcall 10.98.0.11 'ping -c3 -W3 10.11.0.1'
check "p1 reaches the LAN host" gcall 10.98.0.11 'ping -c3 -W3 10.11.0.2'
check "a reaches the LAN host on tagged VLAN 10" gcall 10.98.0.13 'ping -c3 -W3 10.11.10.2'
check "p2's trunk reaches a on VLAN 10" gcall 10.98.0.12 'ping -c3 -W3 10.11.10.13'
check "p2's trunk reaches the LAN host on both VLANs" gcall 10.98.0.12 'ping -c3 -W3 10.11.10.2 && ping -c3 -W3 10.11.20.2'

# A control: a second vif of p1's on ovsbr0 without ip= (no filter), which
# shows that each of p1's hostile frames would arrive but for the filter.
GC=00:16:3e:00:67:01
check "xl network-attach p1: a vif without ip= (the control)" \
	xl network-attach p1 "mac=$GC" bridge=ovsbr0 script=vif-openvswitch
until_ok 10 vif_of "$dp1" "$GC" >/dev/null
vc=$(vif_of "$dp1" "$GC")
check "the control's $vc is a port of ovsbr0" until_ok 10 sh -c "ovs-vsctl list-ports ovsbr0 | grep -qx $vc"
check_eq "the control's $vc has no chain" "" "$(chains | tr ' ' '\n' | grep -x "ingress-$vc")"
gc=$(guest_if 10.98.0.11 "$GC")
check "p1 has the control's interface ($gc)" test -n "$gc"

# What arrives of p1's frames, each kind with its mark, from the filtered
# eth1 (H) and from the control (C): at p2 (untagged, ovsbr0), at a (VLAN
# 10) and at the LAN host on VLAN 10 (eth1.10). A plain Open vSwitch port
# is a trunk of every VLAN: a tagged frame from one is switched into that
# VLAN, unless its filter drops it. Each count ends with the LAN host's
# closing frame, untagged (LANZ) and on VLAN 10 (LANT), sent once p1 is done.
LM=$(in_lan cat /sys/class/net/eth1/address)
# hostile IFACE MAC P: p1's sends from IFACE, marked P and the kind
hostile() {
	local u="probe udp $1 $2 ff:ff:ff:ff:ff:ff 10.11.0.11 10.11.0.255 4000 4000"
	echo "$u ${3}OWN && probe udp $1 $2 ff:ff:ff:ff:ff:ff 10.11.0.99 10.11.0.255 4000 4000 ${3}SPIP &&
	probe udp $1 00:16:3e:00:66:99 ff:ff:ff:ff:ff:ff 10.11.0.11 10.11.0.255 4000 4000 ${3}SPMAC &&
	probe garp $1 10.11.0.1 ${3}SPARP &&
	probe udp $1 $2 ff:ff:ff:ff:ff:ff 10.11.0.11 255.255.255.255 67 68 ${3}SPDHCP &&
	probe ra $1 ${3}SPRA &&
	probe udp $1 $2 ff:ff:ff:ff:ff:ff 10.11.0.11 10.11.10.255 4000 4000 ${3}TAG10 8100:10 &&
	probe udp $1 $2 ff:ff:ff:ff:ff:ff 10.11.0.11 10.11.0.255 4000 4000 ${3}QINQ 88a8:10 8100:10 &&
	probe nd $1 na fe80::216:3eff:fe00:6611 fe80::216:3eff:fe00:6602 $2 ${3}NA"
}
KINDS="SPIP a foreign source IP
SPMAC a foreign source MAC
SPARP an ARP claim for dom0's address
SPDHCP a DHCP offer
SPRA a router advertisement
NA an NA for p2's link-local address"
VKINDS="TAG10 a frame tagged VLAN 10 (into a's VLAN)
QINQ two tags (802.1ad 10, 802.1Q 10)"
MARKS=(LANA LANZ LANT ENDA OKIP OKARP {H,C}{OWN,SPIP,SPMAC,SPARP,SPDHCP,SPRA,TAG10,QINQ,NA})
part counts
burst() {
	gcall 10.98.0.12 "probe count eth1 120 ${MARKS[*]} until=LANZ" >"$T/at-p2" &
	local g=$!
	gcall 10.98.0.13 "probe count eth1 120 ${MARKS[*]} until=LANT" >"$T/at-a" &
	local v=$!
	in_lan probe count eth1.10 120 "${MARKS[@]}" until=ENDA >"$T/at-lan10" &
	local l=$!
	gcall 10.98.0.12 "probe ready eth1 20"
	gcall 10.98.0.13 "probe ready eth1 20"
	probe ready eth1.10 20 # the LAN host's
	in_lan probe udp eth1 "$LM" ff:ff:ff:ff:ff:ff 10.11.0.2 10.11.0.255 4000 4000 LANA
	in_lan probe udp eth1.10 "$LM" ff:ff:ff:ff:ff:ff 10.11.10.2 10.11.10.255 4000 4000 LANA
	gcall 10.98.0.11 "$(hostile eth1 "$P1" H) && $(hostile "$gc" "$GC" C) &&
		probe udp eth1 $P1 ff:ff:ff:ff:ff:ff 10.11.0.11 10.11.0.255 4000 4000 OKIP &&
		probe garp eth1 10.11.0.11 OKARP" >"$T/send" 2>&1
	echo "rc=$?" >>"$T/send"
	in_lan probe udp eth1 "$LM" ff:ff:ff:ff:ff:ff 10.11.0.2 10.11.0.255 4000 4000 LANZ
	in_lan probe udp eth1.10 "$LM" ff:ff:ff:ff:ff:ff 10.11.10.2 10.11.10.255 4000 4000 LANT
	gcall 10.98.0.13 "probe udp eth1 $A ff:ff:ff:ff:ff:ff 10.11.10.13 10.11.10.255 4000 4000 ENDA" >/dev/null
	wait $g $v $l
	grep -q 'LANA=[1-9] LANZ=[1-9]' "$T/at-p2" && grep -q 'LANA=[1-9]' "$T/at-a" &&
		grep -q 'LANT=[1-9]' "$T/at-a" && grep -q 'ENDA=[1-9]' "$T/at-lan10"
}
burst || { say "# a receiver missed its bracket ($(cat "$T/at-p2"); $(cat "$T/at-a"); $(cat "$T/at-lan10")): once more"; burst; }
at_p2=$(cat "$T/at-p2") at_a=$(cat "$T/at-a") at_lan=$(cat "$T/at-lan10")
say "# received by p2: $at_p2"
say "# received by a (VLAN 10): $at_a"
say "# received by the LAN host on VLAN 10: $at_lan"
check "p1 sent its frames" sh -c "cat $T/send; grep -qx 'rc=0' $T/send"
got() { echo "$2" | grep -o "$1=[0-9]*" | cut -d= -f2; }
check "p1's sound frames (IPv4, its own ARP) reach p2" \
	test "$(got OKIP "$at_p2")" -gt 0 -a "$(got OKARP "$at_p2")" -gt 0
check "p1's own IPv4 broadcast from the filtered port reaches p2" test "$(got HOWN "$at_p2")" -gt 0
while read -r k d; do
	check_eq "$d from p1's filtered vif never reaches p2" "H$k=0" "H$k=$(got "H$k" "$at_p2")"
	check "$d from the control (no filter) reaches p2" test "$(got "C$k" "$at_p2")" -gt 0
done <<<"$KINDS"
while read -r k d; do
	check_eq "$d from p1's filtered vif never reaches p2, a or the LAN host's VLAN 10" "H$k=0 H$k=0 H$k=0" \
		"H$k=$(got "H$k" "$at_p2") H$k=$(got "H$k" "$at_a") H$k=$(got "H$k" "$at_lan")"
done <<<"$VKINDS"
check "a frame tagged 10 from the control reaches a and the LAN host's VLAN 10" \
	test "$(got CTAG10 "$at_a")" -gt 0 -a "$(got CTAG10 "$at_lan")" -gt 0
check_eq "nothing untagged of p1's reaches a (VLAN 10 only)" "0 0" \
	"$(got HOWN "$at_a") $(got COWN "$at_a")"
check_eq "the LAN host's untagged frame never reaches a" 0 "$(got LANZ "$at_a")"
check "xl network-detach p1 (the control)" xl network-detach p1 "$GC"
check "the control's port is gone from ovsbr0" until_ok 10 sh -c "! ovs-vsctl list-ports ovsbr0 | grep -qx $vc"

# Hot-plug of a filtered vif: its port and chain come and go with it.
part hotplug
check "xl network-attach p1 (ip=10.11.0.21)" \
	xl network-attach p1 mac=00:16:3e:00:67:02 ip=10.11.0.21 bridge=ovsbr0 script=vif-openvswitch
until_ok 10 vif_of "$dp1" 00:16:3e:00:67:02 >/dev/null
vh=$(vif_of "$dp1" 00:16:3e:00:67:02)
check "$vh is a port of ovsbr0" until_ok 10 sh -c "ovs-vsctl list-ports ovsbr0 | grep -qx $vh"
check "$vh has its chain" until_ok 10 sh -c "nft list chain netdev xen-netmodes ingress-$vh >/dev/null"
check_eq "hotplug-status of $vh" connected "$(xenstore-read "backend/vif/$dp1/${vh#*.}/hotplug-status" 2>&1)"
check "xl network-detach p1 (it)" xl network-detach p1 00:16:3e:00:67:02
check "$vh's port is gone" until_ok 10 sh -c "! ovs-vsctl list-ports ovsbr0 | grep -qx $vh"
check "$vh's chain is gone" until_ok 10 sh -c "! nft list chain netdev xen-netmodes ingress-$vh >/dev/null 2>&1"
check_eq "nothing of $vh stays in nftables" 0 "$(nft_of "$vh")"

# A missing bridge: xl create fails with the project's reason; nothing changes.
part failures
pre=$(snapshot) pre_now=$(ports)
check_fails "xl create fails for a vif on a missing Open vSwitch bridge" create bad1 10.98.0.31/24 "" \
	"$(ctl 00:16:3e:00:65:31 10.98.0.31)" "mac=00:16:3e:00:66:31, ip=10.11.0.31, bridge=nosuchovs, script=vif-openvswitch"
check "xl shows the project's reason" grep -q 'script: .*no such Open vSwitch bridge nosuchovs' "$T/bad1.xl"
grep 'script: ' "$T/bad1.xl" | evidence 3 | sed 's/^XNM #   /XNM #   xl: /'
until_ok 10 test -z "$(domid bad1)"
check_eq "the failed create left ovsbr0's ports as they were" "$pre_now" "$(ports)"
check_eq "the failed create left dom0 as it was" "$pre" "$(snapshot)"
check "p1 still reaches p2" gcall 10.98.0.11 'ping -c1 -W3 10.11.0.12'

# Destroy: no port, no chain, no backend stays.
part destroy
check "xl destroy p1 p2 a" sh -c "xl destroy p1 && xl destroy p2 && xl destroy a"
check_eq "only the uplink stays on ovsbr0" "$pre_ports" "$(until_ok 10 sh -c "test \"\$(ovs-vsctl list-ports ovsbr0)\" = eth0"; ports)"
check_eq "no vif's chain stays" "" "$(chains)"
check_eq "nothing of the vifs stays in nftables" 0 \
	"$(($(nft_of "vif$dp1.1") + $(nft_of ovsweb) + $(nft_of "vif$da.1") + $(nft_of "$vt")))"
check_eq "no vif backend stays in xenstore" "" "$(xenstore-list backend/vif 2>/dev/null)"

vsctl del-br ovsbr0
for d in ovs-vswitchd ovsdb-server; do
	kill "$(cat /var/run/openvswitch/$d.pid)" 2>/dev/null
done
until_ok 10 sh -c '! pidof ovs-vswitchd ovsdb-server'
ip link del xnmctl
check_eq "dom0 as it was (but the filter's own tables and the datapath's device)" \
	"$(echo "$before" | grep -v 'xen-netmodes$')" \
	"$(snapshot | grep -v 'xen-netmodes$' | grep -v 'ovs-system')"
part end
finish
