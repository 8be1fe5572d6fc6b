/*
 * xen-netmodesd's connections for its calls: one xenstore connection and
 * one rtnetlink socket, shared by the workers (the nftables socket is
 * shared the same way inside nft_batch; the watch has its own xenstore
 * connection). libxenstore serialises requests on a handle and rtnl
 * serialises exchanges on a socket, each for one exchange only: no lock
 * is held from one call to the next.
 *
 * The connections are counted: a call takes them and gives them back.
 * When xenstore goes away they are retired; calls still holding them
 * finish (and fail) on them, and the next take opens new ones.
 */
#ifndef HOTPLUG_DAEMON_CONNS_H
#define HOTPLUG_DAEMON_CONNS_H

#include <stdbool.h>

#include "../netmodes/err.h"

struct xs_handle;
struct nl_sock;

struct daemon_conns {
	unsigned refs; /* under the module's mutex */
	struct xs_handle *xs;
	struct nl_sock *nl;
};

/* The current connections (opened when there are none), or NULL with e set. */
struct daemon_conns *conns_take(struct nm_err *e);

/* Gives back what conns_take gave; the last holder of retired connections closes them. */
void conns_give(struct daemon_conns *c);

/* Stops handing out c (when it is still the current one): the next take opens new ones. */
void conns_retire(struct daemon_conns *c);

/* Retires the current connections (xenstored restarted, or the daemon stops). */
void conns_retire_current(void);

/* Whether xenstore still answers on c: a failed call asks before c serves another. */
bool conns_alive(struct daemon_conns *c);

#endif
