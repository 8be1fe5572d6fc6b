/* The per-vif modes: each turns a validated request into a plan. */
#ifndef NETMODES_MODES_H
#define NETMODES_MODES_H

#include "netmodes/modes/ctx.h"
#include "netmodes/err.h"
#include "netmodes/plan.h"
#include "netmodes/modes/vif.h"

/* What the plan leaves behind, for hooks and logs. */
struct vif_outcome {
	char dev[IFNAMSIZ];    /* the device's final name */
	char bridge[IFNAMSIZ]; /* "" outside bridge mode */
	unsigned mtu;	       /* the MTU the device comes up with; 0: it does not come up */
	/*
	 * An offline that found only devices of someone else's leaves them
	 * alone (the plan is empty) and says why here, for the log.
	 */
	char left_alone[ERR_MSG_LEN];
	/*
	 * A plan made without a part of the live state (ctx.h, unread_policy):
	 * what was not read ("the Open vSwitch port"; "" when the plan does
	 * not depend on it, only a step does) and why, the reason the real call
	 * would fail with. unread "": everything was read.
	 */
	char unread_what[64];
	char unread[ERR_MSG_LEN];
};

/*
 * Builds the plan for r from live state (read-only queries only). Returns 0
 * or -errno with e set to the one-line reason the toolstack will show.
 */
typedef int vif_planner(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
			struct vif_outcome *out, struct nm_err *e);

vif_planner bridge_plan;
vif_planner route_plan;
vif_planner nat_plan;
vif_planner ovs_plan;

#endif
