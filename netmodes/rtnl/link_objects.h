/*
 * Objects that sit on a link (addresses, routes), found by the link's name
 * when their operation runs: the plan may create the link first
 * (network-bridge's bridge). addrs.c and routes.c say what each object is.
 */
#ifndef NETMODES_RTNL_LINK_OBJECTS_H
#define NETMODES_RTNL_LINK_OBJECTS_H

#include <net/if.h>
#include <stdbool.h>

#include <netlink/msg.h>
#include <netlink/object.h>

#include "netmodes/err.h"
#include "netmodes/plan.h"
#include "netmodes/rtnl/rtnl.h"

/*
 * An address or a route (a libnl object, owned) put on or taken off the
 * link named dev, whose index is looked up when the operation runs: the
 * plan may create the link (network-bridge's bridge). kind says what the
 * object is; a delete whose link or object is gone already has nothing to do.
 */
struct obj_kind {
	struct op_type type; /* see OBJ_KIND */
	/* Points obj at the link ifindex. Returns 0 or -errno with e set. */
	int (*retarget)(struct nl_object *obj, int ifindex, struct nm_err *e);
	/* The add (replacing) or the delete request for obj; a libnl code. */
	int (*build)(struct nl_object *obj, bool add, struct nl_msg **msg);
};

#define OBJ_KIND(step, describe_fn, retarget_fn, build_fn)                                         \
	{                                                                                          \
		.type = { .name = (step), .apply = obj_apply, .undo = obj_undo,                    \
			  .describe = (describe_fn), .release = obj_release },                     \
		.retarget = (retarget_fn), .build = (build_fn),                                    \
	}

struct obj_op {
	struct rt_conn *sk;
	bool add;
	char dev[IFNAMSIZ];
	struct nl_object *obj; /* rtnl_addr or rtnl_route, owned */
	const struct obj_kind *kind;
};

int obj_apply(struct op *op, struct nm_err *e);
int obj_undo(struct op *op, struct nm_err *e);
void obj_release(void *data);
/* Appends an obj_op for a copy of obj (the caller keeps its own). 0 or -ENOMEM. */
int obj_op(struct plan *p, struct rt_conn *sk, bool add, const char *dev, struct nl_object *obj,
	   const struct obj_kind *kind);

#endif
