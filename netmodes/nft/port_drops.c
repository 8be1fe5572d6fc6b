/* Reading the ports' drop counts back from the drops set (port_drops.h). */
#include "netmodes/nft/port_drops.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/set.h>

#include "netmodes/grow.h"
#include "netmodes/nft/port_codec.h"
#include "netmodes/nft/port_filter.h"

uint64_t port_drops_total(const struct port_drops *d)
{
	uint64_t n = 0;

	for (int k = 0; k < DROP_KINDS; k++)
		n += d->packets[k];
	return n;
}

/* One element of the drops set: whose, which kind, and its counter. */
struct drop_elem {
	char ifname[IFNAMSIZ];
	int kind; /* -1: a key no rule makes */
	uint64_t packets, bytes;
};

static int take_counter(struct nftnl_expr *ex, void *data)
{
	struct drop_elem *d = data;
	const char *name = nftnl_expr_get_str(ex, NFTNL_EXPR_NAME);

	if (name && !strcmp(name, "counter")) {
		d->packets = nftnl_expr_get_u64(ex, NFTNL_EXPR_CTR_PACKETS);
		d->bytes = nftnl_expr_get_u64(ex, NFTNL_EXPR_CTR_BYTES);
	}
	return 0;
}

static void drop_elem_read(struct nftnl_set_elem *el, struct drop_elem *ret)
{
	uint32_t len = 0, key;
	const uint8_t *k = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &len);

	memset(ret, 0, sizeof(*ret));
	ret->kind = -1;
	if (!k || len != port_sets[SET_DROPS].key_len)
		return;
	memcpy(ret->ifname, k, IFNAMSIZ - 1);
	memcpy(&key, k + IFNAMSIZ, sizeof(key));
	if (key >= 1 && key <= DROP_KINDS)
		ret->kind = (int)key - 1;
	(void)nftnl_set_elem_expr_foreach(el, take_counter, ret);
}

/* The elements read, kept for sorting. */
struct drop_list {
	struct drop_elem *e;
	size_t n, cap;
	bool nomem;
	const char *only; /* NULL: every port's */
};

static void take_elem(struct nftnl_set_elem *el, void *data)
{
	struct drop_list *l = data;
	struct drop_elem d, *e;

	drop_elem_read(el, &d);
	if (d.kind < 0 || (l->only && strcmp(d.ifname, l->only)))
		return;
	if (!(e = grow_for(l->e, &l->cap, l->n, sizeof(*e), 64))) {
		l->nomem = true;
		return;
	}
	l->e = e;
	l->e[l->n++] = d;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct drop_elem *)a)->ifname, ((const struct drop_elem *)b)->ifname);
}

/* Adds d to ret, the counts of its port. */
static void add_elem(struct port_drops *ret, const struct drop_elem *d)
{
	ret->present = true;
	ret->packets[d->kind] += d->packets;
	ret->bytes[d->kind] += d->bytes;
}

/* Reads the drops set: the ports' elements asked for (keys), or all of it (keys NULL). */
static int read_elems(struct nft_conn *nft, enum port_kind kind, const struct port_elem *keys, size_t n,
		      struct drop_list *l, struct nm_err *e)
{
	struct nftnl_set *s = keys ? port_elems_obj(kind, SET_DROPS, keys, n, false)
				   : port_set_obj(kind, SET_DROPS);
	int rc = port_get_elems(nft, kind, s, keys ? 0 : NLM_F_DUMP, take_elem, l, e);

	if (rc >= 0 && l->nomem)
		return nm_fail(e, -ENOMEM, "out of memory");
	return rc;
}

int nft_port_drops(struct nft_conn *nft, enum port_kind kind, const char *ifname, struct port_drops *ret,
		   struct nm_err *e)
{
	struct port_elem keys[DROP_KINDS];
	struct drop_list l = { .only = ifname };
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (!port_ifname_ok(ifname))
		return nm_fail(e, -EINVAL, "invalid interface name for anti-spoofing");
	for (int k = 0; k < DROP_KINDS; k++)
		port_elem_drops(&keys[k], ifname, (enum port_drop_kind)k);
	rc = read_elems(nft, kind, keys, DROP_KINDS, &l, e);
	/* the kernel stops at the first element it lacks: the rest found by listing */
	if (rc > 0 && l.n < DROP_KINDS) {
		l.n = 0;
		rc = read_elems(nft, kind, NULL, 0, &l, e);
	}
	/* no table, no set (a table of an earlier version) or no element: 0, nothing read */
	for (size_t i = 0; rc >= 0 && i < l.n; i++)
		add_elem(ret, &l.e[i]);
	free(l.e);
	return rc < 0 ? rc : 0;
}

int nft_port_drops_each(struct nft_conn *nft, enum port_kind kind,
			void (*fn)(const char *ifname, const struct port_drops *d, void *data), void *data,
			struct nm_err *e)
{
	struct drop_list l = { 0 };
	int rc = read_elems(nft, kind, NULL, 0, &l, e);

	if (rc >= 0 && l.n) {
		qsort(l.e, l.n, sizeof(*l.e), by_name);
		for (size_t i = 0; i < l.n;) {
			struct port_drops d = { 0 };
			size_t j = i;
			for (; j < l.n && !strcmp(l.e[j].ifname, l.e[i].ifname); j++)
				add_elem(&d, &l.e[j]);
			fn(l.e[i].ifname, &d, data);
			i = j;
		}
	}
	free(l.e);
	return rc < 0 ? rc : 0;
}
