/*
 * The fixed part of the anti-spoofing ruleset: the table, its sets and the
 * one base chain whose rules never change (see nft_port.h). Ports differ
 * only by the elements they own in the sets.
 */
#ifndef NETMODES_NFT_PORT_RULES_H
#define NETMODES_NFT_PORT_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nft_batch.h"
#include "nft_port.h"

/* The sets; a port's elements are all keyed by its name first. */
enum port_set {
	SET_PORTS,   /* ifname: the filtered ports, with "N records" as comment */
	SET_MACS,    /* ifname . ether_addr */
	SET_IP4,     /* addrs4: ifname . ipv4_addr, whole addresses, a hash */
	SET_IP4NET,  /* nets4: the same, intervals: shorter prefixes */
	SET_IP6,     /* addrs6 */
	SET_IP6NET,  /* nets6 */
	SET_RECORDS, /* ifname . mark: what the port owns, one element per mac or prefix */
	PORT_SETS
};

struct port_set_def {
	const char *name;
	const char *type_text; /* as nft(8) declares it */
	uint32_t key_type;     /* nft's datatype id (concatenations packed 6 bits each) */
	uint32_t key_len;      /* each field padded to 4 bytes */
	uint8_t field_len[2];  /* the fields' own lengths; second 0 when not a concatenation */
	bool interval;
};

extern const struct port_set_def port_sets[PORT_SETS];

struct port_family {
	uint16_t family;
	const char *name;
	uint32_t hook; /* where the base chain hooks: pre-routing, in each family's numbering */
	int priority;
	bool arp; /* ARP frames reach this family's hooks */
};

const struct port_family *port_family_of(enum port_kind kind);

/* Adds the table, its sets, the base chain and its rules to b. Returns 0 or -ENOMEM. */
int port_rules_batch(struct nft_batch *b, enum port_kind kind);

/* Prints the same in nft(8) syntax, one "nft ..." line per object or rule. */
void port_rules_describe(enum port_kind kind, FILE *out);

#endif
