/* network-nat: forwarding, the masquerading table and what vif-nat learns from the state. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/rtnl/links.h"
#include "netmodes/modes/network.h"
#include "netmodes/nft/nft_nat.h"
#include "netmodes/rtnl/uplink.h"

#define ST_NETDEV "netdev"
#define ST_ANTISPOOF "antispoof"
#define ST_DHCP "dhcp"
#define ST_RANGE "range"

static int plan_start(const struct network_request *r, struct mode_ctx *c, struct plan *p,
		      struct nm_err *e)
{
	struct network_state peer;
	struct state st = { 0 };
	char netdev[IFNAMSIZ], range[PREFIX_STR_LEN];
	int rc = network_start_uplink(c, NETWORK_NAT_STATE, r->netdev, netdev, e);

	if (rc != 0)
		return rc < 0 ? rc : 0; /* start twice changes nothing */
	if ((rc = network_state_load(c->env->run_dir, NETWORK_ROUTE_STATE, &peer, e)) < 0)
		return rc;
	if ((rc = nft_nat_exists(c->nft, e)) != 0)
		return rc < 0 ? rc
			      : nm_fail(e, -EEXIST, "table ip %s exists already: someone else's; "
						    "remove it or run network-nat stop", NFT_NAT_TABLE);
	state_set(&st, ST_NETDEV, netdev);
	state_set(&st, ST_ANTISPOOF, r->antispoof ? "yes" : "no");
	state_set(&st, ST_DHCP, dhcp_kind_name(r->dhcp));
	state_set(&st, ST_RANGE, prefix_format(&r->nat_range, range));
	if ((rc = network_plan_sysctl(p, &st, &peer, "net/ipv4/ip_forward", "1", e)) < 0)
		return rc;
	if (op_nat_table(p, c->nft, true, &r->nat_range, netdev) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	if (r->antispoof && (rc = network_plan_routed_table(p, c->nft, &st, &peer, e)) < 0)
		return rc;
	return op_state_save(p, c->env->run_dir, NETWORK_NAT_STATE, &st) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
}

/* What network-route still holds stays: see network.h. */
static int plan_stop(struct mode_ctx *c, struct plan *p, struct nm_err *e)
{
	struct network_state ns, peer;
	struct prefix range = { .family = AF_INET, .len = 8, .addr.raw = { 10 } };
	char buf[PREFIX_STR_LEN], *slash;
	int rc = network_load_shared(c, NETWORK_NAT_STATE, &ns, &peer, e);

	if (rc < 0 || !ns.started)
		return rc; /* not started: nothing to undo */
	/* The range only matters to recreate the table should a later step fail. */
	snprintf(buf, sizeof(buf), "%s", network_state_get(&ns, ST_RANGE, "10.0.0.0/8"));
	if ((slash = strchr(buf, '/')) && (*slash = '\0', inet_pton(AF_INET, buf, range.addr.raw) == 1))
		range.len = (uint8_t)atoi(slash + 1);
	if (network_plan_restore(p, &ns.st, &peer) < 0 ||
	    op_nat_table(p, c->nft, false, &range, network_state_get(&ns, ST_NETDEV, "eth0")) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	return network_plan_forget(p, c, NETWORK_NAT_STATE, &ns, &peer, e);
}

int network_nat_plan(const struct network_request *r, struct mode_ctx *c, struct plan *p,
		     struct nm_err *e)
{
	return r->cmd == NET_START ? plan_start(r, c, p, e) : plan_stop(c, p, e);
}

int network_nat_status(const struct network_request *r, struct mode_ctx *c, FILE *out,
		       struct nm_err *e)
{
	struct network_state ns, peer;
	int rc = network_load_shared(c, NETWORK_NAT_STATE, &ns, &peer, e), table;

	if (rc < 0 || (table = nft_nat_exists(c->nft, e)) < 0)
		return rc < 0 ? rc : table;
	if (r->json) {
		fprintf(out, "{\"started\": %s, \"table\": %s", ns.started ? "true" : "false",
			table ? "true" : "false");
		if (ns.started)
			fprintf(out, ", \"netdev\": \"%s\", \"range\": \"%s\", \"dhcp\": \"%s\", "
				     "\"antispoof\": %s",
				network_state_get(&ns, ST_NETDEV, ""), network_state_get(&ns, ST_RANGE, ""),
				network_state_get(&ns, ST_DHCP, "no"),
				strcmp(network_state_get(&ns, ST_ANTISPOOF, "yes"), "no") ? "true" : "false");
		if (ns.started)
			uplink_status(c->nl, network_state_get(&ns, ST_NETDEV, ""), true, out);
		fprintf(out, ", ");
		if ((rc = network_print_table(c, NETWORK_NAT_STATE, &ns, &peer, true, out, e)) < 0)
			return rc;
		fprintf(out, ", \"sysctl\": {");
		network_print_sysctls(NETWORK_NAT_STATE, &ns, &peer, true, out);
		fprintf(out, "}}\n");
		return 0;
	}
	fprintf(out, "network-nat: %s\n", ns.started ? "started" : "not started");
	if (ns.started) {
		fprintf(out, "  netdev: %s\n", network_state_get(&ns, ST_NETDEV, "?"));
		uplink_status(c->nl, network_state_get(&ns, ST_NETDEV, ""), false, out);
		fprintf(out, "  range: %s\n  dhcp: %s\n  anti-spoofing: %s\n",
			network_state_get(&ns, ST_RANGE, "?"), network_state_get(&ns, ST_DHCP, "no"),
			network_state_get(&ns, ST_ANTISPOOF, "?"));
	}
	fprintf(out, "  table ip %s: %s\n", NFT_NAT_TABLE, table ? "present" : "absent");
	if ((rc = network_print_table(c, NETWORK_NAT_STATE, &ns, &peer, false, out, e)) < 0)
		return rc;
	network_print_sysctls(NETWORK_NAT_STATE, &ns, &peer, false, out);
	return 0;
}
