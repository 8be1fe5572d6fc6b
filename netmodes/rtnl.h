/*
 * The rtnetlink boundary: one libnl socket, requests with their ACK read
 * in one place, libnl's -NLE_* codes turned into -errno, and the kernel's
 * extended-ACK text kept for the error message.
 */
#ifndef NETMODES_RTNL_H
#define NETMODES_RTNL_H

#include <stdbool.h>

#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "err.h"
#include "netaddr.h"

/* What planning needs to know of a link. */
struct link_info {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned mtu;
	struct mac_addr mac;
	bool up;
	bool noarp; /* IFF_NOARP */
	int master; /* ifindex, 0 when none */
	bool is_bridge;
	char alias[128]; /* IFLA_IFALIAS, "" when none (a longer one cut short) */
};

/* Opens a NETLINK_ROUTE socket with extended ACKs and strict dump filtering. */
int rt_open(struct nl_sock **ret, struct nm_err *e);
void rt_close(struct nl_sock *sk);

/* libnl error code (negative NLE_*) to a negative errno. */
int rt_errno(int nlerr);

/* Sends msg (not consumed) and waits for its ACK. Returns 0 or -errno with e set. */
int rt_talk(struct nl_sock *sk, struct nl_msg *msg, struct nm_err *e);

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
int rt_dump(struct nl_sock *sk, struct nl_msg *msg, int (*fn)(struct nl_msg *, void *),
	    void (*restart)(void *), void *arg, struct nm_err *e);

/*
 * nl_msg_parse for a dump's fn: 0 when cb saw the message's object, else
 * -errno (-ENOMEM when libnl could not allocate it). A dump that ignored
 * this would go on with an object missing.
 */
int rt_parse(struct nl_msg *msg, void (*cb)(struct nl_object *, void *), void *arg);

/*
 * One RTM_GETLINK by name (ifindex 0) or index: never a dump. Returns 0,
 * -ENODEV when there is no such link, or another -errno with e set.
 */
int rt_link_get(struct nl_sock *sk, int ifindex, const char *name, struct link_info *ret,
		struct nm_err *e);

/* The alphabetically first bridge on the host, as `brctl show` lists them; -ENODEV if none. */
int rt_first_bridge(struct nl_sock *sk, struct link_info *ret, struct nm_err *e);

#endif
