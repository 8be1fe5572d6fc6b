#include "netmodes/rtnl/routes.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>

#include "netmodes/rtnl/link_objects.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/rtnl/rtnl.h"


/* One route to a prefix through a link */

static int build_route(const struct rt_op *o, bool add, struct nl_msg **msg)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_of(&o->p), *src = o->has_src ? nl_addr_of(&o->src) : NULL;
	int rc = -NLE_NOMEM;

	if (r && nh && dst && (src || !o->has_src)) {
		rtnl_route_set_family(r, (uint8_t)o->p.family);
		rtnl_route_set_table(r, RT_TABLE_MAIN);
		rtnl_route_set_protocol(r, XNM_RTPROT);
		rtnl_route_set_scope(r, RT_SCOPE_LINK);
		rtnl_route_set_type(r, RTN_UNICAST);
		rtnl_route_set_dst(r, dst);
		rtnl_route_set_priority(r, o->metric);
		if (src)
			rtnl_route_set_pref_src(r, src);
		rtnl_route_nh_set_ifindex(nh, o->ifindex);
		rtnl_route_add_nexthop(r, nh); /* the route owns nh now */
		nh = NULL;
		rc = add ? rtnl_route_build_add_request(r, NLM_F_CREATE | NLM_F_REPLACE, msg)
			 : rtnl_route_build_del_request(r, 0, msg);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	nl_addr_put(src);
	rtnl_route_put(r);
	return rc;
}

static void route_describe(const struct op *op, FILE *out)
{
	const struct rt_op *o = op->data;
	char pfx[PREFIX_STR_LEN], src[PREFIX_STR_LEN], *slash;

	fprintf(out, "ip%s route %s %s dev %s", o->p.family == AF_INET6 ? " -6" : "",
		o->add ? "replace" : "del", prefix_format(&o->p, pfx), o->dev);
	if (o->has_src) {
		prefix_format(&o->src, src);
		if ((slash = strchr(src, '/')))
			*slash = '\0';
		fprintf(out, " src %s", src);
	}
	fprintf(out, " metric %u proto %d\n", o->metric, XNM_RTPROT);
}

static const struct op_type route_type = {
	.name = "route", .apply = rt_apply, .undo = rt_undo, .describe = route_describe,
};

int op_route(struct plan *p, struct rt_conn *sk, bool add, int ifindex, const char *dev,
	     const struct prefix *dst, const struct prefix *src, unsigned metric)
{
	struct rt_op o = { .sk = sk, .build = build_route, .add = add, .ifindex = ifindex, .p = *dst,
			   .has_src = src != NULL, .metric = metric };

	if (src)
		o.src = *src;
	snprintf(o.dev, sizeof(o.dev), "%s", dev);
	return rt_op_add(p, &route_type, &o);
}

/* Queries */

struct default_route {
	int ifindex;
	uint32_t metric;
};

static void pick_default(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct default_route *best = arg;
	struct nl_addr *dst = rtnl_route_get_dst(r);
	struct rtnl_nexthop *nh;

	if (rtnl_route_get_table(r) != RT_TABLE_MAIN || (dst && nl_addr_get_prefixlen(dst)) ||
	    rtnl_route_get_nnexthops(r) < 1 || !(nh = rtnl_route_nexthop_n(r, 0)))
		return;
	if (!best->ifindex || rtnl_route_get_priority(r) < best->metric) {
		best->ifindex = rtnl_route_nh_get_ifindex(nh);
		best->metric = rtnl_route_get_priority(r);
	}
}

static int pick_default_msg(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_type == RTM_NEWROUTE ? rt_parse(msg, pick_default, arg) : NL_OK;
}

static void forget_default(void *arg)
{
	*(struct default_route *)arg = (struct default_route){ 0 };
}

int rt_default_route_dev(struct rt_conn *sk, char ret[IFNAMSIZ], struct nm_err *e)
{
	/* With strict checking the kernel returns only the main table's routes. */
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);
	struct default_route best = { 0 };
	struct link_info li;
	int rc;

	if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, RT_TABLE_MAIN) < 0) {
		nlmsg_free(msg);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	rc = rt_dump(sk, msg, pick_default_msg, forget_default, &best, e);
	nlmsg_free(msg);
	if (rc < 0)
		return rc;
	if (!best.ifindex)
		return -ENOENT;
	if ((rc = rt_link_get(sk, best.ifindex, NULL, &li, e)) < 0)
		return rc;
	snprintf(ret, IFNAMSIZ, "%s", li.name);
	return 0;
}

static void take_oif(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;

	if (rtnl_route_get_nnexthops(r) >= 1)
		*(int *)arg = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0));
}

static int take_oif_msg(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_type == RTM_NEWROUTE ? rt_parse(msg, take_oif, arg) : NL_OK;
}

int rt_route_oif(struct rt_conn *sk, const struct prefix *dst, int *ret_oif, struct nm_err *e)
{
	struct rtmsg rtm = { .rtm_family = (unsigned char)dst->family,
			     .rtm_dst_len = (unsigned char)prefix_addr_len(dst) * 8 };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_ACK);
	int oif = 0, rc;

	if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)prefix_addr_len(dst), dst->addr.raw) < 0) {
		nlmsg_free(msg);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	rc = rt_dump(sk, msg, take_oif_msg, NULL, &oif, e);
	nlmsg_free(msg);
	if (rc == 0)
		*ret_oif = oif;
	return rc;
}

/* Whether a libnl address equals p (family, bytes and prefix length). */
static bool same_prefix(struct nl_addr *a, const struct prefix *p)
{
	return a && nl_addr_get_family(a) == p->family && nl_addr_get_len(a) == prefix_addr_len(p) &&
	       !memcmp(nl_addr_get_binary_addr(a), p->addr.raw, prefix_addr_len(p)) &&
	       nl_addr_get_prefixlen(a) == p->len;
}

bool rt_has_route(struct rt_conn *sk, int ifindex, const struct prefix *dst, unsigned metric)
{
	struct route_set set;
	bool found = false;

	if (route_set_query(sk, ifindex, &set, NULL) < 0)
		return false;
	for (size_t i = 0; i < set.n && !found; i++)
		found = same_prefix(rtnl_route_get_dst(set.r[i]), dst) &&
			rtnl_route_get_priority(set.r[i]) == metric;
	route_set_free(&set);
	return found;
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

int route_set_query(struct rt_conn *sk, int ifindex, struct route_set *ret, struct nm_err *e)
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

/* A host's own route moved from one link to another, attributes and all */

/* The one nexthop made again through ifindex, keeping its gateway and flags. */
static int route_retarget(struct nl_object *obj, int ifindex, struct nm_err *e)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct rtnl_nexthop *old = rtnl_route_nexthop_n(r, 0), *nh = rtnl_route_nh_alloc();
	struct nl_addr *gw = rtnl_route_nh_get_gateway(old);

	if (!nh)
		return nm_fail(e, -ENOMEM, "out of memory");
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_flags(nh, rtnl_route_nh_get_flags(old));
	if (gw)
		rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_remove_nexthop(r, old);
	rtnl_route_nh_free(old);
	rtnl_route_add_nexthop(r, nh);
	return 0;
}

static int route_build(struct nl_object *obj, bool add, struct nl_msg **msg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;

	return add ? rtnl_route_build_add_request(r, NLM_F_CREATE | NLM_F_REPLACE, msg)
		   : rtnl_route_build_del_request(r, 0, msg);
}

static void route_move_describe(const struct op *op, FILE *out)
{
	const struct obj_op *o = op->data;
	char a[INET6_ADDRSTRLEN + 8], gw[INET6_ADDRSTRLEN + 8] = "";
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

static const struct obj_kind route_move =
	OBJ_KIND("move route", route_move_describe, route_retarget, route_build);

int op_route_on(struct plan *p, struct rt_conn *sk, bool add, const char *dev,
		struct rtnl_route *r)
{
	return obj_op(p, sk, add, dev, (struct nl_object *)r, &route_move);
}
