/*
 * The fixed part of the anti-spoofing ruleset: the table, its sets and the
 * one base chain whose rules never change (see port_filter.h). Ports differ
 * only by the elements they own in the sets.
 */
#ifndef NETMODES_NFT_PORT_RULES_H
#define NETMODES_NFT_PORT_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netmodes/nft/nft_batch.h"
#include "netmodes/nft/port_types.h"

/* The sets; a port's elements are all keyed by its name first. */
enum port_set {
	SET_PORTS,   /* ifname: the filtered ports, with "N records" as comment */
	SET_MACS,    /* ifname . ether_addr */
	SET_IP4,     /* addrs4: ifname . ipv4_addr, whole addresses, a hash */
	SET_IP4NET,  /* nets4: the same, intervals: shorter prefixes */
	SET_IP6,     /* addrs6 */
	SET_IP6NET,  /* nets6 */
	SET_VLANS,   /* ifname . vlan id, intervals: the VLANs it may send tagged */
	SET_DROPS,   /* ifname . mark: a counter per kind of frame dropped (port_drops.h) */
	SET_RECORDS, /* ifname . mark: what the port owns, one element per mac or prefix */
	PORT_SETS
};

struct port_set_def {
	const char *name;
	const char *type_text; /* as nft(8) declares it: "type ..." or "typeof ..." */
	uint32_t key_type;     /* nft's datatype id (concatenations packed 6 bits each) */
	uint32_t key_len;      /* each field padded to 4 bytes */
	uint8_t field_len[2];  /* the fields' own lengths; second 0 when not a concatenation */
	bool interval;
	bool counted; /* dynamic, each element with a counter the rules update */
};

extern const struct port_set_def port_sets[PORT_SETS];

struct port_family {
	uint16_t family;
	const char *name;
	uint32_t hook; /* where the base chain hooks: pre-routing, in each family's numbering */
	int priority;
	bool l2; /* frames reach this family's hooks: ARP, tags, link-layer destinations */
	/*
	 * A base chain per port, hooked on its device (netdev ingress), whose
	 * one rule jumps to the shared entry chain; none per port otherwise,
	 * the entry chain itself hooked.
	 */
	bool per_device;
	const char *hook_name; /* the hook as nft(8) names it */
};

const struct port_family *port_family_of(enum port_kind kind);

/* Adds the table, its sets, its chains and their rules to b. Returns 0 or -ENOMEM. */
int port_rules_batch(struct nft_batch *b, enum port_kind kind);

/*
 * The same for a table made by an earlier version of these rules: its
 * sets, elements and ports kept, the missing sets and chains added, its
 * base chain's rules replaced by these. Returns 0 or -ENOMEM.
 */
int port_rules_upgrade_batch(struct nft_batch *b, enum port_kind kind);

/* The chain whose absence from an existing table says its rules are older than these. */
const char *port_rules_marker_chain(void);

/* A port's own base chain (PORT_OVS): "ingress-" and its device's name. */
#define PORT_CHAIN_PREFIX "ingress-"
#define PORT_CHAIN_NAME_LEN (sizeof(PORT_CHAIN_PREFIX) + IFNAMSIZ)
char *port_chain_name(const char *ifname, char *buf);

/*
 * Adds to b the removal of ifname's base chain (del) and its creation,
 * hooked on the device named ifname, with its one rule (add); del first.
 * Returns 0 or -ENOMEM.
 */
int port_chain_batch(struct nft_batch *b, enum port_kind kind, const char *ifname, bool del,
		     bool add);
/* The same in nft(8) syntax. */
void port_chain_describe(enum port_kind kind, const char *ifname, bool del, bool add, FILE *out);

/* Prints either in nft(8) syntax, one "nft ..." line per object or rule. */
void port_rules_describe(enum port_kind kind, FILE *out);
void port_rules_describe_upgrade(enum port_kind kind, FILE *out);

#endif
