#include "nft_batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

/* Enough for a table setup plus one port's chain, rules and element, many times over. */
#define BATCH_BUF_SIZE ((size_t)256 * 1024)

int nft_batch_init(struct nft_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->buf = malloc(2 * BATCH_BUF_SIZE);
	if (!b->buf)
		return -ENOMEM;
	/* mnl batches want twice the page they fill: a message may spill past the limit */
	b->b = mnl_nlmsg_batch_start(b->buf, BATCH_BUF_SIZE);
	b->seq0 = b->seq = (uint32_t)time(NULL);
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->b), b->seq++);
	mnl_nlmsg_batch_next(b->b);
	return 0;
}

void nft_batch_free(struct nft_batch *b)
{
	if (b->b)
		mnl_nlmsg_batch_stop(b->b);
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* Starts the next message; remembers what it does under its sequence number. */
static struct nlmsghdr *next_msg(struct nft_batch *b, uint16_t type, uint16_t family,
				 uint16_t flags, const char *what)
{
	unsigned i = b->seq - b->seq0;

	if (i < NFT_BATCH_MAX_MSGS)
		b->what[i] = what;
	else
		b->overflow = true;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->b), type, family,
				     flags | NLM_F_ACK, b->seq++);
}

static void msg_done(struct nft_batch *b)
{
	if (!mnl_nlmsg_batch_next(b->b))
		b->overflow = true;
}

void nft_batch_table(struct nft_batch *b, uint16_t type, uint16_t flags,
		     const struct nftnl_table *t, const char *what)
{
	uint16_t family = (uint16_t)nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);

	nftnl_table_nlmsg_build_payload(next_msg(b, type, family, flags, what), t);
	msg_done(b);
}

void nft_batch_chain(struct nft_batch *b, uint16_t type, uint16_t flags,
		     const struct nftnl_chain *c, const char *what)
{
	uint16_t family = (uint16_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);

	nftnl_chain_nlmsg_build_payload(next_msg(b, type, family, flags, what), c);
	msg_done(b);
}

void nft_batch_rule(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_rule *r,
		    const char *what)
{
	uint16_t family = (uint16_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);

	nftnl_rule_nlmsg_build_payload(next_msg(b, type, family, flags, what), r);
	msg_done(b);
}

void nft_batch_set(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_set *s,
		   const char *what)
{
	uint16_t family = (uint16_t)nftnl_set_get_u32(s, NFTNL_SET_FAMILY);

	nftnl_set_nlmsg_build_payload(next_msg(b, type, family, flags, what), s);
	msg_done(b);
}

void nft_batch_elems(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_set *s,
		     const char *what)
{
	uint16_t family = (uint16_t)nftnl_set_get_u32(s, NFTNL_SET_FAMILY);

	nftnl_set_elems_nlmsg_build_payload(next_msg(b, type, family, flags, what), s);
	msg_done(b);
}

static int open_socket(struct mnl_socket **ret, struct nm_err *e)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int one = 1;

	if (!nl)
		return nm_fail(e, nm_errno(), "cannot open nftables netlink: %s", strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;
		mnl_socket_close(nl);
		return nm_fail(e, -err, "cannot bind nftables netlink: %s", strerror(err));
	}
	/* Optional: without it the kernel's reason text is missing, nothing else. */
	(void)mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	*ret = nl;
	return 0;
}

/* The kernel's extended-ACK reason, which follows the echoed request. */
static const char *extack_text(const struct nlmsghdr *h)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(h);
	size_t off = sizeof(*err);
	const struct nlattr *attr;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each_payload((const void *)((const char *)err + MNL_ALIGN(off)),
				  mnl_nlmsg_get_payload_len(h) - MNL_ALIGN(off))
	{
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

struct reply_state {
	const struct nft_batch *b;
	int err;
	const char *failed;
	char reason[256];
};

/* Keeps the first error of the replies in buf. */
static void take_replies(struct reply_state *st, const char *buf, size_t len)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
		const struct nlmsgerr *err;
		const char *text;
		unsigned i;

		if (h->nlmsg_type != NLMSG_ERROR)
			continue;
		err = mnl_nlmsg_get_payload(h);
		if (!err->error || st->err)
			continue;
		st->err = err->error;
		i = h->nlmsg_seq - st->b->seq0;
		st->failed = i < NFT_BATCH_MAX_MSGS ? st->b->what[i] : NULL;
		text = extack_text(h);
		snprintf(st->reason, sizeof(st->reason), "%s", text ? text : strerror(-err->error));
	}
}

int nft_batch_send(struct nft_batch *b, const char **ret_failed, struct nm_err *e)
{
	struct reply_state st = { .b = b };
	struct mnl_socket *nl;
	char *rbuf;
	ssize_t n;
	int rc;

	if (b->overflow)
		return nm_fail(e, -E2BIG, "nftables batch too large");
	nftnl_batch_end(mnl_nlmsg_batch_current(b->b), b->seq++);
	mnl_nlmsg_batch_next(b->b);
	if ((rc = open_socket(&nl, e)) < 0)
		return rc;
	rbuf = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (!rbuf) {
		mnl_socket_close(nl);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->b), mnl_nlmsg_batch_size(b->b)) < 0) {
		rc = nm_fail(e, nm_errno(), "cannot send to nftables: %s", strerror(errno));
		goto out;
	}
	/* The kernel handles the batch inside sendto: every reply is already queued. */
	while ((n = recv(mnl_socket_get_fd(nl), rbuf, MNL_SOCKET_BUFFER_SIZE, MSG_DONTWAIT)) > 0)
		take_replies(&st, rbuf, (size_t)n);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		rc = nm_fail(e, nm_errno(), "cannot read nftables replies: %s", strerror(errno));
		goto out;
	}
	rc = st.err;
	if (rc)
		nm_fail(e, rc, "%s: %s", st.failed ? st.failed : "nftables batch", st.reason);
	if (ret_failed)
		*ret_failed = st.failed;
out:
	free(rbuf);
	mnl_socket_close(nl);
	return rc;
}

int nft_chain_set_comment(struct nftnl_chain *c, const char *comment)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFTNL_UDATA_COMMENT_MAXLEN + 8);

	if (!ud)
		return -ENOMEM;
	nftnl_udata_put_strz(ud, NFTNL_UDATA_CHAIN_COMMENT, comment);
	nftnl_chain_set_data(c, NFTNL_CHAIN_USERDATA, nftnl_udata_buf_data(ud),
			     nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return 0;
}

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **ret = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_CHAIN_COMMENT && nftnl_udata_len(attr) > 0 &&
	    ((const char *)nftnl_udata_get(attr))[nftnl_udata_len(attr) - 1] == '\0')
		*ret = nftnl_udata_get(attr);
	return 0;
}

/* The comment of the chain in a NEWCHAIN reply, into buf ("" when none). */
static void chain_comment(const struct nlmsghdr *h, char *buf, size_t n)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *comment = NULL;
	const void *ud;
	uint32_t len;

	buf[0] = '\0';
	if (!c)
		return;
	if (nftnl_chain_nlmsg_parse(h, c) == 0 &&
	    (ud = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len)))
		nftnl_udata_parse(ud, len, comment_cb, &comment);
	if (comment)
		snprintf(buf, n, "%s", comment);
	nftnl_chain_free(c);
}

int nft_object_get(uint16_t family, const char *table, const char *chain, char *comment,
		   size_t comment_len, struct nm_err *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *h;
	uint32_t seq = (uint32_t)time(NULL);
	ssize_t n;
	int rc;

	if ((rc = open_socket(&nl, e)) < 0)
		return rc;
	memset(buf, 0, sizeof(buf)); /* the request's padding goes to the kernel too */
	h = nftnl_nlmsg_build_hdr(buf, chain ? NFT_MSG_GETCHAIN : NFT_MSG_GETTABLE, family,
				  NLM_F_ACK, seq);
	if (chain) {
		mnl_attr_put_strz(h, NFTA_CHAIN_TABLE, table);
		mnl_attr_put_strz(h, NFTA_CHAIN_NAME, chain);
	} else {
		mnl_attr_put_strz(h, NFTA_TABLE_NAME, table);
	}
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0) {
		rc = nm_fail(e, nm_errno(), "cannot query nftables: %s", strerror(errno));
		goto out;
	}
	/* Either the object, then an ACK, or an error: the first reply decides. */
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		rc = nm_fail(e, nm_errno(), "cannot query nftables: %s", strerror(errno));
		goto out;
	}
	h = (struct nlmsghdr *)buf;
	rc = 1;
	if (h->nlmsg_type == NLMSG_ERROR) {
		int err = ((struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error;
		if (err == -ENOENT)
			rc = 0;
		else if (err)
			rc = nm_fail(e, err, "cannot query nftables %s %s: %s", chain ? "chain" : "table",
				     chain ? chain : table, strerror(-err));
	} else if (chain && comment) {
		chain_comment(h, comment, comment_len);
	}
out:
	mnl_socket_close(nl);
	return rc;
}
