#!/bin/bash
# Routed mode: network-route and vif-route against the real kernel. A LAN
# host reaches guests behind dom0 with no route of its own (proxy ARP/NDP),
# guests reach each other through dom0, forged sources are dropped, and
# offline leaves no trace.
TEST_NAME="vif-route"
. "$(dirname "$0")/lib.sh"
lab_start
VIF_SCRIPT=vif-route

LAN=xnm$ID-lan
MAC1=00:16:3e:00:01:77
MAC2=00:16:3e:00:01:78
G1=$(guest_ns 1)
G2=$(guest_ns 2)

# dom0's eth0 on the LAN, with a default route through the LAN host.
netns_add "$D0"
ip netns exec "$D0" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
netns_add "$LAN"
ip -n "$D0" link add eth0 type veth peer name eth0 netns "$LAN"
ip -n "$D0" addr add 192.168.50.1/24 dev eth0
ip -n "$D0" addr add fd50::1/64 dev eth0 nodad
ip -n "$D0" link set eth0 up
ip -n "$D0" route add default via 192.168.50.2
ip -n "$LAN" addr add 192.168.50.2/24 dev eth0
ip -n "$LAN" addr add fd50::2/64 dev eth0 nodad
ip -n "$LAN" link set eth0 up
lan_routes=$(ip -n "$LAN" route show; ip -n "$LAN" -6 route show)

# Guests think the LAN is theirs: on-link /24 for IPv4; IPv6 through dom0.
make_guest 1 0 $MAC1 192.168.50.77/24
make_guest 2 0 $MAC2 192.168.50.78/24
in_ns "$G1" ip -6 addr add fd50::77/128 dev eth0 nodad
in_ns "$G2" ip -6 addr add fd50::78/128 dev eth0 nodad
xs_vif 1 0 $MAC1 "ip=192.168.50.77 fd50::77"
xs_vif 2 0 $MAC2 "ip=192.168.50.78 fd50::78"

sysctl_d0() {
	in_ns "$D0" cat "/proc/sys/$1"
}

route_net() {
	in_dom0 "$SCRIPTS/network-route" "$@"
}

echo "# network-route"
before_start=$(host_state)
sysctls_before="$(sysctl_d0 net/ipv4/ip_forward) $(sysctl_d0 net/ipv4/conf/eth0/proxy_arp) $(sysctl_d0 net/ipv6/conf/all/forwarding) $(sysctl_d0 net/ipv6/conf/eth0/proxy_ndp)"
check "stop without start succeeds" route_net stop
dry=$(route_net start --dry-run)
check_eq "start --dry-run changes nothing" "$before_start" "$(host_state)"
check_eq "start --dry-run lists the changes" "# network-route start
sysctl -w net/ipv4/ip_forward=1
sysctl -w net/ipv4/conf/eth0/proxy_arp=1
sysctl -w net/ipv6/conf/all/forwarding=1
sysctl -w net/ipv6/conf/eth0/proxy_ndp=1
nft add table inet xen-netmodes" "$(echo "$dry" | head -n 6)"
every_step_fails_net network-route start
route_net stop >/dev/null
check "start picks the default route's device" route_net start
check_eq "forwarding and proxies on" "1 1 1 1" \
	"$(sysctl_d0 net/ipv4/ip_forward) $(sysctl_d0 net/ipv4/conf/eth0/proxy_arp) $(sysctl_d0 net/ipv6/conf/all/forwarding) $(sysctl_d0 net/ipv6/conf/eth0/proxy_ndp)"
check "routed anti-spoofing table created" in_ns "$D0" nft list table inet xen-netmodes
state=$(host_state)
check "start twice succeeds" route_net start
check_eq "start twice changes nothing" "$state" "$(host_state)"
check "status says started" grep -q 'network-route: started' <<<"$(route_net status)"

echo "# vif-route online"
before_online=$(host_state)
dry=$(hotplug vif-route 1 0 online --dry-run)
check_eq "online --dry-run changes nothing" "$before_online" "$(host_state)"
check "dry-run: the dom0 address on the vif" grep -qx "ip address replace 192.168.50.1/32 dev vif1.0" <<<"$dry"
check "dry-run: the route with src and metric" grep -qx \
	"ip route replace 192.168.50.77/32 dev vif1.0 src 192.168.50.1 metric 2 proto 88" <<<"$dry"
check "dry-run: the proxy NDP entry" grep -qx "ip -6 neigh replace proxy fd50::77 dev eth0" <<<"$dry"
check "dry-run: proxy ARP on the vif" grep -qx "sysctl -w net/ipv4/conf/vif1.0/proxy_arp=1" <<<"$dry"
check "vif1.0 online" hotplug vif-route 1 0 online
check "vif2.0 online" hotplug vif-route 2 0 online
check_eq "hotplug-status connected" connected "$(xs_read "$(be_path 1 0)/hotplug-status")"
check "vif1.0 has dom0's address as /32" sh -c "ip -n $D0 -o addr show dev vif1.0 | grep -q 'inet 192.168.50.1/32'"
check "route to the guest via vif1.0, metric 2" sh -c \
	"ip -n $D0 route show 192.168.50.77 | grep -q 'dev vif1.0 proto 88 scope link src 192.168.50.1 metric 2'"
check_eq "proxy ARP on vif1.0" 1 "$(sysctl_d0 net/ipv4/conf/vif1.0/proxy_arp)"
check "proxy NDP entry on eth0" sh -c "ip -n $D0 -6 neigh show proxy | grep -q 'fd50::77 dev eth0'"
check "vif1.0 is filtered" port_filtered inet vif1.0
check_eq "frontend mtu follows eth0" 1500 "$(xs_read /local/domain/1/device/vif/0/mtu)"

for g in 1 2; do
	ll=$(ip -n "$D0" -6 -o addr show dev "vif$g.0" scope link | awk '{print $4}' | cut -d/ -f1)
	in_ns "$(guest_ns $g)" ip -6 route add default via "$ll" dev eth0
done

echo "# traffic"
check "the LAN host pings guest 1" ping_ok "$LAN" 192.168.50.77
check "guest 1 pings the LAN host" ping_ok "$G1" 192.168.50.2
check "the LAN host pings guest 1 over IPv6" ping_ok "$LAN" fd50::77
check "guest 1 pings the LAN host over IPv6" ping_ok "$G1" fd50::2
check "guest 1 pings guest 2 through dom0" ping_ok "$G1" 192.168.50.78
check "guest 2 pings guest 1 over IPv6" ping_ok "$G2" fd50::77
check_eq "the LAN host has no route for the guests" "$lan_routes" \
	"$(ip -n "$LAN" route show; ip -n "$LAN" -6 route show)"

echo "# anti-spoofing"
in_ns "$G1" ip addr add 192.168.50.99/24 dev eth0
check_fails "a forged IPv4 source from guest 1 is dropped" ping_ok "$G1" -I 192.168.50.99 192.168.50.2
in_ns "$G1" ip addr del 192.168.50.99/24 dev eth0
in_ns "$G1" ip -6 addr add fd50::99/128 dev eth0 nodad
check_fails "a forged IPv6 source from guest 1 is dropped" ping_ok "$G1" -I fd50::99 fd50::2
in_ns "$G1" ip -6 addr del fd50::99/128 dev eth0
check "the drops were counted" dropped inet
check "guest 1 still reaches the LAN" ping_ok "$G1" 192.168.50.2
dhcp_replies_dropped "$G1" "$G2" 192.168.50.78

echo "# idempotence and status"
check_eq "check: vif1.0 in place" "vif1.0: in place" "$(xnm_verdict vif1.0)"
in_ns "$D0" sh -c 'echo 0 >/proc/sys/net/ipv4/conf/vif1.0/proxy_arp'
check "check: proxy ARP off is a difference" grep -qx \
	"vif1.0: differs: sysctl -w net/ipv4/conf/vif1.0/proxy_arp=1" <<<"$(xnm_check vif1.0 || true)"
in_ns "$D0" sh -c 'echo 1 >/proc/sys/net/ipv4/conf/vif1.0/proxy_arp'
check "xen-netmodes status shows the routes and the lent address" grep -A4 -x \
	"vif1.0 (domain 1, vif 0): route mode, hotplug-status connected" <<<"$(xnm_status)"
check "the routed vif's status lists its routes" grep -q "routes: 192.168.50.77 fd50::77$" <<<"$(xnm_status)"
state=$(host_state)
check "online again" hotplug vif-route 1 0 online
check_eq "online again changes nothing" "$state" "$(host_state)"
check "status lists the routed vifs" grep -qx '  vif1.0: 192.168.50.77/32 fd50::77/128' \
	<<<"$(route_net status)"
json=$(route_net status --json)
check "status --json names netdev and vifs" grep -q \
	'"netdev": "eth0".*"vif1.0": \["192.168.50.77/32", "fd50::77/128"\]' <<<"$json"

echo "# offline"
check "vif2.0 offline" hotplug vif-route 2 0 offline
check "vif1.0 offline" hotplug vif-route 1 0 offline
check_eq "offline removes every trace (routes, proxies, addresses, nft)" "$before_online" "$(host_state)"
check_eq "proxy ARP on vif1.0 back off" 0 "$(sysctl_d0 net/ipv4/conf/vif1.0/proxy_arp)"
check "offline twice" hotplug vif-route 1 0 offline
check_eq "offline twice changes nothing" "$before_online" "$(host_state)"
echo "# a failure at any step leaves the host as it was"
every_step_fails vif-route 1 0 online
every_step_fails vif-route 1 0 offline
check_eq "and the last offline removed it all" "$before_online" "$(host_state)"
check_fails "the LAN host no longer reaches guest 1" ping_ok "$LAN" 192.168.50.77

echo "# a vif already gone"
check "online again" hotplug vif-route 1 0 online
ip -n "$D0" link del vif1.0
check "offline of a vanished vif" hotplug vif-route 1 0 offline
check_eq "its proxy NDP entry is gone too" "" "$(ip -n "$D0" -6 neigh show proxy)"
check_fails "its anti-spoofing is gone too" port_filtered inet vif1.0
check_eq "with all its elements" "" "$(port_elements inet vif1.0)"

echo "# errors: clear hotplug-error, exit 1, host unchanged"
ip -n "$D0" link add eth9 type veth peer name eth9p
make_guest 3 0 00:16:3e:00:01:79 192.168.50.79/24
route_error() { # MESSAGE NODE=VALUE...
	local msg=$1 rc=0 st
	shift
	xs_vif 3 0 00:16:3e:00:01:79 "$@"
	st=$(host_state)
	hotplug vif-route 3 0 online >/dev/null 2>&1 || rc=$?
	check_eq "$msg: exit 1" 1 "$rc"
	check_eq "$msg: hotplug-error" "$msg" "$(xs_read "$(be_path 3 0)/hotplug-error")"
	check_eq "$msg: hotplug-status" error "$(xs_read "$(be_path 3 0)/hotplug-status")"
	check_eq "$msg: host unchanged" "$st" "$(host_state)"
	xenstore-rm "$(be_path 3 0)"
}
route_error "eth9 has no IPv4 address. Bring it up or specify another interface with netdev=<if>" \
	ip=192.168.50.79 gatewaydev=eth9
route_error 'backend node ip: invalid IP address "192.168.50.300"' ip=192.168.50.300
route_error "the backend has no ip: routed mode has nothing to route to vif3.0"
route_error "netdev eth7 does not exist" ip=192.168.50.79 gatewaydev=eth7
xs_vif 4 0 00:16:3e:00:01:80 ip=192.168.50.80
rc=0
hotplug vif-route 4 0 online >/dev/null 2>&1 || rc=$?
check_eq "missing vif: exit 1" 1 "$rc"
check_eq "missing vif: hotplug-error" "device vif4.0 does not exist" \
	"$(xs_read "$(be_path 4 0)/hotplug-error")"

echo "# network-route stop"
every_step_fails_net network-route stop
check "stop" route_net stop
check_eq "every parameter back to what it was" "$sysctls_before" \
	"$(sysctl_d0 net/ipv4/ip_forward) $(sysctl_d0 net/ipv4/conf/eth0/proxy_arp) $(sysctl_d0 net/ipv6/conf/all/forwarding) $(sysctl_d0 net/ipv6/conf/eth0/proxy_ndp)"
check_fails "the routed anti-spoofing table it created is gone" in_ns "$D0" nft list table inet xen-netmodes
check "stop twice" route_net stop
check "status says not started" grep -q 'not started' <<<"$(route_net status)"

finish
