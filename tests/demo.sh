#!/bin/bash
# make demo: the seed's two-host lab on one machine. Hosts alice and bob
# (network namespaces joined by their eth24), each with its own xenstore;
# each runs `network-bridge start netdev=eth24` as xend's network-script
# would, and boots a guest whose vif libxl hands to vif-bridge. Then vm1
# migrates to bob, the guests run routed and behind NAT, status on each
# host, and everything goes away again (also on Ctrl-C).
TEST_NAME="demo"
. "$(dirname "$0")/integration/lib.sh"
lab_start

ALICE=xnm$ID-alice
BOB=xnm$ID-bob
XS_ALICE=$XENSTORED_PATH
XS_BOB=$TMP/xenstored-bob.sock
trap 'cleanup; exit 130' INT TERM

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

show() {
	printf '$ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/  /'
}

# on HOST: the following calls go to that host (its namespace, xenstore,
# state and locks; in_dom0 reads them at each call).
on() {
	D0=xnm$ID-$1
	XENSTORED_PATH=$TMP/xenstored-$1.sock
	[ "$1" = alice ] && XENSTORED_PATH=$XS_ALICE
	XEN_NETMODES_RUN_DIR=$TMP/run-$1
	XEN_NETMODES_LOCK_DIR=$TMP/lock-$1
	export XENSTORED_PATH XEN_NETMODES_RUN_DIR XEN_NETMODES_LOCK_DIR
}

net() { # SCRIPT ARGS...: a network-script on the current host
	in_dom0 "$SCRIPTS/$1" "${@:2}"
}

# guest NAME DOMID MAC ADDR/LEN: a guest namespace behind the current host's vifDOMID.0
guest() {
	netns_add "xnm$ID-$1"
	ip -n "$D0" link add "vif$2.0" type veth peer name eth0 netns "xnm$ID-$1"
	ip -n "xnm$ID-$1" link set eth0 address "$3"
	ip -n "xnm$ID-$1" addr add "$4" dev eth0
	ip -n "xnm$ID-$1" link set eth0 up
}

say "two Xen hosts, alice and bob, as network namespaces; their eth24 share a LAN"
netns_add "$ALICE"
netns_add "$BOB"
ip -n "$ALICE" link add eth24 type veth peer name eth24 netns "$BOB"
ip -n "$ALICE" addr add 192.168.24.1/24 dev eth24
ip -n "$BOB" addr add 192.168.24.2/24 dev eth24
ip -n "$ALICE" link set eth24 up
ip -n "$BOB" link set eth24 up
"$BUILD/xs-fixture" --socket "$XS_BOB" --pidfile "$TMP/xs-bob.pid" &
BACKGROUND+=($!)
for _ in $(seq 200); do [ -s "$TMP/xs-bob.pid" ] && break; sleep 0.02; done
show ip -n "$ALICE" -br addr show eth24

say "xend's (network-script 'network-bridge netdev=eth24') on both hosts"
for h in alice bob; do
	on $h
	check "network-bridge start on $h" net network-bridge start netdev=eth24
done
on alice
show ip -n "$ALICE" -br link show
show ip -n "$ALICE" route

say "vm1 boots on alice, vm2 on bob: vif = [ 'mac=00:16:3e:00:00:1x, bridge=eth24' ]"
on alice
guest vm1 1 00:16:3e:00:00:11 10.1.1.11/24
xs_vif 1 0 00:16:3e:00:00:11 bridge=eth24 ip=10.1.1.11
check "libxl: vif-bridge online for vm1 on alice" hotplug vif-bridge 1 0 online
on bob
guest vm2 2 00:16:3e:00:00:12 10.1.1.12/24
xs_vif 2 0 00:16:3e:00:00:12 bridge=eth24 ip=10.1.1.12
check "libxl: vif-bridge online for vm2 on bob" hotplug vif-bridge 2 0 online
show ip netns exec "xnm$ID-vm1" ping -c 2 -W 2 10.1.1.12
check "vm1 (alice) reaches vm2 (bob) across the LAN" ping_ok "xnm$ID-vm1" 10.1.1.12

say "vm1 migrates to bob: offline on alice, online on bob with the same MAC and IP"
on alice
check "vif-bridge offline on alice" hotplug vif-bridge 1 0 offline
ip -n "$ALICE" link del vif1.0
on bob
ip -n "$BOB" link add vif3.0 type veth peer name eth0 netns "xnm$ID-vm1"
ip -n "xnm$ID-vm1" link set eth0 address 00:16:3e:00:00:11
ip -n "xnm$ID-vm1" addr add 10.1.1.11/24 dev eth0
ip -n "xnm$ID-vm1" link set eth0 up
xs_vif 3 0 00:16:3e:00:00:11 bridge=eth24 ip=10.1.1.11
check "vif-bridge online on bob (vm1 is domain 3 there)" hotplug vif-bridge 3 0 online
check "vm1 still reaches vm2" ping_ok "xnm$ID-vm1" 10.1.1.12
show in_dom0 "$BUILD/xen-netmodes" status

say "the same guests, routed: bob lends them his LAN presence (proxy ARP)"
for v in 2 3; do hotplug vif-bridge $v 0 offline >/dev/null; done
check "network-bridge stop on bob" net network-bridge stop
check "network-route start on bob" net network-route start netdev=eth24
VIF_SCRIPT=vif-route
for g in "2 vm2 192.168.24.12" "3 vm1 192.168.24.11"; do
	set -- $g
	ip -n "xnm$ID-$2" addr flush dev eth0
	ip -n "xnm$ID-$2" addr add "$3/24" dev eth0
	xs_vif "$1" 0 "$(ip -n "xnm$ID-$2" -o link show eth0 | sed 's/.*ether \([0-9a-f:]*\).*/\1/')" ip="$3"
	check "vif-route online for $2" hotplug vif-route "$1" 0 online
done
check "alice reaches routed vm1 on bob, with no route of her own" ping_ok "$ALICE" 192.168.24.11
check "vm1 reaches vm2 through bob" ping_ok "xnm$ID-vm1" 192.168.24.12
show ip netns exec "$BOB" ip route show proto 88

say "and behind NAT: private addresses, bob's address toward the LAN"
for v in 2 3; do hotplug vif-route $v 0 offline >/dev/null; done
check "network-route stop on bob" net network-route stop
check "network-nat start on bob" net network-nat start netdev=eth24
VIF_SCRIPT=vif-nat
for g in "2 vm2" "3 vm1"; do
	set -- $g
	xs_vif "$1" 0 "$(ip -n "xnm$ID-$2" -o link show eth0 | sed 's/.*ether \([0-9a-f:]*\).*/\1/')"
	xenstore-rm "$(be_path "$1" 0)/ip"
	check "vif-nat online for $2" hotplug vif-nat "$1" 0 online
	ip -n "xnm$ID-$2" addr flush dev eth0
	ip -n "xnm$ID-$2" addr add "10.0.$1.1/8" dev eth0
	ip -n "xnm$ID-$2" route add default via "10.0.$1.128"
done
check "vm1 (10.0.3.1) reaches alice behind bob's address" ping_ok "xnm$ID-vm1" 192.168.24.1
show ip netns exec "$BOB" nft list table ip xen-netmodes-nat

say "status on each host"
on alice
show net network-bridge status
on bob
show net network-nat status
show in_dom0 "$BUILD/xen-netmodes" status

say "teardown: offline, stop, and every namespace, process and file removed"
for v in 2 3; do hotplug vif-nat $v 0 offline >/dev/null; done
check "network-nat stop on bob" net network-nat stop
on alice
check "network-bridge stop on alice" net network-bridge stop
finish
