/* The ports an anti-spoofing table filters, listed from its ports set; see port_holders.h. */
#include "netmodes/nft/port_holders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One more port: its name kept while there is room, counted in any case. */
static void take_name(const char *name, void *data)
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
	int rc = nft_port_each(nft, kind, take_name, &r, e);

	if (rc < 0)
		return rc;
	/* in name order, whatever order the set's hash gives */
	qsort(r.name, r.n < PORT_HOLDERS_MAX ? r.n : PORT_HOLDERS_MAX, sizeof(r.name[0]), by_name);
	*ret = r; /* no table, no set: no port */
	return 0;
}
