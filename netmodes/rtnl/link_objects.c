#include "netmodes/rtnl/link_objects.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "netmodes/rtnl/links.h"

/* Objects on a link found by name: addrs.c's and routes.c's moves */

static int obj_send(struct obj_op *o, bool add, struct nm_err *e)
{
	struct nl_msg *msg = NULL;
	struct link_info li = { 0 }; /* as in resolve */
	int rc = rt_link_get(o->sk, 0, o->dev, &li, e);

	if (rc == 0)
		rc = o->kind->retarget(o->obj, li.ifindex, e);
	if (rc == -ENODEV && !add)
		return 0; /* its link is gone, and it with it */
	if (rc < 0)
		return rc;
	rc = o->kind->build(o->obj, add, &msg);
	if (rc < 0)
		return nm_fail(e, rt_errno(rc), "%s", nl_geterror(rc));
	rc = rt_talk(o->sk, msg, e);
	nlmsg_free(msg);
	if (!add && (rc == -ESRCH || rc == -ENOENT || rc == -EADDRNOTAVAIL))
		rc = 0; /* went with an address or a link before us */
	return rc;
}

int obj_apply(struct op *op, struct nm_err *e)
{
	struct obj_op *o = op->data;

	return obj_send(o, o->add, e);
}

int obj_undo(struct op *op, struct nm_err *e)
{
	struct obj_op *o = op->data;

	return obj_send(o, !o->add, e);
}

void obj_release(void *data)
{
	struct obj_op *o = data;

	nl_object_put(o->obj);
	free(o);
}

int obj_op(struct plan *p, struct rt_conn *sk, bool add, const char *dev, struct nl_object *obj,
	   const struct obj_kind *kind)
{
	/* A copy of its own: retarget changes the object's link, and the caller's set stays as read. */
	struct nl_object *copy = nl_object_clone(obj);
	struct obj_op *o = copy ? calloc(1, sizeof(*o)) : NULL;

	if (!o) {
		nl_object_put(copy);
		return -ENOMEM;
	}
	*o = (struct obj_op){ .sk = sk, .add = add, .obj = copy, .kind = kind };
	snprintf(o->dev, sizeof(o->dev), "%s", dev);
	return plan_add(p, &kind->type, o);
}
