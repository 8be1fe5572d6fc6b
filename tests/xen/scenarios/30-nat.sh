# NAT mode on the real host: network-nat on eth0 with dnsmasq serving the
# guests' DHCP entries, a guest that learns its address by DHCP and reaches
# the LAN host masqueraded (the LAN host has no route back to the guests), a
# LAN that can open nothing toward the guest; network-nat stop restores dom0.
. /xnm/lib.sh

lan_setup 10.9.0.2/24
ip link set eth0 up
ip addr replace 10.9.0.1/24 dev eth0
before=$(snapshot)
check "network-nat start netdev=eth0 dhcp=dnsmasq" $S/network-nat start netdev=eth0 dhcp=dnsmasq
check "the table ip xen-netmodes-nat exists" nft list table ip xen-netmodes-nat
# Not created here: the package made them (dnsmasq watches them from its start).
check "the package created the dnsmasq directories" \
	test -d /var/lib/xen-netmodes/dnsmasq-hosts -a -d /var/lib/xen-netmodes/dnsmasq-opts
dnsmasq -C /dev/null -u root --pid-file="$T/dnsmasq.pid" --dhcp-leasefile="$T/leases" \
	--interface='vif*' --bind-dynamic --port=0 --dhcp-range=10.0.0.0,static,255.0.0.0 \
	--dhcp-hostsdir=/var/lib/xen-netmodes/dnsmasq-hosts --dhcp-optsdir=/var/lib/xen-netmodes/dnsmasq-opts \
	--log-facility="$T/dnsmasq.log" --log-dhcp
check "dnsmasq serves the guests' DHCP" kill -0 "$(cat "$T/dnsmasq.pid" 2>/dev/null)"

M=00:16:3e:00:00:31
check "xl create n1 (vif-nat, ip=10.0.100.1, address by DHCP)" \
	create n1 dhcp "" "mac=$M, ip=10.0.100.1, gatewaydev=eth0, script=vif-nat"
check "n1 got 10.0.100.1 by DHCP and is up" up 10.0.100.1 n1
last_failed &&
	{ say "# dnsmasq: $(tail -n 5 "$T/dnsmasq.log" 2>&1 | tr '\n' ' ')"; say "# nft: $(nft list ruleset | grep -c counter) counters"; }
d=$(domid n1)
check_eq "hotplug-status of n1's vif" connected "$(xenstore-read "backend/vif/$d/0/hotplug-status" 2>&1)"
check "vif$d.0 holds the router address 10.0.100.128" sh -c "ip -o addr show dev vif$d.0 | grep -q 'inet 10.0.100.128'"
check "n1's DHCP host entry names its MAC and address" \
	grep -q "^$M,set:xnm-vif$d.0,10.0.100.1,dom$d\$" "/var/lib/xen-netmodes/dnsmasq-hosts/vif$d.0"
check "n1's DHCP options name its router" \
	grep -q "^tag:xnm-vif$d.0,option:router,10.0.100.128\$" "/var/lib/xen-netmodes/dnsmasq-opts/vif$d.0"
check "n1's default route is its router" gcall 10.0.100.1 'ip route | grep -q "default via 10.0.100.128"'
check "n1 reaches the LAN host, masqueraded (no route back)" gcall 10.0.100.1 'ping -c1 -W3 10.9.0.2'
in_lan ip route add 10.0.0.0/8 via 10.9.0.1
check_fails "the LAN host cannot open anything toward n1" in_lan ping -c2 -W2 10.0.100.1
in_lan ip route del 10.0.0.0/8 via 10.9.0.1

check "xl destroy n1" xl destroy n1
check "n1's DHCP entries are gone" sh -c "[ ! -e /var/lib/xen-netmodes/dnsmasq-hosts/vif$d.0 ] && [ ! -e /var/lib/xen-netmodes/dnsmasq-opts/vif$d.0 ]"
check_eq "nothing of vif$d.0 stays in nftables" 0 "$(nft_of "vif$d.0")"
kill "$(cat "$T/dnsmasq.pid")"
check "network-nat stop" $S/network-nat stop
check_eq "network-nat stop restored dom0 exactly" "$(echo "$before" | grep -v 'xen-netmodes$')" \
	"$(snapshot | grep -v 'xen-netmodes$')"
finish
