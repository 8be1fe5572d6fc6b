/* The ports an anti-spoofing table filters, listed from its ports set; see port_holders.h. */
#include "port_holders.h"

#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/set.h>

#include "nft_batch.h"
#include "nft_port_codec.h"
#include "nft_port_rules.h"

/* One reply message: the names its elements carry as their key. */
static int take_names(const struct nlmsghdr *h, void *data)
{
	struct port_holders *r = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it = NULL;
	struct nftnl_set_elem *el;

	if (!s || nftnl_set_elems_nlmsg_parse(h, s) < 0 || !(it = nftnl_set_elems_iter_create(s))) {
		if (s)
			nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	while ((el = nftnl_set_elems_iter_next(it))) {
		uint32_t len = 0;
		const char *key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &len);
		if (!key)
			continue;
		if (r->n < PORT_HOLDERS_MAX) {
			size_t n = strnlen(key, len < IFNAMSIZ ? len : IFNAMSIZ - 1);
			memcpy(r->name[r->n], key, n);
			r->name[r->n][n] = '\0';
		}
		r->n++;
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int port_holders_list(struct nft_conn *nft, enum port_kind kind, struct port_holders *ret,
		      struct nm_err *e)
{
	char *buf = calloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nftnl_set *s = port_set_obj(kind, SET_PORTS);
	struct port_holders r = { 0 };
	struct nlmsghdr *h;
	int rc;

	if (!s || !buf) {
		if (s)
			nftnl_set_free(s);
		free(buf);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, port_family_of(kind)->family,
				  NLM_F_ACK | NLM_F_DUMP, 0);
	nftnl_set_elems_nlmsg_build_payload(h, s);
	nftnl_set_free(s);
	rc = nft_get(nft, h, take_names, &r, e);
	free(buf);
	if (rc < 0)
		return rc;
	/* in name order, whatever order the set's hash gives */
	qsort(r.name, r.n < PORT_HOLDERS_MAX ? r.n : PORT_HOLDERS_MAX, sizeof(r.name[0]), by_name);
	*ret = r; /* ENOENT (rc 0): no table, no set, no port */
	return 0;
}
