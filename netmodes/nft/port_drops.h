/*
 * Who is dropping what: per port, the frames its filter dropped, by kind.
 *
 * Every drop rule of the shared rules (port_rules.c) ends in a goto to the
 * chain of its kind, "drop_KIND", which counts it in the table's "drops"
 * set, keyed by the port's name and the kind (an element with a counter of
 * its own, updated by the rule: no rule per port, one hash lookup per
 * dropped frame), logs it through the kernel's log at most once a minute per
 * port ("droplog" set, a rate limit of its own per port), and drops it:
 *
 *   drops   { "vif1.0" . 0x00000001 counter packets 3 bytes 180, ... }
 *   droplog { "vif1.0" limit rate 1/minute burst 1 packets expires 1m59s }
 *   chain drop_mac {
 *     update @drops { iifname . 0x00000001 }
 *     update @droplog { iifname limit rate 1/minute burst 1 packets } log prefix "xen-netmodes drop mac: "
 *     counter drop
 *   }
 *
 * A port's drops elements are made with its other elements (at zero) and
 * go with them: an offline removes its counts, a re-online of the same
 * filter keeps them; a host it migrates to starts from zero.
 */
#ifndef NETMODES_NFT_PORT_DROPS_H
#define NETMODES_NFT_PORT_DROPS_H

#include <stdbool.h>
#include <stdint.h>

#include "netmodes/err.h"
#include "netmodes/nft/nft_conn.h"
#include "netmodes/nft/port_types.h"

struct port_drops {
	bool present; /* the port has drops elements at all */
	uint64_t packets[DROP_KINDS];
	uint64_t bytes[DROP_KINDS];
};

/* The sum of d's packets over every kind. */
uint64_t port_drops_total(const struct port_drops *d);

/*
 * ifname's counts in the kind's table: one GET, read-only (a dump of the
 * set when an element is missing). Nothing there (no table, no port): 0
 * with ret->present false. Returns 0 or -errno with e set.
 */
int nft_port_drops(struct nft_conn *nft, enum port_kind kind, const char *ifname, struct port_drops *ret,
		   struct nm_err *e);

/*
 * Every port's counts in the kind's table, one dump of the drops set:
 * fn once per port that has elements, in no particular order. Returns 0
 * (no table: fn never called) or -errno with e set.
 */
int nft_port_drops_each(struct nft_conn *nft, enum port_kind kind,
			void (*fn)(const char *ifname, const struct port_drops *d, void *data), void *data,
			struct nm_err *e);

#endif
