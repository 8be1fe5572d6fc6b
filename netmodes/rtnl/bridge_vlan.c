#include "netmodes/rtnl/bridge_vlan.h"

#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "netmodes/rtnl/links.h"
#include "netmodes/rtnl/rtnl.h"

/* Queries */

struct br_query {
	int ifindex;
	bool found, filtering;
	unsigned default_pvid;
};

static int bridge_msg(struct nl_msg *msg, void *arg)
{
	struct br_query *q = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ifinfomsg *ifi = nlmsg_data(h);
	struct nlattr *info, *data, *a;

	if (h->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != q->ifindex)
		return NL_OK;
	q->found = true;
	if (!(info = nlmsg_find_attr(h, sizeof(*ifi), IFLA_LINKINFO)) ||
	    !(data = nla_find(nla_data(info), nla_len(info), IFLA_INFO_DATA)))
		return NL_OK;
	if ((a = nla_find(nla_data(data), nla_len(data), IFLA_BR_VLAN_FILTERING)))
		q->filtering = nla_get_u8(a);
	if ((a = nla_find(nla_data(data), nla_len(data), IFLA_BR_VLAN_DEFAULT_PVID)))
		q->default_pvid = nla_get_u16(a);
	return NL_OK;
}

static void br_query_restart(void *arg)
{
	struct br_query *q = arg;

	*q = (struct br_query){ .ifindex = q->ifindex };
}

int rt_bridge_vlans_on(struct rt_conn *sk, int br_ifindex, bool *filtering, unsigned *default_pvid,
		       struct nm_err *e)
{
	struct br_query q = { .ifindex = br_ifindex };
	int rc = rt_dump_bridges(sk, bridge_msg, br_query_restart, &q, e);

	if (rc < 0)
		return rc;
	if (!q.found)
		return nm_fail(e, -ENODEV, "link %d is no bridge", br_ifindex);
	*filtering = q.filtering;
	*default_pvid = q.filtering ? q.default_pvid : 0;
	return 0;
}

struct port_query {
	int ifindex;
	struct vlan_set set;
};

static int port_msg(struct nl_msg *msg, void *arg)
{
	struct port_query *q = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ifinfomsg *ifi = nlmsg_data(h);
	struct nlattr *spec, *a;
	int rem;

	if (h->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != q->ifindex ||
	    !(spec = nlmsg_find_attr(h, sizeof(*ifi), IFLA_AF_SPEC)))
		return NL_OK;
	nla_for_each_nested(a, spec, rem) {
		const struct bridge_vlan_info *v;
		if (nla_type(a) != IFLA_BRIDGE_VLAN_INFO || nla_len(a) < (int)sizeof(*v))
			continue;
		v = nla_data(a);
		vlan_set_add(&q->set, v->vid, v->flags & BRIDGE_VLAN_INFO_UNTAGGED);
		if (v->flags & BRIDGE_VLAN_INFO_PVID)
			q->set.pvid = v->vid;
	}
	return NL_OK;
}

static void port_query_restart(void *arg)
{
	struct port_query *q = arg;

	memset(&q->set, 0, sizeof(q->set));
}

int rt_port_vlans(struct rt_conn *sk, int ifindex, struct vlan_set *ret, struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	struct port_query *q = calloc(1, sizeof(*q));
	int rc;

	/* Every port's VLANs one by one (not compressed into ranges): the bridge dump filters by no index. */
	if (!msg || !q || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN) < 0) {
		nlmsg_free(msg);
		free(q);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	q->ifindex = ifindex;
	rc = rt_dump(sk, msg, port_msg, port_query_restart, q, e);
	nlmsg_free(msg);
	if (rc == 0)
		*ret = q->set;
	free(q);
	return rc;
}

/* Changes: one run of VLANs [lo, hi] alike, from one state to another */

struct vstate {
	bool in;
	uint16_t flags; /* BRIDGE_VLAN_INFO_PVID, _UNTAGGED */
};

struct vlan_op {
	struct rt_conn *sk;
	int ifindex;
	char dev[IFNAMSIZ];
	unsigned lo, hi;
	struct vstate now, old;
	bool kept; /* apply does nothing: see op_port_vlans_kept */
};

static int vlan_send(const struct vlan_op *o, const struct vstate *s, struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = o->ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(s->in ? RTM_SETLINK : RTM_DELLINK, 0);
	struct bridge_vlan_info first = { .flags = s->flags, .vid = (uint16_t)o->lo };
	struct bridge_vlan_info last = { .flags = s->flags, .vid = (uint16_t)o->hi };
	struct nlattr *spec;
	int rc = -ENOMEM;

	if (o->lo != o->hi) {
		first.flags |= BRIDGE_VLAN_INFO_RANGE_BEGIN;
		last.flags |= BRIDGE_VLAN_INFO_RANGE_END;
	}
	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
	    (spec = nla_nest_start(msg, IFLA_AF_SPEC)) &&
	    nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof(first), &first) == 0 &&
	    (o->lo == o->hi || nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof(last), &last) == 0)) {
		nla_nest_end(msg, spec);
		rc = rt_talk(o->sk, msg, e);
	} else {
		nm_fail(e, rc, "out of memory");
	}
	nlmsg_free(msg);
	/* A delete whose VLAN or port went already (with the port leaving its bridge) has nothing to do. */
	if (!s->in && (rc == -ENOENT || rc == -ENODEV || rc == -EOPNOTSUPP))
		rc = 0;
	return rc;
}

static void vlan_range(const struct vlan_op *o, char *buf, size_t n)
{
	if (o->lo == o->hi)
		snprintf(buf, n, "%u", o->lo);
	else
		snprintf(buf, n, "%u-%u", o->lo, o->hi);
}

static int vlan_apply(struct op *op, struct nm_err *e)
{
	struct vlan_op *o = op->data;
	struct nm_err le = { "" };
	char r[16];
	int rc;

	if (o->kept)
		return 0;
	if ((rc = vlan_send(o, &o->now, &le)) < 0) {
		vlan_range(o, r, sizeof(r));
		return nm_fail(e, rc, "%s vid %s: %s", o->dev, r, le.msg);
	}
	return 0;
}

static int vlan_undo(struct op *op, struct nm_err *e)
{
	struct vlan_op *o = op->data;

	return vlan_send(o, &o->old, e);
}

static void vlan_describe(const struct op *op, FILE *out)
{
	const struct vlan_op *o = op->data;
	char r[16];

	if (o->kept)
		return;
	vlan_range(o, r, sizeof(r));
	if (!o->now.in) {
		fprintf(out, "bridge vlan del dev %s vid %s\n", o->dev, r);
		return;
	}
	fprintf(out, "bridge vlan add dev %s vid %s%s%s\n", o->dev, r,
		o->now.flags & BRIDGE_VLAN_INFO_PVID ? " pvid" : "",
		o->now.flags & BRIDGE_VLAN_INFO_UNTAGGED ? " untagged" : "");
}

static const struct op_type vlan_add_type = {
	.name = "add VLAN", .apply = vlan_apply, .undo = vlan_undo, .describe = vlan_describe,
};
static const struct op_type vlan_del_type = {
	.name = "remove VLAN", .apply = vlan_apply, .undo = vlan_undo, .describe = vlan_describe,
};
static const struct op_type vlan_kept_type = {
	.name = "keep VLANs", .apply = vlan_apply, .undo = vlan_undo, .describe = vlan_describe,
};

static struct vstate state_of(const struct vlan_set *s, unsigned vid)
{
	struct vstate v = { .in = vlan_set_has(s, vid) };

	if (v.in && vlan_set_untagged(s, vid))
		v.flags |= BRIDGE_VLAN_INFO_UNTAGGED;
	if (v.in && s->pvid == vid)
		v.flags |= BRIDGE_VLAN_INFO_PVID;
	return v;
}

static bool same(struct vstate a, struct vstate b)
{
	return a.in == b.in && (!a.in || a.flags == b.flags);
}

static int vlan_op(struct plan *p, const struct op_type *type, struct rt_conn *sk, int ifindex,
		   const char *dev, unsigned lo, unsigned hi, struct vstate now, struct vstate old,
		   bool kept)
{
	struct vlan_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	*o = (struct vlan_op){ .sk = sk, .ifindex = ifindex, .lo = lo, .hi = hi, .now = now,
			       .old = old, .kept = kept };
	snprintf(o->dev, sizeof(o->dev), "%s", dev);
	return plan_add(p, type, o);
}

/*
 * Walks the VLANs in runs alike in both sets and plans each run that
 * changes. A PVID stands alone (the kernel takes no range with it).
 * Removals come first: a VLAN asked to be the PVID may take it from
 * another only once that other has gone or been changed.
 */
static int plan_runs(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev,
		     const struct vlan_set *now, const struct vlan_set *want, bool removals)
{
	for (unsigned v = VLAN_MIN; v <= VLAN_MAX; v++) {
		struct vstate a = state_of(now, v), b = state_of(want, v);
		unsigned w = v;
		int rc;
		if (same(a, b) || b.in == removals)
			continue;
		if (!((a.flags | b.flags) & BRIDGE_VLAN_INFO_PVID))
			while (w < VLAN_MAX && same(state_of(now, w + 1), a) &&
			       same(state_of(want, w + 1), b))
				w++;
		rc = vlan_op(p, b.in ? &vlan_add_type : &vlan_del_type, sk, ifindex, dev, v, w, b, a,
			     false);
		if (rc < 0)
			return rc;
		v = w;
	}
	return 0;
}

int plan_port_vlans(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev,
		    const struct vlan_set *now, const struct vlan_set *want)
{
	int rc = plan_runs(p, sk, ifindex, dev, now, want, true);

	return rc < 0 ? rc : plan_runs(p, sk, ifindex, dev, now, want, false);
}

int op_port_vlans_kept(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev,
		       const struct vlan_set *now, unsigned def)
{
	int rc;

	/* First, so undone last: once the port has its own VLANs (and PVID) back. */
	if (def && !vlan_set_has(now, def) &&
	    (rc = vlan_op(p, &vlan_kept_type, sk, ifindex, dev, def, def, (struct vstate){ 0 },
			  (struct vstate){ .in = false }, true)) < 0)
		return rc;
	for (unsigned v = VLAN_MIN; v <= VLAN_MAX; v++) {
		struct vstate a = state_of(now, v);
		unsigned w = v;
		int rc;
		if (!a.in)
			continue;
		if (!(a.flags & BRIDGE_VLAN_INFO_PVID))
			while (w < VLAN_MAX && same(state_of(now, w + 1), a))
				w++;
		rc = vlan_op(p, &vlan_kept_type, sk, ifindex, dev, v, w, (struct vstate){ 0 }, a, true);
		if (rc < 0)
			return rc;
		v = w;
	}
	return 0;
}

/* The bridge's vlan_filtering */

struct filtering_op {
	struct rt_conn *sk;
	char name[IFNAMSIZ];
	bool on;
};

static int filtering_set(struct filtering_op *o, bool on, struct nm_err *e)
{
	struct link_info li = { 0 };
	uint8_t value = on;
	int rc = rt_link_get(o->sk, 0, o->name, &li, e);

	if (rc < 0)
		return rc == -ENODEV && !on ? 0 : rc;
	rc = rt_bridge_attr_set(o->sk, li.ifindex, false, IFLA_BR_VLAN_FILTERING, &value, sizeof(value), e);
	if (rc == -EOPNOTSUPP)
		nm_fail(e, rc, "this kernel's bridges cannot filter VLANs (no CONFIG_BRIDGE_VLAN_FILTERING)");
	return rc;
}

static int filtering_apply(struct op *op, struct nm_err *e)
{
	struct filtering_op *o = op->data;
	struct nm_err le = { "" };
	int rc = filtering_set(o, o->on, &le);

	return rc < 0 ? nm_fail(e, rc, "%s: %s", o->name, le.msg) : 0;
}

static int filtering_undo(struct op *op, struct nm_err *e)
{
	struct filtering_op *o = op->data;

	return filtering_set(o, !o->on, e);
}

static void filtering_describe(const struct op *op, FILE *out)
{
	const struct filtering_op *o = op->data;

	fprintf(out, "ip link set dev %s type bridge vlan_filtering %d\n", o->name, o->on);
}

static const struct op_type filtering_type = {
	.name = "set VLAN filtering", .apply = filtering_apply, .undo = filtering_undo,
	.describe = filtering_describe,
};

int op_bridge_vlan_filtering(struct plan *p, struct rt_conn *sk, const char *name, bool on)
{
	struct filtering_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->sk = sk;
	o->on = on;
	snprintf(o->name, sizeof(o->name), "%s", name);
	return plan_add(p, &filtering_type, o);
}

int bridge_vlan_refuse(const char *bridge, struct nm_err *e)
{
	return nm_fail(e, -EOPNOTSUPP,
		       "bridge %s does not filter VLANs: ip link set %s type bridge vlan_filtering 1, "
		       "or network-bridge start ... vlan_filtering=1",
		       bridge, bridge);
}
