#!/bin/bash
# make demo: the seed's lab on one machine. A dom0 with bridge eth24 (as
# `network-script 'network-bridge netdev=eth24'` leaves it), two guests
# configured like vm1.cfg (`vif = ['mac=00:16:3e:00:00:11, bridge=eth24']`),
# vif-bridge run for each exactly as libxl runs it, then packets.
TEST_NAME="demo"
. "$(dirname "$0")/integration/lib.sh"

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

show() {
	printf '$ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/  /'
}

say "dom0: a network namespace with bridge eth24 (10.1.1.1/24)"
make_dom0 eth24 10.1.1.1
show ip -n "$D0" -br link show eth24

say "two guests, vm1 and vm2, each behind a netback-style vif (vif1.0, vif2.0)"
make_guest 1 0 00:16:3e:00:00:11 10.1.1.11/24
make_guest 2 0 00:16:3e:00:00:12 10.1.1.12/24
show ip -n "$D0" -br link show type veth

say "xenstore (the project's fixture server, real libxenstore): the nodes libxl writes"
xs_vif 1 0 00:16:3e:00:00:11 bridge=eth24 ip=10.1.1.11
xs_vif 2 0 00:16:3e:00:00:12 bridge=eth24 ip=10.1.1.12
show xenstore-ls -f /local/domain/0/backend/vif/1/0

say "what vif-bridge would do for vm1 (--dry-run changes nothing)"
show hotplug vif-bridge 1 0 online --dry-run

say "libxl runs: vif-bridge online type_if=vif, for each guest"
check "vif-bridge online vif1.0" hotplug vif-bridge 1 0 online
check "vif-bridge online vif2.0" hotplug vif-bridge 2 0 online
show xenstore-read "$(be_path 1 0)/hotplug-status"
show ip -n "$D0" -br link show master eth24

say "vm1 pings vm2 through the bridge"
show ip netns exec "$(guest_ns 1)" ping -c 2 -W 2 10.1.1.12
check "vm1 reaches vm2" ping_ok "$(guest_ns 1)" 10.1.1.12

say "vm1 forges its source address (10.1.1.99): the bridge drops it"
ip -n "$(guest_ns 1)" addr add 10.1.1.99/24 dev eth0
show ip netns exec "$(guest_ns 1)" ping -c 2 -W 1 -I 10.1.1.99 10.1.1.12 || true
check_fails "the forged packets do not arrive" ping_ok "$(guest_ns 1)" -I 10.1.1.99 10.1.1.12
show ip netns exec "$D0" nft list chain bridge xen-netmodes port-vif1.0

say "libxl runs: vif-bridge offline type_if=vif; then everything is torn down"
check "vif-bridge offline vif1.0" hotplug vif-bridge 1 0 offline
check "vif-bridge offline vif2.0" hotplug vif-bridge 2 0 offline
show ip -n "$D0" -br link show type veth

finish
