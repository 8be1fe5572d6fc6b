/*
 * Plan operations on links and their addresses. Each constructor appends
 * one operation to the plan; name is what the link is called at that point
 * of the plan (after an earlier rename, the new name), ifindex never changes.
 * Old values come from the planning snapshot, so undo restores exactly them.
 * A link the plan itself creates is given as index 0 (and a master as index
 * 0 with its name): it is found by name when the operation runs.
 * Constructors return 0 or -ENOMEM.
 */
#ifndef NETMODES_LINK_OPS_H
#define NETMODES_LINK_OPS_H

#include <stdbool.h>

#include <netlink/route/addr.h>

#include "plan.h"
#include "rtnl.h"

/* The addresses a link has, as libnl objects (owned). */
struct addr_set {
	size_t n;
	struct rtnl_addr **a;
};

/* One filtered dump of ifindex's addresses (IPv4 and IPv6). */
int addr_set_query(struct nl_sock *sk, int ifindex, struct addr_set *ret, struct nm_err *e);
/* Whether any address is not an IPv6 link-local one (which the kernel re-adds by itself). */
bool addr_set_has_configured(const struct addr_set *s);
void addr_set_free(struct addr_set *s);

int op_link_rename(struct plan *p, struct nl_sock *sk, int ifindex, const char *from,
		   const char *to);
int op_link_set_up(struct plan *p, struct nl_sock *sk, int ifindex, const char *name, bool up);
/* ARP on (clears IFF_NOARP) or off. */
int op_link_set_arp(struct plan *p, struct nl_sock *sk, int ifindex, const char *name, bool on);
int op_link_set_mac(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
		    const struct mac_addr *mac, const struct mac_addr *old);
int op_link_set_mtu(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
		    unsigned mtu, unsigned old);
/* master 0 releases the link; master_name and old_name may be "" for none. */
int op_link_set_master(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
		       int master, const char *master_name, int old, const char *old_name);
/* The link's alias (IFLA_IFALIAS; "" for none): how a vif is claimed, see vif_claim.h. */
int op_link_set_alias(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
		      const char *alias, const char *old);
/* Deletes every address in s (the plan takes s over; s is emptied). */
int op_addr_flush(struct plan *p, struct nl_sock *sk, const char *name, struct addr_set *s);

#endif
