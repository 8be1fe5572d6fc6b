#include "network_route.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/route/route.h>

#include "nft_port.h"
#include "port_filter_ops.h"
#include "route_ops.h"
#include "rtnl.h"
#include "state_ops.h"
#include "sysctl_ops.h"

/* Keys in the state file besides the saved sysctls, which are stored as "sysctl:KEY". */
#define ST_NETDEV "netdev"
#define ST_ANTISPOOF "antispoof"
#define ST_TABLE "table-created"
#define ST_SYSCTL "sysctl:"

int network_route_netdev(struct nl_sock *sk, const char *given, char ret[IFNAMSIZ],
			 bool *ret_antispoof, struct nm_err *e)
{
	struct state st;
	const char *v;
	int rc = state_load(NETWORK_ROUTE_STATE, &st, e);

	if (rc < 0 && rc != -ENOENT)
		return rc;
	*ret_antispoof = rc == -ENOENT || !(v = state_get(&st, ST_ANTISPOOF)) || strcmp(v, "no");
	if (given && *given) {
		snprintf(ret, IFNAMSIZ, "%s", given);
		return 0;
	}
	if (rc == 0 && (v = state_get(&st, ST_NETDEV))) {
		snprintf(ret, IFNAMSIZ, "%s", v);
		return 0;
	}
	rc = rt_default_route_dev(sk, ret, e);
	if (rc == -ENOENT)
		snprintf(ret, IFNAMSIZ, "eth0");
	return rc == -ENOENT ? 0 : rc;
}

/* Sets key to value, remembering the value it had for stop. */
static int plan_sysctl(struct plan *p, struct state *st, const char *key, const char *value,
		       struct nm_err *e)
{
	char old[32], skey[STATE_KEY_LEN];
	int rc = sysctl_read(key, old, sizeof(old), e);

	if (rc < 0)
		return rc;
	snprintf(skey, sizeof(skey), ST_SYSCTL "%s", key);
	if (state_set(st, skey, old) < 0)
		return nm_fail(e, -E2BIG, "too much state to record");
	return op_sysctl(p, key, value) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
}

static int plan_start(const struct network_request *r, struct nl_sock *sk, struct plan *p,
		      struct nm_err *e)
{
	struct state st = { 0 };
	struct link_info li;
	char netdev[IFNAMSIZ], key[64];
	bool unused;
	int rc = state_load(NETWORK_ROUTE_STATE, &st, e);

	if (rc == 0)
		return 0; /* started already: start twice changes nothing */
	if (rc != -ENOENT)
		return rc;
	if ((rc = network_route_netdev(sk, r->netdev, netdev, &unused, e)) < 0)
		return rc;
	if ((rc = rt_link_get(sk, 0, netdev, &li, e)) < 0)
		return rc == -ENODEV ? nm_fail(e, rc, "netdev %s does not exist", netdev) : rc;
	state_set(&st, ST_NETDEV, netdev);
	state_set(&st, ST_ANTISPOOF, r->antispoof ? "yes" : "no");
	if ((rc = plan_sysctl(p, &st, "net/ipv4/ip_forward", "1", e)) < 0)
		return rc;
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/proxy_arp", netdev);
	if ((rc = plan_sysctl(p, &st, key, "1", e)) < 0)
		return rc;
	if (sysctl_exists("net/ipv6/conf/all/forwarding")) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/proxy_ndp", netdev);
		if ((rc = plan_sysctl(p, &st, "net/ipv6/conf/all/forwarding", "1", e)) < 0 ||
		    (rc = plan_sysctl(p, &st, key, "1", e)) < 0)
			return rc;
	}
	if (r->antispoof) {
		if ((rc = nft_port_table_exists(PORT_ROUTED, e)) < 0)
			return rc;
		if (!rc) {
			state_set(&st, ST_TABLE, "yes");
			if (op_port_table(p, PORT_ROUTED, true) < 0)
				return nm_fail(e, -ENOMEM, "out of memory");
		}
	}
	return op_state_save(p, NETWORK_ROUTE_STATE, &st) < 0 ? nm_fail(e, -ENOMEM, "out of memory")
							       : 0;
}

static int plan_stop(struct nl_sock *sk, struct plan *p, struct nm_err *e)
{
	struct state st;
	int rc = state_load(NETWORK_ROUTE_STATE, &st, e);

	(void)sk;
	if (rc == -ENOENT)
		return 0; /* not started: nothing to undo */
	if (rc < 0)
		return rc;
	/* In reverse of start, each parameter back to what it was. */
	for (size_t i = st.n; i-- > 0 && !rc;)
		if (!strncmp(st.kv[i].key, ST_SYSCTL, strlen(ST_SYSCTL)) &&
		    sysctl_exists(st.kv[i].key + strlen(ST_SYSCTL)))
			rc = op_sysctl(p, st.kv[i].key + strlen(ST_SYSCTL), st.kv[i].value);
	if (!rc && state_get(&st, ST_TABLE))
		rc = op_port_table(p, PORT_ROUTED, false);
	if (!rc)
		rc = op_state_remove(p, NETWORK_ROUTE_STATE, &st);
	return rc < 0 ? nm_fail(e, rc, "out of memory") : 0;
}

int network_route_plan(const struct network_request *r, struct nl_sock *sk, struct plan *p,
		       struct nm_err *e)
{
	return r->cmd == NET_START ? plan_start(r, sk, p, e) : plan_stop(sk, p, e);
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
	if (nlmsg_hdr(msg)->nlmsg_type == RTM_NEWROUTE)
		(void)nl_msg_parse(msg, collect_route, arg);
	return NL_OK;
}

/* Our routes only: with strict checking the kernel filters on the protocol. */
static int routed_vifs(struct nl_sock *sk, struct routed *rs, struct nm_err *e)
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
		rc = rt_dump(sk, msg, collect_route_msg, rs, e);
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

static void print_text(const struct state *st, bool started, const struct routed *rs, FILE *out)
{
	fprintf(out, "network-route: %s\n", started ? "started" : "not started");
	if (started) {
		fprintf(out, "  netdev: %s\n", state_get(st, ST_NETDEV));
		fprintf(out, "  anti-spoofing: %s\n", state_get(st, ST_ANTISPOOF));
	}
	for (size_t i = 0; i < st->n; i++) {
		const char *key = st->kv[i].key + strlen(ST_SYSCTL);
		char now[32] = "?";
		if (strncmp(st->kv[i].key, ST_SYSCTL, strlen(ST_SYSCTL)))
			continue;
		(void)sysctl_read(key, now, sizeof(now), NULL);
		fprintf(out, "  %s = %s (before start: %s)\n", key, now, st->kv[i].value);
	}
	fprintf(out, "routed vifs:%s\n", rs->n ? "" : " none");
	for (size_t i = 0; i < rs->n; i++)
		fprintf(out, "  %s: %s\n", rs->v[i].name, rs->v[i].addrs);
}

static void print_json(const struct state *st, bool started, const struct routed *rs, FILE *out)
{
	const char *sep = "";

	fprintf(out, "{\"started\": %s", started ? "true" : "false");
	if (started)
		fprintf(out, ", \"netdev\": \"%s\", \"antispoof\": %s", state_get(st, ST_NETDEV),
			strcmp(state_get(st, ST_ANTISPOOF), "no") ? "true" : "false");
	fprintf(out, ", \"sysctl\": {");
	for (size_t i = 0; i < st->n; i++) {
		const char *key = st->kv[i].key + strlen(ST_SYSCTL);
		char now[32] = "";
		if (strncmp(st->kv[i].key, ST_SYSCTL, strlen(ST_SYSCTL)))
			continue;
		(void)sysctl_read(key, now, sizeof(now), NULL);
		fprintf(out, "%s\"%s\": {\"value\": \"%s\", \"before\": \"%s\"}", sep, key, now,
			st->kv[i].value);
		sep = ", ";
	}
	fprintf(out, "}, \"vifs\": {");
	for (size_t i = 0; i < rs->n; i++) {
		char addrs[sizeof(rs->v[i].addrs)], *tok, *save = NULL;
		fprintf(out, "%s\"%s\": [", i ? ", " : "", rs->v[i].name);
		snprintf(addrs, sizeof(addrs), "%s", rs->v[i].addrs);
		sep = "";
		for (tok = strtok_r(addrs, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			fprintf(out, "%s\"%s\"", sep, tok);
			sep = ", ";
		}
		fprintf(out, "]");
	}
	fprintf(out, "}}\n");
}

int network_route_status(const struct network_request *r, struct nl_sock *sk, FILE *out,
			 struct nm_err *e)
{
	struct state st = { 0 };
	struct routed rs = { 0 };
	int rc = state_load(NETWORK_ROUTE_STATE, &st, e);

	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (rc == -ENOENT)
		st.n = 0;
	if ((rc = routed_vifs(sk, &rs, e)) < 0)
		return rc;
	(r->json ? print_json : print_text)(&st, st.n > 0, &rs, out);
	return 0;
}
