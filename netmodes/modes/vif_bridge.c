/* vif-bridge: a vif or tap device as a filtered port of a bridge. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/bridge_port.h"
#include "netmodes/rtnl/bridge_vlan.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/modes/modes.h"
#include "netmodes/modes/network.h"
#include "netmodes/nft/nft_strict.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/modes/vifdev.h"

/*
 * The bridge: from the request, else the host's first one. An old-style
 * xenbrN that does not exist becomes ethN when that is a bridge, so old
 * guest configs keep working after network-bridge named the bridge ethN.
 */
static int find_bridge(const struct vif_request *r, struct rt_conn *sk, struct link_info *br,
		       bool *vlans, struct nm_err *e)
{
	char eth[IFNAMSIZ + 8];
	int rc;

	*vlans = r->has_vlans;
	/* bridge "br0.10" names VLAN 10 of br0 when no device is called br0.10. */
	if (r->bridge_base[0] && rt_link_get(sk, 0, r->bridge, br, NULL) == -ENODEV) {
		struct vif_request base = *r;
		snprintf(base.bridge, sizeof(base.bridge), "%s", r->bridge_base);
		base.bridge_base[0] = '\0';
		*vlans = true;
		return find_bridge(&base, sk, br, &(bool){ false }, e);
	}

	if (!r->bridge[0]) {
		rc = rt_first_bridge(sk, br, e);
		if (rc == -ENODEV)
			return nm_fail(e, rc, "Could not find bridge, and none was specified");
		return rc;
	}
	rc = rt_link_get(sk, 0, r->bridge, br, e);
	if (rc == -ENODEV && !strncmp(r->bridge, "xenbr", 5)) {
		snprintf(eth, sizeof(eth), "eth%s", r->bridge + 5);
		if (strlen(eth) < IFNAMSIZ && rt_link_get(sk, 0, eth, br, e) == 0 && br->is_bridge)
			return 0;
	}
	if (rc == -ENODEV)
		return nm_fail(e, rc, "Could not find bridge device %s", r->bridge);
	if (rc < 0)
		return rc;
	if (!br->is_bridge)
		return nm_fail(e, -EINVAL, "%s is not a bridge", r->bridge);
	return 0;
}

/*
 * network-bridge antispoof=yes made br strict: every vif on it is filtered,
 * and one without an ip may send nothing; ret gets the bridge and its uplink.
 */
static bool strict_bridge(const struct mode_ctx *c, const char *br, struct strict_bridge *ret)
{
	struct network_state ns;

	if (network_state_load(c->env->run_dir, NETWORK_BRIDGE_STATE, &ns, NULL) < 0 || !ns.started ||
	    strcmp(network_state_get(&ns, "antispoof", "no"), "yes") ||
	    strcmp(network_state_get(&ns, "bridge", ""), br))
		return false;
	snprintf(ret->bridge, sizeof(ret->bridge), "%s", br);
	snprintf(ret->uplink, sizeof(ret->uplink), "%s", network_state_get(&ns, "pdev", ""));
	return true;
}

/* On a strict bridge the strict chain comes back too, should someone have deleted it. */
static int plan_filter(const struct vif_request *r, const struct mode_ctx *c, const char *dev,
		       const char *br, bool vlans, bool *filtered, struct plan *p, struct nm_err *e)
{
	struct strict_bridge s;
	bool strict = strict_bridge(c, br, &s);
	const struct prefix_list *ips = &r->ips;
	struct prefix_list any;
	int rc;

	/* Held to its MAC only: every address of both families may be its source. */
	if (!ips->n && r->noip_mac && r->has_mac) {
		any.n = 2;
		(void)parse_prefix("0.0.0.0/0", &any.p[0], NULL);
		(void)parse_prefix("::/0", &any.p[1], NULL);
		ips = &any;
	}
	rc = plan_port_filter(p, c->nft, PORT_BRIDGED, dev, ips->n > 0 || strict,
			      r->has_mac ? &r->mac : NULL, ips, vlans ? &r->vlans : NULL, e);
	if (filtered)
		*filtered = ips->n > 0 || strict;

	return rc < 0 || !strict ? rc : plan_strict_repair(p, c->nft, &s, e);
}

/*
 * A bridge that does not filter VLANs would carry every frame whatever its
 * tag: refused. def: the default PVID it gives a new port (0: none).
 */
static int vlans_possible(struct mode_ctx *c, const struct link_info *br, unsigned *def,
			  struct nm_err *e)
{
	bool filtering;
	int rc = rt_bridge_vlans_on(c->nl, br->ifindex, &filtering, def, e);

	if (rc < 0)
		return rc;
	return filtering ? 0 : bridge_vlan_refuse(br->name, e);
}

/* The port's VLANs made exactly the asked ones, once it is on the bridge. */
static int plan_vlans(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
		      const struct link_info *br, unsigned def, struct plan *p, struct nm_err *e)
{
	struct vlan_set now;
	int rc;

	memset(&now, 0, sizeof(now));
	if (d->link.master == br->ifindex) {
		if ((rc = rt_port_vlans(c->nl, d->link.ifindex, &now, e)) < 0)
			return rc;
	} else if (def) {
		/* What the kernel gives it on joining. */
		now.pvid = (uint16_t)def;
		vlan_set_add(&now, def, true);
	}
	if ((rc = plan_port_vlans(p, c->nl, d->link.ifindex, d->name, &now, &r->vlans)) < 0)
		return nm_fail(e, rc, "out of memory");
	return 0;
}

/*
 * Which link-local group frames the port forwards (bridge_port.h): read
 * when it is on the bridge already (d->link.master is the bridge's by now,
 * or it is not on it yet and has the kernel's default, 0).
 */
static int plan_group_fwd(struct mode_ctx *c, const struct vifdev *d, bool filtered, struct plan *p,
			  struct nm_err *e)
{
	uint16_t now = 0;
	int rc;

	if (d->link.master && (rc = rt_port_group_fwd(c->nl, d->link.ifindex, &now, e)) < 0)
		return rc;
	return plan_port_group_fwd(p, c->nl, d->link.ifindex, d->name, now, filtered) < 0
		       ? nm_fail(e, -ENOMEM, "out of memory")
		       : 0;
}

/* A port that is up, on the bridge and set up as asked needs no bounce. */
static bool port_in_place(const struct link_info *l, const struct link_info *br, unsigned mtu,
			  const struct addr_set *addrs)
{
	return l->up && l->master == br->ifindex && l->mtu == mtu &&
	       !memcmp(&l->mac, &vifdev_port_mac, sizeof(vifdev_port_mac)) &&
	       !addr_set_has_configured(addrs);
}

/*
 * Filter before the link goes up; it is in place before any frame can pass.
 * The chains of op_* constructors below fail only with -ENOMEM (plan.h):
 * "out of memory" is their one cause. The queries and plan_filter say why
 * they failed themselves, and their rc is passed on untouched.
 */
static int plan_up(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		   struct vif_outcome *out, struct nm_err *e)
{
	struct vifdev d;
	struct link_info br;
	struct addr_set addrs = { 0 };
	unsigned mtu;
	bool vlans, in_place, filtered = false;
	unsigned def = 0;
	int rc;

	if ((rc = vifdev_find(r, c, &d, e)) < 0 || (rc = find_bridge(r, c->nl, &br, &vlans, e)) < 0)
		return rc;
	if (vlans && (rc = vlans_possible(c, &br, &def, e)) < 0)
		return rc;
	snprintf(out->dev, sizeof(out->dev), "%s", d.name);
	snprintf(out->bridge, sizeof(out->bridge), "%s", br.name);
	mtu = r->mtu ? r->mtu : br.mtu;
	if ((rc = addr_set_query(c->nl, d.link.ifindex, &addrs, e)) < 0)
		return rc;

	in_place = !d.rename && port_in_place(&d.link, &br, mtu, &addrs);
	if ((rc = vifdev_plan_port(r, c, &d, in_place, &addrs, mtu, p, out)) < 0)
		return nm_fail(e, rc, "out of memory");
	if ((rc = plan_filter(r, c, d.name, br.name, vlans, &filtered, p, e)) < 0)
		return rc;
	/* A port in place is on the bridge already (port_in_place). */
	if (d.link.master != br.ifindex) {
		char old[IFNAMSIZ] = "";
		struct link_info m;
		if (d.link.master && rt_link_get(c->nl, d.link.master, NULL, &m, NULL) == 0)
			snprintf(old, sizeof(old), "%s", m.name);
		rc = op_link_set_master(p, c->nl, d.link.ifindex, d.name, br.ifindex, br.name,
					d.link.master, old);
	}
	if (rc < 0)
		return nm_fail(e, rc, "out of memory");
	if ((rc = plan_group_fwd(c, &d, filtered, p, e)) < 0)
		return rc;
	if (vlans && (rc = plan_vlans(r, c, &d, &br, def, p, e)) < 0)
		return rc;
	/* A port in place is not bounced: it is up already. */
	if (!in_place && (rc = op_link_set_up(p, c->nl, d.link.ifindex, d.name, true)) < 0)
		return nm_fail(e, rc, "out of memory");
	return 0;
}

/*
 * Leaving the bridge takes the port's VLANs with it; a rollback that puts
 * the port back gives them back too. Only a VLAN-filtering bridge's ports
 * are read: a port of any other keeps what the kernel gives it.
 */
static int plan_vlans_kept(struct mode_ctx *c, const struct vifdev *d, struct plan *p,
			   struct nm_err *e)
{
	struct vlan_set now;
	bool filtering = false;
	unsigned def;
	int rc = rt_bridge_vlans_on(c->nl, d->link.master, &filtering, &def, e);

	if (rc == -ENODEV || (rc == 0 && !filtering))
		return 0;
	if (rc < 0 || (rc = rt_port_vlans(c->nl, d->link.ifindex, &now, e)) < 0)
		return rc;
	if ((rc = op_port_vlans_kept(p, c->nl, d->link.ifindex, d->name, &now, def)) < 0)
		return nm_fail(e, rc, "out of memory");
	return 0;
}

static int plan_group_fwd_kept(struct mode_ctx *c, const struct vifdev *d, struct plan *p,
			       struct nm_err *e)
{
	uint16_t now = 0;
	int rc = rt_port_group_fwd(c->nl, d->link.ifindex, &now, e);

	if (rc < 0)
		return rc;
	if ((rc = op_port_group_fwd_kept(p, c->nl, d->link.ifindex, d->name, now)) < 0)
		return nm_fail(e, rc, "out of memory");
	return 0;
}

/* Offline tolerates a device already gone and needs no bridge: it only takes down. */
static int plan_down(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		     struct vif_outcome *out, struct nm_err *e)
{
	struct vifdev d;
	int rc;

	if ((rc = vifdev_find_going(r, c, &d, out, e)) != 0)
		return rc < 0 ? rc : 0;
	if (d.exists && d.link.master) {
		struct link_info m;
		if (rt_link_get(c->nl, d.link.master, NULL, &m, NULL) == 0)
			snprintf(out->bridge, sizeof(out->bridge), "%s", m.name);
	}
	if (d.exists && d.link.up)
		rc = op_link_set_up(p, c->nl, d.link.ifindex, d.name, false);
	if (!rc && d.exists && d.link.master &&
	    ((rc = plan_vlans_kept(c, &d, p, e)) < 0 || (rc = plan_group_fwd_kept(c, &d, p, e)) < 0))
		return rc;
	if (!rc && d.exists && d.link.master)
		rc = op_link_set_master(p, c->nl, d.link.ifindex, d.name, 0, "", d.link.master,
					out->bridge);
	if (rc < 0)
		return nm_fail(e, rc, "out of memory");
	return vifdev_plan_release(r, c, &d, PORT_BRIDGED, p, e);
}

int bridge_plan(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		struct vif_outcome *out, struct nm_err *e)
{
	return vif_command_is_up(r->cmd) ? plan_up(r, c, p, out, e) : plan_down(r, c, p, out, e);
}
