#include "netmodes/modes/vifdev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/host/sysctls.h"
#include "netmodes/modes/vif_claim.h"

const struct mac_addr vifdev_port_mac = { { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff } };

static const char *sysfs_of(const struct mode_ctx *c)
{
	return c->sysfs ? c->sysfs : "/sys";
}

/* An online's device must not be someone else's: refused, with whose it is. */
static int check_ours_for_up(const struct vif_request *r, struct mode_ctx *c,
			     const struct link_info *l, struct nm_err *e)
{
	struct vif_claim cl;

	claim_read(sysfs_of(c), l, r->domid, r->devid, &cl);
	if (cl.state != CLAIM_OTHER)
		return 0;
	return nm_fail(e, -EBUSY, "device %s belongs to %s, not to backend/vif/%u/%u: left alone",
		       l->name, cl.owner, r->domid, r->devid);
}

static int find_for_up(const struct vif_request *r, struct mode_ctx *c, struct vifdev *d,
		       struct nm_err *e)
{
	struct rt_conn *sk = c->nl;
	struct link_info wanted;
	int rc = rt_link_get(sk, 0, r->dev, &d->link, e);
	int rc_wanted;

	if (rc < 0 && rc != -ENODEV)
		return rc;
	if (!r->vifname[0] || !strcmp(r->vifname, r->dev)) {
		if (rc == -ENODEV)
			return nm_fail(e, rc, "device %s does not exist", r->dev);
		snprintf(d->name, sizeof(d->name), "%s", r->dev);
		d->exists = true;
		return check_ours_for_up(r, c, &d->link, e);
	}
	rc_wanted = rt_link_get(sk, 0, r->vifname, &wanted, e);
	if (rc_wanted < 0 && rc_wanted != -ENODEV)
		return rc_wanted;
	if (rc == 0 && rc_wanted == 0)
		return nm_fail(e, -EEXIST,
			       "Cannot rename interface %s. An interface with name %s already exists.",
			       r->dev, r->vifname);
	if (rc == -ENODEV && rc_wanted == -ENODEV)
		return nm_fail(e, -ENODEV, "device %s does not exist", r->dev);
	if (rc == -ENODEV)
		d->link = wanted; /* renamed by an earlier call */
	d->rename = rc == 0;
	d->exists = true;
	snprintf(d->name, sizeof(d->name), "%s", r->vifname);
	return check_ours_for_up(r, c, &d->link, e);
}

/*
 * The vifname first, then the kernel's name: the first that is this
 * backend's. One that is not (another guest's device under the vifname
 * this guest asked for, a device nobody claimed) is never touched.
 */
static int find_for_down(const struct vif_request *r, struct mode_ctx *c, struct vifdev *d,
			 struct nm_err *e)
{
	const char *names[] = { r->vifname, r->dev };
	size_t len = 0;

	snprintf(d->name, sizeof(d->name), "%s", r->vifname[0] ? r->vifname : r->dev);
	for (size_t i = 0; i < 2; i++) {
		struct link_info l;
		struct vif_claim cl;
		int rc;
		if (!names[i][0] || (i == 1 && !strcmp(names[0], names[1])))
			continue;
		rc = rt_link_get(c->nl, 0, names[i], &l, e);
		if (rc == -ENODEV)
			continue;
		if (rc < 0)
			return rc;
		claim_read(sysfs_of(c), &l, r->domid, r->devid, &cl);
		if (cl.state == CLAIM_OURS) {
			d->exists = true;
			d->foreign = false;
			d->link = l;
			snprintf(d->name, sizeof(d->name), "%s", names[i]);
			e->msg[0] = '\0';
			return 0;
		}
		d->foreign = true;
		len += (size_t)snprintf(d->left_alone + len, sizeof(d->left_alone) - len,
					"%s%s belongs to %s", len ? "; " : "", l.name,
					cl.state == CLAIM_OTHER ? cl.owner : "no backend");
		if (len >= sizeof(d->left_alone))
			len = sizeof(d->left_alone) - 1;
	}
	if (d->foreign)
		snprintf(d->left_alone + len, sizeof(d->left_alone) - len,
			 ": not backend/vif/%u/%u's, left alone", r->domid, r->devid);
	e->msg[0] = '\0';
	return 0;
}

int vifdev_find(const struct vif_request *r, struct mode_ctx *c, struct vifdev *ret,
		struct nm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	return vif_command_is_up(r->cmd) ? find_for_up(r, c, ret, e) : find_for_down(r, c, ret, e);
}

int vifdev_plan_claim(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
		      struct plan *p)
{
	char alias[CLAIM_LEN];

	claim_alias(r->domid, r->devid, alias);
	if (!strcmp(d->link.alias, alias))
		return 0;
	return op_link_set_alias(p, c->nl, d->link.ifindex, d->link.name, alias, d->link.alias);
}

int vifdev_plan_unclaim(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
			struct plan *p)
{
	char alias[CLAIM_LEN];

	claim_alias(r->domid, r->devid, alias);
	if (!d->exists || strcmp(d->link.alias, alias))
		return 0;
	return op_link_set_alias(p, c->nl, d->link.ifindex, d->name, "", d->link.alias);
}

int vifdev_plan_mtu(struct mode_ctx *c, const struct vifdev *d, unsigned mtu, struct plan *p,
		    struct vif_outcome *out)
{
	out->mtu = mtu;
	if (mtu == d->link.mtu)
		return 0;
	return op_link_set_mtu(p, c->nl, d->link.ifindex, d->name, mtu, d->link.mtu);
}

int vifdev_plan_port(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
		     bool in_place, struct addr_set *addrs, unsigned mtu, struct plan *p,
		     struct vif_outcome *out)
{
	int idx = d->link.ifindex;
	int rc = vifdev_plan_claim(r, c, d, p);

	if (!rc && !in_place && d->link.up)
		rc = op_link_set_up(p, c->nl, idx, d->link.name, false);
	if (!rc && d->rename)
		rc = op_link_rename(p, c->nl, idx, d->link.name, d->name);
	if (!rc && memcmp(&d->link.mac, &vifdev_port_mac, sizeof(vifdev_port_mac)))
		rc = op_link_set_mac(p, c->nl, idx, d->name, &vifdev_port_mac, &d->link.mac);
	if (!rc && addrs->n && !in_place)
		rc = op_addr_flush(p, c->nl, d->name, addrs);
	addr_set_free(addrs);
	return rc ? rc : vifdev_plan_mtu(c, d, mtu, p, out);
}

int vifdev_plan_rename(struct mode_ctx *c, const struct vifdev *d, struct plan *p)
{
	int rc = 0;

	if (!d->rename)
		return 0;
	/* The kernel renames only links that are down. */
	if (d->link.up)
		rc = op_link_set_up(p, c->nl, d->link.ifindex, d->link.name, false);
	return rc ? rc : op_link_rename(p, c->nl, d->link.ifindex, d->link.name, d->name);
}

int vifdev_plan_proxy_arp(const struct vifdev *d, bool on, struct plan *p)
{
	char key[64], now[8];

	snprintf(key, sizeof(key), "net/ipv4/conf/%s/proxy_arp", d->name);
	if (sysctl_read(key, now, sizeof(now), NULL) == 0 && !strcmp(now, on ? "1" : "0"))
		return 0;
	return op_sysctl(p, key, on ? "1" : "0");
}

int vifdev_plan_routed_down(struct mode_ctx *c, const struct vifdev *d, struct addr_set *addrs,
			    struct plan *p)
{
	int rc = 0;

	if (d->exists && d->link.up)
		rc = op_link_set_up(p, c->nl, d->link.ifindex, d->name, false);
	if (!rc && addrs->n)
		rc = op_addr_flush(p, c->nl, d->name, addrs);
	addr_set_free(addrs);
	if (!rc && d->exists)
		rc = vifdev_plan_proxy_arp(d, false, p);
	return rc;
}

int vifdev_find_going(const struct vif_request *r, struct mode_ctx *c, struct vifdev *ret,
		      struct vif_outcome *out, struct nm_err *e)
{
	int rc = vifdev_find(r, c, ret, e);

	if (rc < 0)
		return rc;
	snprintf(out->dev, sizeof(out->dev), "%s", ret->name);
	if (!ret->foreign)
		return 0;
	snprintf(out->left_alone, sizeof(out->left_alone), "%s", ret->left_alone);
	return 1;
}

int vifdev_plan_release(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
			enum port_kind kind, struct plan *p, struct nm_err *e)
{
	int rc = plan_port_filter(p, c->nft, kind, d->name, false, NULL, NULL, NULL, e);

	if (rc < 0)
		return rc;
	return vifdev_plan_unclaim(r, c, d, p) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
}
