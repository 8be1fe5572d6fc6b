#!/bin/bash
# Who is spoofing (issue 34): every kind of hostile frame of the isolation
# suite, sent by one filtered guest at a time, is counted in the drops set
# under its own kind for its own vif, and nowhere else: not under another
# kind, not for the other guest. Then the counts' lifetime: a re-online
# keeps them, an offline removes them, a port made again starts at zero;
# and a routed vif's counts in the inet table.
TEST_NAME="drop_counts"
. "$(dirname "$0")/lib.sh"
lab_start

# shellcheck source=lib/hostile_frames.sh
. "$LIB/hostile_frames.sh" # the kinds, bridged_lan

# The kind each hostile frame is counted as (netmodes/nft/port_drops.h).
declare -A KIND_OF=(
	[mac]=mac [bpdu]=other [lldp]=other [eapol]=other [grp-ip4]=other
	[vlan99]=vlan [qinq99]=vlan [qinq]=vlan [dot1q2]=vlan [prio]=vlan
	[et-88b5]=other [et-9000]=other [et-0842]=other [ipx]=other [rarp]=other [llc]=other
	[arp-mac]=mac [arp-ip]=arp [inarp]=arp [arp-htype]=arp [arp-ptype]=arp [arp-plen16]=arp [arp-hlen]=arp
	[ip4-src]=ipv4 [ip4-zero]=ipv4 [dhcp-server]=dhcp
	[ip6-src]=ipv6 [dhcp6-server]=dhcp [icmp139]=other [icmp200]=other [ll-udp]=ipv6 [ll-echo]=ipv6
	[ip6-zero-udp]=ipv6 [ra]=ra [redirect]=ra [mld-query]=other
	[na-fe80-1]=nd [na-router]=nd [na-tlla]=nd [na-2opt]=nd [na-optlen]=nd [na-hbh]=nd [na-frag]=nd [na-any]=nd
	[ns-fe80-1]=ipv6 [ns-slla]=nd [ns-2opt]=nd [ns-hbh]=nd [ns-dad-foreign]=nd [ns-dad-slla]=nd
	[rs-slla]=nd [rs-fe80-1]=ipv6 [mld-fe80-1]=ipv6
)
KINDS_ORDER=(mac ipv4 ipv6 arp dhcp ra nd vlan other)

# counts FAMILY: every drops element of the kind's table, "vif1.0 mac 3", one a line.
counts_of() {
	ip netns exec "$D0" nft list set "$1" xen-netmodes drops 2>/dev/null |
		grep -o '"[^"]*" \. 0x[0-9a-f]* counter packets [0-9]*' |
		while read -r name _ key _ _ n; do
			printf '%s %s %s\n' "${name//\"/}" "${KINDS_ORDER[$((key - 1))]}" "$n"
		done | sort
}

# delta BEFORE AFTER: the elements whose count changed, "vif1.0 mac +3", one a line.
delta() {
	join -a2 -e0 -o '2.1,1.2,2.2' <(echo "$1" | awk '{print $1"/"$2, $3}') \
		<(echo "$2" | awk '{print $1"/"$2, $3}') |
		awk '$3 != $2 {split($1, k, "/"); print k[1], k[2], "+" ($3 - $2)}'
}

echo "# bridged: two filtered guests on xenbr0"
BR=xenbr0
LAN=xnm$ID-lan
MAC1=00:16:3e:83:00:11
MAC2=00:16:3e:83:00:12
bridged_lan 83
make_guest 1 0 $MAC1 10.83.0.11/24
make_guest 2 0 $MAC2 10.83.0.12/24
xs_vif 1 0 $MAC1 bridge=$BR "ip=10.83.0.11 fd83::11"
xs_vif 2 0 $MAC2 bridge=$BR "ip=10.83.0.12 fd83::12"
check "vif1.0 online" hotplug vif-bridge 1 0 online
check "vif2.0 online" hotplug vif-bridge 2 0 online
zeros=$(for v in vif1.0 vif2.0; do for k in "${KINDS_ORDER[@]}"; do echo "$v $k 0"; done; done | sort)
check_eq "each filtered vif has a count of each kind, at zero" "$zeros" "$(counts_of bridge)"

send() { # GUEST TAG KIND...: hostile_frames.py send from guest N's namespace, each frame's kind reported
	local n=$1 other=$MAC2
	shift
	[ "$n" = 1 ] || other=$MAC1
	ip netns exec "$(guest_ns "$n")" python3 "$HF" send --iface eth0 --tag "$1" \
		--ip4 "10.83.0.1$n" --ip6 "fd83::1$n" --foreign4 10.83.0.99 --foreign6 fd83::99 \
		--spoof-mac 00:16:3e:83:00:66 --other-mac $other --router6 fd83::1 --ns-target fd83::1 \
		--arp-target 10.83.0.1 --to4 255.255.255.255 --to6 ff02::1 --report "${@:2}"
}

# Each kind alone: the count of its kind for the vif that sent it grows by
# the frames sent, and nothing else moves.
for guest in 1 2; do
	for k in $L2_HOSTILE $TAGS_HOSTILE $ETHERTYPES_HOSTILE $ARP_HOSTILE $IP4_HOSTILE $IP6_HOSTILE $ND_HOSTILE; do
		before=$(counts_of bridge)
		n=$(send $guest F "$k" | grep -cx "$k")
		# the kernel counts as it drops, before the sender returns: nothing to wait for
		after=$(counts_of bridge)
		check_eq "$k from vif$guest.0 ($n frames) is counted as ${KIND_OF[$k]} for vif$guest.0 alone" \
			"vif$guest.0 ${KIND_OF[$k]} +$n" "$(delta "$before" "$after")"
	done
done

echo "# the counts' lifetime"
before=$(counts_of bridge)
check "vif1.0 online again (the same filter)" hotplug vif-bridge 1 0 online
check_eq "a re-online keeps vif1.0's counts" "$before" "$(counts_of bridge)"
xs_vif 1 0 $MAC1 bridge=$BR "ip=10.83.0.11 fd83::11 10.83.0.21"
check "vif1.0 online with one more address" hotplug vif-bridge 1 0 online
check_eq "a new filter keeps them too" "$before" "$(counts_of bridge)"
check "vif1.0 offline" hotplug vif-bridge 1 0 offline
check_eq "an offline removes vif1.0's counts, and only them" \
	"$(echo "$before" | grep -v '^vif1\.0 ')" "$(counts_of bridge)"
check "vif1.0 online once more" hotplug vif-bridge 1 0 online
check_eq "its counts start again from zero" \
	"$(for k in "${KINDS_ORDER[@]}"; do echo "vif1.0 $k 0"; done | sort)" "$(counts_of bridge | grep '^vif1\.0 ')"

echo "# routed: the inet table counts the same way"
make_guest 5 0 00:16:3e:83:00:15 10.83.5.15/32
VIF_SCRIPT=vif-route xs_vif 5 0 00:16:3e:83:00:15 "ip=10.83.5.15"
check "vif5.0 online (vif-route, dom0's address on xenbr0)" hotplug vif-route 5 0 online netdev=$BR
gw=$(ip -n "$D0" -o link show dev vif5.0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
for k in ip4-src dhcp-server; do
	before=$(counts_of inet)
	n=$(ip netns exec "$(guest_ns 5)" python3 "$HF" send --iface eth0 --tag F --ip4 10.83.5.15 \
		--foreign4 10.83.0.99 --gw-mac $gw --to4 10.83.0.2 --report "$k" | grep -cx "$k")
	check_eq "routed: $k from vif5.0 ($n) is counted as ${KIND_OF[$k]}" \
		"vif5.0 ${KIND_OF[$k]} +$n" "$(delta "$before" "$(counts_of inet)")"
done
check "vif5.0 offline" hotplug vif-route 5 0 offline netdev=$BR
check_eq "no count of vif5.0 is left in the inet table" "" "$(counts_of inet | grep '^vif5\.0 ' || true)"

finish
