#include "netmodes/nft/port_filter_ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct port_filter_op {
	struct nft_conn *nft;
	struct port_filter f;
	struct port_state before;
};

/* The state read when planning still holds: the call holds the vif's lock. */
static int set_apply(struct op *op, struct nm_err *e)
{
	struct port_filter_op *o = op->data;
	int rc = nft_port_check(&o->f, e);

	return rc < 0 ? rc : nft_port_change(o->nft, o->f.kind, o->f.ifname, &o->f, &o->before, e);
}

/* Back to what was there: the replaced filter, or none. */
static int set_undo(struct op *op, struct nm_err *e)
{
	struct port_filter_op *o = op->data;

	/* damaged records told nothing to restore: the new filter, which filters, stays */
	if (o->before.port && o->before.damaged)
		return 0;
	return o->before.port ? nft_port_set(o->nft, &o->before.filter, e)
			      : nft_port_clear(o->nft, o->f.kind, o->f.ifname, e);
}

static void set_describe(const struct op *op, FILE *out)
{
	const struct port_filter_op *o = op->data;

	nft_port_describe_set(&o->f, &o->before, out);
}

static int clear_apply(struct op *op, struct nm_err *e)
{
	struct port_filter_op *o = op->data;

	return nft_port_change(o->nft, o->f.kind, o->f.ifname, NULL, &o->before, e);
}

static int clear_undo(struct op *op, struct nm_err *e)
{
	struct port_filter_op *o = op->data;

	return o->before.damaged ? 0 : nft_port_set(o->nft, &o->before.filter, e);
}

static void clear_describe(const struct op *op, FILE *out)
{
	const struct port_filter_op *o = op->data;

	nft_port_describe_clear(&o->before, out);
}

static const struct op_type set_type = {
	.name = "install anti-spoofing",
	.apply = set_apply,
	.undo = set_undo,
	.describe = set_describe,
};

static const struct op_type clear_type = {
	.name = "remove anti-spoofing",
	.apply = clear_apply,
	.undo = clear_undo,
	.describe = clear_describe,
};

int op_port_filter_set(struct plan *p, struct nft_conn *nft, const struct port_filter *f,
		       const struct port_state *s)
{
	struct port_filter_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->nft = nft;
	o->f = *f;
	o->before = *s;
	return plan_add(p, &set_type, o);
}

int op_port_filter_clear(struct plan *p, struct nft_conn *nft, const struct port_state *s)
{
	struct port_filter_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->nft = nft;
	o->f = s->filter;
	o->before = *s;
	return plan_add(p, &clear_type, o);
}

int plan_port_filter(struct plan *p, struct nft_conn *nft, enum port_kind kind, const char *dev,
		     bool want, const struct mac_addr *mac, const struct prefix_list *ips,
		     const struct vlan_set *vlans, struct nm_err *e)
{
	struct port_filter f = { .kind = kind };
	struct port_state s;
	int rc = nft_port_query(nft, kind, dev, &s, e);

	if (rc < 0)
		return rc;
	if (!want)
		return s.port && op_port_filter_clear(p, nft, &s) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
	if (!mac && ips->n)
		return nm_fail(e, -EINVAL, "backend node mac is missing or empty: cannot filter %s", dev);
	if (mac)
		f.mac = *mac;
	f.ips = *ips;
	if (vlans)
		port_tagged_vlans(vlans, &f.vlans);
	snprintf(f.ifname, sizeof(f.ifname), "%s", dev);
	if (nft_port_matches(&s, &f))
		return 0;
	return op_port_filter_set(p, nft, &f, &s) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
}

struct table_op {
	struct nft_conn *nft;
	enum port_kind kind;
	bool create;
	bool released; /* a release that found no holder, and deleted it */
};

/*
 * Deleting is releasing: the table goes only when no vif's port holds it,
 * checked again as it is deleted (a vif online may race the stop).
 */
static int table_apply(struct op *op, struct nm_err *e)
{
	struct table_op *o = op->data;
	int rc;

	if (o->create)
		return nft_port_table_create(o->nft, o->kind, e);
	rc = nft_port_table_release(o->nft, o->kind, e);
	o->released = rc > 0;
	return rc < 0 ? rc : 0;
}

static int table_undo(struct op *op, struct nm_err *e)
{
	struct table_op *o = op->data;
	int rc;

	if (!o->create)
		return o->released ? nft_port_table_create(o->nft, o->kind, e) : 0;
	rc = nft_port_table_release(o->nft, o->kind, e);
	return rc < 0 ? rc : 0;
}

static void table_describe(const struct op *op, FILE *out)
{
	const struct table_op *o = op->data;

	nft_port_describe_table(o->kind, o->create, out);
}

static const struct op_type table_type = {
	.name = "anti-spoofing table",
	.apply = table_apply,
	.undo = table_undo,
	.describe = table_describe,
};

int op_port_table(struct plan *p, struct nft_conn *nft, enum port_kind kind, bool create)
{
	struct table_op *o = malloc(sizeof(*o));

	if (!o)
		return -ENOMEM;
	*o = (struct table_op){ .nft = nft, .kind = kind, .create = create };
	return plan_add(p, &table_type, o);
}
