#include "move_ops.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/route/link.h>

/* Bridges */

struct bridge_op {
	struct nl_sock *sk;
	char name[IFNAMSIZ];
	struct mac_addr mac;
	unsigned mtu;
	bool create;
};

static int bridge_add(const struct bridge_op *o, struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data;
	int rc = -ENOMEM;

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
	    nla_put_string(msg, IFLA_IFNAME, o->name) == 0 &&
	    nla_put(msg, IFLA_ADDRESS, MAC_LEN, o->mac.b) == 0 &&
	    nla_put_u32(msg, IFLA_MTU, o->mtu) == 0 && (info = nla_nest_start(msg, IFLA_LINKINFO)) &&
	    nla_put_string(msg, IFLA_INFO_KIND, "bridge") == 0 &&
	    (data = nla_nest_start(msg, IFLA_INFO_DATA)) &&
	    nla_put_u32(msg, IFLA_BR_STP_STATE, 0) == 0 &&
	    nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, 0) == 0) {
		nla_nest_end(msg, data);
		nla_nest_end(msg, info);
		rc = rt_talk(o->sk, msg, e);
	} else {
		nm_fail(e, rc, "out of memory");
	}
	nlmsg_free(msg);
	return rc;
}

static int bridge_del(const struct bridge_op *o, struct nm_err *e)
{
	struct rtnl_link *l = rtnl_link_alloc();
	struct nl_msg *msg = NULL;
	int rc;

	if (!l)
		return nm_fail(e, -ENOMEM, "out of memory");
	rtnl_link_set_name(l, o->name);
	rc = rtnl_link_build_delete_request(l, &msg);
	rtnl_link_put(l);
	if (rc < 0)
		return nm_fail(e, rt_errno(rc), "%s", nl_geterror(rc));
	rc = rt_talk(o->sk, msg, e);
	nlmsg_free(msg);
	return rc == -ENODEV ? 0 : rc;
}

static int bridge_apply(struct op *op, struct nm_err *e)
{
	struct bridge_op *o = op->data;

	return o->create ? bridge_add(o, e) : bridge_del(o, e);
}

static int bridge_undo(struct op *op, struct nm_err *e)
{
	struct bridge_op *o = op->data;

	return o->create ? bridge_del(o, e) : bridge_add(o, e);
}

static void bridge_describe(const struct op *op, FILE *out)
{
	const struct bridge_op *o = op->data;
	char mac[MAC_STR_LEN];

	if (o->create)
		fprintf(out, "ip link add %s address %s mtu %u type bridge stp_state 0 "
			     "forward_delay 0\n", o->name, mac_format(&o->mac, mac), o->mtu);
	else
		fprintf(out, "ip link del %s\n", o->name);
}

static const struct op_type bridge_type = {
	.name = "bridge", .apply = bridge_apply, .undo = bridge_undo, .describe = bridge_describe,
};

static int bridge_op(struct plan *p, struct nl_sock *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu, bool create)
{
	struct bridge_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	*o = (struct bridge_op){ .sk = sk, .mac = *mac, .mtu = mtu, .create = create };
	snprintf(o->name, sizeof(o->name), "%s", name);
	return plan_add(p, &bridge_type, o);
}

int op_bridge_create(struct plan *p, struct nl_sock *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu)
{
	return bridge_op(p, sk, name, mac, mtu, true);
}

int op_bridge_delete(struct plan *p, struct nl_sock *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu)
{
	return bridge_op(p, sk, name, mac, mtu, false);
}

/* Addresses and routes, by object */

struct obj_op {
	struct nl_sock *sk;
	bool add, is_route;
	char dev[IFNAMSIZ];
	struct nl_object *obj; /* rtnl_addr or rtnl_route, owned */
};

/* Points the object at dev's current index. */
static int retarget(struct obj_op *o, struct nm_err *e)
{
	struct link_info li;
	int rc = rt_link_get(o->sk, 0, o->dev, &li, e);

	if (rc < 0)
		return rc;
	if (!o->is_route) {
		rtnl_addr_set_ifindex((struct rtnl_addr *)o->obj, li.ifindex);
		return 0;
	}
	struct rtnl_route *r = (struct rtnl_route *)o->obj;
	struct rtnl_nexthop *old = rtnl_route_nexthop_n(r, 0), *nh = rtnl_route_nh_alloc();
	struct nl_addr *gw = rtnl_route_nh_get_gateway(old);
	if (!nh)
		return nm_fail(e, -ENOMEM, "out of memory");
	rtnl_route_nh_set_ifindex(nh, li.ifindex);
	rtnl_route_nh_set_flags(nh, rtnl_route_nh_get_flags(old));
	if (gw)
		rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_remove_nexthop(r, old);
	rtnl_route_nh_free(old);
	rtnl_route_add_nexthop(r, nh);
	return 0;
}

static int obj_send(struct obj_op *o, bool add, struct nm_err *e)
{
	struct nl_msg *msg = NULL;
	int rc = retarget(o, e);

	if (rc == -ENODEV && !add)
		return 0; /* its link is gone, and it with it */
	if (rc < 0)
		return rc;
	if (o->is_route)
		rc = add ? rtnl_route_build_add_request((struct rtnl_route *)o->obj,
						       NLM_F_CREATE | NLM_F_REPLACE, &msg)
			 : rtnl_route_build_del_request((struct rtnl_route *)o->obj, 0, &msg);
	else
		rc = add ? rtnl_addr_build_add_request((struct rtnl_addr *)o->obj,
						      NLM_F_CREATE | NLM_F_REPLACE, &msg)
			 : rtnl_addr_build_delete_request((struct rtnl_addr *)o->obj, 0, &msg);
	if (rc < 0)
		return nm_fail(e, rt_errno(rc), "%s", nl_geterror(rc));
	rc = rt_talk(o->sk, msg, e);
	nlmsg_free(msg);
	if (!add && (rc == -ESRCH || rc == -ENOENT || rc == -EADDRNOTAVAIL))
		rc = 0; /* went with an address or a link before us */
	return rc;
}

static int obj_apply(struct op *op, struct nm_err *e)
{
	struct obj_op *o = op->data;

	return obj_send(o, o->add, e);
}

static int obj_undo(struct op *op, struct nm_err *e)
{
	struct obj_op *o = op->data;

	return obj_send(o, !o->add, e);
}

static void obj_describe(const struct op *op, FILE *out)
{
	const struct obj_op *o = op->data;
	char a[INET6_ADDRSTRLEN + 8], gw[INET6_ADDRSTRLEN + 8] = "";

	if (!o->is_route) {
		struct rtnl_addr *ad = (struct rtnl_addr *)o->obj;
		fprintf(out, "ip address %s %s dev %s\n", o->add ? "add" : "del",
			nl_addr2str(rtnl_addr_get_local(ad), a, sizeof(a)), o->dev);
		return;
	}
	struct rtnl_route *r = (struct rtnl_route *)o->obj;
	struct nl_addr *g = rtnl_route_nh_get_gateway(rtnl_route_nexthop_n(r, 0));
	if (g)
		snprintf(gw, sizeof(gw), " via %s", nl_addr2str(g, a, sizeof(a)));
	nl_addr2str(rtnl_route_get_dst(r), a, sizeof(a));
	fprintf(out, "ip%s route %s %s%s dev %s table %u proto %u metric %u\n",
		rtnl_route_get_family(r) == AF_INET6 ? " -6" : "", o->add ? "add" : "del",
		strcmp(a, "none") ? a : "default", gw, o->dev, rtnl_route_get_table(r),
		rtnl_route_get_protocol(r), rtnl_route_get_priority(r));
}

static void obj_release(void *data)
{
	struct obj_op *o = data;

	nl_object_put(o->obj);
	free(o);
}

static const struct op_type addr_type = {
	.name = "move address", .apply = obj_apply, .undo = obj_undo,
	.describe = obj_describe, .release = obj_release,
};

static const struct op_type route_type = {
	.name = "move route", .apply = obj_apply, .undo = obj_undo,
	.describe = obj_describe, .release = obj_release,
};

static int obj_op(struct plan *p, struct nl_sock *sk, bool add, const char *dev,
		  struct nl_object *obj, bool is_route)
{
	/* A copy of its own: retarget changes the object's link, and the caller's set stays as read. */
	struct nl_object *copy = nl_object_clone(obj);
	struct obj_op *o = copy ? calloc(1, sizeof(*o)) : NULL;

	if (!o) {
		nl_object_put(copy);
		return -ENOMEM;
	}
	*o = (struct obj_op){ .sk = sk, .add = add, .is_route = is_route, .obj = copy };
	snprintf(o->dev, sizeof(o->dev), "%s", dev);
	return plan_add(p, is_route ? &route_type : &addr_type, o);
}

int op_addr_on(struct plan *p, struct nl_sock *sk, bool add, const char *dev,
	       struct rtnl_addr *a)
{
	return obj_op(p, sk, add, dev, (struct nl_object *)a, false);
}

int op_route_on(struct plan *p, struct nl_sock *sk, bool add, const char *dev,
		struct rtnl_route *r)
{
	return obj_op(p, sk, add, dev, (struct nl_object *)r, true);
}

/* Route sets */

void route_set_free(struct route_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		rtnl_route_put(s->r[i]);
	free(s->r);
	*s = (struct route_set){ 0 };
}

struct route_collect {
	int ifindex;
	struct route_set *set;
	size_t mark; /* how many the dumps before this one found */
	int err;
};

static void collect(struct nl_object *obj, void *arg)
{
	struct route_collect *c = arg;
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct rtnl_route **grown;
	int proto = rtnl_route_get_protocol(r);

	if (c->err || rtnl_route_get_table(r) == RT_TABLE_LOCAL || proto == RTPROT_KERNEL ||
	    proto == RTPROT_RA || rtnl_route_get_type(r) != RTN_UNICAST ||
	    rtnl_route_get_nnexthops(r) != 1 ||
	    rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0)) != c->ifindex)
		return;
	if (!(grown = realloc(c->set->r, (c->set->n + 1) * sizeof(struct rtnl_route *)))) {
		c->err = -ENOMEM;
		return;
	}
	nl_object_get(obj);
	grown[c->set->n++] = r;
	c->set->r = grown;
}

static int collect_msg(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_type == RTM_NEWROUTE ? rt_parse(msg, collect, arg) : NL_OK;
}

/* An interrupted dump made again: what it found goes, what the others found stays. */
static void collect_restart(void *arg)
{
	struct route_collect *c = arg;

	while (c->set->n > c->mark)
		rtnl_route_put(c->set->r[--c->set->n]);
	c->err = 0;
}

int route_set_query(struct nl_sock *sk, int ifindex, struct route_set *ret, struct nm_err *e)
{
	static const unsigned char families[] = { AF_INET, AF_INET6 };
	struct route_set set = { 0 };
	struct route_collect c = { .ifindex = ifindex, .set = &set };

	for (size_t f = 0; f < sizeof(families); f++) {
		/* With strict checking the kernel returns only routes through ifindex. */
		struct rtmsg rtm = { .rtm_family = families[f] };
		struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);
		int rc;
		if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
		    nla_put_u32(msg, RTA_OIF, (uint32_t)ifindex) < 0) {
			nlmsg_free(msg);
			route_set_free(&set);
			return nm_fail(e, -ENOMEM, "out of memory");
		}
		c.mark = set.n;
		rc = rt_dump(sk, msg, collect_msg, collect_restart, &c, e);
		nlmsg_free(msg);
		if (!rc && c.err)
			rc = nm_fail(e, c.err, "out of memory");
		if (rc < 0) {
			route_set_free(&set);
			return rc;
		}
	}
	*ret = set;
	return 0;
}
