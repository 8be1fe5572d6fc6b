/*
 * A bridge port's group_fwd_mask: which link-local group destinations
 * (01:80:c2:00:00:0X) the bridge forwards from it rather than taking them
 * for itself. Taken for itself, a BPDU (with STP on) goes straight to the
 * bridge's spanning tree and LLDP up dom0's stack, past every netfilter
 * hook; forwarded, they cross the bridge's prerouting hook, where the port
 * filter drops them. So a filtered port forwards all of them.
 */
#ifndef NETMODES_BRIDGE_PORT_H
#define NETMODES_BRIDGE_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "netmodes/plan.h"

struct rt_conn;

/* Every group address but 01:80:c2:00:00:01 (pause), which the kernel refuses here and drops. */
#define PORT_FWD_ALL_GROUPS 0xfffd

/* The bridge port ifindex's group_fwd_mask (0: none, or no port). 0 or -errno with e set. */
int rt_port_group_fwd(struct rt_conn *sk, int ifindex, uint16_t *ret, struct nm_err *e);

/*
 * Plans the bridge port dev's group_fwd_mask from now (0 for a port not yet
 * on its bridge): PORT_FWD_ALL_GROUPS when filtered; when not, 0 if it was
 * that, else as it is. Nothing when it is so already; undo puts now back.
 * Returns 0 or -ENOMEM.
 */
int plan_port_group_fwd(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev, uint16_t now,
			bool filtered);

/*
 * Does nothing; its undo gives the port its mask now back. Planned before
 * a port leaves its bridge (which forgets the mask), so that a rollback
 * that puts the port back puts the mask back too. Returns 0 or -ENOMEM.
 */
int op_port_group_fwd_kept(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev, uint16_t now);

#endif
