# Snapshots of what a call may change in dom0, for before/after comparisons,
# and questions about its anti-spoofing table.

# Everything a call could change in dom0: links, addresses, routes, proxy
# neighbours, nftables (tables in name order: one recreated by an undo comes
# back last; less what traffic moves: the bridge's running timers, rule
# counters, and the qdisc the kernel attaches when a link first comes up;
# less the carrier and operational state, which the kernel's link watch
# updates when it gets to it, on a loaded machine after the call has ended:
# a bridge losing its last port. The UP flag, which calls set, stays).
host_state() {
	ip netns exec "$D0" sh -c 'ip -d -o link show; ip -o addr show; ip route show table all;
		ip -6 route show table all; ip neigh show proxy; ip -6 neigh show proxy;
		nft list tables | sort | while read -r _ f t; do nft list table "$f" "$t"; done' | sed -e 's/[a-z_]*timer *[0-9.]*//g' -e 's/ qdisc [a-z_]*//' \
		-e 's/counter packets [0-9]* bytes [0-9]*/counter/g' \
		-e 's/NO-CARRIER,//; s/,LOWER_UP//; s/ state [A-Z]* / /; s/ linkdown//' | no_droplog
}

# net_state: host_state, the forwarding and proxy sysctls, and the state files.
net_state() {
	host_state
	ip netns exec "$D0" sysctl -a 2>/dev/null | grep -E '(ip_forward|\.forwarding|proxy_arp|proxy_ndp) =' || true
	{ find "$XEN_NETMODES_RUN_DIR" -type f -exec sha256sum {} + 2>/dev/null || true; } | sort
}

# port_filtered FAMILY IFNAME: dom0 filters the port (it has its ports element).
port_filtered() {
	ip netns exec "$D0" nft get element "$1" xen-netmodes ports "{ \"$2\" }" >/dev/null 2>&1
}

# port_elements FAMILY IFNAME: every element of the anti-spoofing table keyed
# by IFNAME that a call made: a drop count's without its counter, none of
# the drop log's limiter (the kernel's).
port_elements() {
	ip netns exec "$D0" nft list table "$1" xen-netmodes 2>/dev/null | no_droplog | grep -o "\"$2\"[^,}]*" |
		sed 's/ counter packets [0-9]* bytes [0-9]*//; s/ *$//' || true
}

# drop_elements IFNAME: the nine drop counts' elements a filtered port has
# (netmodes/nft/port_drops.h), as port_elements lists them.
drop_elements() {
	local k
	for k in 1 2 3 4 5 6 7 8 9; do echo "\"$1\" . 0x0000000$k"; done
}

# dropped FAMILY: whether the anti-spoofing rules counted a dropped packet.
dropped() {
	ip netns exec "$D0" nft list table "$1" xen-netmodes | grep 'drop$' |
		grep -q 'packets [1-9]'
}

# chain_drops FAMILY CHAIN: the packets the chain's drop rules counted, all together.
chain_drops() {
	ip netns exec "$D0" nft list chain "$1" xen-netmodes "$2" | grep 'drop$' |
		grep -o 'packets [0-9]*' | awk '{ n += $2 } END { print n + 0 }'
}
