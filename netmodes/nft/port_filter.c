/*
 * A port's anti-spoofing elements (see port_filter.h) in the kernel: read
 * back from its records, changed in one batch per call, and repaired when
 * someone damaged them by hand. What the elements are is port_codec's.
 */
#include "netmodes/nft/port_filter.h"

#include <errno.h>
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "netmodes/nft/nft_batch.h"
#include "netmodes/nft/port_codec.h"
#include "netmodes/nft/port_describe.h"
#include "netmodes/nft/port_rules.h"

/* Appends one message per set to b: the elements' addition (add) or removal. */
static int batch_elems(struct nft_batch *b, enum port_kind kind, const struct port_elem *els,
		       size_t n, bool add)
{
	for (int set = 0; set < PORT_SETS; set++) {
		struct nftnl_set *s;
		bool any = false;
		for (size_t i = 0; i < n; i++)
			any |= els[i].set == (enum port_set)set;
		if (!any)
			continue;
		if (!(s = port_elems_obj(kind, (enum port_set)set, els, n, add)))
			return -ENOMEM;
		if (add)
			nft_batch_elems(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE, s, "add element");
		else
			nft_batch_elems(b, NFT_MSG_DELSETELEM, 0, s, "delete element");
		nftnl_set_free(s);
	}
	return 0;
}

/* Reading elements back */

struct elem_walk {
	port_elem_fn *fn;
	void *data;
};

/* One reply message: each of its elements to the walk's function. */
static int elems_cb(const struct nlmsghdr *h, void *data)
{
	const struct elem_walk *w = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it = NULL;
	struct nftnl_set_elem *el;

	if (!s || nftnl_set_elems_nlmsg_parse(h, s) < 0 || !(it = nftnl_set_elems_iter_create(s))) {
		if (s)
			nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	while ((el = nftnl_set_elems_iter_next(it)))
		w->fn(el, w->data);
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

int port_get_elems(struct nft_conn *nft, enum port_kind kind, struct nftnl_set *s, uint16_t flags,
		   port_elem_fn *fn, void *data, struct nm_err *e)
{
	char *buf = calloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct elem_walk w = { fn, data };
	struct nlmsghdr *h;
	int rc;

	if (!s || !buf) {
		if (s)
			nftnl_set_free(s);
		free(buf);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, port_family_of(kind)->family,
				  NLM_F_ACK | flags, 0);
	nftnl_set_elems_nlmsg_build_payload(h, s);
	nftnl_set_free(s);
	rc = nft_get(nft, h, elems_cb, &w, e);
	free(buf);
	return rc;
}

/* Every port */

struct name_walk {
	void (*fn)(const char *name, void *data);
	void *data;
};

/* A ports element's key: the name, zero padded (a longer one cut to IFNAMSIZ - 1). */
static void take_name(struct nftnl_set_elem *el, void *data)
{
	const struct name_walk *w = data;
	uint32_t len = 0;
	const char *key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &len);
	char name[IFNAMSIZ];
	size_t n;

	if (!key)
		return;
	n = strnlen(key, len < IFNAMSIZ ? len : IFNAMSIZ - 1);
	memcpy(name, key, n);
	name[n] = '\0';
	w->fn(name, w->data);
}

int nft_port_each(struct nft_conn *nft, enum port_kind kind, void (*fn)(const char *name, void *data),
		  void *data, struct nm_err *e)
{
	struct name_walk w = { fn, data };
	int rc = port_get_elems(nft, kind, port_set_obj(kind, SET_PORTS), NLM_F_DUMP, take_name, &w, e);

	return rc < 0 ? rc : 0;
}

/* Reading a port back */

static void take_comment(struct nftnl_set_elem *el, void *data)
{
	port_comments_take(data, el);
}

/* Asks for the n elements of els (all in one set) in one GET; their comments land in r. */
static int get_comments(struct nft_conn *nft, enum port_kind kind, const struct port_elem *els,
			size_t n, struct port_comments *r, struct nm_err *e)
{
	r->n = 0;
	return port_get_elems(nft, kind, port_elems_obj(kind, els[0].set, els, n, false), 0,
			     take_comment, r, e);
}

/* Reads the port's nrec records back into f. */
static int read_records(struct nft_conn *nft, enum port_kind kind, const char *ifname,
			unsigned nrec, struct port_filter *f, struct nm_err *e)
{
	struct port_elem *keys = calloc(PORT_MAX_RECORDS, sizeof(*keys));
	struct port_comments *r = calloc(1, sizeof(*r));
	int rc = -ENOMEM;

	if (!keys || !r)
		goto out;
	for (uint32_t i = 0; i < nrec; i++)
		port_elem_record(&keys[i], ifname, i, "");
	if ((rc = get_comments(nft, kind, keys, nrec, r, e)) < 0)
		goto out;
	rc = rc ? port_decode_records(r, nrec, f) : -EBADMSG;
out:
	free(keys);
	free(r);
	return rc == -ENOMEM ? nm_fail(e, rc, "out of memory") : rc;
}

static void count_elem(struct nftnl_set_elem *el, void *data)
{
	(void)el;
	(*(size_t *)data)++;
}

/*
 * Whether the kernel has every element the port's records name, besides
 * the ports element and the records themselves (read already): one GET per
 * set, asking for all of its elements. The kernel answers them in order and
 * stops at the first it lacks: that one marks s damaged, named in s->missing.
 */
static int verify_elems(struct nft_conn *nft, enum port_kind kind, struct port_state *s,
			struct nm_err *e)
{
	struct port_elem *els = malloc(PORT_MAX_ELEMS * sizeof(*els)); /* port_elems fills each it writes */
	size_t n;
	int rc = 0;

	if (!els)
		return nm_fail(e, -ENOMEM, "out of memory");
	n = port_elems(&s->filter, els);
	for (int set = SET_PORTS + 1; set < SET_RECORDS && rc >= 0 && !s->damaged; set++) {
		size_t want = 0, got = 0;
		for (size_t i = 0; i < n; i++)
			want += els[i].set == (enum port_set)set;
		if (!want)
			continue;
		rc = port_get_elems(nft, kind, port_elems_obj(kind, (enum port_set)set, els, n, false), 0,
				   count_elem, &got, e);
		if (rc != 0)
			continue;
		s->damaged = true;
		/* the one after the last the kernel answered */
		for (size_t i = 0; i < n; i++)
			if (els[i].set == (enum port_set)set && !got--) {
				snprintf(s->missing, sizeof(s->missing), "%s { \"%s\" . %s }",
					 port_sets[set].name, s->filter.ifname, els[i].text);
				break;
			}
	}
	free(els);
	return rc < 0 ? rc : 0;
}

/*
 * Whether the table exists, and whether its rules are these (it has the
 * chain only they make): one GET when they are.
 */
static int table_state(struct nft_conn *nft, enum port_kind kind, struct port_state *ret,
		       struct nm_err *e)
{
	const struct port_family *pf = port_family_of(kind);
	int rc = nft_chain_get(nft, pf->family, NFT_TABLE_NAME, port_rules_marker_chain(), e);

	if (rc == 0)
		rc = nft_port_table_exists(nft, kind, e);
	else if (rc > 0)
		rc = 2;
	if (rc < 0)
		return rc;
	ret->table = rc > 0;
	ret->old_rules = rc == 1;
	return 0;
}

/* The device a chain's hook names, read from the chain's reply: "" when none. */
static int chain_dev_cb(const struct nlmsghdr *h, void *data)
{
	char *dev = data; /* IFNAMSIZ */
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *name = NULL;

	if (!c || nftnl_chain_nlmsg_parse(h, c) < 0) {
		if (c)
			nftnl_chain_free(c);
		return MNL_CB_ERROR;
	}
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV))
		name = nftnl_chain_get_str(c, NFTNL_CHAIN_DEV);
	else if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEVICES)) {
		/* a kernel that lists one device as a list of one */
		const char *const *devs = nftnl_chain_get_array(c, NFTNL_CHAIN_DEVICES);
		name = devs && devs[0] && !devs[1] ? devs[0] : NULL;
	}
	snprintf(dev, IFNAMSIZ, "%s", name ? name : "");
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/*
 * PORT_OVS: whether the port's base chain exists, and whether it hooks the
 * device of the port's name: one GET. A chain that names no device
 * (Debian 13's 6.12 and 6.13 to 6.15, after its device went) or another
 * one is stale.
 */
static int chain_state(struct nft_conn *nft, const char *ifname, struct port_state *ret,
		       struct nm_err *e)
{
	char buf[512], name[PORT_CHAIN_NAME_LEN], dev[IFNAMSIZ] = "";
	struct nlmsghdr *h;
	int rc;

	memset(buf, 0, sizeof(buf)); /* the request's padding goes to the kernel too */
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, port_family_of(PORT_OVS)->family,
				  NLM_F_ACK, 0);
	mnl_attr_put_strz(h, NFTA_CHAIN_TABLE, NFT_TABLE_NAME);
	mnl_attr_put_strz(h, NFTA_CHAIN_NAME, port_chain_name(ifname, name));
	if ((rc = nft_get(nft, h, chain_dev_cb, dev, e)) < 0)
		return rc;
	ret->chain = rc > 0;
	ret->chain_hooked = ret->chain && !strcmp(dev, ifname);
	return 0;
}

static int port_query(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		      struct port_state *ret, struct nm_err *e);

int nft_port_query(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		   struct port_state *ret, struct nm_err *e)
{
	int rc = port_query(nft, kind, ifname, ret, e);

	return rc || kind != PORT_OVS || !ret->table ? rc : chain_state(nft, ifname, ret, e);
}

static int port_query(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		      struct port_state *ret, struct nm_err *e)
{
	struct port_elem key;
	struct port_comments r;
	unsigned nrec = 0;
	int rc, bad = 0;

	if (!port_ifname_ok(ifname))
		return nm_fail(e, -EINVAL, "invalid interface name for anti-spoofing");
	memset(ret, 0, sizeof(*ret));
	ret->filter.kind = kind;
	snprintf(ret->filter.ifname, sizeof(ret->filter.ifname), "%s", ifname);
	if ((rc = get_comments(nft, kind, port_elem_new(&key, SET_PORTS, ifname), 1, &r, e)) < 0)
		return rc;
	if (!rc)
		/* no element: no table, or a table without this port */
		return table_state(nft, kind, ret, e);
	ret->table = ret->port = true;
	bad = port_decode_count(&r, &nrec);
	rc = bad ? bad : nrec ? read_records(nft, kind, ifname, nrec, &ret->filter, e) : 0;
	if (!(ret->damaged = rc == -EBADMSG))
		/* the records whole: the elements they name, checked */
		return rc || !nrec ? rc : verify_elems(nft, kind, ret, e);
	/* an earlier version's port: maybe its table too */
	return table_state(nft, kind, ret, e);
}

/* Repairing a port whose records are damaged */

struct dump_state {
	enum port_set set;
	const char *ifname;
	struct port_elem *out;
	size_t n, max;
};

static void take_owned(struct nftnl_set_elem *el, void *data)
{
	struct dump_state *d = data;

	if (d->n < d->max && port_elem_owned(el, d->set, d->ifname, &d->out[d->n]))
		d->n++;
}

/*
 * Every element keyed by ifname, found by listing each set: the one place
 * that lists, and only to repair what someone damaged by hand.
 */
static int dump_port_elems(struct nft_conn *nft, enum port_kind kind, const char *ifname,
			   struct port_elem *out, size_t max, size_t *ret_n, struct nm_err *e)
{
	struct dump_state d = { .ifname = ifname, .out = out, .max = max };
	int rc = 0;

	for (int set = 0; set < PORT_SETS && rc >= 0; set++) {
		d.set = (enum port_set)set;
		rc = port_get_elems(nft, kind, port_set_obj(kind, d.set), NLM_F_DUMP, take_owned, &d, e);
	}
	*ret_n = d.n;
	return rc < 0 ? rc : 0;
}

/* Whether g and f are the same filter (of the same port). */
static bool filter_equal(const struct port_filter *g, const struct port_filter *f)
{
	if (g->ips.n != f->ips.n ||
	    (f->ips.n && (memcmp(&g->mac, &f->mac, sizeof(f->mac)) ||
			  !vlan_set_equal(&g->vlans, &f->vlans))))
		return false;
	for (size_t i = 0; i < f->ips.n; i++)
		if (!prefix_equal(&g->ips.p[i], &f->ips.p[i]))
			return false;
	return true;
}

bool nft_port_matches(const struct port_state *s, const struct port_filter *f)
{
	return s->port && !s->damaged && !s->old_rules &&
	       !(f->kind == PORT_OVS && !s->chain_hooked) && filter_equal(&s->filter, f);
}

/* Changing a port */

/* Whether anything of the port's is in place: its elements, or its own chain. */
static bool port_present(const struct port_state *s)
{
	return s->port || s->chain;
}

/* One batch taking the port from s to f (clear when f is NULL). */
static int send_port(struct nft_conn *nft, enum port_kind kind, const struct port_filter *f, const struct port_state *s,
		     const char **failed, struct nm_err *e)
{
	struct port_elem *els = calloc((size_t)2 * PORT_MAX_ELEMS, sizeof(*els));
	struct nft_batch b;
	size_t n_old = 0, n_new = 0;
	int rc = 0;

	if (!els || nft_batch_init(&b) < 0) {
		free(els);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	if (f && !s->table)
		rc = port_rules_batch(&b, kind);
	else if (f && s->old_rules)
		rc = port_rules_upgrade_batch(&b, kind);
	if (!rc && s->port) {
		if (s->damaged)
			rc = dump_port_elems(nft, kind, s->filter.ifname, els, PORT_MAX_ELEMS, &n_old, e);
		else
			n_old = port_elems(&s->filter, els);
		if (!rc && port_keeps_drops(s, f))
			n_old = port_elems_drop_set(els, n_old, SET_DROPS);
		if (!rc)
			rc = batch_elems(&b, kind, els, n_old, false);
	}
	/* a chain of the port's there is replaced: it may be stale (port_rules.c) */
	if (!rc && kind == PORT_OVS && (s->chain || f))
		rc = port_chain_batch(&b, kind, f ? f->ifname : s->filter.ifname, s->chain, f != NULL);
	if (!rc && f) {
		n_new = port_elems(f, els + n_old);
		if (port_keeps_drops(s, f))
			n_new = port_elems_drop_set(els + n_old, n_new, SET_DROPS);
		rc = batch_elems(&b, kind, els + n_old, n_new, true);
	}
	if (rc == -ENOMEM)
		nm_fail(e, rc, "out of memory");
	if (!rc)
		rc = nft_batch_send(nft, &b, failed, e);
	nft_batch_free(&b);
	free(els);
	return rc;
}

int nft_port_change(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		    const struct port_filter *f, const struct port_state *s, struct nm_err *e)
{
	const char *failed = NULL;
	struct port_state *now;
	bool gone;
	int rc;

	if (f ? nft_port_matches(s, f) : !port_present(s))
		return 0;
	rc = send_port(nft, kind, f, s, &failed, e);
	if (!(rc == -EEXIST && failed && !strcmp(failed, "add table")) && !(rc == -ENOENT && s->table))
		return rc;
	/* an element the records name, deleted since s was read (by hand: the port's calls are serialised) */
	gone = rc == -ENOENT && failed && !strcmp(failed, "delete element") && s->port && !s->damaged;
	/*
	 * Another call created the table since s was read, or released it (its
	 * last holder gone), or an element went: read again, once.
	 */
	if (!(now = malloc(sizeof(*now))))
		return nm_fail(e, -ENOMEM, "out of memory");
	if ((rc = nft_port_query(nft, kind, ifname, now, e)) == 0) {
		/*
		 * The same records again, which the kernel refused to delete: the
		 * port is damaged whatever the read says, its elements found by
		 * listing the sets.
		 */
		if (gone && now->port && !now->damaged && filter_equal(&now->filter, &s->filter))
			now->damaged = true;
		if (!(f ? nft_port_matches(now, f) : !port_present(now)))
			rc = send_port(nft, kind, f, now, &failed, e);
	}
	free(now);
	return rc;
}

static int port_update(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		       const struct port_filter *f, struct nm_err *e)
{
	struct port_state *s = malloc(sizeof(*s));
	int rc;

	if (!s)
		return nm_fail(e, -ENOMEM, "out of memory");
	if ((rc = nft_port_query(nft, kind, ifname, s, e)) == 0)
		rc = nft_port_change(nft, kind, ifname, f, s, e);
	free(s);
	return rc;
}

int nft_port_set(struct nft_conn *nft, const struct port_filter *f, struct nm_err *e)
{
	int rc = nft_port_check(f, e);

	return rc < 0 ? rc : port_update(nft, f->kind, f->ifname, f, e);
}

int nft_port_clear(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		   struct nm_err *e)
{
	return port_update(nft, kind, ifname, NULL, e);
}

/* The table alone */

int nft_port_table_exists(struct nft_conn *nft, enum port_kind kind, struct nm_err *e)
{
	return nft_object_get(nft, port_family_of(kind)->family, NFT_TABLE_NAME, e);
}

/* The table made (upgrade: an earlier version's brought up to these rules) in one batch. */
static int send_rules(struct nft_conn *nft, enum port_kind kind, bool upgrade, struct nm_err *e)
{
	struct nft_batch b;
	int rc;

	if (nft_batch_init(&b) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	if ((rc = upgrade ? port_rules_upgrade_batch(&b, kind) : port_rules_batch(&b, kind)) < 0)
		nm_fail(e, rc, "out of memory");
	else
		rc = nft_batch_send(nft, &b, NULL, e);
	nft_batch_free(&b);
	return rc;
}

int nft_port_table_create(struct nft_conn *nft, enum port_kind kind, struct nm_err *e)
{
	int rc = send_rules(nft, kind, false, e);

	if (rc != -EEXIST)
		return rc;
	/* there already: made by an earlier version, its rules are replaced */
	if ((rc = nft_chain_get(nft, port_family_of(kind)->family, NFT_TABLE_NAME,
				port_rules_marker_chain(), e)) != 0)
		return rc < 0 ? rc : 0;
	return send_rules(nft, kind, true, e);
}

/* The table deleted, if the ruleset is still at generation genid (0: whatever it is). */
static int table_delete_at(struct nft_conn *nft, enum port_kind kind, uint32_t genid,
			   struct nm_err *e)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nft_batch b;
	int rc;

	if (!t || nft_batch_init_at(&b, genid) < 0) {
		if (t)
			nftnl_table_free(t);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, port_family_of(kind)->family);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t, "delete table");
	rc = nft_batch_send(nft, &b, NULL, e);
	nft_batch_free(&b);
	nftnl_table_free(t);
	return rc;
}

int nft_port_table_delete(struct nft_conn *nft, enum port_kind kind, struct nm_err *e)
{
	int rc = table_delete_at(nft, kind, 0, e);

	return rc == -ENOENT ? 0 : rc;
}

/* Tries before a release gives up on a ruleset that changes under every look. */
#define RELEASE_TRIES 50

int nft_port_table_release(struct nft_conn *nft, enum port_kind kind, struct nm_err *e)
{
	for (unsigned i = 0; i < RELEASE_TRIES; i++) {
		struct port_holders ports;
		uint32_t gen;
		int rc;

		/* the generation first: a port added after it moves it on */
		if ((rc = nft_gen_get(nft, &gen, e)) < 0 ||
		    (rc = port_holders_list(nft, kind, &ports, e)) < 0)
			return rc;
		if (ports.n)
			return 0;
		rc = table_delete_at(nft, kind, gen, e);
		if (rc != -ERESTART)
			return rc == -ENOENT ? 0 : rc < 0 ? rc : 1;
	}
	return nm_fail(e, -EAGAIN, "table %s %s: the nftables ruleset changed under each of %d tries "
			"to delete it; left in place", port_family_of(kind)->name, NFT_TABLE_NAME,
		       RELEASE_TRIES);
}

/* The filter as plan operations */
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

/* Whether s says what filter was in place: its records whole (an element they name may be missing). */
static bool filter_known(const struct port_state *s)
{
	return s->port && (!s->damaged || s->missing[0]);
}

/* Back to what was there: the replaced filter (whole), or none. */
static int set_undo(struct op *op, struct nm_err *e)
{
	struct port_filter_op *o = op->data;

	/* damaged records told nothing to restore: the new filter, which filters, stays */
	if (o->before.port && !filter_known(&o->before))
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

	/* damaged records, or a port's chain alone, told no filter to put back */
	return filter_known(&o->before) ? nft_port_set(o->nft, &o->before.filter, e) : 0;
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
		return port_present(&s) && op_port_filter_clear(p, nft, &s) < 0
			       ? nm_fail(e, -ENOMEM, "out of memory")
			       : 0;
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

/* Who holds a table */

/* One more port: its name kept while there is room, counted in any case. */
static void keep_name(const char *name, void *data)
{
	struct port_holders *r = data;

	if (r->n < PORT_HOLDERS_MAX)
		snprintf(r->name[r->n], sizeof(r->name[0]), "%s", name);
	r->n++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int port_holders_list(struct nft_conn *nft, enum port_kind kind, struct port_holders *ret,
		      struct nm_err *e)
{
	struct port_holders r = { 0 };
	int rc = nft_port_each(nft, kind, keep_name, &r, e);

	if (rc < 0)
		return rc;
	/* in name order, whatever order the set's hash gives */
	qsort(r.name, r.n < PORT_HOLDERS_MAX ? r.n : PORT_HOLDERS_MAX, sizeof(r.name[0]), by_name);
	*ret = r; /* no table, no set: no port */
	return 0;
}
