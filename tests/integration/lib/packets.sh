# Packets sent between the lab's namespaces, for the isolation checks.

# The isolation tests' packet sender.
SEND_PACKET="$(dirname "${BASH_SOURCE[0]}")/../../tools/send_packet.py"

# dhcp_replies_dropped FROM TO ADDR: a datagram from guest namespace FROM to
# port 68 of ADDR, guest namespace TO's, arrives from an ordinary port (the
# control) but not from port 67 (a DHCP server's); TO counts what arrives.
dhcp_replies_dropped() {
	ip netns exec "$2" nft -f - <<'NFT'
table ip watch {
	chain input {
		type filter hook input priority 0;
		udp dport 68 counter
	}
}
NFT
	in_ns "$1" python3 "$SEND_PACKET" udp 1067 "$3" 68
	sleep 0.2
	check_eq "control: a datagram from another port reaches $3's port 68" 1 "$(port68_seen "$2")"
	in_ns "$1" python3 "$SEND_PACKET" udp 67 "$3" 68
	sleep 0.2
	check_eq "a DHCP server reply toward $3 does not" 1 "$(port68_seen "$2")"
	ip netns exec "$2" nft delete table ip watch
}

port68_seen() { # NS: the datagrams dhcp_replies_dropped's counter saw
	ip netns exec "$1" nft list chain ip watch input | grep -o 'packets [0-9]*' | cut -d' ' -f2
}
