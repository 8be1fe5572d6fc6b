/*
 * Plan operations for network-bridge: a bridge created (and deleted on
 * undo), and a host's own addresses and routes taken off one link or put
 * on another, attributes and all (labels, scope, flags, lifetimes; tables,
 * protocols, metrics, gateways). Links are named, and found by name when
 * the operation runs, since the bridge does not exist while planning.
 * Constructors copy the libnl object given (the caller keeps its own) and
 * return 0 or -ENOMEM, also when the copy cannot be made.
 */
#ifndef NETMODES_MOVE_OPS_H
#define NETMODES_MOVE_OPS_H

#include <stdbool.h>

#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "plan.h"
#include "rtnl.h"

/* A bridge with STP off and forward delay 0, carrying mac and mtu. */
int op_bridge_create(struct plan *p, struct nl_sock *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu);
/* Deletes the bridge name (undo recreates it with mac and mtu). */
int op_bridge_delete(struct plan *p, struct nl_sock *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu);

int op_addr_on(struct plan *p, struct nl_sock *sk, bool add, const char *dev,
	       struct rtnl_addr *a);
int op_route_on(struct plan *p, struct nl_sock *sk, bool add, const char *dev,
		struct rtnl_route *r);

/*
 * Every route whose one nexthop leaves through ifindex, in every table and
 * both families, but those the kernel makes itself (local table, protocol
 * kernel, router advertisements). Owned objects; free with route_set_free.
 */
struct route_set {
	size_t n;
	struct rtnl_route **r;
};
int route_set_query(struct nl_sock *sk, int ifindex, struct route_set *ret, struct nm_err *e);
void route_set_free(struct route_set *s);

#endif
