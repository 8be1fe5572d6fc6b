#include "hotplug/network/network_flow.h"

#include <errno.h>
#include <string.h>

#include "netmodes/host/lock.h"
#include "netmodes/netaddr.h"
#include "netmodes/nft/nft_conn.h"
#include "netmodes/rtnl/rtnl.h"
#include "netmodes/vlan_spec.h"
#include "hotplug/call/config.h"
#include "hotplug/call/log.h"
#include "hotplug/call/nft_release.h"
#include "hotplug/call/parse.h"

/* A host-wide change may wait for another one; never as long as a toolstack would. */
#define NETWORK_LOCK_TIMEOUT_MS 30000

static int parse_network_command(const char *s, enum network_command *ret, struct nm_err *e)
{
	static const char *const names[] = { "start", "stop", "status" };
	char q[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*ret = (enum network_command)i;
			return 0;
		}
	}
	return nm_fail(e, -EINVAL, "invalid command \"%s\": expected start, stop or status",
		       quote_value(s, q, sizeof(q)));
}

static bool key_is(const char *key, size_t klen, const char *name)
{
	return strlen(name) == klen && !strncmp(key, name, klen);
}

/* netdev= and antispoof= for every network-*; dhcp= and bridge= where the applet has them. */
static int take_assignment(struct network_request *r, unsigned keys, const char *arg,
			   struct nm_err *e)
{
	const char *key, *val;
	size_t klen;
	char q[64];

	if (parse_assignment(arg, &key, &klen, &val, e) < 0)
		return -EINVAL;
	if (key_is(key, klen, "netdev"))
		return parse_ifname(val, "netdev", r->netdev, e);
	if (key_is(key, klen, "antispoof"))
		return parse_bool(val, "antispoof", &r->antispoof, e);
	if ((keys & NET_KEY_DHCP) && key_is(key, klen, "dhcp"))
		return parse_dhcp_kind(val, &r->dhcp, e);
	if ((keys & NET_KEY_BRIDGE) && key_is(key, klen, "bridge")) {
		r->bridge_null = !strcmp(val, "null");
		return r->bridge_null ? 0 : parse_ifname(val, "bridge", r->bridge, e);
	}
	if ((keys & NET_KEY_BRIDGE) && key_is(key, klen, "vlan_filtering"))
		return parse_bool(val, "vlan_filtering", &r->vlan_filtering, e);
	if ((keys & NET_KEY_BRIDGE) && key_is(key, klen, "vlans")) {
		struct nm_err inner = { "" };
		if (vlan_list_parse(val, &r->vlans, &inner) < 0)
			return nm_fail(e, -EINVAL, "invalid vlans \"%s\": %s",
				       quote_value(val, q, sizeof(q)), inner.msg);
		return 0;
	}
	return nm_fail(e, -EINVAL, "unknown parameter \"%s\": expected netdev%s%s or antispoof",
		       quote_value(arg, q, sizeof(q)), keys & NET_KEY_DHCP ? ", dhcp" : "",
		       keys & NET_KEY_BRIDGE ? ", bridge, vlan_filtering, vlans" : "");
}

static int parse_args(struct network_request *r, unsigned keys, const struct invocation *inv,
		      struct nm_err *e)
{
	struct config conf;

	r->dry_run = inv->dry_run;
	r->json = inv->json;
	if (inv->rc < 0) {
		*e = inv->err;
		return inv->rc;
	}
	if (config_load(inv->env.conf, &conf, e) < 0)
		return -EINVAL;
	r->antispoof = !(keys & NET_ANTISPOOF_OFF);
	r->dhcp = conf.dhcp;
	r->nat_range = conf.nat_range;
	for (unsigned i = 0; i < inv->n_assign; i++)
		if (take_assignment(r, keys, inv->assign[i], e) < 0)
			return -EINVAL;
	if (!vlan_set_empty(&r->vlans) && !r->vlan_filtering)
		return nm_fail(e, -EINVAL, "vlans= needs vlan_filtering=1: only a VLAN-filtering "
					   "bridge trunks VLANs");
	if (vlan_set_has(&r->vlans, 1))
		return nm_fail(e, -EINVAL, "vlans= names VLAN 1, the bridge's default: the uplink "
					   "carries it untagged already; name only tagged VLANs");
	if (!inv->command)
		return nm_fail(e, -EINVAL, "missing command: expected start, stop or status");
	return parse_network_command(inv->command, &r->cmd, e);
}

/*
 * network-route and network-nat share the routed anti-spoofing table and
 * kernel parameters (netmodes/network.h): each reads what the other
 * recorded, so both also take this lock, after their own.
 */
#define ROUTED_SHARED_LOCK "xen-netmodes-network-shared"

static int run(struct network_request *r, network_planner *planner, network_status *status,
	       struct mode_ctx *c, struct plan *plan, struct hp_lock *lock,
	       struct hp_lock *shared, struct nm_err *e)
{
	char lock_name[64];
	int rc;

	if (r->cmd == NET_STATUS)
		return status(r, c, stdout, e);
	/* network-bridge shares the shell script's lock; the others have their own. */
	snprintf(lock_name, sizeof(lock_name), "%s%s",
		 strcmp(r->prog, "network-bridge") ? "xen-netmodes-" : "", r->prog);
	if (!r->dry_run && (rc = lock_claim(c->env->lock_dir, lock_name, NETWORK_LOCK_TIMEOUT_MS, lock, e)) < 0)
		return rc;
	if (!r->dry_run && (!strcmp(r->prog, "network-route") || !strcmp(r->prog, "network-nat")) &&
	    (rc = lock_claim(c->env->lock_dir, ROUTED_SHARED_LOCK, NETWORK_LOCK_TIMEOUT_MS, shared, e)) < 0)
		return rc;
	if ((rc = planner(r, c, plan, e)) < 0)
		return rc;
	if (r->dry_run) {
		printf("# %s %s\n", r->prog, r->cmd == NET_START ? "start" : "stop");
		plan_describe(plan, stdout);
		return 0;
	}
	if ((rc = plan_apply(plan, c->env, e)) < 0)
		return rc;
	log_line(LOG_INFO, "Successful %s %s%s.", r->prog, r->cmd == NET_START ? "start" : "stop",
		 plan->n ? "" : " (nothing to change)");
	return 0;
}

int network_flow_run(const char *prog, network_planner *planner, network_status *status,
		     unsigned keys, const struct invocation *inv)
{
	struct network_request r = { .prog = prog };
	struct hp_lock lock = { .fd = -1 }, shared = { .fd = -1 };
	struct plan plan = { 0 };
	struct rt_conn *nl = NULL;
	struct nft_conn nft;
	struct nm_err e = { "" };
	int rc;

	nft_conn_init(&nft);
	log_init(prog);
	rc = parse_args(&r, keys, inv, &e);
	if (!rc)
		rc = rt_open(&nl, &e);
	if (!rc) {
		struct mode_ctx ctx = { .nl = nl, .nft = &nft, .env = &inv->env };
		rc = run(&r, planner, status, &ctx, &plan, &lock, &shared, &e);
	}
	if (rc < 0)
		log_line(LOG_ERR, "%s", e.msg); /* the log names prog already */
	lock_release(&shared);
	lock_release(&lock);
	plan_free(&plan);
	if (nl)
		rt_close(nl);
	nft_conn_close_detached(&nft); /* last: see vif_flow.c */
	return rc < 0 ? 1 : 0;
}
