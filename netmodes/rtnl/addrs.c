#include "netmodes/rtnl/addrs.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>

#include "netmodes/rtnl/link_objects.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/rtnl/rtnl.h"


/* Address sets */

struct addr_op {
	struct rt_conn *sk;
	char name[IFNAMSIZ];
	struct addr_set set;
};

void addr_set_free(struct addr_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		rtnl_addr_put(s->a[i]);
	free(s->a);
	s->a = NULL;
	s->n = 0;
}

struct addr_collect {
	int ifindex;
	struct addr_set *set;
	int err;
};

static void addr_collect_obj(struct nl_object *obj, void *arg)
{
	struct addr_collect *c = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct rtnl_addr **grown;

	if (rtnl_addr_get_ifindex(a) != c->ifindex || c->err)
		return;
	grown = realloc(c->set->a, (c->set->n + 1) * sizeof(struct rtnl_addr *));
	if (!grown) {
		c->err = -ENOMEM;
		return;
	}
	nl_object_get(obj);
	grown[c->set->n++] = a;
	c->set->a = grown;
}

static int addr_collect_msg(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_type == RTM_NEWADDR ? rt_parse(msg, addr_collect_obj, arg) : NL_OK;
}

static void addr_collect_restart(void *arg)
{
	struct addr_collect *c = arg;

	addr_set_free(c->set);
	c->err = 0;
}

int addr_set_query(struct rt_conn *sk, int ifindex, struct addr_set *ret, struct nm_err *e)
{
	/* ifa_index with strict checking makes the kernel return only this link's addresses. */
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC, .ifa_index = (unsigned)ifindex };
	struct addr_set set = { 0 };
	struct addr_collect c = { .ifindex = ifindex, .set = &set };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);
	int rc;

	if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	rc = rt_dump(sk, msg, addr_collect_msg, addr_collect_restart, &c, e);
	nlmsg_free(msg);
	if (!rc && c.err)
		rc = nm_fail(e, c.err, "out of memory");
	if (rc < 0) {
		addr_set_free(&set);
		return rc;
	}
	*ret = set;
	return 0;
}

static bool is_ipv6_link_local(struct rtnl_addr *a)
{
	struct nl_addr *local = rtnl_addr_get_local(a);
	const uint8_t *b = local ? nl_addr_get_binary_addr(local) : NULL;

	return rtnl_addr_get_family(a) == AF_INET6 && b && b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

bool addr_set_has_configured(const struct addr_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!is_ipv6_link_local(s->a[i]))
			return true;
	return false;
}

static int addr_send(struct addr_op *o, struct rtnl_addr *a, bool add, struct nm_err *e)
{
	struct nl_msg *msg = NULL;
	int rc = add ? rtnl_addr_build_add_request(a, NLM_F_CREATE | NLM_F_REPLACE, &msg)
		     : rtnl_addr_build_delete_request(a, 0, &msg);

	if (rc < 0)
		return nm_fail(e, rt_errno(rc), "%s", nl_geterror(rc));
	rc = rt_talk(o->sk, msg, e);
	nlmsg_free(msg);
	return rc;
}

static int addr_flush_apply(struct op *op, struct nm_err *e)
{
	struct addr_op *o = op->data;

	for (size_t i = 0; i < o->set.n; i++) {
		struct nm_err ae = { "" };
		int rc = addr_send(o, o->set.a[i], false, &ae);
		/* Gone already (an IPv6 address leaves with its link-down): that is the goal. */
		if (rc == -EADDRNOTAVAIL || rc == -ENOENT)
			continue;
		if (rc < 0)
			return nm_fail(e, rc, "%s: %s", o->name, ae.msg);
	}
	return 0;
}

static int addr_flush_undo(struct op *op, struct nm_err *e)
{
	struct addr_op *o = op->data;
	int first = 0;

	for (size_t i = 0; i < o->set.n; i++) {
		if (is_ipv6_link_local(o->set.a[i]))
			continue; /* the kernel restores it when the link comes up */
		int rc = addr_send(o, o->set.a[i], true, e);
		if (rc < 0 && !first)
			first = rc;
	}
	return first;
}

static void addr_flush_describe(const struct op *op, FILE *out)
{
	const struct addr_op *o = op->data;

	for (size_t i = 0; i < o->set.n; i++) {
		char buf[INET6_ADDRSTRLEN + 8];
		nl_addr2str(rtnl_addr_get_local(o->set.a[i]), buf, sizeof(buf));
		fprintf(out, "ip address del %s dev %s\n", buf, o->name);
	}
}

static void addr_op_release(void *data)
{
	struct addr_op *o = data;

	addr_set_free(&o->set);
	free(o);
}

static const struct op_type addr_flush_type = {
	.name = "flush addresses",
	.apply = addr_flush_apply,
	.undo = addr_flush_undo,
	.describe = addr_flush_describe,
	.release = addr_op_release,
};

int op_addr_flush(struct plan *p, struct rt_conn *sk, const char *name, struct addr_set *s)
{
	struct addr_op *o = calloc(1, sizeof(*o));

	if (!o) {
		addr_set_free(s);
		return -ENOMEM;
	}
	o->sk = sk;
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->set = *s;
	*s = (struct addr_set){ 0 };
	return plan_add(p, &addr_flush_type, o);
}

/* One address by prefix */

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

static void addr_describe(const struct op *op, FILE *out)
{
	const struct rt_op *o = op->data;
	char pfx[PREFIX_STR_LEN];

	fprintf(out, "ip%s address %s %s dev %s\n", o->p.family == AF_INET6 ? " -6" : "",
		o->add ? "replace" : "del", prefix_format(&o->p, pfx), o->dev);
}

static const struct op_type addr_type = {
	.name = "address", .apply = rt_apply, .undo = rt_undo, .describe = addr_describe,
};

int op_addr(struct plan *p, struct rt_conn *sk, bool add, int ifindex, const char *dev,
	    const struct prefix *addr)
{
	struct rt_op o = { .sk = sk, .build = build_addr, .add = add, .ifindex = ifindex, .p = *addr };

	snprintf(o.dev, sizeof(o.dev), "%s", dev);
	return rt_op_add(p, &addr_type, &o);
}

int rt_primary_ipv4(struct rt_conn *sk, int ifindex, struct prefix *ret, struct nm_err *e)
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

bool rt_has_addr(struct rt_conn *sk, int ifindex, const struct prefix *addr)
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

/* A host's own address moved from one link to another, attributes and all */

static int addr_retarget(struct nl_object *obj, int ifindex, struct nm_err *e)
{
	(void)e;
	rtnl_addr_set_ifindex((struct rtnl_addr *)obj, ifindex);
	return 0;
}

static int addr_build(struct nl_object *obj, bool add, struct nl_msg **msg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;

	return add ? rtnl_addr_build_add_request(a, NLM_F_CREATE | NLM_F_REPLACE, msg)
		   : rtnl_addr_build_delete_request(a, 0, msg);
}

static void addr_move_describe(const struct op *op, FILE *out)
{
	const struct obj_op *o = op->data;
	char a[INET6_ADDRSTRLEN + 8];

	fprintf(out, "ip address %s %s dev %s\n", o->add ? "add" : "del",
		nl_addr2str(rtnl_addr_get_local((struct rtnl_addr *)o->obj), a, sizeof(a)), o->dev);
}

static const struct obj_kind addr_move =
	OBJ_KIND("move address", addr_move_describe, addr_retarget, addr_build);

int op_addr_on(struct plan *p, struct rt_conn *sk, bool add, const char *dev,
	       struct rtnl_addr *a)
{
	return obj_op(p, sk, add, dev, (struct nl_object *)a, &addr_move);
}
