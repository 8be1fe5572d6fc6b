/*
 * A port's anti-spoofing elements (see nft_port.h): built from its filter,
 * read back from its records, and changed in one batch per call.
 */
#include "nft_port.h"

#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/udata.h>

#include "../hotplug/parse.h"
#include "nft_batch.h"
#include "nft_port_rules.h"

#define KEY_MAX 48
#define COMMENT_LEN 64
/* ports, macs, one per prefix, and the records of the mac and the prefixes */
#define MAX_ELEMS (3 + 2 * MAX_PREFIXES)

struct port_elem {
	enum port_set set;
	uint8_t key[KEY_MAX], key_end[KEY_MAX];
	char text[PREFIX_STR_LEN]; /* the field after the name, as nft(8) writes it */
	char comment[COMMENT_LEN]; /* "" when none */
};

static bool ifname_ok(const char *s)
{
	size_t len = strnlen(s, IFNAMSIZ);

	if (!len || len >= IFNAMSIZ)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '_' || *c == '.' || *c == '-'))
			return false;
	return true;
}

int nft_port_check(const struct port_filter *f, struct nm_err *e)
{
	if (f->kind != PORT_BRIDGED && f->kind != PORT_ROUTED)
		return nm_fail(e, -EINVAL, "unknown kind of port");
	if (!ifname_ok(f->ifname))
		return nm_fail(e, -EINVAL, "invalid interface name for anti-spoofing");
	if (f->ips.n > MAX_PREFIXES)
		return nm_fail(e, -EINVAL, "anti-spoofing for %s takes at most %d addresses",
			       f->ifname, MAX_PREFIXES);
	for (size_t i = 0; i < f->ips.n; i++) {
		const struct prefix *p = &f->ips.p[i];
		if ((p->family != AF_INET || p->len > 32) && (p->family != AF_INET6 || p->len > 128))
			return nm_fail(e, -EINVAL, "invalid address for anti-spoofing of %s", f->ifname);
	}
	return 0;
}

/* Building elements */

/* A prefix as nft prints it: a full-length one without "/len". */
static char *prefix_text(const struct prefix *p, char *buf)
{
	char *slash;

	prefix_format(p, buf);
	if (p->len == prefix_addr_len(p) * 8 && (slash = strchr(buf, '/')))
		*slash = '\0';
	return buf;
}

static struct port_elem *elem_new(struct port_elem *el, enum port_set set, const char *ifname)
{
	memset(el, 0, sizeof(*el));
	el->set = set;
	memcpy(el->key, ifname, strnlen(ifname, IFNAMSIZ - 1)); /* zero padded, as the kernel keeps it */
	return el;
}

static void elem_prefix(struct port_elem *el, const char *ifname, const struct prefix *p)
{
	size_t alen = prefix_addr_len(p);
	bool whole = p->len == alen * 8;

	elem_new(el, p->family == AF_INET ? (whole ? SET_IP4 : SET_IP4NET)
					  : (whole ? SET_IP6 : SET_IP6NET), ifname);
	memcpy(el->key + IFNAMSIZ, p->addr.raw, alen);
	prefix_text(p, el->text);
	if (whole)
		return;
	/* an interval: from the prefix to its last address */
	memcpy(el->key_end, el->key, IFNAMSIZ + alen);
	for (size_t bit = p->len; bit < alen * 8; bit++)
		el->key_end[IFNAMSIZ + bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

static void elem_record(struct port_elem *el, const char *ifname, uint32_t i, const char *what)
{
	elem_new(el, SET_RECORDS, ifname);
	memcpy(el->key + IFNAMSIZ, &i, sizeof(i)); /* a mark: host byte order */
	snprintf(el->text, sizeof(el->text), "%u", i);
	snprintf(el->comment, sizeof(el->comment), "%s", what);
}

/* The elements f owns: its records first, the ports element last. */
static size_t port_elems(const struct port_filter *f, struct port_elem *out)
{
	char mac[MAC_STR_LEN], pfx[PREFIX_STR_LEN], rec[COMMENT_LEN];
	size_t n = 0;
	uint32_t nrec = 0;

	if (f->ips.n) {
		mac_format(&f->mac, mac);
		snprintf(rec, sizeof(rec), "mac %s", mac);
		elem_record(&out[n++], f->ifname, nrec++, rec);
		elem_new(&out[n], SET_MACS, f->ifname);
		memcpy(out[n].key + IFNAMSIZ, f->mac.b, MAC_LEN);
		snprintf(out[n++].text, sizeof(out[0].text), "%s", mac);
	}
	for (size_t i = 0; i < f->ips.n; i++) {
		snprintf(rec, sizeof(rec), "ip %s", prefix_format(&f->ips.p[i], pfx));
		elem_record(&out[n++], f->ifname, nrec++, rec);
		elem_prefix(&out[n++], f->ifname, &f->ips.p[i]);
	}
	elem_new(&out[n], SET_PORTS, f->ifname);
	snprintf(out[n++].comment, sizeof(out[0].comment), "%u records", nrec);
	return n;
}

/* The set object carrying the elements of els that belong to set. NULL: none, or no memory. */
/* The set itself, to carry elements or name the set a GET lists. NULL: no memory. */
static struct nftnl_set *set_obj(enum port_kind kind, enum port_set set)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s) {
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, port_family_of(kind)->family);
		nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
		nftnl_set_set_str(s, NFTNL_SET_NAME, port_sets[set].name);
	}
	return s;
}

/* The set object carrying the elements of els that belong to set. NULL: no memory. */
static struct nftnl_set *elems_obj(enum port_kind kind, enum port_set set,
				   const struct port_elem *els, size_t n, bool with_comments)
{
	const struct port_set_def *d = &port_sets[set];
	struct nftnl_set *s = set_obj(kind, set);

	for (size_t i = 0; s && i < n; i++) {
		struct nftnl_set_elem *el;
		if (els[i].set != set)
			continue;
		if (!(el = nftnl_set_elem_alloc())) {
			nftnl_set_free(s);
			return NULL;
		}
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, els[i].key, d->key_len);
		if (d->interval)
			nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY_END, els[i].key_end, d->key_len);
		if (with_comments && els[i].comment[0]) {
			struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
			if (!ud) {
				nftnl_set_elem_free(el);
				nftnl_set_free(s);
				return NULL;
			}
			nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, els[i].comment);
			nftnl_set_elem_set(el, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud),
					   nftnl_udata_buf_len(ud));
			nftnl_udata_buf_free(ud);
		}
		nftnl_set_elem_add(s, el); /* the set owns el now */
	}
	return s;
}

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
		if (!(s = elems_obj(kind, (enum port_set)set, els, n, add)))
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

/* Called with each element a GET returns. */
typedef void elem_fn(struct nftnl_set_elem *el, void *data);

struct elem_walk {
	elem_fn *fn;
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

/*
 * One GETSETELEM: for the elements s carries (flags 0), or every element of
 * its set (NLM_F_DUMP); each goes to fn. Frees s. Returns 1, 0 when the
 * kernel said ENOENT, or -errno with e set.
 */
static int get_set_elems(struct nft_conn *nft, enum port_kind kind, struct nftnl_set *s, uint16_t flags, elem_fn *fn,
			 void *data, struct nm_err *e)
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

/* Reading a port back */

/* The comments of the elements a GET returned, in order; n counts them all. */
struct elem_reply {
	char comments[MAX_ELEMS][COMMENT_LEN];
	size_t n;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	char *buf = data;
	const char *v = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == NFTNL_UDATA_SET_ELEM_COMMENT && len && v[len - 1] == '\0')
		snprintf(buf, COMMENT_LEN, "%s", v);
	return 0;
}

static void take_comment(struct nftnl_set_elem *el, void *data)
{
	struct elem_reply *r = data;
	const void *ud;
	uint32_t len;

	if (r->n < MAX_ELEMS) {
		r->comments[r->n][0] = '\0';
		if ((ud = nftnl_set_elem_get(el, NFTNL_SET_ELEM_USERDATA, &len)))
			nftnl_udata_parse(ud, len, comment_cb, r->comments[r->n]);
	}
	r->n++;
}

/* Asks for the n elements of els (all in one set) in one GET; their comments land in r. */
static int get_elems(struct nft_conn *nft, enum port_kind kind, const struct port_elem *els, size_t n,
		     struct elem_reply *r, struct nm_err *e)
{
	r->n = 0;
	return get_set_elems(nft, kind, elems_obj(kind, els[0].set, els, n, false), 0, take_comment, r, e);
}

/* A record as port_elems writes it: "mac MAC" first, then "ip PREFIX". */
static int parse_record(const char *text, struct port_filter *f, bool first)
{
	if (first)
		return strncmp(text, "mac ", 4) || parse_mac(text + 4, &f->mac, NULL) < 0 ? -EBADMSG : 0;
	if (f->ips.n == MAX_PREFIXES || strncmp(text, "ip ", 3) ||
	    parse_prefix(text + 3, &f->ips.p[f->ips.n], NULL) < 0)
		return -EBADMSG;
	f->ips.n++;
	return 0;
}

/* Reads the port's nrec records back into f. */
static int read_records(struct nft_conn *nft, enum port_kind kind, const char *ifname, unsigned nrec,
			struct port_filter *f, struct nm_err *e)
{
	struct port_elem *keys = calloc(MAX_ELEMS, sizeof(*keys));
	struct elem_reply *r = calloc(1, sizeof(*r));
	int rc = -ENOMEM;

	if (!keys || !r)
		goto out;
	for (uint32_t i = 0; i < nrec; i++)
		elem_record(&keys[i], ifname, i, "");
	if ((rc = get_elems(nft, kind, keys, nrec, r, e)) < 0)
		goto out;
	rc = rc && r->n == nrec ? 0 : -EBADMSG;
	for (size_t i = 0; !rc && i < nrec; i++)
		rc = parse_record(r->comments[i], f, i == 0);
out:
	free(keys);
	free(r);
	return rc == -ENOMEM ? nm_fail(e, rc, "out of memory") : rc;
}

int nft_port_query(struct nft_conn *nft, enum port_kind kind, const char *ifname, struct port_state *ret,
		   struct nm_err *e)
{
	struct port_elem key;
	struct elem_reply r;
	unsigned nrec;
	int rc, end = 0;

	if (!ifname_ok(ifname))
		return nm_fail(e, -EINVAL, "invalid interface name for anti-spoofing");
	memset(ret, 0, sizeof(*ret));
	ret->filter.kind = kind;
	snprintf(ret->filter.ifname, sizeof(ret->filter.ifname), "%s", ifname);
	if ((rc = get_elems(nft, kind, elem_new(&key, SET_PORTS, ifname), 1, &r, e)) < 0)
		return rc;
	if (!rc) {
		/* no element: no table, or a table without this port */
		if ((rc = nft_port_table_exists(nft, kind, e)) < 0)
			return rc;
		ret->table = rc;
		return 0;
	}
	ret->table = ret->port = true;
	if (r.n != 1 || sscanf(r.comments[0], "%u records%n", &nrec, &end) != 1 ||
	    r.comments[0][end] || nrec > 1 + MAX_PREFIXES || nrec == 1)
		rc = -EBADMSG;
	else
		rc = nrec ? read_records(nft, kind, ifname, nrec, &ret->filter, e) : 0;
	ret->damaged = rc == -EBADMSG;
	return ret->damaged ? 0 : rc;
}

/* Repairing a port whose records are damaged */

struct dump_state {
	enum port_set set;
	const uint8_t *name; /* IFNAMSIZ bytes, zero padded */
	struct port_elem *out;
	size_t n, max;
};

static void take_owned(struct nftnl_set_elem *el, void *data)
{
	struct dump_state *d = data;
	uint32_t len = 0, len_end = 0;
	const void *key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &len);
	const void *end = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY_END, &len_end);
	struct port_elem *pe;

	if (!key || len < IFNAMSIZ || len > KEY_MAX || len_end > KEY_MAX ||
	    memcmp(key, d->name, IFNAMSIZ) || d->n == d->max)
		return;
	pe = &d->out[d->n++];
	memset(pe, 0, sizeof(*pe));
	pe->set = d->set;
	memcpy(pe->key, key, len);
	if (end)
		memcpy(pe->key_end, end, len_end);
}

/*
 * Every element keyed by ifname, found by listing each set: the one place
 * that lists, and only to repair what someone damaged by hand.
 */
static int dump_port_elems(struct nft_conn *nft, enum port_kind kind, const char *ifname, struct port_elem *out,
			   size_t max, size_t *ret_n, struct nm_err *e)
{
	struct port_elem name;
	struct dump_state d = { .name = elem_new(&name, SET_PORTS, ifname)->key, .out = out, .max = max };
	int rc = 0;

	for (int set = 0; set < PORT_SETS && rc >= 0; set++) {
		d.set = (enum port_set)set;
		rc = get_set_elems(nft, kind, set_obj(kind, d.set), NLM_F_DUMP, take_owned, &d, e);
	}
	*ret_n = d.n;
	return rc < 0 ? rc : 0;
}

bool nft_port_matches(const struct port_state *s, const struct port_filter *f)
{
	const struct port_filter *g = &s->filter;

	if (!s->port || s->damaged || g->ips.n != f->ips.n || (f->ips.n && memcmp(&g->mac, &f->mac, sizeof(f->mac))))
		return false;
	for (size_t i = 0; i < f->ips.n; i++)
		if (!prefix_equal(&g->ips.p[i], &f->ips.p[i]))
			return false;
	return true;
}

/* Changing a port */

/* One batch taking the port from s to f (clear when f is NULL). */
static int send_port(struct nft_conn *nft, enum port_kind kind, const struct port_filter *f, const struct port_state *s,
		     const char **failed, struct nm_err *e)
{
	struct port_elem *els = calloc((size_t)2 * MAX_ELEMS, sizeof(*els));
	struct nft_batch b;
	size_t n_old = 0, n_new = 0;
	int rc = 0;

	if (!els || nft_batch_init(&b) < 0) {
		free(els);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	if (f && !s->table)
		rc = port_rules_batch(&b, kind);
	if (!rc && s->port) {
		if (s->damaged)
			rc = dump_port_elems(nft, kind, s->filter.ifname, els, MAX_ELEMS, &n_old, e);
		else
			n_old = port_elems(&s->filter, els);
		if (!rc)
			rc = batch_elems(&b, kind, els, n_old, false);
	}
	if (!rc && f) {
		n_new = port_elems(f, els + n_old);
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
	int rc;

	if (f ? nft_port_matches(s, f) : !s->port)
		return 0;
	rc = send_port(nft, kind, f, s, &failed, e);
	if (rc != -EEXIST || !failed || strcmp(failed, "add table"))
		return rc;
	/* Another call created the table since s was read: read again, once. */
	if (!(now = malloc(sizeof(*now))))
		return nm_fail(e, -ENOMEM, "out of memory");
	if ((rc = nft_port_query(nft, kind, ifname, now, e)) == 0 &&
	    !(f ? nft_port_matches(now, f) : !now->port))
		rc = send_port(nft, kind, f, now, &failed, e);
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

/* Describing */

static void describe_elems(const struct port_filter *f, const char *verb, bool comments,
			   FILE *out)
{
	const struct port_family *pf = port_family_of(f->kind);
	struct port_elem els[MAX_ELEMS];
	size_t n = port_elems(f, els);

	for (size_t i = 0; i < n; i++) {
		fprintf(out, "nft %s element %s %s %s { \"%s\"", verb, pf->name, NFT_TABLE_NAME,
			port_sets[els[i].set].name, f->ifname);
		if (els[i].set != SET_PORTS)
			fprintf(out, " . %s", els[i].text);
		if (comments && els[i].comment[0])
			fprintf(out, " comment \"%s\"", els[i].comment);
		fprintf(out, " }\n");
	}
}

void nft_port_describe_clear(const struct port_state *s, FILE *out)
{
	if (s->port && s->damaged)
		fprintf(out, "# the anti-spoofing records of %s are damaged: every element keyed "
			     "\"%s\" goes, found by listing the sets\n",
			s->filter.ifname, s->filter.ifname);
	else if (s->port)
		describe_elems(&s->filter, "delete", false, out);
}

void nft_port_describe_set(const struct port_filter *f, const struct port_state *s, FILE *out)
{
	if (!s->table)
		port_rules_describe(f->kind, out);
	nft_port_describe_clear(s, out);
	describe_elems(f, "add", true, out);
}

/* The table alone */

int nft_port_table_exists(struct nft_conn *nft, enum port_kind kind, struct nm_err *e)
{
	return nft_object_get(nft, port_family_of(kind)->family, NFT_TABLE_NAME, e);
}

int nft_port_table_create(struct nft_conn *nft, enum port_kind kind, struct nm_err *e)
{
	struct nft_batch b;
	int rc;

	if (nft_batch_init(&b) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	if ((rc = port_rules_batch(&b, kind)) < 0)
		nm_fail(e, rc, "out of memory");
	else
		rc = nft_batch_send(nft, &b, NULL, e);
	nft_batch_free(&b);
	return rc == -EEXIST ? 0 : rc;
}

int nft_port_table_delete(struct nft_conn *nft, enum port_kind kind, struct nm_err *e)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nft_batch b;
	int rc;

	if (!t || nft_batch_init(&b) < 0) {
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
	return rc == -ENOENT ? 0 : rc;
}

void nft_port_describe_table(enum port_kind kind, bool create, FILE *out)
{
	if (create)
		port_rules_describe(kind, out);
	else
		fprintf(out, "nft delete table %s %s\n", port_family_of(kind)->name, NFT_TABLE_NAME);
}
