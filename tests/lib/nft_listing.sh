# Reading the project's nftables tables in tests, shared by the namespace
# suites and the real-Xen rig's scenarios.

# no_droplog: an nft listing without the droplog set's elements, which the
# kernel makes and times out itself (the drop log's rate limit per port,
# netmodes/nft/port_drops.h): what a call made, and nothing the guests'
# traffic did.
no_droplog() {
	awk '/set droplog \{/ { in_set = 1 }
		in_set && /elements = \{/ { in_elems = 1 }
		in_elems { if (/\}$/) in_elems = 0; next }
		in_set && /^\t\}$/ { in_set = 0 }
		{ print }'
}
