/*
 * Every filtered port's drop counts on the host, read with one dump of
 * each kind's drops set (nft_port_drops_each: bridged, routed, Open
 * vSwitch), for status and status --watch: no request per vif.
 */
#ifndef HOTPLUG_TOOLS_DROPS_TABLE_H
#define HOTPLUG_TOOLS_DROPS_TABLE_H

#include <net/if.h>
#include <stddef.h>

#include "netmodes/nft/port_drops.h"

#define DROPS_PORT_KINDS 3 /* PORT_BRIDGED, PORT_ROUTED, PORT_OVS */

struct drops_port {
	enum port_kind kind;
	char ifname[IFNAMSIZ];
	struct port_drops d;
};

struct drops_table {
	struct drops_port *p; /* sorted by name ("vif2.0" before "vif10.0"), then kind */
	size_t n, cap;
	/* by enum port_kind: why its dump failed (its ports are missing); "" when it was read */
	char err[DROPS_PORT_KINDS][ERR_MSG_LEN];
};

/*
 * Reads every kind's counts into t (emptied first). A kind that cannot be
 * read leaves its reason in t->err and the others read. Returns 0, or
 * -ENOMEM with e set (t then holds what was read).
 */
int drops_table_read(struct nft_conn *nft, struct drops_table *t, struct nm_err *e);

/* The counts of ifname in the kind's table; NULL when it has none. */
const struct drops_port *drops_table_find(const struct drops_table *t, enum port_kind kind,
					  const char *ifname);

void drops_table_free(struct drops_table *t);

/* "bridge", "route", "ovs": the kind's table, in status --watch's lines. */
const char *drops_kind_name(enum port_kind kind);

#endif
