/*
 * vif-openvswitch: a vif or tap device as a filtered port of an Open
 * vSwitch bridge, its port written to the Open_vSwitch database through
 * OVSDB (netmodes/ovs/), its anti-spoofing an nftables netdev chain on the
 * device's ingress (PORT_OVS).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/modes/modes.h"
#include "netmodes/modes/vifdev.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/ovs/ovs_port.h"
#include "netmodes/ovs/ovsdb.h"
#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/links.h"

/* Where the vif goes: the bridge and the port's VLANs in OVS's terms. */
struct ovs_target {
	char bridge[IFNAMSIZ];
	int tag;		  /* -1: none */
	struct ovs_vlans trunks;  /* the VLANs carried tagged */
	struct vlan_set tagged;	  /* the same, for the filter */
	bool has_trunks;
	const char *vlan_mode;	  /* NULL: empty */
	char mac[MAC_STR_LEN];	  /* attached-mac: the backend's mac, "" when none */
};

/*
 * The bridge value BR[.TAG][:TRUNK...] (or BR and the backend's vlan node):
 * the bridge is the name before the first '.' or ':' (request.c split the
 * suffix into bridge_base and vlans), TAG the port's one untagged VLAN,
 * the TRUNKs its tagged ones. TAG and TRUNKs both mean what vif-bridge
 * makes of them, VLAN TAG untagged and the TRUNKs tagged: vlan_mode
 * native-untagged (OVS alone would make an access port and drop the
 * trunks). Another untagged VLAN has no OVS form and is refused.
 */
static int ovs_target_of(const struct vif_request *r, struct ovs_target *t, struct nm_err *e)
{
	bool vlans = r->has_vlans || r->bridge_base[0];
	const char *name = r->bridge_base[0] ? r->bridge_base : r->bridge;

	memset(t, 0, sizeof(*t));
	t->tag = -1;
	if (!name[0])
		return nm_fail(e, -EINVAL, "no Open vSwitch bridge was specified (bridge=)");
	if (strchr(name, '.') && r->has_vlans)
		return nm_fail(e, -EINVAL,
			       "bridge %s: a VLAN suffix and the backend's vlan node both given", name);
	if (strchr(name, '.'))
		return nm_fail(e, -EINVAL, "invalid bridge %s: expected BRIDGE[.TAG][:TRUNK...]", name);
	snprintf(t->bridge, sizeof(t->bridge), "%s", name);
	if (r->has_mac)
		mac_format(&r->mac, t->mac);
	if (!vlans)
		return 0;
	for (unsigned vid = VLAN_MIN; vid <= VLAN_MAX; vid++) {
		if (!vlan_set_has(&r->vlans, vid))
			continue;
		if (vid == r->vlans.pvid) {
			t->tag = (int)vid;
		} else if (vlan_set_untagged(&r->vlans, vid)) {
			return nm_fail(e, -EINVAL,
				       "VLAN %u untagged: an Open vSwitch port carries one VLAN untagged, its tag",
				       vid);
		} else {
			ovs_vlans_add(&t->trunks, vid);
			vlan_set_add(&t->tagged, vid, false);
			t->has_trunks = true;
		}
	}
	if (t->tag >= 0 && t->has_trunks)
		t->vlan_mode = "native-untagged";
	return 0;
}

/* The spec add-port writes for dev. */
static struct ovs_port_spec spec_of(const struct vif_request *r, const struct ovs_target *t,
				    const char *dev)
{
	return (struct ovs_port_spec){ .bridge = t->bridge, .dev = dev, .tag = t->tag,
				       .trunks = t->has_trunks ? &t->trunks : NULL,
				       .vlan_mode = t->vlan_mode, .vm_name = r->vm_name,
				       .vm_uuid = r->vm_uuid,
				       .attached_mac = t->mac[0] ? t->mac : NULL };
}

/* Whether the port in the database is already what add-port would write, and working. */
static bool port_matches(const struct ovs_port_state *s, const struct vif_request *r,
			 const struct ovs_target *t)
{
	return s->exists && s->has_iface && !strcmp(s->bridge, t->bridge) && s->tag == t->tag &&
	       !memcmp(&s->trunks, &t->trunks, sizeof(t->trunks)) &&
	       !strcmp(s->vlan_mode, t->vlan_mode ? t->vlan_mode : "") && s->ofport > 0 &&
	       !s->error[0] && !strcmp(s->vm_name, r->vm_name) && !strcmp(s->vm_uuid, r->vm_uuid) &&
	       !strcmp(s->attached_mac, t->mac);
}

/*
 * A database that could not be read (rc, e): a real call stops there; a
 * dry run or check plans on without it (ctx.h), the reason in out. Returns
 * whether it plans on.
 */
static bool plan_on_unread(const struct mode_ctx *c, int rc, const char *what,
			   struct vif_outcome *out, struct nm_err *e)
{
	if (c->unread == UNREAD_FAILS || rc == -ENOMEM)
		return false;
	snprintf(out->unread_what, sizeof(out->unread_what), "%s", what);
	snprintf(out->unread, sizeof(out->unread), "%s", e->msg);
	e->msg[0] = '\0';
	return true;
}

/* The port filter, as vif-bridge's: the ips, or only the MAC (antispoof_without_ip = mac). */
static int plan_filter(const struct vif_request *r, struct mode_ctx *c, const char *dev,
		       const struct ovs_target *t, struct plan *p, struct nm_err *e)
{
	const struct prefix_list *ips = &r->ips;
	struct prefix_list any;

	if (!ips->n && r->noip_mac && r->has_mac) {
		any.n = 2;
		(void)parse_prefix("0.0.0.0/0", &any.p[0], NULL);
		(void)parse_prefix("::/0", &any.p[1], NULL);
		ips = &any;
	}
	return plan_port_filter(p, c->nft, PORT_OVS, dev, ips->n > 0, r->has_mac ? &r->mac : NULL,
				ips, t->has_trunks ? &t->tagged : NULL, e);
}

/*
 * The MTU: the call's, else the bridge's own device's where the kernel has
 * one, else the device's as it is.
 */
static unsigned port_mtu(const struct vif_request *r, struct mode_ctx *c, const struct ovs_target *t,
			 const struct vifdev *d)
{
	struct link_info br;

	if (r->mtu)
		return r->mtu;
	if (rt_link_get(c->nl, 0, t->bridge, &br, NULL) == 0)
		return br.mtu;
	return d->link.mtu;
}

/*
 * Filter before the port is added and the link goes up, so it is in place
 * before any frame can pass. The op_* constructors fail only with -ENOMEM.
 */
static int plan_up(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		   struct vif_outcome *out, struct ovs_port_read *sess, struct nm_err *e)
{
	struct ovs_target t;
	struct ovs_port_state ps = { .tag = -1 };
	struct ovs_port_spec spec;
	struct vifdev d;
	struct addr_set addrs = { 0 };
	unsigned mtu;
	struct nm_err ae = { "" };
	bool br_exists = false, port_ok, in_place;
	int rc, rc_addrs, idx;

	if ((rc = ovs_target_of(r, &t, e)) < 0 || (rc = vifdev_find(r, c, &d, e)) < 0)
		return rc;
	/*
	 * The port's read sent, and the kernel's side read while ovsdb-server
	 * answers; its session kept for the add-port step (ovs_port.h). The
	 * read's failure is told before the kernel's, as when it came first.
	 */
	rc = ovs_port_read_start(r->ovsdb_sock, d.name, c->deadline_ms, sess, e);
	mtu = port_mtu(r, c, &t, &d);
	idx = d.link.ifindex;
	rc_addrs = addr_set_query(c->nl, idx, &addrs, &ae);
	if (rc == 0)
		rc = ovs_port_read_end(sess, t.bridge, c->deadline_ms, &br_exists, &ps, true, e);
	if (rc < 0 && !plan_on_unread(c, rc, "the Open vSwitch port", out, e))
		goto fail;
	if (rc == 0 && !br_exists) {
		rc = nm_fail(e, -ENODEV, "no such Open vSwitch bridge %s", t.bridge);
		goto fail;
	}
	/* Not read: missing for a dry run, which then lists the add-port; in place for check. */
	port_ok = rc == 0 ? port_matches(&ps, r, &t) : c->unread == UNREAD_AS_IN_PLACE;
	snprintf(out->dev, sizeof(out->dev), "%s", d.name);
	snprintf(out->bridge, sizeof(out->bridge), "%s", t.bridge);
	if ((rc = rc_addrs) < 0) {
		*e = ae;
		goto fail;
	}
	in_place = !d.rename && d.link.up && d.link.mtu == mtu &&
		   !memcmp(&d.link.mac, &vifdev_port_mac, sizeof(vifdev_port_mac)) &&
		   !addr_set_has_configured(&addrs) && port_ok;

	if ((rc = vifdev_plan_port(r, c, &d, in_place, &addrs, mtu, p, out)) < 0)
		return nm_fail(e, rc, "out of memory");
	if ((rc = plan_filter(r, c, d.name, &t, p, e)) < 0 || in_place)
		return rc;
	spec = spec_of(r, &t, d.name);
	/* a rollback's removal of the port may raise the link (links.h): down again after it */
	if (!port_ok && !(rc = op_link_keep_down(p, c->nl, idx, d.name)))
		rc = op_ovs_add_port_on(p, r->ovsdb_sock, c->deadline_ms, &spec, sess);
	if (!rc)
		rc = op_link_set_up(p, c->nl, idx, d.name, true);
	return rc < 0 ? nm_fail(e, rc, "out of memory") : 0;
fail:
	addr_set_free(&addrs);
	return rc;
}

/*
 * Offline's last step: the port removed, then its link kept down (links.h:
 * the removal may raise it), as one step, since the removal has no undo
 * and nothing may fail in a step after it. Errors read as the removal's.
 */
static int removal_apply(struct op *op, struct nm_err *e)
{
	struct plan *sub = op->data;
	int rc = 0;

	for (size_t i = 0; i < sub->n && rc == 0; i++)
		rc = sub->ops[i].type->apply(&sub->ops[i], e);
	return rc;
}

static void removal_describe(const struct op *op, FILE *out)
{
	plan_describe(op->data, out);
}

static void removal_release(void *data)
{
	plan_free(data);
	free(data);
}

static const struct op_type removal_type = {
	.name = "remove Open vSwitch port",
	.apply = removal_apply,
	.describe = removal_describe,
	.release = removal_release,
};

static int op_remove_port(struct plan *p, const struct vif_request *r, struct mode_ctx *c,
			  const struct vifdev *d)
{
	struct plan *sub = calloc(1, sizeof(*sub));
	int rc;

	if (!sub)
		return -ENOMEM;
	rc = op_ovs_del_port(sub, r->ovsdb_sock, c->deadline_ms, d->name);
	if (!rc && d->exists)
		rc = op_link_keep_down(sub, c->nl, d->link.ifindex, d->name);
	if (rc < 0) {
		removal_release(sub);
		return rc;
	}
	return plan_add(p, &removal_type, sub);
}

/*
 * Offline tolerates a device already gone and needs no bridge: link down,
 * its filter gone, its claim given up, its own port (by name, on whatever
 * bridge) removed. A real call reads nothing from the database here (the
 * del-port step connects when it runs); a dry run reads the port, to say
 * whether that step would reach ovsdb-server.
 */
static int plan_down(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
		     struct vif_outcome *out, struct nm_err *e)
{
	struct ovs_target t;
	struct vifdev d;
	int rc;

	if ((rc = vifdev_find_going(r, c, &d, out, e)) != 0)
		return rc < 0 ? rc : 0;
	if (ovs_target_of(r, &t, NULL) == 0)
		snprintf(out->bridge, sizeof(out->bridge), "%s", t.bridge);
	if (c->unread != UNREAD_FAILS) {
		struct ovs_port_state ps;
		int read = ovs_port_read(r->ovsdb_sock, NULL, d.name, c->deadline_ms, NULL, &ps,
					 NULL, e);
		if (read < 0 && !plan_on_unread(c, read, "", out, e))
			return read;
	}
	if (d.exists && d.link.up &&
	    (rc = op_link_set_up(p, c->nl, d.link.ifindex, d.name, false)) < 0)
		return nm_fail(e, rc, "out of memory");
	if ((rc = plan_port_filter(p, c->nft, PORT_OVS, d.name, false, NULL, NULL, NULL, e)) < 0)
		return rc;
	/* The removal last: it has no undo (ovs_port.h), so nothing after it may fail. */
	if ((rc = vifdev_plan_unclaim(r, c, &d, p)) < 0 || (rc = op_remove_port(p, r, c, &d)) < 0)
		return nm_fail(e, rc, "out of memory");
	return 0;
}

int ovs_plan(const struct vif_request *r, struct mode_ctx *c, struct plan *p,
	     struct vif_outcome *out, struct nm_err *e)
{
	struct ovs_port_read sess = { 0 };
	int rc;

	if (!vif_command_is_up(r->cmd))
		return plan_down(r, c, p, out, e);
	rc = plan_up(r, c, p, out, &sess, e);
	ovs_port_read_release(&sess); /* when no add-port step took it */
	return rc;
}
