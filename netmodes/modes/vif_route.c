/*
 * vif-route: the guest's addresses routed to its vif. dom0 lends the vif its
 * own address (/32) and answers ARP on the vif (proxy ARP) and NDP on the
 * uplink (proxy NDP entries), so neither the guest nor the LAN needs a route.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/modes/modes.h"
#include "netmodes/rtnl/neigh.h"
#include "netmodes/modes/network.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/rtnl/routes.h"
#include "netmodes/modes/vifdev.h"

/* Guests' routes lose to nothing and qemu's tap wins over the vif, as in the shell script. */
static unsigned route_metric(const struct vif_request *r)
{
	return r->type == VIF_TYPE_TAP ? 1 : 2;
}

/* Routes to every guest prefix, and proxy NDP on the uplink for each IPv6 address. */
static int plan_routes(const struct vif_request *r, struct mode_ctx *c, bool add, int ifindex,
		       const char *dev, const struct prefix *src, const struct link_info *uplink,
		       struct plan *p)
{
	int rc = 0;

	for (size_t i = 0; i < r->ips.n && !rc; i++) {
		const struct prefix *ip = &r->ips.p[i];
		bool v6 = ip->family == AF_INET6;
		if (ifindex && !(add && rt_has_route(c->nl, ifindex, ip, route_metric(r))))
			rc = op_route(p, c->nl, add, ifindex, dev, ip, v6 ? NULL : src, route_metric(r));
		if (!rc && v6 && ip->len == 128 && uplink &&
		    !(add && rt_has_proxy(c->nl, uplink->ifindex, ip)))
			rc = op_neigh_proxy(p, c->nl, add, uplink->ifindex, uplink->name, ip);
	}
	return rc;
}

static int find_uplink(const struct vif_request *r, struct mode_ctx *c, struct link_info *uplink,
		       bool *antispoof, struct nm_err *e)
{
	struct network_state ns;
	char name[IFNAMSIZ];
	int rc = network_state_load(c->env->run_dir, NETWORK_ROUTE_STATE, &ns, e);

	if (rc < 0 || (rc = network_netdev(c->nl, &ns, r->netdev, name, e)) < 0)
		return rc;
	*antispoof = strcmp(network_state_get(&ns, "antispoof", "yes"), "no") != 0;
	rc = rt_link_get(c->nl, 0, name, uplink, e);
	return rc == -ENODEV ? nm_fail(e, rc, "netdev %s does not exist", name) : rc;
}

static int plan_up(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		   struct vif_outcome *out, struct nm_err *e)
{
	struct vifdev d;
	struct link_info uplink;
	struct prefix dom0;
	bool antispoof;
	int rc, idx;

	if ((rc = vifdev_find(r, c, &d, e)) < 0)
		return rc;
	snprintf(out->dev, sizeof(out->dev), "%s", d.name);
	if (!r->ips.n)
		return nm_fail(e, -EINVAL, "the backend has no ip: routed mode has nothing to route to %s",
			       d.name);
	if ((rc = find_uplink(r, c, &uplink, &antispoof, e)) < 0)
		return rc;
	rc = rt_primary_ipv4(c->nl, uplink.ifindex, &dom0, e);
	if (rc == -EADDRNOTAVAIL)
		return nm_fail(e, rc, "%s has no IPv4 address. Bring it up or specify another "
				      "interface with netdev=<if>", uplink.name);
	if (rc < 0)
		return rc;

	idx = d.link.ifindex;
	rc = vifdev_plan_claim(r, c, &d, p);
	if (!rc)
		rc = vifdev_plan_rename(c, &d, p);
	if (!rc)
		rc = vifdev_plan_mtu(c, &d, r->mtu ? r->mtu : uplink.mtu, p, out);
	if (!rc && (d.rename || !rt_has_addr(c->nl, idx, &dom0)))
		rc = op_addr(p, c->nl, true, idx, d.name, &dom0);
	if (rc < 0)
		return nm_fail(e, rc, "out of memory");
	if ((rc = plan_port_filter(p, c->nft, PORT_ROUTED, d.name, antispoof,
				   r->has_mac ? &r->mac : NULL, &r->ips, NULL, e)) < 0)
		return rc;
	rc = vifdev_plan_proxy_arp(&d, true, p);
	if (!rc && (!d.link.up || d.rename))
		rc = op_link_set_up(p, c->nl, idx, d.name, true);
	if (!rc)
		rc = plan_routes(r, c, true, idx, d.name, &dom0, &uplink, p);
	return rc < 0 ? nm_fail(e, rc, "out of memory") : 0;
}

/* Offline takes away every trace, and tolerates a vif (or an uplink) already gone. */
static int plan_down(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		     struct vif_outcome *out, struct nm_err *e)
{
	struct vifdev d;
	struct link_info uplink;
	struct addr_set addrs = { 0 };
	struct prefix src;
	bool antispoof, have_uplink, has_src;
	int rc;

	if ((rc = vifdev_find_going(r, c, &d, out, e)) != 0)
		return rc < 0 ? rc : 0;
	rc = find_uplink(r, c, &uplink, &antispoof, e);
	if (rc < 0 && rc != -ENODEV)
		return rc;
	have_uplink = rc == 0;
	if (d.exists && (rc = addr_set_query(c->nl, d.link.ifindex, &addrs, e)) < 0)
		return rc;
	/* The routes' source is dom0's address on the vif: an undo puts them back as they were. */
	has_src = d.exists && rt_primary_ipv4(c->nl, d.link.ifindex, &src, NULL) == 0;
	rc = plan_routes(r, c, false, d.exists ? d.link.ifindex : 0, d.name, has_src ? &src : NULL,
			 have_uplink ? &uplink : NULL, p);
	if (!rc)
		rc = vifdev_plan_routed_down(c, &d, &addrs, p);
	else
		addr_set_free(&addrs);
	if (rc < 0)
		return nm_fail(e, rc, "out of memory");
	return vifdev_plan_release(r, c, &d, PORT_ROUTED, p, e);
}

int route_plan(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
	       struct vif_outcome *out, struct nm_err *e)
{
	return vif_command_is_up(r->cmd) ? plan_up(r, c, p, out, e) : plan_down(r, c, p, out, e);
}
