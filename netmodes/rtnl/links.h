/*
 * Links: what planning reads of one (struct link_info) and the plan
 * operations that change one, a bridge's creation and deletion among them.
 * Each constructor appends one operation to the plan; name is what the
 * link is called at that point of the plan (after an earlier rename, the
 * new name), ifindex never changes. Old values come from the planning
 * snapshot, so undo restores exactly them. A link the plan itself creates
 * is given as index 0 (and a master as index 0 with its name): it is found
 * by name when the operation runs, which is also what link_objects.h offers
 * the objects that sit on a link (addrs.h, routes.h).
 * Constructors return 0 or -ENOMEM.
 */
#ifndef NETMODES_LINKS_H
#define NETMODES_LINKS_H

#include <net/if.h>
#include <stdbool.h>

#include <netlink/msg.h>
#include <netlink/object.h>
#include <netlink/socket.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/plan.h"

struct rt_conn;

/* What planning needs to know of a link. */
struct link_info {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned mtu;
	struct mac_addr mac;
	bool up;
	bool noarp; /* IFF_NOARP */
	int master; /* ifindex, 0 when none */
	bool is_bridge;
	char alias[128]; /* IFLA_IFALIAS, "" when none (a longer one cut short) */
};

/*
 * One RTM_GETLINK by name (ifindex 0) or index: never a dump. Returns 0,
 * -ENODEV when there is no such link, or another -errno with e set.
 */
int rt_link_get(struct rt_conn *sk, int ifindex, const char *name, struct link_info *ret,
		struct nm_err *e);

/*
 * rt_dump of the host's bridges only (the kernel filters, with strict
 * checking): never a dump of every link.
 */
int rt_dump_bridges(struct rt_conn *sk, int (*fn)(struct nl_msg *, void *), void (*restart)(void *),
		    void *arg, struct nm_err *e);

/* The alphabetically first bridge on the host, as `brctl show` lists them; -ENODEV if none. */
int rt_first_bridge(struct rt_conn *sk, struct link_info *ret, struct nm_err *e);

int op_link_rename(struct plan *p, struct rt_conn *sk, int ifindex, const char *from,
		   const char *to);
int op_link_set_up(struct plan *p, struct rt_conn *sk, int ifindex, const char *name, bool up);
/*
 * Down again if it is up, when applied and when undone, else nothing (and
 * nothing in a dry run): for a link that another process may raise behind
 * the call's back, as Open vSwitch's userspace datapath does when it takes
 * a port out, writing the device's flags back from a cache that may still
 * say up.
 */
int op_link_keep_down(struct plan *p, struct rt_conn *sk, int ifindex, const char *name);
/* ARP on (clears IFF_NOARP) or off. */
int op_link_set_arp(struct plan *p, struct rt_conn *sk, int ifindex, const char *name, bool on);
int op_link_set_mac(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		    const struct mac_addr *mac, const struct mac_addr *old);
int op_link_set_mtu(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		    unsigned mtu, unsigned old);
/* master 0 releases the link; master_name and old_name may be "" for none. */
int op_link_set_master(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		       int master, const char *master_name, int old, const char *old_name);
/* The link's alias (IFLA_IFALIAS; "" for none): how a vif is claimed, see vif_claim.h. */
int op_link_set_alias(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		      const char *alias, const char *old);
/* A bridge with STP off and forward delay 0, carrying mac and mtu. */
int op_bridge_create(struct plan *p, struct rt_conn *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu);
/* Deletes the bridge name (undo recreates it with mac and mtu). */
int op_bridge_delete(struct plan *p, struct rt_conn *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu);

#endif
