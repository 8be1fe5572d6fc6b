/*
 * A link's IP addresses: the set a link has (one filtered dump), and the
 * plan operations that change them. op_addr puts one prefix on or off a
 * link by index (vif-route, vif-nat; see rt_op in rtnl.h); op_addr_on
 * moves a host's own address, attributes and all (labels, scope, flags,
 * lifetimes), onto a link found by name when it runs (network-bridge; see
 * link_objects.h); op_addr_flush clears a link. Constructors return 0
 * or -ENOMEM (op_addr_on also when the copy of a cannot be made).
 */
#ifndef NETMODES_ADDRS_H
#define NETMODES_ADDRS_H

#include <stdbool.h>
#include <stddef.h>

#include <netlink/route/addr.h>
#include <netlink/socket.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/plan.h"

struct rt_conn;

/* The addresses a link has, as libnl objects (owned). */
struct addr_set {
	size_t n;
	struct rtnl_addr **a;
};

/* One filtered dump of ifindex's addresses (IPv4 and IPv6). */
int addr_set_query(struct rt_conn *sk, int ifindex, struct addr_set *ret, struct nm_err *e);
/* Whether any address is not an IPv6 link-local one (which the kernel re-adds by itself). */
bool addr_set_has_configured(const struct addr_set *s);
void addr_set_free(struct addr_set *s);

/* Deletes every address in s (the plan takes s over; s is emptied). */
int op_addr_flush(struct plan *p, struct rt_conn *sk, const char *name, struct addr_set *s);

/* addr on ifindex (named dev in messages): added (replacing) or deleted. */
int op_addr(struct plan *p, struct rt_conn *sk, bool add, int ifindex, const char *dev,
	    const struct prefix *addr);
/* a (the caller keeps it) added or deleted on the link named dev. */
int op_addr_on(struct plan *p, struct rt_conn *sk, bool add, const char *dev,
	       struct rtnl_addr *a);

/*
 * Whether ifindex already has addr: so that a repeated online plans
 * nothing. Errors read as "no", which plans the change again; the change
 * itself is idempotent.
 */
bool rt_has_addr(struct rt_conn *sk, int ifindex, const struct prefix *addr);

/* The primary IPv4 address of ifindex (global, not secondary); -EADDRNOTAVAIL when none. */
int rt_primary_ipv4(struct rt_conn *sk, int ifindex, struct prefix *ret, struct nm_err *e);

#endif
