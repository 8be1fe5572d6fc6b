/*
 * The rtnetlink boundary: one libnl socket, requests with their ACK read
 * in one place, libnl's -NLE_* codes turned into -errno, and the kernel's
 * extended-ACK text kept for the error message. What the kernel objects
 * share is here too: the request-and-ACK plan operation that addresses,
 * routes and proxy entries named by a prefix are made of. The objects
 * themselves are links.h, addrs.h, routes.h and neigh.h.
 */
#ifndef NETMODES_RTNL_H
#define NETMODES_RTNL_H

#include <pthread.h>
#include <stdbool.h>

#include <netlink/msg.h>
#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/plan.h"

/*
 * The rtnetlink connection: libnl's socket, and the lock every exchange on
 * it holds (a daemon's workers share one; a libnl socket carries one
 * request and its replies at a time).
 */
struct rt_conn {
	struct nl_sock *sk;
	pthread_mutex_t talk_mu;
};

/* Opens a NETLINK_ROUTE socket with extended ACKs and strict dump filtering. */
int rt_open(struct rt_conn **ret, struct nm_err *e);
void rt_close(struct rt_conn *sk);

/* libnl error code (negative NLE_*) to a negative errno. */
int rt_errno(int nlerr);

/* Sends msg (not consumed) and waits for its ACK. Returns 0 or -errno with e set. */
int rt_talk(struct rt_conn *sk, struct nl_msg *msg, struct nm_err *e);

/*
 * Sets one attribute (attr, len bytes of v) of bridge ifindex (slave: of
 * the bridge port ifindex) in one RTM_NEWLINK. Returns 0 or -errno with e set.
 */
int rt_bridge_attr_set(struct rt_conn *sk, int ifindex, bool slave, uint16_t attr, const void *v,
		       int len, struct nm_err *e);

/* How many times in all a dump the kernel marks interrupted is made. */
#define RT_DUMP_TRIES 8

/*
 * Sends a dump request msg and calls fn for every reply message until done.
 * fn returns NL_OK, or a negative errno: then fn is called no more, the rest
 * of the dump is read and dropped, and the dump fails with that errno.
 * A dump the kernel marks interrupted (NLM_F_DUMP_INTR: the table changed
 * while it was read) is read to its end and made again, up to RT_DUMP_TRIES
 * times in all; before each new try restart(arg) (NULL: nothing to forget)
 * must make arg as it was before the first, since fn sees everything again.
 * msg may be sent again by a later call. Returns 0 or -errno with e set;
 * -EAGAIN when every try was interrupted.
 */
int rt_dump(struct rt_conn *sk, struct nl_msg *msg, int (*fn)(struct nl_msg *, void *),
	    void (*restart)(void *), void *arg, struct nm_err *e);

/*
 * nl_msg_parse for a dump's fn: 0 when cb saw the message's object, else
 * -errno (-ENOMEM when libnl could not allocate it). A dump that ignored
 * this would go on with an object missing.
 */
int rt_parse(struct nl_msg *msg, void (*cb)(struct nl_object *, void *), void *arg);

/*
 * libnl's rtnl_link_get_kernel as one exchange of ours: under the lock
 * every exchange holds (a daemon's workers share the socket), and what a
 * failure left unread drained. Returns 0 or libnl's negative NLE_* code.
 */
int rt_link_get_kernel(struct rt_conn *sk, int ifindex, const char *name, struct rtnl_link **ret);

/* p as a libnl address with p's prefix length; NULL when out of memory. */
struct nl_addr *nl_addr_of(const struct prefix *p);

/*
 * A plan operation on one kernel object a prefix names on a link: an
 * address (addrs.c), a route to it (routes.c), a proxy neighbour entry
 * (neigh.c). build makes the add or the delete request for o (a libnl
 * code); adds replace, deletes tolerate what is already gone, and each
 * undoes the other. The object's op_type pairs rt_apply and rt_undo with
 * its own describe.
 */
struct rt_op {
	struct rt_conn *sk;
	int (*build)(const struct rt_op *o, bool add, struct nl_msg **msg);
	bool add;
	int ifindex;
	char dev[IFNAMSIZ];
	struct prefix p, src;
	bool has_src;
	unsigned metric;
};

int rt_apply(struct op *op, struct nm_err *e);
int rt_undo(struct op *op, struct nm_err *e);
/* Appends a copy of tmpl to p. Returns 0 or -ENOMEM. */
int rt_op_add(struct plan *p, const struct op_type *type, const struct rt_op *tmpl);

#endif
