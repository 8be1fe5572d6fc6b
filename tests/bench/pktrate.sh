#!/bin/bash
# make bench's packet rate through the anti-spoofing filter (issue 28):
# small UDP frames (tests/bench/pkt_blast.c) from a guest to another guest
# across the bridge, and from a guest to the uplink, with no filter, with
# two floors (an empty base chain at the filter's hook, and a filter of one
# lookup: see table), with the filter as it was before issue 28
# (tests/bench/filter-before-issue28.nft) and with this build's, at 2 and
# at PORTS filtered vifs. Prints its rows like bench.sh; --rows FILE also
# writes them there, "NAME<tab>VALUE<tab>UNIT".
#   tests/bench/pktrate.sh BUILD [--smoke] [--rows FILE]
# PKTRATE_FRAMES (frames a run), PKTRATE_RUNS (runs a measure, the median
# kept), PKTRATE_PORTS (the larger number of filtered vifs), PKTRATE_CPU
# (the CPU every sender is pinned to; default the last).
# PKTRATE_BR_NETFILTER=1 leaves br_netfilter on in the rigs (see rig);
# PKTRATE_VERBOSE=1 prints every run.
#
# Five rigs side by side, one per condition, each a dom0 namespace with
# bridge xenbr0, two guests whose vifs the real `vif-bridge online` of this
# build attached (with ip), and an uplink: a veth enslaved to xenbr0 whose
# peer is a LAN namespace. The table is then kept (this build's), deleted
# (no filter) or replaced by another (table). The runs of the five
# alternate, so that the machine's drift falls on all.
#
# At PORTS filtered vifs, every rig has the same PORTS - 2 more vifs (veth
# pairs on bridges xenbr1...). In this build's rig each is brought up by
# `vif-bridge online` (its xenstore nodes written first), so their
# elements are whatever this build writes; in the others they are enslaved
# by hand, and where the table has elements each vif's are loaded with
# nft -f (for the filter before issue 28, the file's @PORT@ lines: what
# that build's onlines wrote).
#
# The CPU: a veth hands what it transmits to its peer through the sending
# CPU's backlog (no RPS here), and the softirq that then runs the bridge,
# the filter and the receiver's ingress runs on that CPU, mostly at the end
# of the sender's own sendmmsg. Pinning the sender (taskset) pins the whole
# path. The receiver counts arrivals in an nftables counter at its ingress
# and drops them there (no IP stack behind). Two rates: what arrived over
# the sender's wall time, and over its CPU time (which holds the softirq
# work its sends set off) plus that of the CPU's ksoftirqd: the second does
# not count the time other programs take the CPU, so it moves less on a
# busy machine.
TEST_NAME="pktrate"
. "$(dirname "$0")/../integration/lib.sh"
BEFORE_NFT=$(realpath "$(dirname "$0")/filter-before-issue28.nft")

SMOKE='' ROWS=''
shift
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) SMOKE=1 ;;
	--rows) ROWS=$2; shift ;;
	*) echo "usage: $0 BUILD [--smoke] [--rows FILE]" >&2; exit 2 ;;
	esac
	shift
done
if [ -n "$SMOKE" ]; then
	FRAMES=2000 RUNS=1 PORTS=16
else
	FRAMES=${PKTRATE_FRAMES:-500000} RUNS=${PKTRATE_RUNS:-5} PORTS=${PKTRATE_PORTS:-4096}
fi
CPU=${PKTRATE_CPU:-$(($(nproc) - 1))}
[ -z "$ROWS" ] || : >"$ROWS"

# The same addresses in every rig: the frames are the same bytes.
MAC_A=00:16:3e:00:0a:0a IP_A=10.90.0.7
MAC_B=00:16:3e:00:0b:0b IP_B=10.90.0.8
MAC_LAN=00:16:3e:00:fe:fe IP_LAN=10.90.0.100
CONDS=(none chain lookup before build)
declare -A LABEL=([none]="no filter" [chain]="empty chain" [lookup]="one lookup" [before]="before issue 28" [build]="this build")
# the rig's guests are domids BASE+1 and BASE+2; the other filtered vifs EXTRA...
declare -A BASE=([none]=10 [chain]=20 [lookup]=30 [before]=40 [build]=50)
EXTRA=100

lab_start

row() { # NAME VALUE UNIT
	printf '%-72s %10s %s\n' "$1" "$2" "$3"
	[ -z "$ROWS" ] || printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$ROWS"
}

dom0_of() { echo "xnm$ID-$1"; }
lan_of() { echo "xnm$ID-lan-$1"; }
sender_of() { guest_ns $((BASE[$1] + 1)); }
receiver_ns() { # COND guest|uplink
	if [ "$2" = guest ]; then guest_ns $((BASE[$1] + 2)); else lan_of "$1"; fi
}

# The receiver's count: what its ingress took for port 9, and dropped.
count_arrivals() { # NS
	ip netns exec "$1" nft -f - <<'NFT'
table netdev pktrate {
	chain arrivals {
		type filter hook ingress device "eth0" priority 0; policy accept;
		udp dport 9 counter drop
	}
}
NFT
}
arrived() { # NS
	ip netns exec "$1" nft list chain netdev pktrate arrivals | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# table COND: the table that stands in for this build's in rig COND, in
# nft(8)'s syntax (none for no filter).
#   chain:  an empty base chain at the filter's hook, what any filter there
#           costs before its first rule;
#   lookup: the least a filter of a port's MAC and IPv4 source can do for a
#           sound frame, one lookup of port, MAC and address together
#           (a forged one takes a second, of the port, and is dropped);
#   before: the table as it was before issue 28, the file's lines.
table() {
	local t="bridge xen-netmodes"
	case $1 in
	chain | lookup)
		echo "add table $t"
		echo "add chain $t prerouting { type filter hook prerouting priority -200; policy accept; }"
		;;&
	lookup)
		echo "add set $t ports { type ifname; }"
		echo "add set $t sources4 { type ifname . ether_addr . ipv4_addr; }"
		echo "add rule $t prerouting meta protocol ip iifname . ether saddr . ip saddr @sources4 accept"
		echo "add rule $t prerouting iifname @ports counter drop"
		;;
	before) grep -v '^#' "$BEFORE_NFT" | grep -vF '@PORT@' ;;
	esac
}
# port COND DOMID MAC IP: vif DOMID's elements in table COND (for before:
# those that filter's onlines wrote).
port() {
	case $1 in
	lookup)
		echo "add element bridge xen-netmodes ports { \"vif$2.0\" }"
		echo "add element bridge xen-netmodes sources4 { \"vif$2.0\" . $3 . $4 }"
		;;
	before) grep -F '@PORT@' "$BEFORE_NFT" | sed -e "s/@PORT@/vif$2.0/g" -e "s/@MAC@/$3/g" -e "s/@IP4@/$4/g" ;;
	esac
}
# the other vifs' MACs (00:16:3e:80:00:00 and up: none of the guests') and addresses
extra_mac() { printf '00:16:3e:%02x:%02x:%02x' $((0x80 | $1 >> 16 & 127)) $(($1 >> 8 & 255)) $(($1 & 255)); }
extra_ip() { echo "10.92.$(($1 / 250)).$(($1 % 250 + 2))"; }

# rig COND: dom0, two guests on xenbr0 brought up by this build, the uplink, the LAN.
rig() {
	local c=$1 a=$((BASE[$1] + 1)) b=$((BASE[$1] + 2)) lan
	D0=$(dom0_of "$c")
	lan=$(lan_of "$c")
	make_dom0 xenbr0 10.90.0.1
	# br_netfilter (built into this kernel, a module Debian does not load by
	# default) off: a frame's path is the bridge's and the filter's alone.
	[ -n "${PKTRATE_BR_NETFILTER:-}" ] || ip netns exec "$D0" sysctl -qw \
		net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
		net.bridge.bridge-nf-call-arptables=0 2>/dev/null || true
	make_guest "$a" 0 "$MAC_A" "$IP_A/24"
	make_guest "$b" 0 "$MAC_B" "$IP_B/24"
	netns_add "$lan"
	ip -n "$D0" link add eth0 type veth peer name eth0 netns "$lan"
	ip -n "$lan" link set eth0 address "$MAC_LAN"
	ip -n "$lan" addr add "$IP_LAN/24" dev eth0
	ip -n "$lan" link set eth0 up
	ip -n "$D0" link set eth0 master xenbr0 up
	xs_vif "$a" 0 "$MAC_A" bridge=xenbr0 ip="$IP_A"
	xs_vif "$b" 0 "$MAC_B" bridge=xenbr0 ip="$IP_B"
	hotplug vif-bridge "$a" 0 online >/dev/null
	hotplug vif-bridge "$b" 0 online >/dev/null
	if [ "$c" != build ]; then
		ip netns exec "$D0" nft delete table bridge xen-netmodes
		{ table "$c"; port "$c" "$a" "$MAC_A" "$IP_A"; port "$c" "$b" "$MAC_B" "$IP_B"; } >"$TMP/table"
		[ ! -s "$TMP/table" ] || ip netns exec "$D0" nft -f "$TMP/table"
	fi
	# The receivers' ports known to the bridge for the whole run: no flooding.
	bridge -n "$D0" fdb replace "$MAC_B" dev "vif$b.0" master static
	bridge -n "$D0" fdb replace "$MAC_LAN" dev eth0 master static
	count_arrivals "$(guest_ns "$b")"
	count_arrivals "$lan"
}

# more_ports: the other PORTS - 2 vifs, the same devices in every rig (veth
# pairs, the dom0 end on xenbr1... and up); this build's rig brings each up
# with `vif-bridge online`, the others enslave them by hand, and the rigs
# whose table has elements get each vif's (port).
more_ports() {
	local d last=$((EXTRA + PORTS - 3)) br c args=() links=() ups=()
	for ((d = EXTRA; d <= last; d++)); do
		br=xenbr$((d / 1000 + 1)) # a Linux bridge takes at most 1024 ports
		if ((d == EXTRA || d % 1000 == 0)); then
			links+=("link add $br type bridge stp_state 0 forward_delay 0" "link set $br up")
		fi
		links+=("link add vif$d.0 type veth peer name g$d")
		ups+=("link set vif$d.0 address fe:ff:ff:ff:ff:ff master $br up")
		local be=/local/domain/0/backend/vif/$d/0 fe=/local/domain/$d/device/vif/0
		args+=("$be/frontend" "$fe" "$be/frontend-id" "$d" "$be/mac" "$(extra_mac "$d")"
			"$be/bridge" "$br" "$be/ip" "$(extra_ip "$d")" "$be/handle" 0
			"$be/hotplug-status" "" "$fe/mac" "$(extra_mac "$d")")
		if [ ${#args[@]} -ge 1000 ]; then
			xenstore-write "${args[@]}"
			args=()
		fi
	done
	[ ${#args[@]} -eq 0 ] || xenstore-write "${args[@]}"
	for c in "${CONDS[@]}"; do
		printf '%s\n' "${links[@]}" | ip -n "$(dom0_of "$c")" -batch -
		[ "$c" = build ] || printf '%s\n' "${ups[@]}" | ip -n "$(dom0_of "$c")" -batch -
	done
	D0=$(dom0_of build)
	for ((d = EXTRA; d <= last; d++)); do
		hotplug vif-bridge "$d" 0 online >/dev/null
	done
	for c in lookup before; do
		for ((d = EXTRA; d <= last; d++)); do
			port "$c" "$d" "$(extra_mac "$d")" "$(extra_ip "$d")"
		done | ip netns exec "$(dom0_of "$c")" nft -f -
	done
}

filtered() { # COND: the ports element count of its table
	ip netns exec "$(dom0_of "$1")" nft list set bridge xen-netmodes ports 2>/dev/null |
		grep -o '"vif[0-9]*\.[0-9]*"' | wc -l
}

# The CPU time of the CPU's ksoftirqd, ns: the softirq work that did not run
# in the sender's own time (a little: most of it runs as its sends return).
KSOFTIRQD=$(ps -eo pid=,comm= | awk -v n="ksoftirqd/$CPU" '$2 == n { print $1 }')
ksoftirqd_ns() {
	if [ -n "$KSOFTIRQD" ]; then cut -d' ' -f1 "/proc/$KSOFTIRQD/schedstat"; else echo 0; fi
}

# blast COND guest|uplink FRAMES [SRC_IP]: one run; prints "ARRIVED SENT WALL CPU",
# the times in ns, CPU the sender's and the ksoftirqd's of its CPU.
blast() {
	local rx dst_mac=$MAC_B dst_ip=$IP_B before after k0 k1 sent wall cpu
	rx=$(receiver_ns "$1" "$2")
	[ "$2" = guest ] || dst_mac=$MAC_LAN dst_ip=$IP_LAN
	before=$(arrived "$rx")
	k0=$(ksoftirqd_ns)
	read -r sent wall cpu < <(ip netns exec "$(sender_of "$1")" taskset -c "$CPU" \
		"$BUILD/bench/pkt_blast" eth0 "$MAC_A" "${4:-$IP_A}" "$dst_mac" "$dst_ip" "$3")
	sleep 0.05 # what the backlog still holds
	k1=$(ksoftirqd_ns)
	after=$(arrived "$rx")
	echo "$((after - before)) $sent $wall $((cpu + k1 - k0))"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}

echo "# packet rate: $FRAMES frames of 60 bytes a run, median of $RUNS, every sender on CPU $CPU"
for c in "${CONDS[@]}"; do rig "$c"; done

# Every rig passes a guest's own frames, whole; the filters drop a forged source.
for c in "${CONDS[@]}"; do
	for path in guest uplink; do
		read -r got sent _ < <(blast "$c" "$path" 1000)
		check_eq "${LABEL[$c]}: all of a guest's 1000 frames to the $path arrive" "$sent" "$got"
	done
	read -r got _ < <(blast "$c" guest 100 10.90.0.66)
	case $c in none | chain) want=100 ;; *) want=0 ;; esac
	check_eq "${LABEL[$c]}: frames from a forged address $([ $want = 0 ] && echo "do not ")arrive" "$want" "$got"
done

# measure N: RUNS runs of every condition and path, alternating, and their
# rows: the medians of the rates (what arrived over the wall time, and over
# the CPU time); of the CPU rates, the median of each run's over that of
# the run without a filter next to it in time, and the CPU time a filter
# adds to a frame, from the medians.
measure() {
	local n=$1 r c path got sent wall cpu
	declare -A rates=()
	for ((r = 0; r < RUNS; r++)); do
		for c in "${CONDS[@]}"; do
			for path in guest uplink; do
				read -r got sent wall cpu < <(blast "$c" "$path" "$FRAMES")
				[ "$got" -eq "$sent" ] || echo "# ${LABEL[$c]}, to the $path: $got of $sent frames arrived"
				[ -z "${PKTRATE_VERBOSE:-}" ] || echo "# run $r, $c, to the $path: $got arrived, $wall ns, $cpu ns of CPU"
				rates[wall.$c.$path]+="$(awk -v g="$got" -v t="$wall" 'BEGIN { printf "%.0f", t ? g * 1e9 / t : 0 }') "
				rates[cpu.$c.$path]+="$(awk -v g="$got" -v t="$cpu" 'BEGIN { printf "%.0f", t ? g * 1e9 / t : 0 }') "
			done
		done
	done
	runs() { tr ' ' '\n' <<<"${rates[$1]}" | grep .; } # KEY: one rate a line
	local what clock c2 unit suffix
	declare -A med=()
	for path in guest uplink; do
		what="guest to $path, $n filtered vifs"
		[ "$path" = guest ] && what="guest to guest, $n filtered vifs"
		for clock in wall cpu; do
			unit=frames/s suffix=
			[ "$clock" = wall ] || unit="frames/CPU s" suffix=", CPU"
			for c in "${CONDS[@]}"; do
				med[$c]=$(runs "$clock.$c.$path" | median)
				row "$what, ${LABEL[$c]}$suffix" "${med[$c]}" "$unit"
			done
		done
		for c2 in "${CONDS[@]:1}"; do
			row "$what, ${LABEL[$c2]} / no filter, CPU" \
				"$(paste -d' ' <(runs "cpu.$c2.$path") <(runs "cpu.none.$path") |
					awk '{ printf "%.4f\n", $2 ? $1 / $2 : 0 }' | median)" ratio
		done
		for c2 in "${CONDS[@]:1}"; do
			row "$what, ${LABEL[$c2]}, CPU added a frame" \
				"$(awk -v a="${med[$c2]}" -v b="${med[none]}" 'BEGIN { printf "%.0f", a && b ? 1e9 / a - 1e9 / b : 0 }')" ns
		done
	done
}

printf '\n%-72s %10s %s\n' "measure" "value" "unit"
measure 2
for c in lookup before build; do
	check_eq "${LABEL[$c]}: 2 vifs filtered" 2 "$(filtered "$c")"
done
[ "$PORTS" -gt 2 ] || finish
echo "# $PORTS filtered vifs: $((PORTS - 2)) more, in this build's rig brought up by it, in the others enslaved and given their elements"
t0=$(date +%s)
more_ports
echo "# (made in $(($(date +%s) - t0)) s)"
for c in lookup before build; do
	check_eq "${LABEL[$c]}: $PORTS vifs filtered" "$PORTS" "$(filtered "$c")"
done
measure "$PORTS"
finish
