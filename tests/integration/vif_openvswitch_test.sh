#!/bin/bash
# vif-openvswitch against the real kernel, the real libxenstore and a real
# Open vSwitch (tests/ovs/start.sh: ovsdb-server and ovs-vswitchd in dom0's
# namespace). This machine's kernel has no openvswitch module: the bridge is
# the userspace datapath's (datapath_type=netdev), which reads its ports with
# packet sockets, before the netdev ingress hook: the filter's chain is shown
# in place and counting, the frames it judges are not shown stopped (see
# ovs_filter_test.sh, which proves the chain with a Linux bridge behind it).
TEST_NAME="vif-openvswitch"
. "$(dirname "$0")/lib.sh"
if ! command -v ovs-vswitchd >/dev/null || ! command -v ovsdb-server >/dev/null; then
	echo "# no openvswitch-switch installed: $TEST_NAME skipped"
	summary "$TEST_NAME"
	exit 0
fi
lab_start

OVSTOOLS=$(realpath "$(dirname "$0")/../ovs")
OVS=$TMP/ovs
BR=ovsbr0
MAC1=00:16:3e:00:01:01
MAC2=00:16:3e:00:01:02
BE1=$(be_path 1 0)
BE2=$(be_path 2 0)
VIF_SCRIPT=vif-openvswitch

netns_add "$D0"
ip netns exec "$D0" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip netns exec "$D0" "$OVSTOOLS/start.sh" "$OVS"
# stopped on exit, whatever happens (pidfiles: start.sh detaches them)
on_exit() {
	local rc=$?
	set +e
	"$OVSTOOLS/stop.sh" "$OVS"
	(exit "$rc")
	cleanup
}
trap on_exit EXIT
vsctl() { "$OVSTOOLS/vsctl.sh" "$OVS" "$@"; }
appctl() { ovs-appctl -t "$OVS/ovs-vswitchd.ctl" "$@"; }
vsctl add-br $BR -- set bridge $BR datapath_type=netdev
vsctl add-br ovsbr1 -- set bridge ovsbr1 datapath_type=netdev
eventually 100 ip -n "$D0" link show $BR >/dev/null
ip -n "$D0" addr add 10.78.0.1/24 dev $BR
ip -n "$D0" link set $BR up

echo "ovsdb_socket = $OVS/db.sock" >"$TMP/ovs.conf"
export XEN_NETMODES_CONF=$TMP/ovs.conf

# xs_vm DOMID: the domain's vm path with its name and uuid, as libxl writes them.
xs_vm() {
	local uuid=00000000-0000-4000-8000-0000000000$(printf %02d "$1")
	xenstore-write "/local/domain/$1/vm" "/vm/$uuid" "/vm/$uuid/name" "guest$1" "/vm/$uuid/uuid" "$uuid"
}
# ovs_state: every port and interface the database has, as ovs-vsctl lists them.
ovs_state() {
	local b
	for b in $(vsctl list-br); do echo "$b: $(vsctl list-ports "$b" | tr '\n' ' ')"; done
	vsctl --format=csv --columns=_uuid,name,tag,trunks,vlan_mode list port | sort
	vsctl --format=csv --columns=_uuid,name,external_ids list interface | sort
}
# port COLUMN DEV: the port's column as ovs-vsctl prints it
port() { vsctl get port "$2" "$1"; }
ext() { vsctl get interface "$2" "external_ids:$1" 2>/dev/null | tr -d '"'; }
chains() { # the netdev table's chains but the drop kinds' (never a port's), one name a line
	ip netns exec "$D0" nft list table netdev xen-netmodes 2>/dev/null | awk '$1 == "chain" && $2 !~ /^drop_/ {print $2}' |
		sort | tr '\n' ' '
}
link_of() { ip -n "$D0" -o link show dev "$1" 2>/dev/null; }
# host and switch: what a failed call must leave as it was
all_state() {
	host_state
	ovs_state
}
# unread CALL...: a call made while ovsdb-server cannot be read; its exit
# status in $rc, its output in $out, its errors in $err
unread() {
	rc=0
	out=$("$@" 2>"$TMP/unread.err") || rc=$?
	err=$(cat "$TMP/unread.err")
}
steps() { grep -v '^#' <<<"$1"; }

make_guest 1 0 $MAC1 10.78.0.11/24
make_guest 2 0 $MAC2 10.78.0.12/24
G1=$(guest_ns 1)
G2=$(guest_ns 2)
xs_vif 1 0 $MAC1 bridge=$BR "ip=10.78.0.11"
xs_vif 2 0 $MAC2 bridge=$BR
xs_vm 1
xs_vm 2

echo "# dry-run changes nothing"
before=$(all_state)
xs_before=$(xs_state)
dry=$(hotplug $VIF_SCRIPT 1 0 online --dry-run)
check_eq "dry-run leaves links, addresses, nft and the switch as they were" "$before" "$(all_state)"
check_eq "dry-run leaves xenstore as it was" "$xs_before" "$(xs_state)"
check_eq "dry-run starts with the claim and the port's MAC" \
	"# vif-openvswitch online vif1.0 (/local/domain/0/backend/vif/1/0)
ip link set dev vif1.0 alias xen-netmodes:backend/vif/1/0
ip link set dev vif1.0 address fe:ff:ff:ff:ff:ff" "$(head -n 3 <<<"$dry")"
check "dry-run makes the port's own chain on its ingress" grep -q \
	'^nft add chain netdev xen-netmodes ingress-vif1.0 .*hook ingress device "vif1.0"' <<<"$dry"
check "dry-run prints the ovs-vsctl line of the port" grep -qx \
	"ovs-vsctl --if-exists del-port vif1.0 -- add-port $BR vif1.0 -- set interface vif1.0 external-ids:xen-vm-name=guest1 external-ids:xen-vm-uuid=\"00000000-0000-4000-8000-000000000001\" external-ids:attached-mac=\"$MAC1\"" \
	<<<"$dry"
check_eq "dry-run ends with up, the frontend's mtu and status" \
	"ip link set dev vif1.0 up
xenstore-write /local/domain/1/device/vif/0/mtu 1500
xenstore-write $BE1/hotplug-status connected" "$(tail -n 3 <<<"$dry")"
check_eq "and the add-port comes before the link goes up" "ip link set dev vif1.0 up" \
	"$(grep -A1 '^ovs-vsctl' <<<"$dry" | tail -n 1)"

echo "# online"
check "vif1.0 online" hotplug $VIF_SCRIPT 1 0 online
check "vif2.0 online" hotplug $VIF_SCRIPT 2 0 online
check_eq "hotplug-status connected (1)" connected "$(xs_read $BE1/hotplug-status)"
check_eq "hotplug-status connected (2)" connected "$(xs_read $BE2/hotplug-status)"
check_eq "vif1.0 and vif2.0 are ports of $BR" "vif1.0 vif2.0" "$(vsctl list-ports $BR | tr '\n' ' ' | sed 's/ $//')"
check_eq "no tag, no trunks, no vlan_mode" "[] [] []" "$(port tag vif1.0) $(port trunks vif1.0) $(port vlan_mode vif1.0)"
check_eq "external_ids: the VM's name, uuid and the vif's MAC" \
	"guest1 00000000-0000-4000-8000-000000000001 $MAC1" \
	"$(ext xen-vm-name vif1.0) $(ext xen-vm-uuid vif1.0) $(ext attached-mac vif1.0)"
check "ovs-vswitchd gave it an OpenFlow port" test "$(vsctl get interface vif1.0 ofport)" -gt 0
check_eq "and no error" "[]" "$(vsctl get interface vif1.0 error)"
check "vif1.0 is up, with the port MAC" grep -qE "[<,]UP[,>].*link/ether fe:ff:ff:ff:ff:ff" <<<"$(link_of vif1.0)"
check_fails "and on no Linux bridge" grep -q " master " <<<"$(link_of vif1.0)"
check_eq "frontend mtu written" 1500 "$(xs_read /local/domain/1/device/vif/0/mtu)"
check_eq "vif1.0 (ip=) has its chain; vif2.0 (no ip) none" \
	"arp_check icmp6_check ingress-vif1.0 ip6_check ip_check port_check " "$(chains)"
check "vif1.0's elements: its MAC and address" grep -qxF '"vif1.0" . 10.78.0.11' \
	<<<"$(port_elements netdev vif1.0)"
check "log line written" grep -q "Successful vif-openvswitch online for vif1.0, bridge $BR." "$HOTPLUG_LOG"

echo "# traffic through the userspace datapath"
check "guest 1 pings guest 2" ping_ok "$G1" 10.78.0.12
check "guest 2 pings guest 1" ping_ok "$G2" 10.78.0.11
check "guest 1 pings dom0 on $BR's own port" ping_ok "$G1" 10.78.0.1
fdb=$(appctl fdb/show $BR)
check "$BR learned guest 1's MAC on vif1.0's port" grep -q "$(vsctl get interface vif1.0 ofport) .*$MAC1" <<<"$fdb"
check "and guest 2's on vif2.0's" grep -q "$(vsctl get interface vif2.0 ofport) .*$MAC2" <<<"$fdb"
in_ns "$G1" ip addr add 10.78.0.99/24 dev eth0
ping_ok "$G1" -I 10.78.0.99 10.78.0.12 || true
in_ns "$G1" ip addr del 10.78.0.99/24 dev eth0
check "vif1.0's chain judged and counted the spoofed source (the userspace datapath had its copy first)" \
	dropped netdev

echo "# idempotence"
state=$(all_state)
check "online again" hotplug $VIF_SCRIPT 1 0 online
check_eq "online again changes nothing, the port's row kept" "$state" "$(all_state)"
check_eq "its plan: only hotplug-status" "xenstore-write $BE1/hotplug-status connected" \
	"$(hotplug $VIF_SCRIPT 1 0 online --dry-run | grep -v '^#')"

echo "# status and check"
status=$(xnm_status)
check "status: vif1.0, its mode and hotplug-status" grep -qx \
	"vif1.0 (domain 1, vif 0): openvswitch mode, hotplug-status connected" <<<"$status"
check "status: its port on $BR" grep -qx "  ovs: bridge $BR, ofport $(vsctl get interface vif1.0 ofport)" <<<"$status"
check "status: its anti-spoofing" grep -qx "  anti-spoofing: mac $MAC1, ip 10.78.0.11/32" <<<"$status"
check "status --json" grep -q "\"mode\": \"openvswitch\", .*\"ovs\": {\"bridge\": \"$BR\", \"tag\": -1, \"trunks\": \"\"" \
	<<<"$(xnm_status --json)"
check_eq "check: vif1.0 in place" "vif1.0: in place" "$(xnm_verdict vif1.0)"
vsctl del-port vif1.0
check_fails "with its port deleted, guest 1 reaches nobody: OVS was the path" ping_ok "$G1" 10.78.0.12
rc=0
diffs=$(xnm_check vif1.0) || rc=$?
check_eq "check: a port deleted behind its back differs" 1 "$rc"
check "check: names the add-port" grep -q "^vif1.0: differs: ovs-vsctl --if-exists del-port vif1.0 -- add-port $BR vif1.0 " <<<"$diffs"
check "status: no port" grep -qx "  ovs: no port" <<<"$(xnm_status)"
check "online puts it back" hotplug $VIF_SCRIPT 1 0 online
check_eq "check: in place again" "vif1.0: in place" "$(xnm_verdict vif1.0)"
check "guest 1 pings guest 2 again" ping_ok "$G1" 10.78.0.12

echo "# one element deleted by hand, its records whole: check, online and offline see it"
elems=$(port_elements netdev vif1.0 | sort)
ip netns exec "$D0" nft delete element netdev xen-netmodes addrs4 '{ "vif1.0" . 10.78.0.11 }'
rc=0
diffs=$(xnm_check vif1.0) || rc=$?
check_eq "check: a missing element exits 1" 1 "$rc"
check "check: names the missing element" grep -qxF \
	'vif1.0: differs: # the anti-spoofing element addrs4 { "vif1.0" . 10.78.0.11 } of vif1.0 is missing: every element keyed "vif1.0" goes, found by listing the sets' \
	<<<"$diffs"
check "check: and lists the element online adds" grep -qxF \
	'vif1.0: differs: nft add element netdev xen-netmodes addrs4 { "vif1.0" . 10.78.0.11 }' <<<"$diffs"
check "status: names it" grep -qxF \
	'  anti-spoofing: element addrs4 { "vif1.0" . 10.78.0.11 } missing (the next online puts it back)' \
	<<<"$(xnm_status)"
check "online puts it back" hotplug $VIF_SCRIPT 1 0 online
check_eq "all its elements are there again" "$elems" "$(port_elements netdev vif1.0 | sort)"
check_eq "check: in place again" "vif1.0: in place" "$(xnm_verdict vif1.0)"
in_ns "$G1" ip neigh flush dev eth0
check "guest 1 pings guest 2 again" ping_ok "$G1" 10.78.0.12
ip netns exec "$D0" nft delete element netdev xen-netmodes macs "{ \"vif1.0\" . $MAC1 }"
check "offline with its MAC's element deleted by hand" hotplug $VIF_SCRIPT 1 0 offline
check_eq "leaves none of its elements" "" "$(port_elements netdev vif1.0)"
check_eq "nor its chain" "arp_check icmp6_check ip6_check ip_check port_check " "$(chains)"
check "offline again" hotplug $VIF_SCRIPT 1 0 offline
check "online after that" hotplug $VIF_SCRIPT 1 0 online
check_eq "its elements as before" "$elems" "$(port_elements netdev vif1.0 | sort)"
in_ns "$G1" ip neigh flush dev eth0
check "guest 1 pings guest 2 once more" ping_ok "$G1" 10.78.0.12

echo "# VLANs: BR.TAG, BR:TRUNK, BR.TAG:TRUNK, the vlan node"
MAC3=00:16:3e:00:01:03
make_guest 3 0 $MAC3 10.78.3.13/24
xs_vm 3
vlan_case() { # DESC NODES... -- TAG TRUNKS VLAN_MODE TAGGED
	local desc=$1 nodes=()
	shift
	while [ "$1" != -- ]; do nodes+=("$1"); shift; done
	shift
	xenstore-rm "$(be_path 3 0)" 2>/dev/null || true
	xs_vif 3 0 $MAC3 "${nodes[@]}" ip=10.78.3.13
	check "$desc: online" hotplug $VIF_SCRIPT 3 0 online
	check_eq "$desc: on $BR, tag $1, trunks $2, vlan_mode $3" "$BR $1 $2 $3" \
		"$(vsctl port-to-br vif3.0) $(port tag vif3.0) $(port trunks vif3.0) $(port vlan_mode vif3.0)"
	check_eq "$desc: the filter lets the guest send tagged: $4" "$4" \
		"$(port_elements netdev vif3.0 | sed -n 's/^"vif3.0" \. \([0-9-]*\)$/\1/p' | sort -n | tr '\n' ' ' | sed 's/ $//')"
	check_eq "$desc: in place" "vif3.0: in place" "$(xnm_verdict vif3.0)"
}
vlan_case "$BR.10" bridge=$BR.10 -- 10 "[]" "[]" ""
vlan_case "$BR:20:30" bridge=$BR:20:30 -- "[]" "[20, 30]" "[]" "20 30"
vlan_case "$BR.10:20:30 (as vif-bridge reads it)" bridge=$BR.10:20:30 -- 10 "[20, 30]" native-untagged "20 30"
ip netns exec "$D0" nft delete element netdev xen-netmodes vlans '{ "vif3.0" . 30 }'
rc=0
diffs=$(xnm_check vif3.0) || rc=$?
check_eq "a tagged VLAN's element deleted by hand: check names it, exits 1" "1 yes" \
	"$rc $(grep -qF '# the anti-spoofing element vlans { "vif3.0" . 30 } of vif3.0 is missing' <<<"$diffs" && echo yes)"
check "online puts it back" hotplug $VIF_SCRIPT 3 0 online
check_eq "VLANs 20 and 30 again" "20 30" \
	"$(port_elements netdev vif3.0 | sed -n 's/^"vif3.0" \. \([0-9-]*\)$/\1/p' | sort -n | tr '\n' ' ' | sed 's/ $//')"
check_eq "in place again" "vif3.0: in place" "$(xnm_verdict vif3.0)"
check "status: the tag, trunks and mode" grep -qx \
	"  ovs: bridge $BR, tag 10, trunks 20,30, vlan_mode native-untagged, ofport $(vsctl get interface vif3.0 ofport)" \
	<<<"$(xnm_status)"
vlan_case "vlan=10p/20-21" bridge=$BR vlan=10p/20-21 -- 10 "[20, 21]" native-untagged "20-21"
vlan_case "vlan=30" bridge=$BR vlan=30 -- 30 "[]" "[]" ""
vlan_case "back to none" bridge=$BR -- "[]" "[]" "[]" ""
xenstore-write "$(be_path 3 0)/vlan" 10p/20u
st=$(all_state)
rc=0
hotplug $VIF_SCRIPT 3 0 online >/dev/null 2>&1 || rc=$?
check_eq "vlan=10p/20u (a second untagged VLAN): exit 1" 1 "$rc"
check_eq "and hotplug-error says why" \
	"VLAN 20 untagged: an Open vSwitch port carries one VLAN untagged, its tag" \
	"$(xs_read "$(be_path 3 0)/hotplug-error")"
check_eq "and changes nothing" "$st" "$(all_state)"
xenstore-write "$(be_path 3 0)/bridge" $BR.10
rc=0
hotplug $VIF_SCRIPT 3 0 online >/dev/null 2>&1 || rc=$?
check_eq "a suffix and the vlan node both: exit 1, why" \
	"1 bridge $BR.10: a VLAN suffix and the backend's vlan node both given" \
	"$rc $(xs_read "$(be_path 3 0)/hotplug-error")"
xenstore-rm "$(be_path 3 0)/vlan"
xenstore-write "$(be_path 3 0)/bridge" my.bridge
rc=0
hotplug $VIF_SCRIPT 3 0 online >/dev/null 2>&1 || rc=$?
check_eq "a '.' that is no VLAN suffix: exit 1, why" \
	"1 invalid bridge my.bridge: expected BRIDGE[.TAG][:TRUNK...]" "$rc $(xs_read "$(be_path 3 0)/hotplug-error")"
check_eq "and nothing changed" "$st" "$(all_state)"
xenstore-write "$(be_path 3 0)/bridge" $BR
check "offline vif3.0" hotplug $VIF_SCRIPT 3 0 offline

echo "# a stale port of the same name is replaced"
MAC4=00:16:3e:00:01:04
make_guest 4 0 $MAC4 10.78.0.14/24
xs_vif 4 0 $MAC4 bridge=$BR
xs_vm 4
vsctl add-port ovsbr1 vif4.0 -- set port vif4.0 tag=99
check "vif4.0 online over a stale port on ovsbr1" hotplug $VIF_SCRIPT 4 0 online
check_eq "it is $BR's now, untagged; ovsbr1 has no port" "$BR [] |" \
	"$(vsctl port-to-br vif4.0) $(port tag vif4.0) |$(vsctl list-ports ovsbr1 | tr -d '\n')"
check "guest 4 pings guest 2" ping_ok "$(guest_ns 4)" 10.78.0.12

echo "# VLAN traffic: BR.10:20:30's native VLAN is VLAN 10, untagged"
xenstore-write "$(be_path 3 0)/bridge" $BR.10:20:30 "$(be_path 4 0)/bridge" $BR.10
check "vif3.0 online on $BR.10:20:30" hotplug $VIF_SCRIPT 3 0 online
check "vif4.0 online on $BR.10, an access port" hotplug $VIF_SCRIPT 4 0 online
in_ns "$(guest_ns 4)" ip addr add 10.78.3.14/24 dev eth0
in_ns "$G2" ip addr add 10.78.3.12/24 dev eth0
check "guest 3 (native-untagged) reaches guest 4 (access, VLAN 10)" ping_ok "$(guest_ns 3)" 10.78.3.14
check_fails "and not guest 2 (untagged, no VLAN)" ping_ok "$(guest_ns 3)" 10.78.3.12
in_ns "$(guest_ns 4)" ip addr del 10.78.3.14/24 dev eth0
in_ns "$G2" ip addr del 10.78.3.12/24 dev eth0
xenstore-write "$(be_path 4 0)/bridge" $BR
check "vif4.0 back untagged" hotplug $VIF_SCRIPT 4 0 online
check "vif3.0 offline" hotplug $VIF_SCRIPT 3 0 offline

echo "# failures: the host and the switch as they were"
MAC5=00:16:3e:00:01:05
make_guest 5 0 $MAC5 10.78.0.15/24
xs_vif 5 0 $MAC5 bridge=nosuchbr ip=10.78.0.15
xs_vm 5
BE5=$(be_path 5 0)
st=$(all_state)
rc=0
hotplug $VIF_SCRIPT 5 0 online >/dev/null 2>&1 || rc=$?
check_eq "a missing bridge: exit 1" 1 "$rc"
check_eq "hotplug-error names it" "no such Open vSwitch bridge nosuchbr" "$(xs_read $BE5/hotplug-error)"
check_eq "hotplug-status error" error "$(xs_read $BE5/hotplug-status)"
check_eq "and nothing changed" "$st" "$(all_state)"
xenstore-rm $BE5/bridge
rc=0
hotplug $VIF_SCRIPT 5 0 online >/dev/null 2>&1 || rc=$?
check_eq "no bridge at all: exit 1, a clear reason" "1 no Open vSwitch bridge was specified (bridge=)" \
	"$rc $(xs_read $BE5/hotplug-error)"
xenstore-write $BE5/bridge $BR
echo "ovsdb_socket = $TMP/nothing.sock" >"$TMP/none.conf"
rc=0
hotplug $VIF_SCRIPT 5 0 online XEN_NETMODES_CONF="$TMP/none.conf" >/dev/null 2>&1 || rc=$?
check_eq "no ovsdb-server at the socket: exit 1" 1 "$rc"
check "hotplug-error says so" grep -q "^cannot reach ovsdb-server at $TMP/nothing.sock: " \
	<<<"$(xs_read $BE5/hotplug-error)"
check_eq "and nothing changed" "$st" "$(all_state)"

echo "# no ovsdb-server at the socket: --dry-run and check say what they can, and why not the rest"
NOSOCK="cannot reach ovsdb-server at $TMP/nothing.sock: No such file or directory"
xs_before=$(xs_state)
dry=$(hotplug $VIF_SCRIPT 5 0 online --dry-run)
unread hotplug $VIF_SCRIPT 5 0 online --dry-run XEN_NETMODES_CONF="$TMP/none.conf"
check_eq "dry-run: exit 1, as a dry run whose call would fail" 1 "$rc"
check_eq "dry-run: every step the call would take, the add-port line included" "$(steps "$dry")" \
	"$(steps "$out")"
check "dry-run: the add-port line" grep -qx \
	"ovs-vsctl --if-exists del-port vif5.0 -- add-port $BR vif5.0 -- set interface vif5.0 external-ids:xen-vm-name=guest5 external-ids:xen-vm-uuid=\"00000000-0000-4000-8000-000000000005\" external-ids:attached-mac=\"$MAC5\"" \
	<<<"$out"
check_eq "dry-run: then says the port was not read, and that the real call would fail, why" \
	"xenstore-write $BE5/hotplug-status connected
# the Open vSwitch port could not be read: the steps above take it for missing
# the real call would fail: $NOSOCK" "$(tail -n 3 <<<"$out")"
check_eq "dry-run: its error, as the real call's" "vif-openvswitch: vif-openvswitch online vif5.0: $NOSOCK" "$err"
check_eq "dry-run: nothing changed" "$st" "$(all_state)"
check_eq "dry-run: xenstore as it was (no hotplug-error)" "$xs_before" "$(xs_state)"
unread in_dom0 XEN_NETMODES_CONF="$TMP/none.conf" "$BUILD/xen-netmodes" check vif1.0
check_eq "check of a vif in place: exit 1, no difference listed" "1 " "$rc $out"
check_eq "check: its port unverifiable, and why" \
	"xen-netmodes check: vif1.0: the Open vSwitch port is unverifiable: $NOSOCK" "$err"
ip -n "$D0" link set dev vif1.0 down
ip netns exec "$D0" nft delete chain netdev xen-netmodes ingress-vif1.0
unread in_dom0 XEN_NETMODES_CONF="$TMP/none.conf" "$BUILD/xen-netmodes" check vif1.0
check_eq "check of a vif down, its chain deleted: exit 1" 1 "$rc"
check "check: its link's difference" grep -qx "vif1.0: differs: ip link set dev vif1.0 up" <<<"$out"
check "check: its filter's" grep -q "^vif1.0: differs: nft add chain netdev xen-netmodes ingress-vif1.0 " \
	<<<"$out"
check_fails "check: no add-port listed (the port's state is unknown)" grep -q "ovs-vsctl" <<<"$out"
check_eq "check: and the port unverifiable" \
	"xen-netmodes check: vif1.0: the Open vSwitch port is unverifiable: $NOSOCK" "$err"
check_eq "check lists what it lists with the port read, in place" "$(xnm_verdict vif1.0)" "$out"
check "online puts vif1.0 back" hotplug $VIF_SCRIPT 1 0 online
check_eq "check: vif1.0 in place" "vif1.0: in place" "$(xnm_verdict vif1.0)"
st=$(all_state)
echo "ovsdb_socket = db.sock" >"$TMP/bad.conf"
rc=0
hotplug $VIF_SCRIPT 5 0 online XEN_NETMODES_CONF="$TMP/bad.conf" >/dev/null 2>&1 || rc=$?
check_eq "a relative ovsdb_socket: exit 1, file, line and value named" \
	"1 $TMP/bad.conf:1: invalid ovsdb_socket \"db.sock\": expected an absolute path" \
	"$rc $(xs_read $BE5/hotplug-error)"
if grep -q XNM_FAULT_INJECTION_BUILD "$BUILD/xen-netmodes"; then
	# every step failed in turn, the add-port's and the link up after it
	# (whose rollback removes the port just added) included
	ovs_call_state() {
		vif_call_state
		ovs_state
	}
	STEPS_BE=$BE5 steps_fail "vif-openvswitch online vif5.0" ovs_call_state 30 vif_call_failing \
		$VIF_SCRIPT 5 0 online
	check_eq "vif5.0 ends on $BR" $BR "$(vsctl port-to-br vif5.0)"
	STEPS_BE=$BE5 steps_fail "vif-openvswitch offline vif5.0" ovs_call_state 30 vif_call_failing \
		$VIF_SCRIPT 5 0 offline
else
	echo "# not a fault-injection build: the failing steps skipped"
fi

echo "# offline"
check "vif1.0 offline" hotplug $VIF_SCRIPT 1 0 offline
check_eq "its port is gone, the others stay" "vif2.0 vif4.0" "$(vsctl list-ports $BR | tr '\n' ' ' | sed 's/ $//')"
check_fails "its interface row too" vsctl get interface vif1.0 name
check_eq "its chain is gone" "arp_check icmp6_check ip6_check ip_check port_check " "$(chains)"
# its flags: the operational state follows when the kernel's link watch gets to it
check_fails "vif1.0 is down" grep -qE "[<,]UP[,>]" <<<"$(link_of vif1.0)"
state=$(all_state)
check "offline twice succeeds" hotplug $VIF_SCRIPT 1 0 offline
check_eq "and changes nothing" "$state" "$(all_state)"
ip -n "$D0" link del vif2.0
check "offline of a vif already gone" hotplug $VIF_SCRIPT 2 0 offline
check_eq "its port is gone too" "vif4.0" "$(vsctl list-ports $BR | tr '\n' ' ' | sed 's/ $//')"

echo "# ovsdb-server stopped"
check "vif1.0 online" hotplug $VIF_SCRIPT 1 0 online
down_dry=$(hotplug $VIF_SCRIPT 1 0 offline --dry-run)
pid=$(cat "$OVS/ovsdb-server.pid")
st=$(host_state)
xs_before=$(xs_state)
if grep -q XNM_FAULT_INJECTION_BUILD "$BUILD/xen-netmodes"; then
	# a test build takes the call's budget from the environment: 2 s, not 30
	NOANSWER="ovsdb-server at $OVS/db.sock: no answer to transact within "
	kill -STOP "$pid"
	unread hotplug $VIF_SCRIPT 4 0 online --dry-run XEN_NETMODES_CALL_BUDGET_MS=2000
	check_eq "ovsdb-server not answering: online --dry-run, exit 1" 1 "$rc"
	check "online --dry-run: the add-port line" grep -q "^ovs-vsctl --if-exists del-port vif4.0 -- add-port $BR vif4.0 " \
		<<<"$out"
	check "online --dry-run: the real call would fail, why" grep -qx "# the real call would fail: ${NOANSWER}[0-9]* ms" \
		<<<"$out"
	unread hotplug $VIF_SCRIPT 1 0 offline --dry-run XEN_NETMODES_CALL_BUDGET_MS=2000
	check_eq "offline --dry-run: exit 1" 1 "$rc"
	check_eq "offline --dry-run: every step, del-port included" "$(steps "$down_dry")" "$(steps "$out")"
	check "offline --dry-run: the real call would fail, why" grep -qx "# the real call would fail: ${NOANSWER}[0-9]* ms" \
		<<<"$out"
	unread in_dom0 XEN_NETMODES_CALL_BUDGET_MS=2000 "$BUILD/xen-netmodes" check vif1.0
	check_eq "check: exit 1, nothing listed" "1 " "$rc $out"
	check "check: the port unverifiable, why" grep -qx \
		"xen-netmodes check: vif1.0: the Open vSwitch port is unverifiable: ${NOANSWER}[0-9]* ms" <<<"$err"
	kill -CONT "$pid"
	check_eq "and nothing changed" "$st" "$(host_state)"
	check_eq "xenstore as it was" "$xs_before" "$(xs_state)"
	check_eq "the switch answers again: vif1.0 in place" "vif1.0: in place" "$(xnm_verdict vif1.0)"
else
	echo "# not a test build (30 s budget): ovsdb-server not answering skipped"
fi
kill "$pid"
eventually 50 bash -c "! kill -0 $pid 2>/dev/null"
unread hotplug $VIF_SCRIPT 4 0 online --dry-run
check_eq "online --dry-run with ovsdb-server stopped: exit 1" 1 "$rc"
check "online --dry-run: the add-port line" grep -q "^ovs-vsctl --if-exists del-port vif4.0 -- add-port $BR vif4.0 " \
	<<<"$out"
check "online --dry-run: the real call would fail, why" grep -q "^# the real call would fail: cannot reach ovsdb-server at $OVS/db.sock: " \
	<<<"$out"
check "online --dry-run: its error" grep -q "^vif-openvswitch: vif-openvswitch online vif4.0: cannot reach ovsdb-server at $OVS/db.sock: " \
	<<<"$err"
unread hotplug $VIF_SCRIPT 1 0 offline --dry-run
check_eq "offline --dry-run: exit 1" 1 "$rc"
check_eq "offline --dry-run: every step, del-port included" "$(steps "$down_dry")" "$(steps "$out")"
check_eq "offline --dry-run: ends saying the real call would fail, why" \
	"ovs-vsctl --if-exists del-port vif1.0
# the real call would fail: cannot reach ovsdb-server at $OVS/db.sock: " \
	"$(tail -n 2 <<<"$out" | sed 's/\(db.sock: \).*/\1/')"
unread xnm_check vif1.0
check_eq "check: exit 1, nothing listed" "1 " "$rc $out"
check "check: the port unverifiable, why" grep -q \
	"^xen-netmodes check: vif1.0: the Open vSwitch port is unverifiable: cannot reach ovsdb-server at $OVS/db.sock: " <<<"$err"
check_eq "dry-runs and check changed nothing" "$st" "$(host_state)"
check_eq "nor xenstore" "$xs_before" "$(xs_state)"
rc=0
hotplug $VIF_SCRIPT 4 0 online >/dev/null 2>&1 || rc=$?
check_eq "online with ovsdb-server stopped: exit 1" 1 "$rc"
check "hotplug-error says it cannot reach it" grep -q "^cannot reach ovsdb-server at $OVS/db.sock: " \
	<<<"$(xs_read "$(be_path 4 0)/hotplug-error")"
check_eq "and changes nothing" "$st" "$(host_state)"
rc=0
hotplug $VIF_SCRIPT 1 0 offline >/dev/null 2>&1 || rc=$?
check_eq "offline with ovsdb-server stopped: exit 1" 1 "$rc"
check "hotplug-error says it cannot reach it" grep -q "cannot reach ovsdb-server at $OVS/db.sock: " \
	<<<"$(xs_read "$BE1/hotplug-error")"
check_eq "and the rollback left the host as it was" "$st" "$(host_state)"
check "status says why it cannot show the port" grep -q "^  ovs: unknown (cannot reach ovsdb-server" \
	<<<"$(xnm_status)"

finish
