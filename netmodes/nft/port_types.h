/*
 * What a port filter is (port_filter.h says how it is kept in the kernel):
 * the types its codec, its rules and its kernel side share.
 */
#ifndef NETMODES_NFT_PORT_TYPES_H
#define NETMODES_NFT_PORT_TYPES_H

#include <stdbool.h>

#include "netmodes/netaddr.h"
#include "netmodes/vlan_spec.h"

#define NFT_TABLE_NAME "xen-netmodes"

/*
 * Where a kind of port is filtered: bridged frames at the bridge family's
 * prerouting, routed packets at the inet family's; a port of an Open vSwitch
 * bridge in the netdev family, at the ingress of its own device, by a base
 * chain of its own that jumps to the shared rules (port_rules.h).
 */
enum port_kind { PORT_BRIDGED, PORT_ROUTED, PORT_OVS };

struct port_filter {
	enum port_kind kind;
	char ifname[IFNAMSIZ];
	struct mac_addr mac;	/* unused when ips is empty */
	struct prefix_list ips; /* IPv4 and IPv6 prefixes; none: the port may send nothing */
	struct vlan_set vlans;	/* the VLANs it may send tagged (members only); none: no tag at all */
};

/* A port of a bridge filters at most this many runs of tagged VLANs ("10-20" is one). */
#define PORT_MAX_VLAN_RUNS 32

/* The VLANs of a port's set (vlan_spec.h) that it may send tagged: its members not untagged. */
void port_tagged_vlans(const struct vlan_set *port, struct vlan_set *ret);

/* What a dropped frame was; its value + 1 is the kind's key in the drops set. */
enum port_drop_kind {
	DROP_MAC,   /* a source MAC not the port's (Ethernet or ARP sender) */
	DROP_IP4,   /* an IPv4 source not the port's */
	DROP_IP6,   /* an IPv6 source not the port's */
	DROP_ARP,   /* an ARP claim for another's address, or ARP that is not Ethernet/IPv4 */
	DROP_DHCP,  /* a DHCP or DHCPv6 server's message */
	DROP_RA,    /* a router advertisement or redirect */
	DROP_ND,    /* neighbour discovery about another's address or MAC, or malformed */
	DROP_VLAN,  /* a VLAN tag the port may not send */
	DROP_OTHER, /* anything else the rules do not understand (ethertypes, link-local groups, ICMPv6 types) */
	DROP_KINDS
};

/* "mac", "ipv4", "ipv6", "arp", "dhcp", "ra", "nd", "vlan", "other" */
extern const char *const port_drop_names[DROP_KINDS];

/* The kernel log's prefix of a drop: PORT_DROP_LOG_PREFIX "mac: " then the kernel's IN=vif1.0 ... */
#define PORT_DROP_LOG_PREFIX "xen-netmodes drop "

/* How often a port's drops are logged at most, in seconds (the kernel's limit, per port). */
#define PORT_DROP_LOG_INTERVAL 60

/* The longest text of a missing element: a set, a name and a prefix. */
#define PORT_MISSING_LEN 96

/* What is in place for one port. */
struct port_state {
	bool table;		  /* the table exists */
	bool old_rules;		  /* made by an earlier version: an online replaces its rules */
	bool port;		  /* the port is filtered */
	bool damaged;		  /* its records are incomplete (edited by hand, or written by an
				     earlier version): filter unknown; or an element they name is
				     missing (missing says which): every element of its name goes */
	struct port_filter filter; /* its filter, read back from its records (when port) */
	/*
	 * When damaged with its records whole (filter read back): the first
	 * element they name that the kernel lacks, in nft(8) syntax,
	 * 'addrs4 { "vif1.0" . 10.0.0.1 }'; "" otherwise.
	 */
	char missing[PORT_MISSING_LEN];
	/* PORT_OVS alone: the port's own base chain (port_chain_name) */
	bool chain;	  /* exists */
	bool chain_hooked; /* exists and hooks the ingress of the device named ifname */
};

#endif
