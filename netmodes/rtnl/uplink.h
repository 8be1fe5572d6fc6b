/*
 * The uplink a network-* call is given (netdev=): what kind of device it
 * is (a bond and its slaves, a VLAN device and its parent and id, a plain
 * NIC), whether it is free to be used (it has no master), and whether the
 * name network-bridge gives it (p<netdev>) fits. The kind comes from the
 * link's raw IFLA_LINKINFO: the static build links no libnl link-type
 * module, which would otherwise be the one to read a VLAN's id.
 */
#ifndef NETMODES_UPLINK_H
#define NETMODES_UPLINK_H

#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netmodes/err.h"

struct rt_conn;

#define UPLINK_KIND_LEN 16
#define UPLINK_MAX_SLAVES 16

struct uplink {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[UPLINK_KIND_LEN]; /* IFLA_INFO_KIND: "bond", "vlan", ...; "" for a NIC */
	int master;		    /* ifindex, 0 when none */
	int parent;		    /* a VLAN device's IFLA_LINK; 0 when none or in another namespace */
	unsigned vlan_id;	    /* kind "vlan" */
	uint16_t vlan_proto;	    /* kind "vlan": ETH_P_8021Q or ETH_P_8021AD, host order */
	/* What uplink_query adds from the links these indexes name: */
	char master_name[IFNAMSIZ], master_kind[UPLINK_KIND_LEN];
	char parent_name[IFNAMSIZ];
	size_t n_slaves; /* every link whose master it is; the first UPLINK_MAX_SLAVES named */
	char slaves[UPLINK_MAX_SLAVES][IFNAMSIZ];
};

/*
 * The fields of one RTM_NEWLINK message (the names filled in by the query
 * left empty). Pure. Returns 0, or -EINVAL when nlh is no RTM_NEWLINK or
 * its attributes do not parse.
 */
int uplink_parse(const struct nlmsghdr *nlh, struct uplink *ret);

/*
 * The link named name (or ifindex when name is NULL), its master's name
 * and kind, a VLAN's parent by name, and the links enslaved to it.
 * Returns 0, -ENODEV when there is no such link, or another -errno; e set.
 */
int uplink_query(struct rt_conn *sk, int ifindex, const char *name, struct uplink *ret,
		 struct nm_err *e);

/*
 * Refuses (-EBUSY, e naming the master and what to do) an uplink that has
 * a master: a bond's slave, a port of a bridge, any enslaved device.
 * bridge_ok: the caller can use a bridge as netdev (network-route,
 * network-nat), so a bridge's port is told to give the bridge instead.
 * Pure. Returns 0 when u has no master.
 */
int uplink_check_free(const struct uplink *u, bool bridge_ok, struct nm_err *e);

/*
 * The name network-bridge renames the uplink netdev to: "p" + netdev, or
 * -ENAMETOOLONG with e saying so when that does not fit IFNAMSIZ. Pure.
 */
int uplink_port_name(const char *netdev, char ret[IFNAMSIZ], struct nm_err *e);

/*
 * What status shows of u (NULL: the uplink is gone): a line "  uplink:
 * bond, slaves eth2 eth4" / "  uplink: vlan 100 on eth0", or with json a
 * member `, "uplink": {...}` (null when gone). Pure.
 */
void uplink_print(const struct uplink *u, bool json, FILE *out);

/* uplink_query of name, then uplink_print of it (or of NULL when it cannot be read). */
void uplink_status(struct rt_conn *sk, const char *name, bool json, FILE *out);

#endif
