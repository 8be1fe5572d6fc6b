/*
 * Anti-spoofing for one guest port, kept in the project's own nftables
 * table "xen-netmodes": in the bridge family for bridged vifs (frames, ARP
 * included), in the inet family for routed vifs (packets):
 *
 *   map ports { type ifname : verdict }       one element per filtered port
 *   chain prerouting { type filter hook prerouting priority -200 (inet: -300);
 *                      policy accept; iifname vmap @ports }
 *   chain port-IFNAME { ... }                 that port's checks, see nft_port.c
 *
 * A packet costs one map lookup whatever the number of ports; a hotplug adds
 * or removes one element and one chain, so its work is constant too. Every
 * change of one call travels in one atomic batch.
 */
#ifndef NETMODES_NFT_PORT_H
#define NETMODES_NFT_PORT_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "netaddr.h"

#define NFT_TABLE_NAME "xen-netmodes"

enum port_kind { PORT_BRIDGED, PORT_ROUTED };

struct port_filter {
	enum port_kind kind;
	char ifname[IFNAMSIZ];
	struct mac_addr mac;
	struct prefix_list ips; /* IPv4 and IPv6 prefixes; none: the port may send nothing */
};

/* What is in place for one port. */
struct port_state {
	bool table;	  /* the table exists */
	bool port;	  /* the port has a filter */
	char comment[64]; /* that filter's fingerprint (its chain's comment) */
};

/*
 * Read-only: one or two single-object GETs, never a dump. Returns 0, or a
 * negative errno with e set.
 */
int nft_port_query(enum port_kind kind, const char *ifname, struct port_state *ret,
		   struct nm_err *e);

/* Whether the filter in place (s) is exactly f. */
bool nft_port_matches(const struct port_state *s, const struct port_filter *f);

/*
 * Makes f the port's filter in one batch: nothing when it is already in
 * place, else the old chain (if any) replaced and the table created on
 * first use (a concurrent creator is tolerated). Returns 0, or a negative
 * errno with e set (the kernel's extended ack text when it gave one).
 */
int nft_port_set(const struct port_filter *f, struct nm_err *e);

/* Removes ifname's element and chain in one batch; 0 when it had none. */
int nft_port_clear(enum port_kind kind, const char *ifname, struct nm_err *e);

/*
 * Print what nft_port_set / nft_port_clear would do given state s, in nft(8)
 * syntax, one line per table object, rule or element, each prefixed "nft ".
 */
void nft_port_describe_set(const struct port_filter *f, const struct port_state *s, FILE *out);
void nft_port_describe_clear(enum port_kind kind, const char *ifname, FILE *out);

/*
 * The table alone, for per-host calls: created with its map and base chain
 * (0 when it exists), or deleted with everything in it (0 when absent).
 */
int nft_port_table_create(enum port_kind kind, struct nm_err *e);
/* 1, 0, or -errno with e set. */
int nft_port_table_exists(enum port_kind kind, struct nm_err *e);
int nft_port_table_delete(enum port_kind kind, struct nm_err *e);
void nft_port_describe_table(enum port_kind kind, bool create, FILE *out);

#endif
