/* What network-route and network-nat share: their state files, uplink and kernel parameters. */
#include "network.h"

#include <errno.h>
#include <string.h>

#include "port_filter_ops.h"
#include "routes.h"
#include "sysctls.h"
#include "uplink.h"

/* Saved parameters are stored as "sysctl:KEY" = value before start. */
#define ST_SYSCTL "sysctl:"

const char *dhcp_kind_name(enum dhcp_kind k)
{
	static const char *const names[DHCP_KINDS] = { "no", "dnsmasq", "isc" };

	return k < DHCP_KINDS ? names[k] : "?";
}

int network_state_load(const char *dir, const char *name, struct network_state *ret,
		       struct nm_err *e)
{
	struct network_state ns = { 0 };
	int rc = state_load(dir, name, &ns.st, e);

	if (rc < 0 && rc != -ENOENT)
		return rc;
	ns.started = rc == 0;
	if (!ns.started)
		ns.st.n = 0;
	*ret = ns;
	return 0;
}

const char *network_state_get(const struct network_state *ns, const char *key, const char *def)
{
	const char *v = ns->started ? state_get(&ns->st, key) : NULL;

	return v ? v : def;
}

int network_netdev(struct rt_conn *sk, const struct network_state *ns, const char *given,
		   char ret[IFNAMSIZ], struct nm_err *e)
{
	const char *recorded = network_state_get(ns, "netdev", NULL);
	int rc;

	if (given && *given) {
		snprintf(ret, IFNAMSIZ, "%s", given);
		return 0;
	}
	if (recorded) {
		snprintf(ret, IFNAMSIZ, "%s", recorded);
		return 0;
	}
	rc = rt_default_route_dev(sk, ret, e);
	if (rc == -ENOENT)
		snprintf(ret, IFNAMSIZ, "eth0");
	return rc == -ENOENT ? 0 : rc;
}

int network_uplink_free(struct rt_conn *sk, const char *netdev, bool bridge_ok, struct nm_err *e)
{
	struct uplink u;
	int rc = uplink_query(sk, 0, netdev, &u, e);

	if (rc == -ENODEV)
		return nm_fail(e, rc, "netdev %s does not exist", netdev);
	return rc < 0 ? rc : uplink_check_free(&u, bridge_ok, e);
}

int network_start_uplink(const struct mode_ctx *c, const char *state, const char *given,
			 char netdev[IFNAMSIZ], struct nm_err *e)
{
	struct network_state ns;
	int rc = network_state_load(c->env->run_dir, state, &ns, e);

	if (rc < 0)
		return rc;
	if (ns.started)
		return 1;
	if ((rc = network_netdev(c->nl, &ns, given, netdev, e)) < 0)
		return rc;
	return network_uplink_free(c->nl, netdev, true, e);
}

int network_plan_sysctl(struct plan *p, struct state *st, const char *key, const char *value,
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

/* The parameter a state entry saved, or NULL for other entries. */
static const char *saved_key(const char *entry)
{
	return strncmp(entry, ST_SYSCTL, strlen(ST_SYSCTL)) ? NULL : entry + strlen(ST_SYSCTL);
}

int network_plan_restore(struct plan *p, const struct state *st)
{
	int rc = 0;

	for (size_t i = st->n; i-- > 0 && !rc;) {
		const char *key = saved_key(st->kv[i].key);
		if (key && sysctl_exists(key))
			rc = op_sysctl(p, key, st->kv[i].value);
	}
	return rc;
}

#define ST_TABLE "table-created"

int network_plan_routed_table(struct plan *p, struct nft_conn *nft, struct state *st,
			      struct nm_err *e)
{
	int rc = nft_port_table_exists(nft, PORT_ROUTED, e);

	if (rc != 0)
		return rc < 0 ? rc : 0; /* there already: used, and left to whoever made it */
	if (state_set(st, ST_TABLE, "yes") < 0 || op_port_table(p, nft, PORT_ROUTED, true) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	return 0;
}

int network_plan_forget(struct plan *p, struct mode_ctx *c, const char *name,
			const struct network_state *ns)
{
	int rc = 0;

	if (state_get(&ns->st, ST_TABLE))
		rc = op_port_table(p, c->nft, PORT_ROUTED, false);
	return rc ? rc : op_state_remove(p, c->env->run_dir, name, &ns->st);
}

void network_print_sysctls(const struct state *st, bool json, FILE *out)
{
	const char *sep = "";

	for (size_t i = 0; i < st->n; i++) {
		const char *key = saved_key(st->kv[i].key);
		char now[32] = "?";
		if (!key)
			continue;
		(void)sysctl_read(key, now, sizeof(now), NULL);
		if (json)
			fprintf(out, "%s\"%s\": {\"value\": \"%s\", \"before\": \"%s\"}", sep, key,
				now, st->kv[i].value);
		else
			fprintf(out, "  %s = %s (before start: %s)\n", key, now, st->kv[i].value);
		sep = ", ";
	}
}
