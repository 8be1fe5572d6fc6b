#include "nft_batch.h"

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

/*
 * This thread's sequence numbers, unique across its batches and GETs. The
 * daemon's workers share one socket but never one exchange (sock_mu), and
 * each exchange checks the numbers of its own replies only.
 */
static __thread uint32_t seq_next;

uint32_t nft_seq(uint32_t count)
{
	uint32_t seq;

	if (!seq_next)
		seq_next = (uint32_t)time(NULL) << 8;
	seq = seq_next;
	seq_next += count;
	return seq;
}

int nft_batch_init(struct nft_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->buf = calloc(2, BATCH_BUF_SIZE); /* zeroed: the builders leave padding as they find it */
	if (!b->buf)
		return -ENOMEM;
	/* mnl batches want twice the page they fill: a message may spill past the limit */
	b->b = mnl_nlmsg_batch_start(b->buf, BATCH_BUF_SIZE);
	b->seq0 = b->seq = nft_seq(NFT_BATCH_MAX_MSGS + 2);
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

/*
 * The one nftables socket of the process (a one-shot call, or every
 * worker of the daemon), opened on first use. An exchange holds sock_mu
 * for its span only and reads its replies to the end, so nothing stale is
 * left for the next; one that fails half-way closes the socket instead.
 */
static struct mnl_socket *sock;
static pthread_mutex_t sock_mu = PTHREAD_MUTEX_INITIALIZER;

/* Called with sock_mu held. */
static void close_socket(void)
{
	if (sock)
		mnl_socket_close(sock);
	sock = NULL;
}

/*
 * An exchange that broke off (errno says why): fails with "WHAT: reason",
 * and closes the socket so its unread replies cannot reach the next one.
 * Called with sock_mu held.
 */
static int broken(struct nm_err *e, const char *what)
{
	int rc = nm_fail(e, nm_errno(), "%s: %s", what, strerror(errno));

	close_socket();
	return rc;
}

void nft_socket_drop(void)
{
	pthread_mutex_lock(&sock_mu);
	close_socket();
	pthread_mutex_unlock(&sock_mu);
}

static int open_socket(struct mnl_socket **ret, struct nm_err *e)
{
	int one = 1;

	if (sock) {
		*ret = sock;
		return 0;
	}
	if (!(sock = mnl_socket_open(NETLINK_NETFILTER)))
		return nm_fail(e, nm_errno(), "cannot open nftables netlink: %s", strerror(errno));
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;
		mnl_socket_close(sock);
		sock = NULL;
		return nm_fail(e, -err, "cannot bind nftables netlink: %s", strerror(err));
	}
	/* Optional: without it the kernel's reason text is missing, nothing else. */
	(void)mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &one, sizeof(one));
	*ret = sock;
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
	struct mnl_socket *nl = NULL;
	char *rbuf;
	ssize_t n;
	int rc;

	if (b->overflow)
		return nm_fail(e, -E2BIG, "nftables batch too large");
	nftnl_batch_end(mnl_nlmsg_batch_current(b->b), b->seq++);
	mnl_nlmsg_batch_next(b->b);
	if (!(rbuf = malloc(MNL_SOCKET_BUFFER_SIZE)))
		return nm_fail(e, -ENOMEM, "out of memory");
	pthread_mutex_lock(&sock_mu);
	if ((rc = open_socket(&nl, e)) < 0)
		goto out;
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->b), mnl_nlmsg_batch_size(b->b)) < 0) {
		rc = broken(e, "cannot send to nftables");
		goto out;
	}
	/* The kernel handles the batch inside sendto: every reply is already queued. */
	while ((n = recv(mnl_socket_get_fd(nl), rbuf, MNL_SOCKET_BUFFER_SIZE, MSG_DONTWAIT)) > 0)
		take_replies(&st, rbuf, (size_t)n);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		rc = broken(e, "cannot read nftables replies");
		goto out;
	}
	rc = st.err;
	if (rc)
		nm_fail(e, rc, "%s: %s", st.failed ? st.failed : "nftables batch", st.reason);
	if (ret_failed)
		*ret_failed = st.failed;
out:
	pthread_mutex_unlock(&sock_mu);
	free(rbuf);
	return rc;
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

/* nft_get's exchange; called with sock_mu held. */
static int get_locked(struct nlmsghdr *h, struct get_state *st, char *buf, size_t len,
		      struct nm_err *e)
{
	struct mnl_socket *nl = NULL;
	uint32_t seq = h->nlmsg_seq, portid;
	ssize_t n;
	int rc;

	if ((rc = open_socket(&nl, e)) < 0)
		return rc;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return broken(e, "cannot query nftables");
	/* The objects asked for, then the ACK (MNL_CB_STOP), or an error. */
	do {
		if ((n = mnl_socket_recvfrom(nl, buf, len)) < 0)
			return broken(e, "cannot query nftables");
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, get_cb, st);
	} while (rc > MNL_CB_STOP);
	if (rc < 0) {
		int err = errno;
		/* the rest of the batch of replies after an error is only its ACK */
		return err == ENOENT ? 0 : nm_fail(e, -err, "cannot query nftables: %s", strerror(err));
	}
	return 1;
}

int nft_get(struct nlmsghdr *h, nft_reply_cb cb, void *data, struct nm_err *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct get_state st = { cb, data };
	int rc;

	pthread_mutex_lock(&sock_mu);
	rc = get_locked(h, &st, buf, sizeof(buf), e);
	pthread_mutex_unlock(&sock_mu);
	return rc;
}

int nft_object_get(uint16_t family, const char *table, struct nm_err *e)
{
	char buf[256];
	struct nlmsghdr *h;

	memset(buf, 0, sizeof(buf)); /* the request's padding goes to the kernel too */
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, family, NLM_F_ACK, nft_seq(1));
	mnl_attr_put_strz(h, NFTA_TABLE_NAME, table);
	return nft_get(h, NULL, NULL, e);
}
