/* Finding a vif's device and the steps every mode takes to prepare it. */
#ifndef NETMODES_VIFDEV_H
#define NETMODES_VIFDEV_H

#include <stdbool.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/modes/modes.h"
#include "netmodes/nft/port_filter.h"

/*
 * The MAC a switch port gets (vif-bridge, vif-openvswitch, as Xen's scripts
 * give it): the numerically largest unicast one, which a bridge never
 * takes as its own (STP).
 */
extern const struct mac_addr vifdev_port_mac;

struct vifdev {
	bool exists;
	struct link_info link;	/* valid when exists; link.name is the current name */
	char name[IFNAMSIZ];	/* the name it has once the plan ran */
	bool rename;		/* link.name -> name is part of the plan */
	/*
	 * Offline only: the devices under r's names are all someone else's
	 * (exists false, the plan must touch nothing); left_alone says whose.
	 */
	bool foreign;
	char left_alone[ERR_MSG_LEN];
};

/*
 * Locates the device for r, and acts only on this backend's (vif_claim.h).
 * For online/add with a vifname: renames when the kernel name still exists,
 * refuses when both names exist (the vifname belongs to someone else),
 * accepts an already renamed device; a device that is someone else's is
 * refused (-EBUSY). For offline/remove a missing device is not an error
 * (exists false), and a device that this backend has not claimed is
 * skipped: when every device found is someone else's, foreign is set.
 * Returns 0 or -errno with e set.
 */
int vifdev_find(const struct vif_request *r, struct mode_ctx *c, struct vifdev *ret,
		struct nm_err *e);

/*
 * The start of an offline: vifdev_find, with the device named in out.
 * Returns 1 when the devices under r's names are all someone else's
 * (out->left_alone says whose; the plan must stay empty), 0, or -errno
 * with e set.
 */
int vifdev_find_going(const struct vif_request *r, struct mode_ctx *c, struct vifdev *ret,
		      struct vif_outcome *out, struct nm_err *e);

/* Appends the claim of d (its alias) for r's backend when d does not carry it yet. */
int vifdev_plan_claim(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
		      struct plan *p);

/* The end of an offline: d's claim given up, when it carries one. */
int vifdev_plan_unclaim(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
			struct plan *p);

/*
 * The end of most offlines: d's port filter in kind's table removed, then
 * its claim given up. Returns 0 or -errno with e set.
 */
int vifdev_plan_release(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
			enum port_kind kind, struct plan *p, struct nm_err *e);

/*
 * Appends the link's MTU change when it differs, and records mtu in out:
 * hotplug/ tells the frontend, as it reports the rest of the call.
 */
int vifdev_plan_mtu(struct mode_ctx *c, const struct vifdev *d, unsigned mtu, struct plan *p,
		    struct vif_outcome *out);

/*
 * The steps that make d a switch's port (vif-bridge, vif-openvswitch), as
 * Xen's scripts prepare one: d's claim (vifdev_plan_claim; first, so an
 * undo of any later step gives it up last), link down (the kernel renames
 * only links that are down, and the port comes up once it is filtered and
 * on its switch), the rename to its vifname, the port MAC
 * (vifdev_port_mac), its addresses flushed, the MTU (vifdev_plan_mtu).
 * in_place: d is a port already up on its switch as asked, with no rename:
 * it is neither taken down nor flushed. Takes addrs (d's addresses) over.
 * Returns 0 or -ENOMEM.
 */
int vifdev_plan_port(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
		     bool in_place, struct addr_set *addrs, unsigned mtu, struct plan *p,
		     struct vif_outcome *out);

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
