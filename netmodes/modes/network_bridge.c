/*
 * network-bridge: the host's uplink moved onto a bridge of the same name,
 * as xend's network-bridge does, but as a plan: every step has an undo, so
 * a failure anywhere puts the host's network back as it was.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/bridge_vlan.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/modes/network.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/nft/nft_strict.h"
#include "netmodes/rtnl/routes.h"
#include "netmodes/rtnl/uplink.h"

#define ST_NETDEV "netdev"
#define ST_BRIDGE "bridge"
#define ST_PDEV "pdev"
#define ST_TMP "tmpname"
#define ST_WAS_UP "was-up"
#define ST_ANTISPOOF "antispoof" /* read by vif-bridge: the bridge is strict */
#define ST_VLAN_FILTERING "vlan-filtering"
#define ST_VLANS "vlans" /* the uplink's tagged VLANs */

/* A strict bridge: only its uplink and the filtered vifs may send into it (nft_strict.h). */
static struct strict_bridge strict_of(const char *bridge, const char *pdev)
{
	struct strict_bridge s;

	snprintf(s.bridge, sizeof(s.bridge), "%.*s", IFNAMSIZ - 1, bridge);
	snprintf(s.uplink, sizeof(s.uplink), "%.*s", IFNAMSIZ - 1, pdev); /* checked to fit */
	return s;
}

/* The bridge exists under this name until the uplink has given up its own. */
static void tmp_name(const struct link_info *li, char *buf)
{
	snprintf(buf, IFNAMSIZ, "xnmbr%d", li->ifindex);
}

/* Whether / is mounted over NFS from a server reached through ifindex; mounts lists the mounts. */
static int nfs_root_through(struct rt_conn *sk, const char *mounts, int ifindex, bool *ret,
			    struct nm_err *e)
{
	char line[1024], dev[512], dir[256], type[32], opts[512];
	FILE *f = fopen(mounts, "re");

	*ret = false;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct prefix server = { .family = AF_INET, .len = 32 };
		const char *addr;
		char ip[64];
		int oif;
		if (sscanf(line, "%511s %255s %31s %511s", dev, dir, type, opts) != 4 ||
		    strcmp(dir, "/") || strncmp(type, "nfs", 3) || !(addr = strstr(opts, "addr=")) ||
		    sscanf(addr + 5, "%63[^,]", ip) != 1)
			continue;
		if (inet_pton(AF_INET, ip, server.addr.raw) != 1) {
			server = (struct prefix){ .family = AF_INET6, .len = 128 };
			if (inet_pton(AF_INET6, ip, server.addr.raw) != 1)
				continue;
		}
		if (rt_route_oif(sk, &server, &oif, e) == 0 && oif == ifindex)
			*ret = true;
	}
	fclose(f);
	return 0;
}

/* The uplink's addresses without the IPv6 link-local one, which the bridge makes itself. */
static int movable_addrs(struct rt_conn *sk, int ifindex, struct addr_set *ret, struct nm_err *e)
{
	struct addr_set all;
	int rc = addr_set_query(sk, ifindex, &all, e);
	size_t keep = 0;

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < all.n; i++) {
		struct nl_addr *l = rtnl_addr_get_local(all.a[i]);
		const uint8_t *b = l ? nl_addr_get_binary_addr(l) : NULL;
		if (rtnl_addr_get_family(all.a[i]) == AF_INET6 && b && b[0] == 0xfe &&
		    (b[1] & 0xc0) == 0x80)
			rtnl_addr_put(all.a[i]);
		else
			all.a[keep++] = all.a[i];
	}
	all.n = keep;
	*ret = all;
	return 0;
}

/*
 * Taking the host's addresses and routes off a link comes before the link
 * goes down (which would drop them uncontrolled), so that a rollback puts
 * them back once the link is up again; giving comes after the new link is
 * up. Routes leave first and come last: their gateways need the addresses.
 */
static int plan_take(struct rt_conn *sk, const char *from, struct addr_set *addrs,
		     struct route_set *routes, struct plan *p)
{
	int rc = 0;

	for (size_t i = 0; i < routes->n && !rc; i++)
		rc = op_route_on(p, sk, false, from, routes->r[i]);
	/* Last first: a primary IPv4 address takes its secondaries along when it goes. */
	for (size_t i = addrs->n; i-- > 0 && !rc;)
		rc = op_addr_on(p, sk, false, from, addrs->a[i]);
	return rc;
}

static int plan_give(struct rt_conn *sk, const char *to, struct addr_set *addrs,
		     struct route_set *routes, struct plan *p)
{
	int rc = 0;

	for (size_t i = 0; i < addrs->n && !rc; i++)
		rc = op_addr_on(p, sk, true, to, addrs->a[i]);
	for (size_t i = 0; i < routes->n && !rc; i++)
		rc = op_route_on(p, sk, true, to, routes->r[i]);
	return rc;
}

static int check_start(struct mode_ctx *c, const struct link_info *n, const char *bridge,
		       const char *pdev, struct nm_err *e)
{
	struct rt_conn *sk = c->nl;
	struct link_info other;
	struct uplink u;
	char port[IFNAMSIZ];
	bool nfs;
	int rc;

	if (n->is_bridge)
		return nm_fail(e, -EINVAL, "%s is a bridge already: attach the guests to it as it is "
					   "(bridge=%s)", n->name, n->name);
	/* A bond or a VLAN device is moved like a NIC; its slaves or its parent stay as they are. */
	if ((rc = uplink_query(sk, n->ifindex, NULL, &u, e)) < 0 ||
	    (rc = uplink_check_free(&u, false, e)) < 0 || (rc = uplink_port_name(n->name, port, e)) < 0)
		return rc;
	if (rt_link_get(sk, 0, pdev, &other, NULL) == 0)
		return nm_fail(e, -EEXIST, "cannot rename %s to %s: %s exists", n->name, pdev, pdev);
	if (strcmp(bridge, n->name) && rt_link_get(sk, 0, bridge, &other, NULL) == 0)
		return nm_fail(e, -EEXIST, "bridge %s exists already", bridge);
	if ((rc = nfs_root_through(sk, c->env->mounts, n->ifindex, &nfs, e)) < 0)
		return rc;
	if (nfs)
		return nm_fail(e, -EBUSY, "the root filesystem is NFS through %s: moving %s onto a "
					  "bridge would cut it off", n->name, n->name);
	return 0;
}

/*
 * The uplink, a new port, trunks the VLANs tagged beside the bridge's
 * default VLAN 1, which it carries untagged as before (the host's own
 * traffic).
 */
static int plan_uplink_trunk(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev,
			     const struct vlan_set *vlans)
{
	struct vlan_set now, want;

	memset(&now, 0, sizeof(now));
	now.pvid = 1;
	vlan_set_add(&now, 1, true);
	want = *vlans;
	want.pvid = 1;
	vlan_set_add(&want, 1, true);
	return plan_port_vlans(p, sk, ifindex, dev, &now, &want);
}

/* Its VLANs leave with it; a rollback of stop gives them back. */
static int plan_uplink_kept(struct plan *p, struct rt_conn *sk, int ifindex, const char *dev,
			    int br, struct nm_err *e)
{
	struct vlan_set now;
	bool filtering;
	unsigned def;
	int rc = rt_bridge_vlans_on(sk, br, &filtering, &def, e);

	if (rc < 0 || (rc = rt_port_vlans(sk, ifindex, &now, e)) < 0)
		return rc;
	return op_port_vlans_kept(p, sk, ifindex, dev, &now, def);
}

static int plan_start(const struct network_request *r, struct mode_ctx *c, struct plan *p,
		      struct nm_err *e)
{
	struct rt_conn *sk = c->nl;
	struct network_state ns;
	struct state st = { 0 };
	struct link_info n, br;
	struct addr_set addrs = { 0 };
	struct route_set routes = { 0 };
	char netdev[IFNAMSIZ], bridge[IFNAMSIZ], pdev[IFNAMSIZ + 1], tmp[IFNAMSIZ];
	struct strict_bridge strict;
	int table = 0, rc = network_state_load(c->env->run_dir, NETWORK_BRIDGE_STATE, &ns, e);

	if (rc < 0 || ns.started || r->bridge_null)
		return rc; /* started already, or bridge=null: nothing to do */
	if ((rc = network_netdev(sk, &ns, r->netdev, netdev, e)) < 0)
		return rc;
	snprintf(bridge, sizeof(bridge), "%s", r->bridge[0] ? r->bridge : netdev);
	snprintf(pdev, sizeof(pdev), "p%s", netdev);
	rc = rt_link_get(sk, 0, netdev, &n, e);
	/* Set up before (by us or the shell script): the bridge with pNETDEV in it. */
	if ((rc == 0 ? n.is_bridge && !strcmp(n.name, bridge) : rc == -ENODEV) &&
	    rt_link_get(sk, 0, pdev, &br, NULL) == 0 && br.master &&
	    br.master == (rc == 0 ? n.ifindex : -1))
		return 0;
	if (rc == -ENODEV)
		return nm_fail(e, rc, "netdev %s does not exist", netdev);
	if (rc < 0 || (rc = check_start(c, &n, bridge, pdev, e)) < 0)
		return rc;
	/* A kernel that cannot load the strict chain is found before anything changes. */
	strict = strict_of(bridge, pdev);
	if (r->antispoof && ((table = nft_port_table_exists(c->nft, PORT_BRIDGED, e)) < 0 ||
			     (rc = nft_strict_supported(c->nft, &strict, e)) < 0))
		return table < 0 ? table : rc;
	if ((rc = movable_addrs(sk, n.ifindex, &addrs, e)) < 0 ||
	    (rc = route_set_query(sk, n.ifindex, &routes, e)) < 0)
		goto out;
	tmp_name(&n, tmp);
	state_set(&st, ST_NETDEV, netdev);
	state_set(&st, ST_BRIDGE, bridge);
	state_set(&st, ST_PDEV, pdev);
	state_set(&st, ST_TMP, tmp);
	state_set(&st, ST_WAS_UP, n.up ? "yes" : "no");
	state_set(&st, ST_ANTISPOOF, r->antispoof ? "yes" : "no");
	if (r->vlan_filtering) {
		char vl[VLAN_SPEC_MAX + 1];
		vlan_list_format(&r->vlans, vl, sizeof(vl));
		state_set(&st, ST_VLAN_FILTERING, "yes");
		if (state_set(&st, ST_VLANS, vl) < 0) {
			rc = nm_fail(e, -E2BIG, "vlans=%s: longer than %d characters as a list; "
						"name fewer runs", vl, STATE_VALUE_LEN - 1);
			goto out;
		}
	}
	rc = op_bridge_create(p, sk, tmp, &n.mac, n.mtu);
	if (!rc && r->vlan_filtering)
		rc = op_bridge_vlan_filtering(p, sk, tmp, true);
	if (!rc)
		rc = plan_take(sk, netdev, &addrs, &routes, p);
	if (!rc && n.up)
		rc = op_link_set_up(p, sk, n.ifindex, netdev, false);
	if (!rc)
		rc = op_link_rename(p, sk, n.ifindex, netdev, pdev);
	if (!rc)
		rc = op_link_rename(p, sk, 0, tmp, bridge);
	if (!rc)
		rc = op_link_set_master(p, sk, n.ifindex, pdev, 0, bridge, 0, "");
	if (!rc && !vlan_set_empty(&r->vlans))
		rc = plan_uplink_trunk(p, sk, n.ifindex, pdev, &r->vlans);
	if (!rc)
		rc = op_link_set_up(p, sk, n.ifindex, pdev, true);
	if (!rc)
		rc = op_link_set_up(p, sk, 0, bridge, true);
	if (!rc)
		rc = plan_give(sk, bridge, &addrs, &routes, p);
	if (!rc && r->antispoof)
		rc = op_strict_create(p, c->nft, &strict, table > 0);
	if (!rc)
		rc = op_state_save(p, c->env->run_dir, NETWORK_BRIDGE_STATE, &st);
	if (rc < 0)
		nm_fail(e, rc, "out of memory");
out:
	addr_set_free(&addrs);
	route_set_free(&routes);
	return rc;
}

static int plan_stop(struct mode_ctx *c, struct plan *p, struct nm_err *e)
{
	struct rt_conn *sk = c->nl;
	struct network_state ns;
	struct link_info br, pd;
	struct addr_set addrs = { 0 };
	struct route_set routes = { 0 };
	const char *netdev, *bridge, *pdev, *tmp;
	struct strict_bridge sb;
	bool was_up, strict;
	int rc = network_state_load(c->env->run_dir, NETWORK_BRIDGE_STATE, &ns, e);

	if (rc < 0 || !ns.started)
		return rc; /* not started: nothing to undo */
	netdev = network_state_get(&ns, ST_NETDEV, "");
	bridge = network_state_get(&ns, ST_BRIDGE, "");
	pdev = network_state_get(&ns, ST_PDEV, "");
	tmp = network_state_get(&ns, ST_TMP, "");
	was_up = !strcmp(network_state_get(&ns, ST_WAS_UP, "yes"), "yes");
	strict = !strcmp(network_state_get(&ns, ST_ANTISPOOF, "no"), "yes");
	sb = strict_of(bridge, pdev);
	if (rt_link_get(sk, 0, bridge, &br, e) < 0 || !br.is_bridge ||
	    rt_link_get(sk, 0, pdev, &pd, e) < 0 || pd.master != br.ifindex)
		return nm_fail(e, -ENODEV, "%s with %s in it is gone: nothing to undo; remove %s/%s.state "
					   "by hand if it is stale", bridge, pdev,
			       c->env->run_dir, NETWORK_BRIDGE_STATE);
	/* A chain deleted by hand already: nothing of it to delete. */
	if (strict && (rc = nft_strict_exists(c->nft, bridge, e)) < 0)
		return rc;
	strict = strict && rc > 0;
	if ((rc = movable_addrs(sk, br.ifindex, &addrs, e)) < 0 ||
	    (rc = route_set_query(sk, br.ifindex, &routes, e)) < 0)
		goto out;
	rc = plan_take(sk, bridge, &addrs, &routes, p);
	/* A failed query has said why already: not run over by "out of memory" below. */
	if (!rc && !strcmp(network_state_get(&ns, ST_VLAN_FILTERING, "no"), "yes") &&
	    (rc = plan_uplink_kept(p, sk, pd.ifindex, pdev, br.ifindex, e)) < 0 && rc != -ENOMEM)
		goto out;
	if (!rc)
		rc = op_link_set_master(p, sk, pd.ifindex, pdev, 0, "", br.ifindex, bridge);
	if (!rc)
		rc = op_link_set_up(p, sk, br.ifindex, bridge, false);
	if (!rc)
		rc = op_link_set_up(p, sk, pd.ifindex, pdev, false);
	if (!rc)
		rc = op_link_rename(p, sk, br.ifindex, bridge, tmp);
	if (!rc)
		rc = op_link_rename(p, sk, pd.ifindex, pdev, netdev);
	if (!rc && (was_up || routes.n))
		rc = op_link_set_up(p, sk, pd.ifindex, netdev, true);
	if (!rc)
		rc = plan_give(sk, netdev, &addrs, &routes, p);
	/* Once the bridge is down and empty: until then its ports stay held to the rule. */
	if (!rc && strict)
		rc = op_strict_delete(p, c->nft, &sb);
	/* Last: a bridge made again by an undo would have another index than the plan knows. */
	if (!rc)
		rc = op_state_remove(p, c->env->run_dir, NETWORK_BRIDGE_STATE, &ns.st);
	if (!rc)
		rc = op_bridge_delete(p, sk, tmp, &br.mac, br.mtu);
	if (rc < 0)
		nm_fail(e, rc, "out of memory");
out:
	addr_set_free(&addrs);
	route_set_free(&routes);
	return rc;
}

int network_bridge_plan(const struct network_request *r, struct mode_ctx *c, struct plan *p,
			struct nm_err *e)
{
	return r->cmd == NET_START ? plan_start(r, c, p, e) : plan_stop(c, p, e);
}

int network_bridge_status(const struct network_request *r, struct mode_ctx *c, FILE *out,
			  struct nm_err *e)
{
	struct network_state ns;
	struct link_info br;
	const char *bridge, *pdev;
	char chain[STRICT_CHAIN_LEN];
	bool present, strict;
	int rule = 0, rc = network_state_load(c->env->run_dir, NETWORK_BRIDGE_STATE, &ns, e);

	if (rc < 0)
		return rc;
	bridge = network_state_get(&ns, ST_BRIDGE, "");
	pdev = network_state_get(&ns, ST_PDEV, "");
	present = ns.started && rt_link_get(c->nl, 0, bridge, &br, NULL) == 0 && br.is_bridge;
	strict = !strcmp(network_state_get(&ns, ST_ANTISPOOF, "no"), "yes");
	/* 1: the strict chain is in place; 0: gone (deleted by hand); -1: unknown */
	if (strict && (rule = nft_strict_exists(c->nft, bridge, NULL)) < 0)
		rule = -1;
	nft_strict_chain_name(bridge, chain);
	if (r->json) {
		fprintf(out, "{\"started\": %s", ns.started ? "true" : "false");
		if (ns.started)
			fprintf(out, ", \"netdev\": \"%s\", \"bridge\": \"%s\", \"pdev\": \"%s\", "
				     "\"bridge_present\": %s, \"antispoof\": %s, \"strict_chain\": %s",
				network_state_get(&ns, ST_NETDEV, ""), bridge, pdev,
				present ? "true" : "false", strict ? "true" : "false",
				!strict ? "null" : rule > 0 ? "true" : rule == 0 ? "false" : "null");
		if (ns.started) {
			fprintf(out, ", \"vlan_filtering\": %s, \"vlans\": \"%s\"",
				strcmp(network_state_get(&ns, ST_VLAN_FILTERING, "no"), "yes") ? "false"
											 : "true",
				network_state_get(&ns, ST_VLANS, ""));
			uplink_status(c->nl, pdev, true, out);
		}
		fprintf(out, "}\n");
		return 0;
	}
	fprintf(out, "network-bridge: %s\n", ns.started ? "started" : "not started");
	if (!ns.started)
		return 0;
	fprintf(out, "  netdev: %s (now %s)\n  bridge: %s (%s)\n",
		network_state_get(&ns, ST_NETDEV, "?"), pdev, bridge, present ? "present" : "missing");
	if (!strict)
		fprintf(out, "  anti-spoofing: no\n");
	else if (rule > 0)
		fprintf(out, "  anti-spoofing: yes, strict: only %s and filtered vifs may send into %s "
			     "(chain bridge %s %s)\n", pdev, bridge, NFT_TABLE_NAME, chain);
	else
		fprintf(out, "  anti-spoofing: yes, but chain bridge %s %s is %s: %s is not strict\n",
			NFT_TABLE_NAME, chain, rule ? "unreadable" : "missing", bridge);
	fprintf(out, "  vlan filtering: %s%s%s\n", network_state_get(&ns, ST_VLAN_FILTERING, "no"),
		*network_state_get(&ns, ST_VLANS, "") ? ", uplink trunks VLANs " : "",
		network_state_get(&ns, ST_VLANS, ""));
	uplink_status(c->nl, pdev, false, out);
	return 0;
}
