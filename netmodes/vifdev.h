/* Finding a vif's device and the steps every mode takes to prepare it. */
#ifndef NETMODES_VIFDEV_H
#define NETMODES_VIFDEV_H

#include <stdbool.h>

#include "link_ops.h"
#include "modes.h"
#include "rtnl.h"

struct vifdev {
	bool exists;
	struct link_info link;	/* valid when exists; link.name is the current name */
	char name[IFNAMSIZ];	/* the name it has once the plan ran */
	bool rename;		/* link.name -> name is part of the plan */
};

/*
 * Locates the device for r. For online/add with a vifname: renames when the
 * kernel name still exists, refuses when both names exist (the vifname
 * belongs to someone else), accepts an already renamed device. For
 * offline/remove a missing device is not an error (exists false). Returns 0
 * or -errno with e set.
 */
int vifdev_find(const struct vif_request *r, struct nl_sock *sk, struct vifdev *ret,
		struct nm_err *e);

/*
 * Appends the MTU steps: the link's MTU when it differs, and for a vif the
 * frontend's mtu node (found through the backend's frontend node).
 */
int vifdev_plan_mtu(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
		    unsigned mtu, struct plan *p);

/* Appends the rename of d when it needs one, taking the link down first if it is up. */
int vifdev_plan_rename(struct mode_ctx *c, const struct vifdev *d, struct plan *p);

/* Appends proxy ARP on (or off) for d. */
int vifdev_plan_proxy_arp(const struct vifdev *d, bool on, struct plan *p);

/*
 * The end of a routed vif's offline, after its routes are planned away: link
 * down (the routes first, or the kernel would drop them behind the plan's
 * back), its addresses flushed (after, so an undo brings the link up to
 * regenerate its link-local one), proxy ARP off. Takes addrs over. Returns 0
 * or -ENOMEM.
 */
int vifdev_plan_routed_down(struct mode_ctx *c, const struct vifdev *d, struct addr_set *addrs,
			    struct plan *p);

#endif
