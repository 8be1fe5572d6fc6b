#include "netmodes/rtnl/rtnl.h"

#include <errno.h>
#include <pthread.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/rtnl.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int rt_errno(int nlerr)
{
	static const struct {
		int nle, err;
	} map[] = {
		{ NLE_NOMEM, ENOMEM },	       { NLE_EXIST, EEXIST },	 { NLE_OBJ_NOTFOUND, ENODEV },
		{ NLE_NODEV, ENODEV },	       { NLE_PERM, EPERM },	 { NLE_BUSY, EBUSY },
		{ NLE_INVAL, EINVAL },	       { NLE_RANGE, ERANGE },	 { NLE_OPNOTSUPP, EOPNOTSUPP },
		{ NLE_AF_NOSUPPORT, EAFNOSUPPORT }, { NLE_NOACCESS, EACCES }, { NLE_AGAIN, EAGAIN },
		{ NLE_INTR, EINTR },	       { NLE_MSGSIZE, EMSGSIZE }, { NLE_NOADDR, EADDRNOTAVAIL },
		{ NLE_SRCRT_NOSUPPORT, EOPNOTSUPP }, { NLE_IMMUTABLE, EPERM },
	};
	int v = nlerr < 0 ? -nlerr : nlerr;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].nle == v)
			return -map[i].err;
	return -EIO;
}

int rt_open(struct rt_conn **ret, struct nm_err *e)
{
	struct rt_conn *c = calloc(1, sizeof(*c));
	struct nl_sock *sk = c ? nl_socket_alloc() : NULL;
	int one = 1, rc;

	if (!sk) {
		free(c);
		return nm_fail(e, -ENOMEM, "cannot allocate a netlink socket");
	}
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		nl_socket_free(sk);
		free(c);
		return nm_fail(e, rt_errno(rc), "cannot open rtnetlink: %s", nl_geterror(rc));
	}
	/* Both are optional: older kernels just give terser errors and full dumps. */
	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
			 sizeof(one));
	/* One read per reply instead of a peek for its size first: a buffer that fits
	 * any reply a call asks for (single objects, the odd short dump) does it. */
	nl_socket_disable_msg_peek(sk);
	/* Every request that wants an ACK asks for one (rt_talk); a single GET
	 * (libnl's rtnl_link_get_kernel) then takes one read, not two. */
	nl_socket_disable_auto_ack(sk);
	(void)nl_socket_set_msg_buf_size(sk, 32768);
	c->sk = sk;
	pthread_mutex_init(&c->talk_mu, NULL);
	*ret = c;
	return 0;
}

void rt_close(struct rt_conn *c)
{
	if (!c)
		return;
	nl_socket_free(c->sk);
	pthread_mutex_destroy(&c->talk_mu);
	free(c);
}

struct talk {
	int err;
	int fn_err; /* the first failure fn reported */
	bool done;
	bool interrupted; /* a reply carried NLM_F_DUMP_INTR */
	char ext[256];
	int (*fn)(struct nl_msg *, void *);
	void *arg;
};

/* Copies NLMSGERR_ATTR_MSG, which follows the (possibly capped) echoed request. */
static void take_extack(struct nlmsghdr *h, struct nlmsgerr *err, char *buf, size_t n)
{
	size_t off = NLMSG_HDRLEN + sizeof(*err);
	struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(err->msg.nlmsg_len - NLMSG_HDRLEN);
	for (a = (struct nlattr *)((char *)h + off);
	     (char *)a + NLA_HDRLEN <= (char *)h + h->nlmsg_len && a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(buf, n, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
				 (char *)a + NLA_HDRLEN);
			return;
		}
	}
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct talk *t = arg;
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);

	(void)who;
	t->err = err->error;
	t->done = true;
	if (err->error)
		take_extack(h, err, t->ext, sizeof(t->ext));
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct talk *)arg)->done = true;
	return NL_STOP;
}

/* A failure of fn ends its part: the rest of the dump is read (and dropped), then reported. */
static int on_valid(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;
	int rc;

	if (!t->fn || t->fn_err || t->interrupted)
		return NL_OK;
	rc = t->fn(msg, t->arg);
	if (rc < 0) {
		t->fn_err = rc;
		return NL_OK;
	}
	return rc;
}

/* What a broken-off exchange left unread, so the next one reads its own replies. */
static void drain(struct nl_sock *sk)
{
	char buf[4096];

	while (recv(nl_socket_get_fd(sk), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* The dump is read to its end (so the socket is clean) and made again: see rt_dump. */
static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct talk *)arg)->interrupted = true;
	return NL_OK;
}

/* One exchange, under the connection's lock (held for the exchange only: a dump's fn must not talk). */
static int talk(struct rt_conn *c, struct nl_msg *msg, struct talk *t, struct nm_err *e)
{
	struct nl_sock *sk = c->sk;
	struct nl_cb *orig = nl_socket_get_cb(sk); /* takes a reference */
	struct nl_cb *cb = nl_cb_clone(orig);
	int rc;

	nl_cb_put(orig);

	if (!cb)
		return nm_fail(e, -ENOMEM, "out of memory");
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, t);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, t);
	pthread_mutex_lock(&c->talk_mu);
	rc = nl_send_auto(sk, msg);
	while (rc >= 0 && !t->done)
		rc = nl_recvmsgs(sk, cb);
	if (rc < 0)
		drain(sk);
	pthread_mutex_unlock(&c->talk_mu);
	nl_cb_put(cb);
	if (t->err)
		return nm_fail(e, t->err, "%s", t->ext[0] ? t->ext : strerror(-t->err));
	if (rc < 0)
		return nm_fail(e, rt_errno(rc), "%s", nl_geterror(rc));
	if (t->fn_err)
		return nm_fail(e, t->fn_err, "%s",
			       t->fn_err == -ENOMEM ? "out of memory" : strerror(-t->fn_err));
	return 0;
}

int rt_parse(struct nl_msg *msg, void (*cb)(struct nl_object *, void *), void *arg)
{
	int rc = nl_msg_parse(msg, cb, arg);

	return rc < 0 ? rt_errno(rc) : 0;
}

int rt_talk(struct rt_conn *sk, struct nl_msg *msg, struct nm_err *e)
{
	struct talk t = { 0 };

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	return talk(sk, msg, &t, e);
}

/*
 * The kernel marks a dump whose table changed between two of its parts
 * (NLM_F_DUMP_INTR): what fn saw may miss an object or hold a stale one.
 * Such a dump is made again, from scratch, as a netlink reader must; the
 * tries are bounded, so that a table changing without pause (a host
 * starting guests by the hundred) gives a clear error, not a hang past
 * libxl's 40 s.
 */
int rt_dump(struct rt_conn *sk, struct nl_msg *msg, int (*fn)(struct nl_msg *, void *),
	    void (*restart)(void *), void *arg, struct nm_err *e)
{
	for (int tries = 1;; tries++) {
		struct talk t = { .fn = fn, .arg = arg };
		int rc;

		/* Each try a new request, numbered afresh by libnl, which expects its replies. */
		nlmsg_hdr(msg)->nlmsg_seq = NL_AUTO_SEQ;
		rc = talk(sk, msg, &t, e);

		if (!t.interrupted || rc < 0)
			return rc;
		if (tries == RT_DUMP_TRIES)
			return nm_fail(e, -EAGAIN, "the kernel's table changed during each of %d dumps",
				       RT_DUMP_TRIES);
		if (restart)
			restart(arg);
	}
}

int rt_link_get_kernel(struct rt_conn *c, int ifindex, const char *name, struct rtnl_link **ret)
{
	int rc;

	pthread_mutex_lock(&c->talk_mu);
	rc = rtnl_link_get_kernel(c->sk, ifindex, name, ret);
	if (rc < 0)
		drain(c->sk);
	pthread_mutex_unlock(&c->talk_mu);
	return rc;
}

struct nl_addr *nl_addr_of(const struct prefix *p)
{
	struct nl_addr *a = nl_addr_build(p->family, p->addr.raw, prefix_addr_len(p));

	if (a)
		nl_addr_set_prefixlen(a, p->len);
	return a;
}

/* Prefix operations */

static int rt_send(const struct rt_op *o, bool add, struct nm_err *e)
{
	struct nl_msg *msg = NULL;
	int rc = o->build(o, add, &msg);

	if (rc < 0)
		return nm_fail(e, rt_errno(rc), "%s", nl_geterror(rc));
	rc = rt_talk(o->sk, msg, e);
	nlmsg_free(msg);
	/* Already gone is what a delete wants: the vif may have taken it along. */
	if (!add && (rc == -ENOENT || rc == -ESRCH || rc == -EADDRNOTAVAIL || rc == -ENODEV))
		rc = 0;
	return rc;
}

int rt_apply(struct op *op, struct nm_err *e)
{
	struct rt_op *o = op->data;
	char pfx[PREFIX_STR_LEN];
	struct nm_err inner = { "" };
	int rc = rt_send(o, o->add, &inner);

	return rc < 0 ? nm_fail(e, rc, "%s on %s: %s", prefix_format(&o->p, pfx), o->dev, inner.msg)
		      : 0;
}

int rt_undo(struct op *op, struct nm_err *e)
{
	struct rt_op *o = op->data;

	return rt_send(o, !o->add, e);
}

int rt_op_add(struct plan *p, const struct op_type *type, const struct rt_op *tmpl)
{
	struct rt_op *o = malloc(sizeof(*o));

	if (!o)
		return -ENOMEM;
	*o = *tmpl;
	return plan_add(p, type, o);
}

int rt_bridge_attr_set(struct rt_conn *sk, int ifindex, bool slave, uint16_t attr, const void *v,
		       int len, struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	struct nlattr *info, *data;
	int rc = -ENOMEM;

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
	    (info = nla_nest_start(msg, IFLA_LINKINFO)) &&
	    nla_put_string(msg, slave ? IFLA_INFO_SLAVE_KIND : IFLA_INFO_KIND, "bridge") == 0 &&
	    (data = nla_nest_start(msg, slave ? IFLA_INFO_SLAVE_DATA : IFLA_INFO_DATA)) &&
	    nla_put(msg, attr, len, v) == 0) {
		nla_nest_end(msg, data);
		nla_nest_end(msg, info);
		rc = rt_talk(sk, msg, e);
	} else {
		nm_fail(e, rc, "out of memory");
	}
	nlmsg_free(msg);
	return rc;
}
