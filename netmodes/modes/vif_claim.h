/*
 * Whose a device is: a call acts only on the device of its own backend, so
 * that a guest's offline never takes down another guest's interface that
 * happens to carry the name it asked for (Debian bug #658305).
 *
 * A netback device says so itself: its sysfs `device` link leads to the
 * backend device vif-DOMID-DEVID. Devices without one (qemu's taps, the
 * tests' veth pairs) carry the claim their online put in the link's alias
 * (IFLA_IFALIAS): "xen-netmodes:backend/vif/DOMID/DEVID". The alias, not
 * a record on disk, because it lives and dies with the device itself: a
 * device gone without its offline (a guest crashed, a call killed) leaves
 * no stale record for the next device of that name, a rename carries it
 * along, it survives the daemon's restarts, needs no lock, and `ip link`
 * shows it.
 */
#ifndef NETMODES_VIF_CLAIM_H
#define NETMODES_VIF_CLAIM_H

#include <stdbool.h>

#include "netmodes/rtnl/links.h"


#define CLAIM_PREFIX "xen-netmodes:"
#define CLAIM_LEN 64

enum claim_state {
	CLAIM_NONE,  /* no device link, no claim in the alias */
	CLAIM_OURS,  /* this backend's: by its device link, or by its alias */
	CLAIM_OTHER, /* someone else's: owner says whose */
};

struct vif_claim {
	enum claim_state state;
	bool by_device; /* the sysfs device link decided */
	char owner[160]; /* for CLAIM_OTHER: "backend/vif/1/0", or the device link's target */
};

/* The alias that claims a device for backend/vif/domid/devid. */
void claim_alias(unsigned domid, unsigned devid, char ret[CLAIM_LEN]);

/*
 * Whose l is, for backend/vif/domid/devid. sysfs is where sysfs is mounted
 * ("/sys"; tests pass a tree of their own): SYSFS/class/net/NAME/device
 * decides when it is there and SYSFS/class/net/NAME/ifindex is l's (a name
 * that moved to another device, or the sysfs of another namespace, says
 * nothing); else l's alias. Never fails: what cannot be read says nothing.
 */
void claim_read(const char *sysfs, const struct link_info *l, unsigned domid, unsigned devid,
		struct vif_claim *ret);

/*
 * Whose l is, whatever backend asks: the same sources as claim_read (the
 * device link, else the alias). Returns true with the backend's domid and
 * devid, false when l is no backend's (no claim, another device's link).
 */
bool claim_owner(const char *sysfs, const struct link_info *l, unsigned *domid, unsigned *devid);

#endif
