#include "link_ops.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>
#include <netlink/route/link.h>

enum link_change { CH_NAME, CH_UP, CH_ARP, CH_MAC, CH_MTU, CH_MASTER, CH_ALIAS };

struct link_op {
	struct nl_sock *sk;
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
	struct link_info li;
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

static struct link_op *link_op_new(struct nl_sock *sk, int ifindex, const char *name,
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

int op_link_rename(struct plan *p, struct nl_sock *sk, int ifindex, const char *from,
		   const char *to)
{
	struct link_op *o = link_op_new(sk, ifindex, from, CH_NAME);

	if (!o)
		return -ENOMEM;
	snprintf(o->u.rename.to, sizeof(o->u.rename.to), "%s", to);
	return plan_add(p, &rename_type, o);
}

int op_link_set_up(struct plan *p, struct nl_sock *sk, int ifindex, const char *name, bool up)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_UP);

	if (!o)
		return -ENOMEM;
	o->u.up = up;
	return plan_add(p, up ? &up_type : &down_type, o);
}

int op_link_set_arp(struct plan *p, struct nl_sock *sk, int ifindex, const char *name, bool on)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_ARP);

	if (!o)
		return -ENOMEM;
	o->u.arp = on;
	return plan_add(p, &arp_type, o);
}

int op_link_set_mac(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
		    const struct mac_addr *mac, const struct mac_addr *old)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_MAC);

	if (!o)
		return -ENOMEM;
	o->u.mac.now = *mac;
	o->u.mac.old = *old;
	return plan_add(p, &mac_type, o);
}

int op_link_set_mtu(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
		    unsigned mtu, unsigned old)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_MTU);

	if (!o)
		return -ENOMEM;
	o->u.mtu.now = mtu;
	o->u.mtu.old = old;
	return plan_add(p, &mtu_type, o);
}

int op_link_set_master(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
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

int op_link_set_alias(struct plan *p, struct nl_sock *sk, int ifindex, const char *name,
		      const char *alias, const char *old)
{
	struct link_op *o = link_op_new(sk, ifindex, name, CH_ALIAS);

	if (!o)
		return -ENOMEM;
	snprintf(o->u.alias.now, sizeof(o->u.alias.now), "%s", alias);
	snprintf(o->u.alias.old, sizeof(o->u.alias.old), "%s", old);
	return plan_add(p, alias[0] ? &claim_type : &unclaim_type, o);
}

/* Addresses */

struct addr_op {
	struct nl_sock *sk;
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

int addr_set_query(struct nl_sock *sk, int ifindex, struct addr_set *ret, struct nm_err *e)
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

int op_addr_flush(struct plan *p, struct nl_sock *sk, const char *name, struct addr_set *s)
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
