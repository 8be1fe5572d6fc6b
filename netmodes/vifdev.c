#include "vifdev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../hotplug/xs.h"
#include "link_ops.h"
#include "sysctl_ops.h"

static int find_for_up(const struct vif_request *r, struct nl_sock *sk, struct vifdev *d,
		       struct nm_err *e)
{
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
		return 0;
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
	return 0;
}

static int find_for_down(const struct vif_request *r, struct nl_sock *sk, struct vifdev *d,
			 struct nm_err *e)
{
	const char *names[] = { r->vifname, r->dev };

	snprintf(d->name, sizeof(d->name), "%s", r->vifname[0] ? r->vifname : r->dev);
	for (size_t i = 0; i < 2; i++) {
		int rc;
		if (!names[i][0])
			continue;
		rc = rt_link_get(sk, 0, names[i], &d->link, e);
		if (rc == 0) {
			d->exists = true;
			snprintf(d->name, sizeof(d->name), "%s", names[i]);
			return 0;
		}
		if (rc != -ENODEV)
			return rc;
	}
	e->msg[0] = '\0';
	return 0;
}

int vifdev_find(const struct vif_request *r, struct nl_sock *sk, struct vifdev *ret,
		struct nm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	return vif_command_is_up(r->cmd) ? find_for_up(r, sk, ret, e) : find_for_down(r, sk, ret, e);
}

int vifdev_plan_mtu(const struct vif_request *r, struct mode_ctx *c, const struct vifdev *d,
		    unsigned mtu, struct plan *p)
{
	char path[XS_PATH_LEN + 8], value[16], now[16];
	int rc = 0;

	if (mtu != d->link.mtu)
		rc = op_link_set_mtu(p, c->nl, d->link.ifindex, d->name, mtu, d->link.mtu);
	if (rc < 0 || r->type != VIF_TYPE_VIF || !r->frontend[0])
		return rc;
	snprintf(path, sizeof(path), "%s/mtu", r->frontend);
	snprintf(value, sizeof(value), "%u", mtu);
	if (c->xs && xsw_read(c->xs, path, now, sizeof(now), NULL) == 0 && !strcmp(now, value))
		return 0; /* the frontend knows already */
	return op_xs_write(p, c->xs, path, value);
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
