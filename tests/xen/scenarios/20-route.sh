# Routed mode on the real host: network-route on eth0, a guest routed
# through its vif, reached by the LAN host; network-route stop restores dom0.
. /xnm/lib.sh

lan_setup 10.9.0.2/24
ip link set eth0 up
ip addr replace 10.9.0.1/24 dev eth0
before=$(snapshot)
check "network-route start netdev=eth0" $S/network-route start netdev=eth0
check_eq "forwarding on" 1 "$(cat /proc/sys/net/ipv4/conf/all/forwarding)"
check_eq "proxy ARP on eth0" 1 "$(cat /proc/sys/net/ipv4/conf/eth0/proxy_arp)"

check "xl create r1 (vif-route, ip=10.9.0.21)" \
	create r1 10.9.0.21/24 10.9.0.1 "mac=00:16:3e:00:00:21, ip=10.9.0.21, gatewaydev=eth0, script=vif-route"
check "r1 is up" up 10.9.0.21 r1
d=$(domid r1)
check_eq "hotplug-status of r1's vif" connected "$(xenstore-read "backend/vif/$d/0/hotplug-status" 2>&1)"
check "vif$d.0 holds dom0's address as a /32" sh -c "ip -o addr show dev vif$d.0 | grep -q 'inet 10.9.0.1/32'"
check "a route to 10.9.0.21 through vif$d.0" sh -c "ip route show 10.9.0.21 | grep -q 'dev vif$d.0'"
check "the LAN host reaches the routed guest" in_lan ping -c1 -W3 10.9.0.21
check "the routed guest reaches the LAN host" gcall 10.9.0.21 'ping -c1 -W3 10.9.0.2'
check "the routed guest reaches dom0" gcall 10.9.0.21 'ping -c1 -W3 10.9.0.1'
check "r1's vif is filtered" test "$(nft_of "vif$d.0")" -gt 0
check_fails "a foreign source from r1 never reaches the LAN host" sh -c \
	"gcall 10.9.0.21 'ip addr add 10.9.0.77/24 dev eth0; ping -c2 -W2 -I 10.9.0.77 10.9.0.2'"

check "xl destroy r1" xl destroy r1
check "vif$d.0 and its route are gone" sh -c "! ip route show 10.9.0.21 | grep -q . && [ ! -e /sys/class/net/vif$d.0 ]"
check_eq "nothing of vif$d.0 stays in nftables" 0 "$(nft_of "vif$d.0")"
check "network-route stop" $S/network-route stop
check_eq "network-route stop restored dom0 exactly" "$(echo "$before" | grep -v 'xen-netmodes$')" \
	"$(snapshot | grep -v 'xen-netmodes$')"
finish
