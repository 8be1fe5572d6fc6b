/* What network-route and network-nat share: their state files, uplink and kernel parameters. */
#include "netmodes/modes/network.h"

#include <errno.h>
#include <string.h>

#include "netmodes/nft/port_filter.h"
#include "netmodes/rtnl/routes.h"
#include "netmodes/host/sysctls.h"
#include "netmodes/rtnl/uplink.h"

/* Saved parameters are stored as "sysctl:KEY" = value before start. */
#define ST_SYSCTL "sysctl:"


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

const char *network_routed_peer(const char *name)
{
	return strcmp(name, NETWORK_ROUTE_STATE) ? NETWORK_ROUTE_STATE : NETWORK_NAT_STATE;
}

/* The value peer recorded for key before any start, or NULL when peer does not hold key. */
static const char *peer_saved(const struct network_state *peer, const char *key)
{
	char skey[STATE_KEY_LEN];

	if (!peer || !peer->started)
		return NULL;
	snprintf(skey, sizeof(skey), ST_SYSCTL "%s", key);
	return state_get(&peer->st, skey);
}

int network_plan_sysctl(struct plan *p, struct state *st, const struct network_state *peer,
			const char *key, const char *value, struct nm_err *e)
{
	char old[32], skey[STATE_KEY_LEN];
	const char *before = peer_saved(peer, key);
	int rc;

	/* Held by the peer already: what it recorded is the value before either started. */
	if (before)
		snprintf(old, sizeof(old), "%s", before);
	else if ((rc = sysctl_read(key, old, sizeof(old), e)) < 0)
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

int network_plan_restore(struct plan *p, const struct state *st, const struct network_state *peer)
{
	int rc = 0;

	for (size_t i = st->n; i-- > 0 && !rc;) {
		const char *key = saved_key(st->kv[i].key);
		/* a parameter the peer still holds stays: its stop puts it back */
		if (key && sysctl_exists(key) && !peer_saved(peer, key))
			rc = op_sysctl(p, key, st->kv[i].value);
	}
	return rc;
}

#define ST_TABLE "table-created"
#define ST_ANTISPOOF "antispoof"

/* Whether a started network-* uses the routed anti-spoofing table. */
static bool holds_table(const struct network_state *ns)
{
	return ns && ns->started && strcmp(network_state_get(ns, ST_ANTISPOOF, "yes"), "no");
}

int network_plan_routed_table(struct plan *p, struct nft_conn *nft, struct state *st,
			      const struct network_state *peer, struct nm_err *e)
{
	int rc = nft_port_table_exists(nft, PORT_ROUTED, e);

	if (rc < 0)
		return rc;
	if (rc > 0) {
		/* made by the peer's start: whichever of the two stops last deletes it */
		if (holds_table(peer) && state_get(&peer->st, ST_TABLE) &&
		    state_set(st, ST_TABLE, "yes") < 0)
			return nm_fail(e, -E2BIG, "too much state to record");
		return 0; /* else someone else's: used, and left to whoever made it */
	}
	if (state_set(st, ST_TABLE, "yes") < 0 || op_port_table(p, nft, PORT_ROUTED, true) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	return 0;
}

int network_plan_forget(struct plan *p, struct mode_ctx *c, const char *name,
			const struct network_state *ns, const struct network_state *peer,
			struct nm_err *e)
{
	struct port_holders ports;
	int rc;

	if (state_get(&ns->st, ST_TABLE) && !holds_table(peer)) {
		/* a vif still filtered in it holds it too: the table stays, for good */
		if ((rc = port_holders_list(c->nft, PORT_ROUTED, &ports, e)) < 0)
			return rc;
		if (!ports.n && op_port_table(p, c->nft, PORT_ROUTED, false) < 0)
			return nm_fail(e, -ENOMEM, "out of memory");
	}
	if (op_state_remove(p, c->env->run_dir, name, &ns->st) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	return 0;
}

int network_load_shared(const struct mode_ctx *c, const char *name, struct network_state *ns,
			struct network_state *peer, struct nm_err *e)
{
	int rc = network_state_load(c->env->run_dir, name, ns, e);

	return rc < 0 ? rc : network_state_load(c->env->run_dir, network_routed_peer(name), peer, e);
}

/* The started modes among name and its peer that hold key, as a JSON array or a text list. */
static void print_sysctl_holders(const char *name, const struct network_state *ns,
				 const struct network_state *peer, const char *key, bool json,
				 FILE *out)
{
	const char *who[2] = { peer_saved(ns, key) ? name : NULL,
			       peer_saved(peer, key) ? network_routed_peer(name) : NULL };
	const char *sep = "";

	fputs(json ? "[" : "", out);
	for (int i = 0; i < 2; i++) {
		if (!who[i])
			continue;
		fprintf(out, json ? "%s\"%s\"" : "%s%s", sep, who[i]);
		sep = ", ";
	}
	fputs(json ? "]" : !*sep ? "nothing" : "", out);
}

void network_print_sysctls(const char *name, const struct network_state *ns,
			   const struct network_state *peer, bool json, FILE *out)
{
	const struct state *st = &ns->st;
	const char *sep = "";

	for (size_t i = 0; i < st->n; i++) {
		const char *key = saved_key(st->kv[i].key);
		char now[32] = "?";
		if (!key)
			continue;
		(void)sysctl_read(key, now, sizeof(now), NULL);
		if (json)
			fprintf(out, "%s\"%s\": {\"value\": \"%s\", \"before\": \"%s\", \"held_by\": ",
				sep, key, now, st->kv[i].value);
		else
			fprintf(out, "  %s = %s (before start: %s; held by ", key, now,
				st->kv[i].value);
		print_sysctl_holders(name, ns, peer, key, json, out);
		fputs(json ? "}" : ")\n", out);
		sep = ", ";
	}
}

int network_print_table(struct mode_ctx *c, const char *name, const struct network_state *ns,
			const struct network_state *peer, bool json, FILE *out, struct nm_err *e)
{
	const struct network_state *modes[2] = { ns, peer };
	const char *names[2] = { name, network_routed_peer(name) };
	struct port_holders ports;
	const char *sep = "";
	bool made = false;
	int table = nft_port_table_exists(c->nft, PORT_ROUTED, e), rc;

	if (table < 0)
		return table;
	if ((rc = port_holders_list(c->nft, PORT_ROUTED, &ports, e)) < 0)
		return rc;
	for (int i = 0; i < 2; i++)
		made |= modes[i]->started && state_get(&modes[i]->st, ST_TABLE);
	if (json)
		fprintf(out, "\"antispoof_table\": {\"present\": %s, \"made_by_start\": %s, \"held_by\": [",
			table ? "true" : "false", made ? "true" : "false");
	else
		fprintf(out, "  table inet %s: %s%s; held by ", NFT_TABLE_NAME,
			table ? "present" : "absent", !table ? "" : made ? ", made by start" : ", not made by start");
	for (int i = 0; i < 2; i++) {
		if (!holds_table(modes[i]))
			continue;
		fprintf(out, json ? "%s\"%s\"" : "%s%s", sep, names[i]);
		sep = ", ";
	}
	for (size_t i = 0; i < ports.n && i < PORT_HOLDERS_MAX; i++) {
		fprintf(out, json ? "%s\"%s\"" : "%s%s", sep, ports.name[i]);
		sep = ", ";
	}
	if (ports.n > PORT_HOLDERS_MAX)
		fprintf(out, json ? "%s\"(%zu more vifs)\"" : "%s(%zu more vifs)", sep,
			ports.n - PORT_HOLDERS_MAX);
	fputs(json ? "]}" : !*sep ? "nothing\n" : "\n", out);
	return 0;
}
