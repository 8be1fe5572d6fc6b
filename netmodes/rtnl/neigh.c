#include "netmodes/rtnl/neigh.h"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/route/neighbour.h>

#include "netmodes/rtnl/rtnl.h"

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

static void neigh_describe(const struct op *op, FILE *out)
{
	const struct rt_op *o = op->data;
	char pfx[PREFIX_STR_LEN], *slash;

	prefix_format(&o->p, pfx);
	if ((slash = strchr(pfx, '/')))
		*slash = '\0';
	fprintf(out, "ip%s neigh %s proxy %s dev %s\n", o->p.family == AF_INET6 ? " -6" : "",
		o->add ? "replace" : "del", pfx, o->dev);
}

static const struct op_type neigh_type = {
	.name = "proxy neighbour", .apply = rt_apply, .undo = rt_undo, .describe = neigh_describe,
};

int op_neigh_proxy(struct plan *p, struct rt_conn *sk, bool add, int ifindex, const char *dev,
		   const struct prefix *addr)
{
	struct rt_op o = { .sk = sk, .build = build_neigh, .add = add, .ifindex = ifindex, .p = *addr };

	snprintf(o.dev, sizeof(o.dev), "%s", dev);
	return rt_op_add(p, &neigh_type, &o);
}

static int proxy_found(struct nl_msg *msg, void *arg)
{
	if (nlmsg_hdr(msg)->nlmsg_type == RTM_NEWNEIGH)
		*(bool *)arg = true;
	return NL_OK;
}

bool rt_has_proxy(struct rt_conn *sk, int ifindex, const struct prefix *addr)
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
