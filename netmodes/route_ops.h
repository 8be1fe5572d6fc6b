/*
 * Plan operations for routed guests: an address on a link, a route to a
 * guest's prefix through its vif, a proxy neighbour entry answering NDP for
 * a guest address. Adds replace (so a repeated online changes nothing);
 * deletes tolerate what is already gone; each undoes the other.
 * Constructors return 0 or -ENOMEM.
 */
#ifndef NETMODES_ROUTE_OPS_H
#define NETMODES_ROUTE_OPS_H

#include <stdbool.h>

#include "netaddr.h"
#include "plan.h"
#include "rtnl.h"

/* The protocol our routes carry, so they can be told apart from anyone else's. */
#define XNM_RTPROT 88

int op_addr(struct plan *p, struct nl_sock *sk, bool add, int ifindex, const char *dev,
	    const struct prefix *addr);
/* src may be NULL (IPv6 routes take the kernel's choice). */
int op_route(struct plan *p, struct nl_sock *sk, bool add, int ifindex, const char *dev,
	     const struct prefix *dst, const struct prefix *src, unsigned metric);
int op_neigh_proxy(struct plan *p, struct nl_sock *sk, bool add, int ifindex, const char *dev,
		   const struct prefix *addr);

/*
 * Whether ifindex already has addr, a route to dst with metric that leaves
 * through it (ours or anyone's but the kernel's own), or a proxy neighbour
 * entry for addr: so that a repeated online plans nothing. Errors read as
 * "no", which plans the change again; the change itself is idempotent.
 */
bool rt_has_addr(struct nl_sock *sk, int ifindex, const struct prefix *addr);
bool rt_has_route(struct nl_sock *sk, int ifindex, const struct prefix *dst, unsigned metric);
bool rt_has_proxy(struct nl_sock *sk, int ifindex, const struct prefix *addr);

/* The primary IPv4 address of ifindex (global, not secondary); -EADDRNOTAVAIL when none. */
int rt_primary_ipv4(struct nl_sock *sk, int ifindex, struct prefix *ret, struct nm_err *e);

/* The output interface the kernel picks for dst (a route lookup, like `ip route get`). */
int rt_route_oif(struct nl_sock *sk, const struct prefix *dst, int *ret_oif, struct nm_err *e);

/* The device of the main table's IPv4 default route (lowest metric); -ENOENT when none. */
int rt_default_route_dev(struct nl_sock *sk, char ret[IFNAMSIZ], struct nm_err *e);

#endif
