#include "netmodes/rtnl/links.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>
#include <netlink/route/link.h>

#include "netmodes/rtnl/rtnl.h"

/* Queries */

static void link_info_from(struct rtnl_link *l, struct link_info *ret)
{
	struct nl_addr *a = rtnl_link_get_addr(l);
	const char *type = rtnl_link_get_type(l);

	memset(ret, 0, sizeof(*ret));
	ret->ifindex = rtnl_link_get_ifindex(l);
	snprintf(ret->name, sizeof(ret->name), "%s", rtnl_link_get_name(l));
	ret->mtu = rtnl_link_get_mtu(l);
	if (a && nl_addr_get_len(a) == MAC_LEN)
		memcpy(ret->mac.b, nl_addr_get_binary_addr(a), MAC_LEN);
	ret->up = rtnl_link_get_flags(l) & IFF_UP;
	ret->noarp = rtnl_link_get_flags(l) & IFF_NOARP;
	ret->master = rtnl_link_get_master(l);
	ret->is_bridge = type && !strcmp(type, "bridge");
	snprintf(ret->alias, sizeof(ret->alias), "%s",
		 rtnl_link_get_ifalias(l) ? rtnl_link_get_ifalias(l) : "");
}

int rt_link_get(struct rt_conn *sk, int ifindex, const char *name, struct link_info *ret,
		struct nm_err *e)
{
	struct rtnl_link *l = NULL;
	int rc;

	rc = rt_link_get_kernel(sk, ifindex, ifindex ? NULL : name, &l);
	if (rc < 0) {
		rc = rt_errno(rc);
		if (rc == -ENODEV)
			return nm_fail(e, rc, "no such device %s", name ? name : "");
		return nm_fail(e, rc, "cannot read link %s: %s", name ? name : "", strerror(-rc));
	}
	link_info_from(l, ret);
	rtnl_link_put(l);
	return 0;
}

static void pick_bridge_obj(struct nl_object *obj, void *arg)
{
	struct link_info *best = arg, li;

	link_info_from((struct rtnl_link *)obj, &li);
	if (li.is_bridge && (!best->ifindex || strcmp(li.name, best->name) < 0))
		*best = li;
}

static int pick_bridge(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_type == RTM_NEWLINK ? rt_parse(msg, pick_bridge_obj, arg)
							  : NL_OK;
}

static void forget_bridge(void *arg)
{
	memset(arg, 0, sizeof(struct link_info));
}

int rt_dump_bridges(struct rt_conn *sk, int (*fn)(struct nl_msg *, void *), void (*restart)(void *),
		    void *arg, struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	struct nlattr *info;
	int rc;

	/* With strict checking the kernel returns only bridges. */
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0) {
		nlmsg_free(msg);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	nla_nest_end(msg, info);
	rc = rt_dump(sk, msg, fn, restart, arg, e);
	nlmsg_free(msg);
	return rc;
}

int rt_first_bridge(struct rt_conn *sk, struct link_info *ret, struct nm_err *e)
{
	struct link_info best = { 0 };
	int rc = rt_dump_bridges(sk, pick_bridge, forget_bridge, &best, e);

	if (rc < 0)
		return rc;
	if (!best.ifindex)
		return -ENODEV;
	*ret = best;
	return 0;
}

/* Changes */

enum link_change { CH_NAME, CH_UP, CH_ARP, CH_MAC, CH_MTU, CH_MASTER, CH_ALIAS };

struct link_op {
	struct rt_conn *sk;
	int ifindex;
	char name[IFNAMSIZ];
	enum link_change what;
	union {
		struct {
			char to[IFNAMSIZ];
		} rename;
		bool up;
		bool arp;
		struct {
			struct mac_addr now, old;
		} mac;
		struct {
			unsigned now, old;
		} mtu;
		struct {
			int now, old;
			char now_name[IFNAMSIZ], old_name[IFNAMSIZ];
		} master;
		struct {
			char now[128], old[128];
		} alias;
	} u;
};

/*
 * A link the plan creates has no index while planning: such operations
 * carry index 0 and find the link (and a master named the same way) by
 * name when they run.
 */
static int resolve(struct link_op *o, struct nm_err *e)
{
	/* Zeroed for clang's analyzer, which sees rt_link_get here but not that rt_errno is never 0. */
	struct link_info li = { 0 };
	int rc;

	if (!o->ifindex) {
		if ((rc = rt_link_get(o->sk, 0, o->name, &li, e)) < 0)
			return rc;
		o->ifindex = li.ifindex;
	}
	if (o->what == CH_MASTER && !o->u.master.now && o->u.master.now_name[0]) {
		if ((rc = rt_link_get(o->sk, 0, o->u.master.now_name, &li, e)) < 0)
			return rc;
		o->u.master.now = li.ifindex;
	}
	return 0;
}

/* Sends one RTM_NEWLINK for ifindex carrying only o's one change (o->what), or its
 * reverse when undo. */
static int link_change(struct link_op *o, bool undo, struct nm_err *e)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *ch = rtnl_link_alloc();
	struct nl_addr *mac = NULL;
	struct nl_msg *msg = NULL;
	int rc = -ENOMEM;

	if (!orig || !ch)
		goto out;
	if ((rc = resolve(o, e)) < 0)
		goto out;
	rc = -ENOMEM;
	rtnl_link_set_ifindex(orig, o->ifindex);
	switch (o->what) {
	case CH_NAME:
		rtnl_link_set_name(ch, undo ? o->name : o->u.rename.to);
		break;
	case CH_UP:
		if (o->u.up != undo)
			rtnl_link_set_flags(ch, IFF_UP);
		else
			rtnl_link_unset_flags(ch, IFF_UP);
		break;
	case CH_ARP:
		if (o->u.arp != undo)
			rtnl_link_unset_flags(ch, IFF_NOARP);
		else
			rtnl_link_set_flags(ch, IFF_NOARP);
		break;
	case CH_MAC:
		mac = nl_addr_build(AF_LLC, undo ? o->u.mac.old.b : o->u.mac.now.b, MAC_LEN);
		if (!mac)
			goto out;
		rtnl_link_set_addr(ch, mac);
		break;
	case CH_MTU:
		rtnl_link_set_mtu(ch, undo ? o->u.mtu.old : o->u.mtu.now);
		break;
	case CH_MASTER:
		rtnl_link_set_master(ch, undo ? o->u.master.old : o->u.master.now);
		break;
	case CH_ALIAS:
		/* "" clears it: the kernel then reports no alias at all. */
		rtnl_link_set_ifalias(ch, undo ? o->u.alias.old : o->u.alias.now);
		if (!rtnl_link_get_ifalias(ch))
			goto out;
		break;
	}
	rc = rtnl_link_build_change_request(orig, ch, 0, &msg);
	if (rc < 0) {
		rc = rt_errno(rc);
		goto out;
	}
	rc = rt_talk(o->sk, msg, e);
out:
	if (rc == -ENOMEM && !e->msg[0])
		nm_fail(e, rc, "out of memory");
	nlmsg_free(msg);
	nl_addr_put(mac);
	rtnl_link_put(orig);
	rtnl_link_put(ch);
	return rc;
}

static int link_apply(struct op *op, struct nm_err *e)
{
	struct link_op *o = op->data;
	struct nm_err le = { "" };
	int rc = link_change(o, false, &le);

	return rc < 0 ? nm_fail(e, rc, "%s: %s", o->name, le.msg) : 0;
}

static int link_undo(struct op *op, struct nm_err *e)
{
	struct link_op *o = op->data;

	return link_change(o, true, e);
}

static void link_describe(const struct op *op, FILE *out)
{
	const struct link_op *o = op->data;
	char mac[MAC_STR_LEN];

	fprintf(out, "ip link set dev %s ", o->name);
	switch (o->what) {
	case CH_NAME:
		fprintf(out, "name %s\n", o->u.rename.to);
		break;
	case CH_UP:
		fprintf(out, "%s\n", o->u.up ? "up" : "down");
		break;
	case CH_ARP:
		fprintf(out, "arp %s\n", o->u.arp ? "on" : "off");
		break;
	case CH_MAC:
		fprintf(out, "address %s\n", mac_format(&o->u.mac.now, mac));
		break;
	case CH_MTU:
		fprintf(out, "mtu %u\n", o->u.mtu.now);
		break;
	case CH_MASTER:
		if (o->u.master.now || o->u.master.now_name[0])
			fprintf(out, "master %s\n", o->u.master.now_name);
		else
			fprintf(out, "nomaster\n");
		break;
	case CH_ALIAS:
		fprintf(out, "alias %s\n", o->u.alias.now[0] ? o->u.alias.now : "\"\"");
		break;
	}
}

#define LINK_OP_TYPE(id, step)                                                                   \
	static const struct op_type id = {                                                       \
		.name = (step), .apply = link_apply, .undo = link_undo, .describe = link_describe, \
	}

LINK_OP_TYPE(rename_type, "rename");
LINK_OP_TYPE(up_type, "link up");
LINK_OP_TYPE(down_type, "link down");
LINK_OP_TYPE(arp_type, "set ARP");
LINK_OP_TYPE(mac_type, "set MAC address");
LINK_OP_TYPE(mtu_type, "set MTU");
LINK_OP_TYPE(enslave_type, "enslave to bridge");
LINK_OP_TYPE(release_type, "release from bridge");
LINK_OP_TYPE(claim_type, "claim");
LINK_OP_TYPE(unclaim_type, "give up claim");

static struct link_op *link_op_new(struct rt_conn *sk, int ifindex, const char *name,
				   enum link_change what)
{
	struct link_op *o = calloc(1, sizeof(*o));

	if (o) {
		o->sk = sk;
		o->ifindex = ifindex;
		o->what = what;
		snprintf(o->name, sizeof(o->name), "%s", name);
	}
	return o;
}

int op_link_rename(struct plan *p, struct rt_conn *sk, int ifindex, const char *from,
		   const char *to)
{
	struct link_op *o = link_op_new(sk, ifindex, from, CH_NAME);

	if (!o)
		return -ENOMEM;
	snprintf(o->u.rename.to, sizeof(o->u.rename.to), "%s", to);
	return plan_add(p, &rename_type, o);
}

int op_link_set_up(struct plan *p, struct rt_conn *sk, int ifindex, const char *name, bool up)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_UP);

	if (!o)
		return -ENOMEM;
	o->u.up = up;
	return plan_add(p, up ? &up_type : &down_type, o);
}

/*
 * Takes the link down again if something raised it: applied after a step of
 * another process's that may, and undone before it in a rollback. A link
 * already gone is down enough.
 */
static int keep_down(struct op *op, struct nm_err *e)
{
	struct link_op *o = op->data;
	struct link_info li = { 0 };
	int rc = rt_link_get(o->sk, o->ifindex, o->name, &li, NULL);

	if (rc == -ENODEV || (rc == 0 && !li.up))
		return 0;
	return rc < 0 ? nm_fail(e, rc, "%s: cannot read its link", o->name) : link_apply(op, e);
}

/* It changes nothing the call asked for: a dry run has nothing to show. */
static void keep_down_describe(const struct op *op, FILE *out)
{
	(void)op;
	(void)out;
}

static const struct op_type keep_down_type = {
	.name = "keep link down", .apply = keep_down, .undo = keep_down, .describe = keep_down_describe,
};

int op_link_keep_down(struct plan *p, struct rt_conn *sk, int ifindex, const char *name)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_UP);

	if (!o)
		return -ENOMEM;
	o->u.up = false;
	return plan_add(p, &keep_down_type, o);
}

int op_link_set_arp(struct plan *p, struct rt_conn *sk, int ifindex, const char *name, bool on)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_ARP);

	if (!o)
		return -ENOMEM;
	o->u.arp = on;
	return plan_add(p, &arp_type, o);
}

int op_link_set_mac(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		    const struct mac_addr *mac, const struct mac_addr *old)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_MAC);

	if (!o)
		return -ENOMEM;
	o->u.mac.now = *mac;
	o->u.mac.old = *old;
	return plan_add(p, &mac_type, o);
}

int op_link_set_mtu(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		    unsigned mtu, unsigned old)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_MTU);

	if (!o)
		return -ENOMEM;
	o->u.mtu.now = mtu;
	o->u.mtu.old = old;
	return plan_add(p, &mtu_type, o);
}

int op_link_set_master(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		       int master, const char *master_name, int old, const char *old_name)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_MASTER);

	if (!o)
		return -ENOMEM;
	o->u.master.now = master;
	o->u.master.old = old;
	snprintf(o->u.master.now_name, IFNAMSIZ, "%s", master_name);
	snprintf(o->u.master.old_name, IFNAMSIZ, "%s", old_name);
	return plan_add(p, master || master_name[0] ? &enslave_type : &release_type, o);
}

int op_link_set_alias(struct plan *p, struct rt_conn *sk, int ifindex, const char *name,
		      const char *alias, const char *old)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_ALIAS);

	if (!o)
		return -ENOMEM;
	snprintf(o->u.alias.now, sizeof(o->u.alias.now), "%s", alias);
	snprintf(o->u.alias.old, sizeof(o->u.alias.old), "%s", old);
	return plan_add(p, alias[0] ? &claim_type : &unclaim_type, o);
}

/* Bridges */

struct bridge_op {
	struct rt_conn *sk;
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

static int bridge_op(struct plan *p, struct rt_conn *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu, bool create)
{
	struct bridge_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	*o = (struct bridge_op){ .sk = sk, .mac = *mac, .mtu = mtu, .create = create };
	snprintf(o->name, sizeof(o->name), "%s", name);
	return plan_add(p, &bridge_type, o);
}

int op_bridge_create(struct plan *p, struct rt_conn *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu)
{
	return bridge_op(p, sk, name, mac, mtu, true);
}

int op_bridge_delete(struct plan *p, struct rt_conn *sk, const char *name,
		     const struct mac_addr *mac, unsigned mtu)
{
	return bridge_op(p, sk, name, mac, mtu, false);
}
