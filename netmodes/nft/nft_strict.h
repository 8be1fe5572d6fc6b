/*
 * Strict bridges. On a bridge that network-bridge started with
 * antispoof=yes, a frame may enter only from the uplink or from a port the
 * port filter filters (an element of the `ports` set of "bridge
 * xen-netmodes", port_filter.h); from any other port (a veth or tap enslaved
 * by hand, a vif attached by another script) it is dropped. One base chain
 * per strict bridge, in the port filter's own table, because a rule can
 * look up only its own table's sets:
 *
 *   chain strict-BR { type filter hook prerouting priority -201; policy accept;
 *     meta ibrname "BR" iifname != "UPLINK" iifname != @ports counter drop }
 *
 * Each strict bridge has its own chain, so bridges stay independent; other
 * bridges' frames never match. A frame passes the hook only when no base
 * chain drops it (accept ends one chain, not the hook), so a filtered
 * vif's frame still meets the port filter's checks after this chain, and
 * the uplink's frames pass both. The port filter's own rules never use
 * meta ibrname: the table stays loadable on kernels without it, and only
 * this chain needs it.
 */
#ifndef NETMODES_NFT_STRICT_H
#define NETMODES_NFT_STRICT_H

#include <stdbool.h>
#include <stdio.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/nft/nft_conn.h"
#include "netmodes/plan.h"

/* "strict-" and the bridge's name */
#define STRICT_CHAIN_LEN (7 + IFNAMSIZ)

struct strict_bridge {
	char bridge[IFNAMSIZ];
	char uplink[IFNAMSIZ]; /* the one port besides filtered vifs that may send */
};

/* The chain's name for bridge: "strict-BRIDGE". */
void nft_strict_chain_name(const char *bridge, char ret[STRICT_CHAIN_LEN]);

/* Whether bridge's chain exists: one GET. Returns 1, 0 (no chain, or no table), or -errno with e set. */
int nft_strict_exists(struct nft_conn *nft, const char *bridge, struct nm_err *e);

/*
 * Whether this kernel loads s's chain: the batch that would create it sent
 * for checking only (nft_batch_check), so nothing changes. Returns 0,
 * -EOPNOTSUPP with e saying that this kernel's nftables cannot match the
 * bridge a frame enters (meta ibrname), or another -errno with e set.
 */
int nft_strict_supported(struct nft_conn *nft, const struct strict_bridge *s, struct nm_err *e);

/*
 * Plan operations. Create: s's chain and its rule, with the port filter's
 * table when it is missing (as the first vif would make it); a chain of
 * that name already there is left as it is. Its undo deletes what it
 * made: the chain, or the table it created (network-bridge plans it last
 * but the state file, so that undo comes only when writing that fails,
 * and a vif that used the table in between would lose its filter with it).
 * Delete: the chain and its rule; its undo makes them again. Returns 0 or
 * -ENOMEM.
 */
int op_strict_create(struct plan *p, struct nft_conn *nft, const struct strict_bridge *s,
		     bool table_exists);
int op_strict_delete(struct plan *p, struct nft_conn *nft, const struct strict_bridge *s);

/*
 * vif-bridge's repair on a strict bridge: s's chain planned again when it
 * is missing (deleted by hand, or with the whole table), nothing when it
 * is there. Planned after the port filter, which makes the table. Returns
 * 0, or -errno with e set.
 */
int plan_strict_repair(struct plan *p, struct nft_conn *nft, const struct strict_bridge *s,
		       struct nm_err *e);

#endif
