/*
 * Routes: the plan operations that change them and what planning asks of
 * the routing tables. op_route puts a route to a guest's prefix through its
 * vif by index (vif-route, vif-nat; see rt_op in rtnl.h); op_route_on
 * moves a host's own route, attributes and all (table, protocol, metric,
 * gateway), onto a link found by name when it runs (network-bridge; see
 * link_objects.h). Constructors return 0 or -ENOMEM (op_route_on also
 * when the copy of r cannot be made).
 */
#ifndef NETMODES_ROUTES_H
#define NETMODES_ROUTES_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/plan.h"

struct rt_conn;

/* The protocol our routes carry, so they can be told apart from anyone else's. */
#define XNM_RTPROT 88

/* src may be NULL (IPv6 routes take the kernel's choice). */
int op_route(struct plan *p, struct rt_conn *sk, bool add, int ifindex, const char *dev,
	     const struct prefix *dst, const struct prefix *src, unsigned metric);
/* r (the caller keeps it) added or deleted on the link named dev. */
int op_route_on(struct plan *p, struct rt_conn *sk, bool add, const char *dev,
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
int route_set_query(struct rt_conn *sk, int ifindex, struct route_set *ret, struct nm_err *e);
void route_set_free(struct route_set *s);

/*
 * Whether ifindex already has a route to dst with metric that leaves
 * through it (ours or anyone's but the kernel's own): so that a repeated
 * online plans nothing. Errors read as "no", which plans the change again;
 * the change itself is idempotent.
 */
bool rt_has_route(struct rt_conn *sk, int ifindex, const struct prefix *dst, unsigned metric);

/* The output interface the kernel picks for dst (a route lookup, like `ip route get`). */
int rt_route_oif(struct rt_conn *sk, const struct prefix *dst, int *ret_oif, struct nm_err *e);

/* The device of the main table's IPv4 default route (lowest metric); -ENOENT when none. */
int rt_default_route_dev(struct rt_conn *sk, char ret[IFNAMSIZ], struct nm_err *e);

#endif
