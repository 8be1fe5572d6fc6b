#include "netmodes/nft/nft_batch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
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

/*
 * A table setup and one port's elements take under 16 KiB; more is refused
 * as too large. Small enough to come from the heap, not a fresh mapping.
 */
#define BATCH_BUF_SIZE ((size_t)32 * 1024)

int nft_batch_init(struct nft_batch *b)
{
	return nft_batch_init_at(b, 0);
}

int nft_batch_init_at(struct nft_batch *b, uint32_t genid)
{
	struct nlmsghdr *begin;

	memset(b, 0, sizeof(*b));
	b->buf = calloc(2, BATCH_BUF_SIZE); /* zeroed: the builders leave padding as they find it */
	if (!b->buf)
		return -ENOMEM;
	/* mnl batches want twice the page they fill: a message may spill past the limit */
	b->b = mnl_nlmsg_batch_start(b->buf, BATCH_BUF_SIZE);
	/* sequence numbers: the batch's place of each message until it is sent */
	begin = nftnl_batch_begin(mnl_nlmsg_batch_current(b->b), b->n++);
	if (genid) /* 0 is no generation: the kernel checks none */
		mnl_attr_put_u32(begin, NFNL_BATCH_GENID, htonl(genid));
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

/* Starts the next message; remembers what it does under its place in the batch. */
static struct nlmsghdr *next_msg(struct nft_batch *b, uint16_t type, uint16_t family,
				 uint16_t flags, const char *what)
{
	if (b->n < NFT_BATCH_MAX_MSGS)
		b->what[b->n] = what;
	else
		b->overflow = true;
	/* No ACK: the kernel reports a failing message anyway, and take_replies
	 * reads only failures; a batch's success is then one read that finds
	 * nothing, not one read per message. */
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->b), type, family, flags, b->n++);
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
	uint32_t seq0; /* the batch's first sequence number */
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
		i = h->nlmsg_seq - st->seq0;
		st->failed = i < NFT_BATCH_MAX_MSGS ? st->b->what[i] : NULL;
		text = extack_text(h);
		snprintf(st->reason, sizeof(st->reason), "%s", text ? text : strerror(-err->error));
	}
}

/* Gives the batch's messages, numbered by their place, the numbers from seq0 on. */
static void number_msgs(struct nft_batch *b, uint32_t seq0)
{
	struct nlmsghdr *h = mnl_nlmsg_batch_head(b->b);
	int left = (int)mnl_nlmsg_batch_size(b->b);

	for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
		h->nlmsg_seq += seq0;
}

/* Without the batch's end (commit false) the kernel checks every message, then aborts. */
static int batch_talk(struct nft_conn *c, struct nft_batch *b, bool commit,
		      const char **ret_failed, struct nm_err *e)
{
	struct reply_state st = { .b = b };
	struct mnl_socket *nl = NULL;
	char *rbuf;
	ssize_t n;
	int rc;

	if (b->overflow)
		return nm_fail(e, -E2BIG, "nftables batch too large");
	if (commit) {
		nftnl_batch_end(mnl_nlmsg_batch_current(b->b), b->n++);
		mnl_nlmsg_batch_next(b->b);
	}
	if (!(rbuf = malloc(MNL_SOCKET_BUFFER_SIZE)))
		return nm_fail(e, -ENOMEM, "out of memory");
	pthread_mutex_lock(&c->mu);
	st.seq0 = nft_conn_seq(c, b->n);
	number_msgs(b, st.seq0);
	if ((rc = nft_conn_socket(c, &nl, e)) < 0)
		goto out;
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->b), mnl_nlmsg_batch_size(b->b)) < 0) {
		rc = nft_conn_broken(c, e, "cannot send to nftables");
		goto out;
	}
	/* The kernel handles the batch inside sendto: every reply is already queued. */
	while ((n = recv(mnl_socket_get_fd(nl), rbuf, MNL_SOCKET_BUFFER_SIZE, MSG_DONTWAIT)) > 0)
		take_replies(&st, rbuf, (size_t)n);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		rc = nft_conn_broken(c, e, "cannot read nftables replies");
		goto out;
	}
	rc = st.err;
	if (rc)
		nm_fail(e, rc, "%s: %s", st.failed ? st.failed : "nftables batch", st.reason);
	if (ret_failed)
		*ret_failed = st.failed;
out:
	pthread_mutex_unlock(&c->mu);
	free(rbuf);
	return rc;
}

int nft_batch_send(struct nft_conn *c, struct nft_batch *b, const char **ret_failed,
		   struct nm_err *e)
{
	return batch_talk(c, b, true, ret_failed, e);
}

int nft_batch_check(struct nft_conn *c, struct nft_batch *b, const char **ret_failed,
		    struct nm_err *e)
{
	return batch_talk(c, b, false, ret_failed, e);
}

struct get_state {
	nft_reply_cb cb;
	void *data;
};

static int get_cb(const struct nlmsghdr *h, void *data)
{
	struct get_state *st = data;

	return st->cb ? st->cb(h, st->data) : MNL_CB_OK;
}

/* nft_get's exchange; called with c->mu held. */
static int get_locked(struct nft_conn *c, struct nlmsghdr *h, struct get_state *st, char *buf,
		      size_t len, struct nm_err *e)
{
	struct mnl_socket *nl = NULL;
	uint32_t seq = h->nlmsg_seq = nft_conn_seq(c, 1), portid;
	ssize_t n;
	int rc;

	if ((rc = nft_conn_socket(c, &nl, e)) < 0)
		return rc;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return nft_conn_broken(c, e, "cannot query nftables");
	/* The objects asked for, then the ACK (MNL_CB_STOP), or an error. */
	do {
		if ((n = mnl_socket_recvfrom(nl, buf, len)) < 0)
			return nft_conn_broken(c, e, "cannot query nftables");
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, get_cb, st);
	} while (rc > MNL_CB_STOP);
	if (rc < 0) {
		int err = errno;
		/* the rest of the batch of replies after an error is only its ACK */
		return err == ENOENT ? 0 : nm_fail(e, -err, "cannot query nftables: %s", strerror(err));
	}
	return 1;
}

int nft_get(struct nft_conn *c, struct nlmsghdr *h, nft_reply_cb cb, void *data,
	    struct nm_err *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct get_state st = { cb, data };
	int rc;

	pthread_mutex_lock(&c->mu);
	rc = get_locked(c, h, &st, buf, sizeof(buf), e);
	pthread_mutex_unlock(&c->mu);
	return rc;
}

static int take_genid(const struct nlmsghdr *h, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, h, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_GEN_ID && mnl_attr_get_payload_len(a) == 4)
			*(uint32_t *)data = ntohl(mnl_attr_get_u32(a));
	return MNL_CB_OK;
}

int nft_gen_get(struct nft_conn *c, uint32_t *ret, struct nm_err *e)
{
	char buf[64];
	struct nlmsghdr *h;
	int rc;

	memset(buf, 0, sizeof(buf));
	*ret = 0;
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, 0);
	if ((rc = nft_get(c, h, take_genid, ret, e)) < 0)
		return rc;
	return *ret ? 0 : nm_fail(e, -EPROTO, "nftables gave no ruleset generation");
}

int nft_object_get(struct nft_conn *c, uint16_t family, const char *table, struct nm_err *e)
{
	char buf[256];
	struct nlmsghdr *h;

	memset(buf, 0, sizeof(buf)); /* the request's padding goes to the kernel too */
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, family, NLM_F_ACK, 0);
	mnl_attr_put_strz(h, NFTA_TABLE_NAME, table);
	return nft_get(c, h, NULL, NULL, e);
}

int nft_chain_get(struct nft_conn *c, uint16_t family, const char *table, const char *chain,
		  struct nm_err *e)
{
	char buf[512];
	struct nlmsghdr *h;

	memset(buf, 0, sizeof(buf)); /* the request's padding goes to the kernel too */
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, family, NLM_F_ACK, 0);
	mnl_attr_put_strz(h, NFTA_CHAIN_TABLE, table);
	mnl_attr_put_strz(h, NFTA_CHAIN_NAME, chain);
	return nft_get(c, h, NULL, NULL, e);
}
