#include "route_ops.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "link_ops.h"
#include "move_ops.h"

enum rt_what { RT_ADDR, RT_ROUTE, RT_NEIGH };

struct rt_op {
	struct nl_sock *sk;
	enum rt_what what;
	bool add;
	int ifindex;
	char dev[IFNAMSIZ];
	struct prefix p, src;
	bool has_src;
	unsigned metric;
};

static struct nl_addr *nl_addr_of(const struct prefix *p)
{
	struct nl_addr *a = nl_addr_build(p->family, p->addr.raw, prefix_addr_len(p));

	if (a)
		nl_addr_set_prefixlen(a, p->len);
	return a;
}

static int build_addr(const struct rt_op *o, bool add, struct nl_msg **msg)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_of(&o->p);
	int rc = -NLE_NOMEM;

	if (a && local) {
		rtnl_addr_set_ifindex(a, o->ifindex);
		rtnl_addr_set_local(a, local);
		rc = add ? rtnl_addr_build_add_request(a, NLM_F_CREATE | NLM_F_REPLACE, msg)
			 : rtnl_addr_build_delete_request(a, 0, msg);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	return rc;
}

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

static int build_neigh(const struct rt_op *o, bool add, struct nl_msg **msg)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	struct nl_addr *dst = nl_addr_build(o->p.family, o->p.addr.raw, prefix_addr_len(&o->p));
	int rc = -NLE_NOMEM;

	if (n && dst) {
		rtnl_neigh_set_ifindex(n, o->ifindex);
		rtnl_neigh_set_dst(n, dst);
		rtnl_neigh_set_flags(n, NTF_PROXY);
		rtnl_neigh_set_state(n, NUD_PERMANENT);
		rc = add ? rtnl_neigh_build_add_request(n, NLM_F_CREATE | NLM_F_REPLACE, msg)
			 : rtnl_neigh_build_delete_request(n, 0, msg);
	}
	nl_addr_put(dst);
	rtnl_neigh_put(n);
	return rc;
}

static int rt_send(const struct rt_op *o, bool add, struct nm_err *e)
{
	static int (*const build[])(const struct rt_op *, bool, struct nl_msg **) = {
		[RT_ADDR] = build_addr, [RT_ROUTE] = build_route, [RT_NEIGH] = build_neigh,
	};
	struct nl_msg *msg = NULL;
	int rc = build[o->what](o, add, &msg);

	if (rc < 0)
		return nm_fail(e, rt_errno(rc), "%s", nl_geterror(rc));
	rc = rt_talk(o->sk, msg, e);
	nlmsg_free(msg);
	/* Already gone is what a delete wants: the vif may have taken it along. */
	if (!add && (rc == -ENOENT || rc == -ESRCH || rc == -EADDRNOTAVAIL || rc == -ENODEV))
		rc = 0;
	return rc;
}

static int rt_apply(struct op *op, struct nm_err *e)
{
	struct rt_op *o = op->data;
	char pfx[PREFIX_STR_LEN];
	struct nm_err inner = { "" };
	int rc = rt_send(o, o->add, &inner);

	return rc < 0 ? nm_fail(e, rc, "%s on %s: %s", prefix_format(&o->p, pfx), o->dev, inner.msg)
		      : 0;
}

static int rt_undo(struct op *op, struct nm_err *e)
{
	struct rt_op *o = op->data;

	return rt_send(o, !o->add, e);
}

static void rt_describe(const struct op *op, FILE *out)
{
	const struct rt_op *o = op->data;
	char pfx[PREFIX_STR_LEN], src[PREFIX_STR_LEN], *slash;
	const char *verb = o->add ? "replace" : "del", *six = o->p.family == AF_INET6 ? " -6" : "";

	prefix_format(&o->p, pfx);
	switch (o->what) {
	case RT_ADDR:
		fprintf(out, "ip%s address %s %s dev %s\n", six, verb, pfx, o->dev);
		break;
	case RT_ROUTE:
		fprintf(out, "ip%s route %s %s dev %s", six, verb, pfx, o->dev);
		if (o->has_src) {
			prefix_format(&o->src, src);
			if ((slash = strchr(src, '/')))
				*slash = '\0';
			fprintf(out, " src %s", src);
		}
		fprintf(out, " metric %u proto %d\n", o->metric, XNM_RTPROT);
		break;
	case RT_NEIGH:
		if ((slash = strchr(pfx, '/')))
			*slash = '\0';
		fprintf(out, "ip%s neigh %s proxy %s dev %s\n", six, verb, pfx, o->dev);
		break;
	}
}

#define RT_OP_TYPE(id, step)                                                                     \
	static const struct op_type id = {                                                       \
		.name = (step), .apply = rt_apply, .undo = rt_undo, .describe = rt_describe,       \
	}

RT_OP_TYPE(addr_type, "address");
RT_OP_TYPE(route_type, "route");
RT_OP_TYPE(neigh_type, "proxy neighbour");

static int rt_op_add(struct plan *p, const struct op_type *type, struct rt_op *tmpl)
{
	struct rt_op *o = malloc(sizeof(*o));

	if (!o)
		return -ENOMEM;
	*o = *tmpl;
	return plan_add(p, type, o);
}

int op_addr(struct plan *p, struct nl_sock *sk, bool add, int ifindex, const char *dev,
	    const struct prefix *addr)
{
	struct rt_op o = { .sk = sk, .what = RT_ADDR, .add = add, .ifindex = ifindex, .p = *addr };

	snprintf(o.dev, sizeof(o.dev), "%s", dev);
	return rt_op_add(p, &addr_type, &o);
}

int op_route(struct plan *p, struct nl_sock *sk, bool add, int ifindex, const char *dev,
	     const struct prefix *dst, const struct prefix *src, unsigned metric)
{
	struct rt_op o = { .sk = sk, .what = RT_ROUTE, .add = add, .ifindex = ifindex, .p = *dst,
			   .has_src = src != NULL, .metric = metric };

	if (src)
		o.src = *src;
	snprintf(o.dev, sizeof(o.dev), "%s", dev);
	return rt_op_add(p, &route_type, &o);
}

int op_neigh_proxy(struct plan *p, struct nl_sock *sk, bool add, int ifindex, const char *dev,
		   const struct prefix *addr)
{
	struct rt_op o = { .sk = sk, .what = RT_NEIGH, .add = add, .ifindex = ifindex, .p = *addr };

	snprintf(o.dev, sizeof(o.dev), "%s", dev);
	return rt_op_add(p, &neigh_type, &o);
}

int rt_primary_ipv4(struct nl_sock *sk, int ifindex, struct prefix *ret, struct nm_err *e)
{
	struct addr_set set;
	int rc = addr_set_query(sk, ifindex, &set, e);

	if (rc < 0)
		return rc;
	rc = -EADDRNOTAVAIL;
	for (size_t i = 0; i < set.n && rc; i++) {
		struct rtnl_addr *a = set.a[i];
		struct nl_addr *local = rtnl_addr_get_local(a);
		if (rtnl_addr_get_family(a) != AF_INET || !local ||
		    (rtnl_addr_get_flags(a) & IFA_F_SECONDARY) ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE)
			continue;
		*ret = (struct prefix){ .family = AF_INET, .len = 32 };
		memcpy(ret->addr.raw, nl_addr_get_binary_addr(local), 4);
		rc = 0;
	}
	addr_set_free(&set);
	return rc;
}

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

int rt_default_route_dev(struct nl_sock *sk, char ret[IFNAMSIZ], struct nm_err *e)
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

int rt_route_oif(struct nl_sock *sk, const struct prefix *dst, int *ret_oif, struct nm_err *e)
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

bool rt_has_addr(struct nl_sock *sk, int ifindex, const struct prefix *addr)
{
	struct addr_set set;
	bool found = false;

	if (addr_set_query(sk, ifindex, &set, NULL) < 0)
		return false;
	for (size_t i = 0; i < set.n && !found; i++) {
		struct nl_addr *l = rtnl_addr_get_local(set.a[i]);
		found = l && nl_addr_get_family(l) == addr->family &&
			!memcmp(nl_addr_get_binary_addr(l), addr->addr.raw, prefix_addr_len(addr)) &&
			rtnl_addr_get_prefixlen(set.a[i]) == addr->len;
	}
	addr_set_free(&set);
	return found;
}

bool rt_has_route(struct nl_sock *sk, int ifindex, const struct prefix *dst, unsigned metric)
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

static int proxy_found(struct nl_msg *msg, void *arg)
{
	if (nlmsg_hdr(msg)->nlmsg_type == RTM_NEWNEIGH)
		*(bool *)arg = true;
	return NL_OK;
}

bool rt_has_proxy(struct nl_sock *sk, int ifindex, const struct prefix *addr)
{
	/* One GET, as `ip neigh get proxy`: never a dump of every proxy entry. */
	struct ndmsg ndm = { .ndm_family = (unsigned char)addr->family, .ndm_ifindex = ifindex,
			     .ndm_flags = NTF_PROXY };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_ACK);
	bool found = false;

	if (msg && nlmsg_append(msg, &ndm, sizeof(ndm), NLMSG_ALIGNTO) == 0 &&
	    nla_put(msg, NDA_DST, (int)prefix_addr_len(addr), addr->addr.raw) == 0 &&
	    rt_dump(sk, msg, proxy_found, NULL, &found, NULL) < 0)
		found = false;
	nlmsg_free(msg);
	return found;
}
