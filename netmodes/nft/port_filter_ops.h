/*
 * Plan operations around nft_port.h: one batch each, so one step of the
 * plan, on the connection the planner was given (kept in the step).
 */
#ifndef NETMODES_PORT_FILTER_OPS_H
#define NETMODES_PORT_FILTER_OPS_H

#include <stdbool.h>

#include "netmodes/nft/nft_port.h"
#include "netmodes/plan.h"

/*
 * Installs f over what s says is in place, on nft. Undo puts back what was
 * there: the filter it replaced, or none. Returns 0 or -ENOMEM.
 */
int op_port_filter_set(struct plan *p, struct nft_conn *nft, const struct port_filter *f,
		       const struct port_state *s);

/*
 * Plans dev's filter of kind from live state: mac and ips when want (no ips:
 * the port may send nothing), and the VLANs of vlans it carries tagged
 * (NULL: none, no tag at all); none otherwise; nothing at all when that is
 * already in place. Returns 0, or -errno with e set (-EINVAL when ips are
 * given and mac is NULL).
 */
int plan_port_filter(struct plan *p, struct nft_conn *nft, enum port_kind kind, const char *dev,
		     bool want, const struct mac_addr *mac, const struct prefix_list *ips,
		     const struct vlan_set *vlans, struct nm_err *e);

/* Removes the filter s says is in place; undo puts it back. Returns 0 or -ENOMEM. */
int op_port_filter_clear(struct plan *p, struct nft_conn *nft, const struct port_state *s);

/* Creates (create) or deletes the kind's table; each undoes the other. */
int op_port_table(struct plan *p, struct nft_conn *nft, enum port_kind kind, bool create);

#endif
