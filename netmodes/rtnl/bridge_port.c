/* A bridge port's group_fwd_mask (see bridge_port.h): one RTM_NEWLINK of its slave data. */
#include "netmodes/rtnl/bridge_port.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include <netlink/msg.h>

#include "netmodes/rtnl/rtnl.h"

struct fwd_query {
	int ifindex;
	uint16_t mask;
};

static int fwd_msg(struct nl_msg *msg, void *arg)
{
	struct fwd_query *q = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ifinfomsg *ifi = nlmsg_data(h);
	struct nlattr *info, *data, *a;

	if (h->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != q->ifindex ||
	    !(info = nlmsg_find_attr(h, sizeof(*ifi), IFLA_LINKINFO)) ||
	    !(data = nla_find(nla_data(info), nla_len(info), IFLA_INFO_SLAVE_DATA)) ||
	    !(a = nla_find(nla_data(data), nla_len(data), IFLA_BRPORT_GROUP_FWD_MASK)))
		return NL_OK;
	q->mask = nla_get_u16(a);
	return NL_OK;
}

int rt_port_group_fwd(struct rt_conn *sk, int ifindex, uint16_t *ret, struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_ACK); /* one link, then the ack */
	struct fwd_query q = { .ifindex = ifindex };
	int rc;

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	rc = rt_dump(sk, msg, fwd_msg, NULL, &q, e);
	nlmsg_free(msg);
	if (rc == 0)
		*ret = q.mask;
	return rc;
}

struct fwd_op {
	struct rt_conn *sk;
	int ifindex;
	char dev[IFNAMSIZ];
	uint16_t from, to;
};

static int fwd_set(const struct fwd_op *o, uint16_t mask, struct nm_err *e)
{
	return rt_bridge_attr_set(o->sk, o->ifindex, true, IFLA_BRPORT_GROUP_FWD_MASK, &mask,
				  sizeof(mask), e);
}

static int fwd_apply(struct op *op, struct nm_err *e)
{
	const struct fwd_op *o = op->data;
	struct nm_err le = { "" };
	int rc = fwd_set(o, o->to, &le);

	return rc < 0 ? nm_fail(e, rc, "%s: %s", o->dev, le.msg) : 0;
}

static int fwd_undo(struct op *op, struct nm_err *e)
{
	const struct fwd_op *o = op->data;
	int rc = fwd_set(o, o->from, e);

	return rc == -ENODEV || rc == -EOPNOTSUPP ? 0 : rc; /* gone, or no port any more */
}

static void fwd_describe(const struct op *op, FILE *out)
{
	const struct fwd_op *o = op->data;

	fprintf(out, "ip link set dev %s type bridge_slave group_fwd_mask %#x\n", o->dev, (unsigned)o->to);
}

static const struct op_type fwd_type = {
	.name = "set group_fwd_mask", .apply = fwd_apply, .undo = fwd_undo, .describe = fwd_describe,
};

static int kept_apply(struct op *op, struct nm_err *e)
{
	(void)op;
	(void)e;
	return 0;
}

static void kept_describe(const struct op *op, FILE *out)
{
	(void)op;
	(void)out; /* no change: only its undo does something */
}

static const struct op_type kept_type = {
	.name = "keep group_fwd_mask", .apply = kept_apply, .undo = fwd_undo, .describe = kept_describe,
};

int op_port_group_fwd_kept(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev, uint16_t now)
{
	struct fwd_op *o;

	if (!now)
		return 0; /* what the port gets on joining again */
	if (!(o = calloc(1, sizeof(*o))))
		return -ENOMEM;
	*o = (struct fwd_op){ .sk = sk, .ifindex = ifindex, .from = now, .to = now };
	snprintf(o->dev, sizeof(o->dev), "%s", dev);
	return plan_add(p, &kept_type, o);
}

int plan_port_group_fwd(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev, uint16_t now,
			bool filtered)
{
	/* an unfiltered port's mask is left as it is, unless it is the one a filter made */
	uint16_t to = filtered ? PORT_FWD_ALL_GROUPS : now == PORT_FWD_ALL_GROUPS ? 0 : now;
	struct fwd_op *o;

	if (to == now)
		return 0;
	if (!(o = calloc(1, sizeof(*o))))
		return -ENOMEM;
	*o = (struct fwd_op){ .sk = sk, .ifindex = ifindex, .from = now, .to = to };
	snprintf(o->dev, sizeof(o->dev), "%s", dev);
	return plan_add(p, &fwd_type, o);
}
