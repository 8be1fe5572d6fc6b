# The hostile-frame suites' side of tests/tools/hostile_frames.py (HF): its
# listeners and what they counted, the kinds of frame by family, the
# anti-spoofing table's drop counters, and the bridged lab's dom0 and LAN. Sourced after lib.sh by
# isolation_test.sh and ovs_filter_test.sh.
#
# Frames carry a marker, XNM-TAG-KIND: TAG says who sent them (F the
# filtered guest, C the control, P and Q the probes), KIND what they are.

HF=$(realpath "$LIB/../../tools/hostile_frames.py")
declare -A RX_PID COUNT
RECEIVERS=() # the receivers of the lab at hand

# receiver NAME NS ARGS...: a listener in namespace NS, with UDP sockets on
# the ports frames go to (no port unreachable quotes a marker back), until
# it has heard what --until says. listening: every receiver of the lab
# listens.
receiver() {
	local name=$1 ns=$2
	shift 2
	rm -f "$TMP/rx.$name" # an earlier listener's READY is not this one's
	ip netns exec "$ns" python3 "$HF" listen --udp-port 5998 --udp-port 68 --udp-port 546 \
		--seconds 20 "$@" >"$TMP/rx.$name" 2>&1 &
	RX_PID[$name]=$!
	BACKGROUND+=("$!")
}
listening() {
	local r
	for r in "${RECEIVERS[@]}"; do
		eventually 100 grep -qsx READY "$TMP/rx.$r" || {
			sed 's/^/# /' "$TMP/rx.$r"
			return 1
		}
	done
}

# heard: each receiver's listener has ended, having heard its --until
# frames (WHAT: the checks' words for them); COUNT[RECEIVER/MARK] holds what
# it counted.
heard() {
	local r line
	COUNT=()
	for r in "${RECEIVERS[@]}"; do
		wait "${RX_PID[$r]}" || true
		check "$WHAT reached $r" grep -qx DONE "$TMP/rx.$r"
		while IFS= read -r line; do
			case $line in XNM-*=*) COUNT[$r/${line%=*}]=${line##*=} ;; esac
		done <"$TMP/rx.$r"
	done
}
all_heard() {
	local r
	for r in "${RECEIVERS[@]}"; do
		grep -qsx DONE "$TMP/rx.$r" || return 1
	done
}

# counts TAG KIND RECEIVER...: "RECEIVER=N ..." for the marker XNM-TAG-KIND.
counts() {
	local mark="XNM-$1-${2^^}" r out=()
	shift 2
	for r in "$@"; do out+=("$r=${COUNT[$r/$mark]:-0}"); done
	echo "${out[*]}"
}

# expect N RECEIVER...: what counts prints when each received N.
expect() {
	local n=$1 r out=()
	shift
	for r in "$@"; do out+=("$r=$n"); done
	echo "${out[*]}"
}

# marks TAG KIND...: the --until of a listener waiting for these frames.
marks() {
	local tag=$1 k out=()
	shift
	for k in "$@"; do out+=("XNM-$tag-${k^^}"); done
	local IFS=,
	echo "${out[*]}"
}

# drops FAMILY [NS]: what the anti-spoofing table's drop rules counted, all
# chains, in NS (dom0's, D0, by default).
drops() {
	ip netns exec "${2:-$D0}" nft list table "$1" xen-netmodes | grep -w drop | grep -o 'packets [0-9]*' |
		awk '{s += $2} END {print s + 0}'
}

# bridged_lan N: dom0 (make_dom0) with its bridge BR at 10.N.0.1/24 and
# fdN::1/64, flooding multicast to every port whatever MLD says (a control's
# query would otherwise make the bridge a snooper), and the LAN host,
# namespace LAN, at 10.N.0.2/24 and fdN::2/64 behind the bridge's uplink0.
bridged_lan() {
	make_dom0 "$BR" "10.$1.0.1"
	ip -n "$D0" link set "$BR" type bridge mcast_snooping 0
	ip -n "$D0" addr add "fd$1::1/64" dev "$BR" nodad
	netns_add "$LAN"
	ip -n "$D0" link add uplink0 type veth peer name eth0 netns "$LAN"
	ip -n "$D0" link set uplink0 master "$BR" up
	ip -n "$LAN" addr add "10.$1.0.2/24" dev eth0
	ip -n "$LAN" addr add "fd$1::2/64" dev eth0 nodad
	ip -n "$LAN" link set eth0 up
}

# Kinds by family (hostile_frames.py kinds lists them all), for the suites
# shellcheck disable=SC2034 # used where this is sourced
{
	L2_HOSTILE="mac bpdu lldp eapol grp-ip4"
	TAGS_HOSTILE="vlan99 qinq99 qinq dot1q2 prio"
	ETHERTYPES_HOSTILE="et-88b5 et-9000 et-0842 ipx rarp llc"
	ARP_HOSTILE="arp-mac arp-ip inarp arp-htype arp-ptype arp-plen16 arp-hlen"
	ARP_SOUND="ok-arp ok-arp-reply ok-arp-probe"
	IP4_HOSTILE="ip4-src ip4-zero dhcp-server"
	IP4_SOUND="ok-udp4 ok-dhcp"
	IP6_HOSTILE="ip6-src dhcp6-server icmp139 icmp200 ll-udp ll-echo ip6-zero-udp ra redirect mld-query"
	IP6_SOUND="ok-udp6 ok-echo6"
	ND_GLOBAL_SOUND="ok-ns-global" # from its global address: not in NAT mode
	ND_HOSTILE="na-fe80-1 na-router na-tlla na-2opt na-optlen na-hbh na-frag na-any"
	ND_HOSTILE+=" ns-fe80-1 ns-slla ns-2opt ns-hbh ns-dad-foreign ns-dad-slla rs-slla rs-fe80-1 mld-fe80-1"
	ND_SOUND="ok-ns ok-dad ok-dad-nonce ok-na ok-na-ll ok-rs ok-rs-any ok-mld ok-mld-any ok-mld1 ok-mld-done"
}
