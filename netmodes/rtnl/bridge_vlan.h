/*
 * VLANs on a VLAN-aware bridge: whether a bridge filters VLANs, the VLANs
 * one of its ports carries, and the plan operations that change them
 * (rtnetlink's AF_BRIDGE RTM_SETLINK / RTM_DELLINK with IFLA_AF_SPEC, as
 * `bridge vlan add|del` sends them). A port's VLANs go with it when it
 * leaves its bridge; the kernel gives a new port the bridge's default PVID.
 */
#ifndef NETMODES_BRIDGE_VLAN_H
#define NETMODES_BRIDGE_VLAN_H

#include <stdbool.h>

#include "netmodes/err.h"
#include "netmodes/plan.h"
#include "netmodes/vlan_spec.h"

struct rt_conn;

/*
 * The bridge's vlan_filtering and its default_pvid (0: none). A kernel
 * without VLAN filtering reports neither: filtering false, default 0.
 * Returns 0 or -errno with e set (-ENODEV when ifindex is no bridge).
 */
int rt_bridge_vlans_on(struct rt_conn *sk, int br_ifindex, bool *filtering, unsigned *default_pvid,
		       struct nm_err *e);

/* The VLANs the bridge port ifindex carries (none when it is no port). 0 or -errno with e set. */
int rt_port_vlans(struct rt_conn *sk, int ifindex, struct vlan_set *ret, struct nm_err *e);

/*
 * Plans the port's VLANs from now to exactly want: the missing ones added,
 * flags (PVID, untagged) put right, the others removed. Runs of VLANs alike
 * go in one request. dev is the port's name at this point of the plan.
 * Returns 0 or -ENOMEM.
 */
int plan_port_vlans(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev,
		    const struct vlan_set *now, const struct vlan_set *want);

/*
 * Does nothing; its undo gives the port its VLANs now back. Planned before
 * a port leaves its bridge (which takes its VLANs), so that a rollback that
 * puts the port back puts them back too, and takes away the bridge's
 * default PVID def (0: none), which the port gets on joining again, when
 * now lacks it. Returns 0 or -ENOMEM.
 */
int op_port_vlans_kept(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev,
		       const struct vlan_set *now, unsigned def);

/* The bridge named name (found by name when it runs: the plan may create it) set to filter VLANs. */
int op_bridge_vlan_filtering(struct plan *p, struct rt_conn *sk, const char *name, bool on);

/* "bridge br0 does not filter VLANs: ..." naming the fix. Returns -EOPNOTSUPP. */
int bridge_vlan_refuse(const char *bridge, struct nm_err *e);

#endif
