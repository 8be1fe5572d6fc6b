/*
 * vif-nat: the guest on a private address behind dom0. The vif carries the
 * router address (the guest's last octet + 127), a route to the guest, proxy
 * ARP, anti-spoofing; network-nat's table masquerades toward the LAN; the
 * guest can learn its address from dnsmasq or ISC dhcpd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/host/dhcp_host.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/modes/modes.h"
#include "netmodes/modes/nat_addr.h"
#include "netmodes/modes/network.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/rtnl/routes.h"
#include "netmodes/modes/vifdev.h"

struct nat_vif {
	struct prefix guest, router;
	bool antispoof;
	enum dhcp_kind dhcp;
	struct link_info uplink;
	bool have_uplink;
};

/* Addresses, and what network-nat start chose (antispoof, dhcp, uplink). */
static int nat_setup(const struct vif_request *r, struct mode_ctx *c, struct nat_vif *v,
		     struct nm_err *e)
{
	struct network_state ns;
	char netdev[IFNAMSIZ];
	int rc;

	if ((rc = nat_addresses(&r->ips, r->domid, r->devid, &v->guest, &v->router, e)) < 0)
		return rc;
	if ((rc = network_state_load(c->env->run_dir, NETWORK_NAT_STATE, &ns, e)) < 0)
		return rc;
	v->antispoof = strcmp(network_state_get(&ns, "antispoof", "yes"), "no") != 0;
	v->dhcp = c->dhcp->kind;
	if (!c->dhcp->kind_given) {
		const char *d = network_state_get(&ns, "dhcp", NULL);
		for (int k = 0; d && k < DHCP_KINDS; k++)
			if (!strcmp(d, dhcp_kind_name((enum dhcp_kind)k)))
				v->dhcp = (enum dhcp_kind)k;
	}
	if ((rc = network_netdev(c->nl, &ns, r->netdev, netdev, e)) < 0)
		return rc;
	rc = rt_link_get(c->nl, 0, netdev, &v->uplink, e);
	v->have_uplink = rc == 0;
	return rc == -ENODEV ? 0 : rc;
}

static int plan_dhcp(const struct vif_request *r, struct mode_ctx *c, const struct nat_vif *v,
		     const char *dev, bool add, struct plan *p, struct nm_err *e)
{
	struct dhcp_host h = { .mac = r->mac, .ip = v->guest, .router = v->router };

	if (v->dhcp == DHCP_NO)
		return 0;
	if (add && !r->has_mac)
		return nm_fail(e, -EINVAL, "the backend has no mac: cannot serve DHCP to %s", dev);
	dhcp_host_name(&h, r->domid, r->devid);
	snprintf(h.dev, sizeof(h.dev), "%s", dev);
	if (v->dhcp == DHCP_DNSMASQ)
		return op_dnsmasq_host(p, c->dhcp, &h, add) < 0
			       ? nm_fail(e, -ENOMEM, "out of memory")
			       : 0;
	return op_isc_host(p, c->dhcp, c->env->lock_dir, &h, add, e);
}

static int plan_up(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		   struct vif_outcome *out, struct nm_err *e)
{
	struct vifdev d;
	struct nat_vif v;
	int rc, idx;

	if ((rc = vifdev_find(r, c, &d, e)) < 0 || (rc = nat_setup(r, c, &v, e)) < 0)
		return rc;
	snprintf(out->dev, sizeof(out->dev), "%s", d.name);
	idx = d.link.ifindex;
	rc = vifdev_plan_claim(r, c, &d, p);
	if (!rc)
		rc = vifdev_plan_rename(c, &d, p);
	if (!rc)
		rc = vifdev_plan_mtu(c, &d, r->mtu ? r->mtu : v.have_uplink ? v.uplink.mtu : 1500, p, out);
	if (!rc && (d.rename || !rt_has_addr(c->nl, idx, &v.router)))
		rc = op_addr(p, c->nl, true, idx, d.name, &v.router);
	if (rc < 0)
		return nm_fail(e, rc, "out of memory");
	if ((rc = plan_port_filter(p, c->nft, PORT_ROUTED, d.name, v.antispoof,
				   r->has_mac ? &r->mac : NULL,
				   &(struct prefix_list){ .n = 1, .p = { v.guest } }, NULL, e)) < 0)
		return rc;
	rc = vifdev_plan_proxy_arp(&d, true, p);
	if (!rc && d.link.noarp)
		rc = op_link_set_arp(p, c->nl, idx, d.name, true);
	if (!rc && (!d.link.up || d.rename))
		rc = op_link_set_up(p, c->nl, idx, d.name, true);
	if (!rc && !rt_has_route(c->nl, idx, &v.guest, 0))
		rc = op_route(p, c->nl, true, idx, d.name, &v.guest, &v.router, 0);
	if (rc < 0)
		return nm_fail(e, rc, "out of memory");
	return plan_dhcp(r, c, &v, d.name, true, p, e);
}

/* Offline tolerates a vif already gone and missing state: it removes what is there. */
static int plan_down(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		     struct vif_outcome *out, struct nm_err *e)
{
	struct vifdev d;
	struct nat_vif v;
	struct addr_set addrs = { 0 };
	int rc;

	if ((rc = vifdev_find_going(r, c, &d, out, e)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = nat_setup(r, c, &v, e)) < 0)
		return rc;
	if (d.exists && (rc = addr_set_query(c->nl, d.link.ifindex, &addrs, e)) < 0)
		return rc;
	/* The route keeps its source, so an undo puts it back as it was. */
	rc = d.exists ? op_route(p, c->nl, false, d.link.ifindex, d.name, &v.guest, &v.router, 0) : 0;
	if (!rc)
		rc = vifdev_plan_routed_down(c, &d, &addrs, p);
	else
		addr_set_free(&addrs);
	if (rc < 0)
		return nm_fail(e, rc, "out of memory");
	if ((rc = plan_port_filter(p, c->nft, PORT_ROUTED, d.name, false, NULL, NULL, NULL, e)) < 0 ||
	    (rc = plan_dhcp(r, c, &v, d.name, false, p, e)) < 0)
		return rc;
	return vifdev_plan_unclaim(r, c, &d, p) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
}

int nat_plan(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
	     struct vif_outcome *out, struct nm_err *e)
{
	return vif_command_is_up(r->cmd) ? plan_up(r, c, p, out, e) : plan_down(r, c, p, out, e);
}
