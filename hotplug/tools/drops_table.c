#include "hotplug/tools/drops_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/grow.h"

static const enum port_kind kinds[DROPS_PORT_KINDS] = { PORT_BRIDGED, PORT_ROUTED, PORT_OVS };

const char *drops_kind_name(enum port_kind kind)
{
	switch (kind) {
	case PORT_BRIDGED:
		return "bridge";
	case PORT_ROUTED:
		return "route";
	default:
		return "ovs";
	}
}

struct adding {
	struct drops_table *t;
	enum port_kind kind;
	bool failed; /* out of memory: the ports after it are not kept */
};

static void add_port(const char *ifname, const struct port_drops *d, void *data)
{
	struct adding *a = data;
	struct drops_table *t = a->t;
	struct drops_port *p;

	if (a->failed)
		return;
	if (!(p = grow_for(t->p, &t->cap, t->n, sizeof(*p), 16))) {
		a->failed = true;
		return;
	}
	t->p = p;
	t->p[t->n] = (struct drops_port){ .kind = a->kind, .d = *d };
	snprintf(t->p[t->n].ifname, sizeof(t->p[t->n].ifname), "%s", ifname);
	t->n++;
}

static int by_name(const void *a, const void *b)
{
	const struct drops_port *x = a, *y = b;
	int c = strverscmp(x->ifname, y->ifname);

	return c ? c : (int)x->kind - (int)y->kind;
}

int drops_table_read(struct nft_conn *nft, struct drops_table *t, struct nm_err *e)
{
	t->n = 0;
	for (int i = 0; i < DROPS_PORT_KINDS; i++) {
		struct adding a = { .t = t, .kind = kinds[i] };
		struct nm_err why = { "" };
		char *err = t->err[kinds[i]];
		err[0] = '\0';
		if (nft_port_drops_each(nft, kinds[i], add_port, &a, &why) < 0)
			snprintf(err, sizeof(t->err[0]), "%s", why.msg[0] ? why.msg : "unreadable");
		if (a.failed)
			return nm_fail(e, -ENOMEM, "out of memory reading the drop counts");
	}
	if (t->n)
		qsort(t->p, t->n, sizeof(*t->p), by_name);
	return 0;
}

const struct drops_port *drops_table_find(const struct drops_table *t, enum port_kind kind,
					  const char *ifname)
{
	struct drops_port key = { .kind = kind };

	if (!t->n || strlen(ifname) >= sizeof(key.ifname))
		return NULL;
	memcpy(key.ifname, ifname, strlen(ifname) + 1);
	return bsearch(&key, t->p, t->n, sizeof(*t->p), by_name);
}

void drops_table_free(struct drops_table *t)
{
	free(t->p);
	t->p = NULL;
	t->n = t->cap = 0;
}
