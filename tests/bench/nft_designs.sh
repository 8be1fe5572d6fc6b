#!/bin/bash
# The anti-spoofing design, before and after, in the kernel alone: how long
# the nftables batch that adds (then removes) one port takes with N ports
# already filtered, for
#   chains: a chain per port behind an `iifname vmap` (the first design),
#   sets:   fixed rules and per-port elements in hash sets (the design now),
#   interval: the same with addresses in an interval set (pipapo).
# Timed with strace -T on nft(8)'s one batch sendmsg, in a scratch namespace.
#   tests/bench/nft_designs.sh [N...]      (default: 10 3000)
set -euo pipefail
NS=xnm-nftdesign-$$
ip netns add "$NS"
trap 'ip netns del "$NS"' EXIT

# ruleset DESIGN N: the table with N ports, in nft(8) syntax.
ruleset() {
	local design=$1 n=$2 i
	echo "add table bridge t"
	if [ "$design" = chains ]; then
		echo "add map bridge t ports { type ifname : verdict; }"
		echo "add chain bridge t pre { type filter hook prerouting priority -200; policy accept; }"
		echo "add rule bridge t pre iifname vmap @ports"
	else
		echo "add set bridge t ports { type ifname; }"
		echo "add set bridge t macs { type ifname . ether_addr; }"
		echo "add set bridge t addrs4 { type ifname . ipv4_addr;$([ "$design" = interval ] && echo ' flags interval;') }"
		echo "add chain bridge t pre { type filter hook prerouting priority -200; policy accept; }"
		echo "add rule bridge t pre iifname != @ports accept"
		echo "add rule bridge t pre iifname . ether saddr != @macs counter drop"
		echo "add rule bridge t pre meta protocol ip iifname . ip saddr @addrs4 accept"
		echo "add rule bridge t pre counter drop"
	fi
	for ((i = 0; i < n; i++)); do port "$design" add "$i"; done
}

# port DESIGN add|delete I: one port's objects.
port() {
	local design=$1 verb=$2 i=$3 mac ip
	mac=$(printf '00:16:3e:00:%02x:%02x' $((i / 256 % 256)) $((i % 256)))
	ip="10.$((i / 65536)).$((i / 256 % 256)).$((i % 256))"
	if [ "$design" = chains ]; then
		if [ "$verb" = add ]; then
			echo "add chain bridge t port-v$i"
			echo "add rule bridge t port-v$i ether saddr != $mac counter drop"
			echo "add rule bridge t port-v$i meta protocol ip ip saddr $ip return"
			echo "add rule bridge t port-v$i counter drop"
			echo "add element bridge t ports { \"v$i\" : jump port-v$i }"
		else
			echo "delete element bridge t ports { \"v$i\" }"
			echo "flush chain bridge t port-v$i"
			echo "delete chain bridge t port-v$i"
		fi
	else
		echo "$verb element bridge t ports { \"v$i\" }"
		echo "$verb element bridge t macs { \"v$i\" . $mac }"
		echo "$verb element bridge t addrs4 { \"v$i\" . $ip }"
	fi
}

# batch_us FILE: the kernel's time for nft's batch (its one sendmsg), µs.
batch_us() {
	ip netns exec "$NS" strace -e trace=sendmsg -T nft -f "$1" 2>&1 >/dev/null |
		grep -o '<[0-9.]*>' | tail -n 1 | tr -d '<>' | awk '{ printf "%d", $1 * 1000000 }'
}

printf '%-10s %8s %14s %14s\n' design ports "add one, us" "delete one, us"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 3000)
for n in "${sizes[@]}"; do
	for design in chains sets interval; do
		ip netns exec "$NS" nft flush ruleset
		ruleset "$design" "$n" >"/tmp/$NS.nft"
		ip netns exec "$NS" nft -f "/tmp/$NS.nft"
		port "$design" add $((n + 1)) >"/tmp/$NS.add"
		port "$design" delete $((n + 1)) >"/tmp/$NS.del"
		a=$(batch_us "/tmp/$NS.add")
		d=$(batch_us "/tmp/$NS.del")
		printf '%-10s %8d %14d %14d\n' "$design" "$n" "$a" "$d"
	done
done
rm -f "/tmp/$NS".*
