/*
 * Proxy neighbour entries: the kernel answering NDP (IPv6's ARP) on a
 * link for a routed guest's address, as `ip neigh add proxy`. Added
 * replacing, deleted tolerating what is already gone, each undoing the
 * other (see rt_op in rtnl.h). The constructor returns 0 or -ENOMEM.
 */
#ifndef NETMODES_NEIGH_H
#define NETMODES_NEIGH_H

#include <stdbool.h>

#include <netlink/socket.h>

#include "netmodes/netaddr.h"
#include "netmodes/plan.h"

struct rt_conn;

int op_neigh_proxy(struct plan *p, struct rt_conn *sk, bool add, int ifindex, const char *dev,
		   const struct prefix *addr);

/*
 * Whether ifindex already has a proxy neighbour entry for addr: so that a
 * repeated online plans nothing. Errors read as "no", which plans the
 * change again; the change itself is idempotent.
 */
bool rt_has_proxy(struct rt_conn *sk, int ifindex, const struct prefix *addr);

#endif
