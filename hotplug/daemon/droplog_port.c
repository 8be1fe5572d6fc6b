#include "hotplug/daemon/droplog_port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/modes/vif_claim.h"
#include "netmodes/rtnl/links.h"
#include "hotplug/daemon/daemon_conns.h"
#include "hotplug/xen/xs.h"

/* The port's counts from the first table that has it: false when none does. */
static bool counts(const char *ifname, struct port_drops *d)
{
	static const enum port_kind kinds[] = { PORT_BRIDGED, PORT_ROUTED, PORT_OVS };
	struct nm_err e = { "" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (nft_port_drops(conns_nft(), kinds[i], ifname, d, &e) == 0 && d->present)
			return true;
	return false;
}

/* The domain of the port's claim, else of its name; its name from xenstore. */
static void guest(struct daemon_conns *c, struct drop_guest *g)
{
	struct nm_err e = { "" };
	struct link_info l;
	char path[64];

	if (c && rt_link_get(c->nl, 0, g->ifname, &l, &e) == 0)
		g->has_domain = claim_owner("/sys", &l, &g->domid, &g->devid);
	if (!g->has_domain)
		g->has_domain = drop_vif_name(g->ifname, &g->domid, &g->devid);
	if (!c || !g->has_domain)
		return;
	snprintf(path, sizeof(path), "/local/domain/%u/name", g->domid);
	if (xsw_read_opt(c->xs, path, g->name, sizeof(g->name), &e) < 0) {
		g->name[0] = '\0';
		if (!conns_alive(c)) /* xenstored restarted: the next take connects anew */
			conns_retire(c);
	}
}

bool droplog_port(const struct drop_record *r, struct drop_guest *g, struct port_drops *d)
{
	struct nm_err e = { "" };
	struct daemon_conns *c;

	memset(g, 0, sizeof(*g));
	if (!counts(r->ifname, d) || !d->packets[r->kind])
		return false;
	snprintf(g->ifname, sizeof(g->ifname), "%s", r->ifname);
	c = conns_take(&e); /* none (no xenstore): the guest from its name alone */
	guest(c, g);
	conns_give(c);
	return true;
}
