#!/bin/bash
# What network-route and network-nat share: the routed anti-spoofing table
# (inet xen-netmodes) and net/ipv4/ip_forward. Stopping one leaves what the
# other, or a vif still filtered in the table, holds; the last stop puts
# back the values from before the first start.
TEST_NAME="network-shared"
. "$(dirname "$0")/lib.sh"
lab_start
export XEN_NETMODES_CONF=$TMP/xen-netmodes.conf
: >"$XEN_NETMODES_CONF"

LAN=xnm$ID-lan
G5=$(guest_ns 5)
lan_dom0 "$LAN" 192.168.70
# Forwarding off before anything starts: the value every last stop must put back.
ip netns exec "$D0" sysctl -qw net.ipv4.ip_forward=0
make_guest 1 0 00:16:3e:00:07:01 192.168.70.77/24
make_guest 5 0 00:16:3e:00:07:05 10.0.5.1/8
in_ns "$G5" ip route add default via 10.0.5.128
VIF_SCRIPT=vif-route xs_vif 1 0 00:16:3e:00:07:01 ip=192.168.70.77
VIF_SCRIPT=vif-nat xs_vif 5 0 00:16:3e:00:07:05

route_net() { in_dom0 "$SCRIPTS/network-route" "$@"; }
nat_net() { in_dom0 "$SCRIPTS/network-nat" "$@"; }
forwarding() { in_ns "$D0" cat /proc/sys/net/ipv4/ip_forward; }
table_present() { in_ns "$D0" nft list table inet xen-netmodes >/dev/null 2>&1; }

before=$(net_state)

echo "# route, then NAT, stop route: NAT keeps the table and forwarding"
check "network-route start" route_net start
check "network-nat start" nat_net start
check "network-route stop" route_net stop
check "the table NAT uses stays" table_present
check_eq "forwarding stays on" 1 "$(forwarding)"
check "network-nat status: the table held by network-nat" grep -qx \
	'  table inet xen-netmodes: present, made by start; held by network-nat' <<<"$(nat_net status)"
check "network-nat status: forwarding held by network-nat" grep -qx \
	'  net/ipv4/ip_forward = 1 (before start: 0; held by network-nat)' <<<"$(nat_net status)"
check "network-nat stop" nat_net stop
check_eq "the last stop puts everything back as before the first start" "$before" "$(net_state)"

echo "# NAT, then route, stop NAT: route keeps them"
check "network-nat start" nat_net start
check "network-route start" route_net start
check "network-route status: forwarding held by both" grep -qx \
	'  net/ipv4/ip_forward = 1 (before start: 0; held by network-route, network-nat)' <<<"$(route_net status)"
check "network-route status --json: who holds the table" grep -q \
	'"antispoof_table": {"present": true, "made_by_start": true, "held_by": \["network-route", "network-nat"\]}' \
	<<<"$(route_net status --json)"
check "network-nat stop" nat_net stop
check "the table route uses stays" table_present
check_eq "forwarding stays on" 1 "$(forwarding)"
check "network-route stop" route_net stop
check_eq "the last stop puts everything back as before the first start" "$before" "$(net_state)"

echo "# a routed vif still online keeps the table"
check "network-route start" route_net start
check "vif1.0 online (vif-route)" hotplug vif-route 1 0 online
check "network-route status: the table held by the vif too" grep -qx \
	'  table inet xen-netmodes: present, made by start; held by network-route, vif1.0' <<<"$(route_net status)"
check "network-route stop" route_net stop
check "the table stays" table_present
check "vif1.0 is still filtered" port_filtered inet vif1.0
check_eq "forwarding is back off: no started mode holds it" 0 "$(forwarding)"
check "vif1.0 offline" hotplug vif-route 1 0 offline
in_ns "$D0" nft delete table inet xen-netmodes 2>/dev/null || true # left by the stop above

echo "# guests up: route, NAT, stop route; NAT's guests keep their filters and forwarding"
check "network-route start" route_net start
check "network-nat start" nat_net start
check "vif1.0 online (vif-route)" hotplug vif-route 1 0 online
check "vif5.0 online (vif-nat)" hotplug vif-nat 5 0 online
check "the NAT guest reaches the LAN" ping_ok "$G5" 192.168.70.2
check "network-route stop" route_net stop
check "the table stays" table_present
check "vif5.0 is still filtered" port_filtered inet vif5.0
check "vif1.0 is still filtered" port_filtered inet vif1.0
check_eq "forwarding stays on" 1 "$(forwarding)"
check "the NAT guest still reaches the LAN" ping_ok "$G5" 192.168.70.2
in_ns "$G5" ip addr add 10.0.5.99/8 dev eth0
check_fails "a forged source from the NAT guest is still dropped" ping_ok "$G5" -I 10.0.5.99 192.168.70.2
in_ns "$G5" ip addr del 10.0.5.99/8 dev eth0
check "network-nat status: anti-spoofing on, the table held" grep -qx \
	'  table inet xen-netmodes: present, made by start; held by network-nat, vif1.0, vif5.0' \
	<<<"$(nat_net status)"
check "vif1.0 offline" hotplug vif-route 1 0 offline
check "vif5.0 offline" hotplug vif-nat 5 0 offline
check "network-nat stop" nat_net stop
check_eq "the last stop, no vif left, puts everything back" "$before" "$(net_state)"

echo "# a stop racing a vif online: whichever comes first, the vif keeps its filter"
# The stop looks for ports, then deletes the table; an online between the two
# must keep it (or, if the table went first, make it again).
races=0 lost=0
for ((i = 0; i < ${RACE_ROUNDS:-30}; i++)); do
	route_net start >/dev/null || { not_ok "network-route start, round $i"; break; }
	hotplug vif-route 1 0 online >/dev/null 2>&1 &
	pid=$!
	route_net stop >/dev/null || not_ok "network-route stop, round $i"
	if wait $pid; then
		races=$((races + 1))
		port_filtered inet vif1.0 || lost=$((lost + 1))
	fi
	hotplug vif-route 1 0 offline >/dev/null 2>&1 || not_ok "vif1.0 offline, round $i"
	in_ns "$D0" nft delete table inet xen-netmodes 2>/dev/null || true
done
check "the online succeeded in every round" test "$races" -eq "${RACE_ROUNDS:-30}"
check_eq "no vif online lost its filter to a racing stop" 0 "$lost"
check_eq "and everything is back as before" "$before" "$(net_state)"

echo "# a failed stop leaves what the other holds"
check "network-route start" route_net start
check "network-nat start" nat_net start
every_step_fails_net network-route stop
check "network-nat stop" nat_net stop
check_eq "and the last one restores it all" "$before" "$(net_state)"

finish
