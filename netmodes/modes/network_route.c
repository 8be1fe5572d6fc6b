#include "netmodes/rtnl/links.h"
#include "netmodes/modes/network.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/route/route.h>

#include "netmodes/rtnl/routes.h"
#include "netmodes/rtnl/rtnl.h"
#include "netmodes/host/state_ops.h"
#include "netmodes/host/sysctls.h"
#include "netmodes/rtnl/uplink.h"

#define ST_NETDEV "netdev"
#define ST_ANTISPOOF "antispoof"

static int plan_start(const struct network_request *r, struct mode_ctx *c, struct plan *p,
		      struct nm_err *e)
{
	struct network_state peer;
	struct state st = { 0 };
	char netdev[IFNAMSIZ], key[64];
	int rc = network_start_uplink(c, NETWORK_ROUTE_STATE, r->netdev, netdev, e);

	if (rc != 0)
		return rc < 0 ? rc : 0; /* start twice changes nothing */
	if ((rc = network_state_load(c->env->run_dir, NETWORK_NAT_STATE, &peer, e)) < 0)
		return rc;
	state_set(&st, ST_NETDEV, netdev);
	state_set(&st, ST_ANTISPOOF, r->antispoof ? "yes" : "no");
	if ((rc = network_plan_sysctl(p, &st, &peer, "net/ipv4/ip_forward", "1", e)) < 0)
		return rc;
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/proxy_arp", netdev);
	if ((rc = network_plan_sysctl(p, &st, &peer, key, "1", e)) < 0)
		return rc;
	if (sysctl_exists("net/ipv6/conf/all/forwarding")) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/proxy_ndp", netdev);
		if ((rc = network_plan_sysctl(p, &st, &peer, "net/ipv6/conf/all/forwarding", "1", e)) < 0 ||
		    (rc = network_plan_sysctl(p, &st, &peer, key, "1", e)) < 0)
			return rc;
	}
	if (r->antispoof && (rc = network_plan_routed_table(p, c->nft, &st, &peer, e)) < 0)
		return rc;
	return op_state_save(p, c->env->run_dir, NETWORK_ROUTE_STATE, &st) < 0 ? nm_fail(e, -ENOMEM, "out of memory")
							       : 0;
}

/* What network-nat still holds stays: see network.h. */
static int plan_stop(struct mode_ctx *c, struct plan *p, struct nm_err *e)
{
	struct network_state ns, peer;
	int rc = network_load_shared(c, NETWORK_ROUTE_STATE, &ns, &peer, e);

	if (rc < 0 || !ns.started)
		return rc; /* not started: nothing to undo */
	if (network_plan_restore(p, &ns.st, &peer) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	return network_plan_forget(p, c, NETWORK_ROUTE_STATE, &ns, &peer, e);
}

int network_route_plan(const struct network_request *r, struct mode_ctx *c, struct plan *p,
		       struct nm_err *e)
{
	return r->cmd == NET_START ? plan_start(r, c, p, e) : plan_stop(c, p, e);
}

/* Status */

struct routed_vif {
	char name[IFNAMSIZ];
	int ifindex;
	char addrs[MAX_PREFIXES * PREFIX_STR_LEN];
};

struct routed {
	struct routed_vif v[256];
	size_t n;
	/* Before the current family's dump: how many vifs, how long each one's addrs. */
	size_t mark_n, mark_len[256];
};

static void collect_route(struct nl_object *obj, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	struct routed *rs = arg;
	struct rtnl_nexthop *nh;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	char buf[PREFIX_STR_LEN];
	size_t i;
	int idx;

	if (rtnl_route_get_protocol(rt) != XNM_RTPROT || !dst ||
	    rtnl_route_get_nnexthops(rt) < 1 || !(nh = rtnl_route_nexthop_n(rt, 0)))
		return;
	idx = rtnl_route_nh_get_ifindex(nh);
	for (i = 0; i < rs->n && rs->v[i].ifindex != idx; i++)
		;
	if (i == rs->n) {
		if (i == sizeof(rs->v) / sizeof(rs->v[0]))
			return;
		rs->v[rs->n].ifindex = idx;
		rs->v[rs->n++].addrs[0] = '\0';
	}
	nl_addr2str(dst, buf, sizeof(buf));
	if (!strchr(buf, '/'))
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u",
			 nl_addr_get_prefixlen(dst));
	size_t len = strlen(rs->v[i].addrs);
	snprintf(rs->v[i].addrs + len, sizeof(rs->v[i].addrs) - len, "%s%s", len ? " " : "", buf);
}

static int collect_route_msg(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_type == RTM_NEWROUTE ? rt_parse(msg, collect_route, arg) : NL_OK;
}

static void collect_route_restart(void *arg)
{
	struct routed *rs = arg;

	rs->n = rs->mark_n;
	for (size_t i = 0; i < rs->n; i++)
		rs->v[i].addrs[rs->mark_len[i]] = '\0';
}

/* Our routes only: with strict checking the kernel filters on the protocol. */
static int routed_vifs(struct rt_conn *sk, struct routed *rs, struct nm_err *e)
{
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t f = 0; f < 2; f++) {
		struct rtmsg rtm = { .rtm_family = (unsigned char)families[f],
				     .rtm_protocol = XNM_RTPROT };
		struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);
		int rc;
		if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0) {
			nlmsg_free(msg);
			return nm_fail(e, -ENOMEM, "out of memory");
		}
		rs->mark_n = rs->n;
		for (size_t i = 0; i < rs->n; i++)
			rs->mark_len[i] = strlen(rs->v[i].addrs);
		rc = rt_dump(sk, msg, collect_route_msg, collect_route_restart, rs, e);
		nlmsg_free(msg);
		if (rc < 0)
			return rc;
	}
	/* Names only now: the socket can take no other request in the middle of a dump. */
	for (size_t i = 0; i < rs->n; i++) {
		struct link_info li;
		snprintf(rs->v[i].name, IFNAMSIZ, "%s",
			 rt_link_get(sk, rs->v[i].ifindex, NULL, &li, NULL) == 0 ? li.name : "?");
	}
	return 0;
}

static int print_text(struct mode_ctx *c, const struct network_state *ns,
		      const struct network_state *peer, const struct routed *rs, FILE *out,
		      struct nm_err *e)
{
	struct rt_conn *sk = c->nl;
	int rc;

	fprintf(out, "network-route: %s\n", ns->started ? "started" : "not started");
	if (ns->started) {
		fprintf(out, "  netdev: %s\n", network_state_get(ns, ST_NETDEV, "?"));
		uplink_status(sk, network_state_get(ns, ST_NETDEV, ""), false, out);
		fprintf(out, "  anti-spoofing: %s\n", network_state_get(ns, ST_ANTISPOOF, "?"));
	}
	if ((rc = network_print_table(c, NETWORK_ROUTE_STATE, ns, peer, false, out, e)) < 0)
		return rc;
	network_print_sysctls(NETWORK_ROUTE_STATE, ns, peer, false, out);
	fprintf(out, "routed vifs:%s\n", rs->n ? "" : " none");
	for (size_t i = 0; i < rs->n; i++)
		fprintf(out, "  %s: %s\n", rs->v[i].name, rs->v[i].addrs);
	return 0;
}

static int print_json(struct mode_ctx *c, const struct network_state *ns,
		      const struct network_state *peer, const struct routed *rs, FILE *out,
		      struct nm_err *e)
{
	struct rt_conn *sk = c->nl;
	int rc;

	fprintf(out, "{\"started\": %s", ns->started ? "true" : "false");
	if (ns->started) {
		fprintf(out, ", \"netdev\": \"%s\", \"antispoof\": %s",
			network_state_get(ns, ST_NETDEV, ""),
			strcmp(network_state_get(ns, ST_ANTISPOOF, "yes"), "no") ? "true" : "false");
		uplink_status(sk, network_state_get(ns, ST_NETDEV, ""), true, out);
	}
	fprintf(out, ", ");
	if ((rc = network_print_table(c, NETWORK_ROUTE_STATE, ns, peer, true, out, e)) < 0)
		return rc;
	fprintf(out, ", \"sysctl\": {");
	network_print_sysctls(NETWORK_ROUTE_STATE, ns, peer, true, out);
	fprintf(out, "}, \"vifs\": {");
	for (size_t i = 0; i < rs->n; i++) {
		char addrs[sizeof(rs->v[i].addrs)], *tok, *save = NULL;
		const char *sep = "";
		fprintf(out, "%s\"%s\": [", i ? ", " : "", rs->v[i].name);
		snprintf(addrs, sizeof(addrs), "%s", rs->v[i].addrs);
		for (tok = strtok_r(addrs, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			fprintf(out, "%s\"%s\"", sep, tok);
			sep = ", ";
		}
		fprintf(out, "]");
	}
	fprintf(out, "}}\n");
	return 0;
}

int network_route_status(const struct network_request *r, struct mode_ctx *c, FILE *out,
			 struct nm_err *e)
{
	struct network_state ns, peer;
	struct routed rs = { 0 };
	int rc = network_load_shared(c, NETWORK_ROUTE_STATE, &ns, &peer, e);

	if (rc < 0 || (rc = routed_vifs(c->nl, &rs, e)) < 0)
		return rc;
	return (r->json ? print_json : print_text)(c, &ns, &peer, &rs, out, e);
}
