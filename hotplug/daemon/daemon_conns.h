/*
 * xen-netmodesd's connections for its calls: one xenstore connection, one
 * rtnetlink socket and one nftables connection, shared by the workers (the
 * watch has its own xenstore connection). libxenstore serialises requests
 * on a handle, rtnl exchanges on a socket and nft_conn exchanges on its
 * connection, each for one exchange only: no lock is held from one call to
 * the next.
 *
 * The xenstore and rtnetlink connections are counted: a call takes them
 * and gives them back. When xenstore goes away they are retired; calls
 * still holding them finish (and fail) on them, and the next take opens
 * new ones. The nftables connection lives as long as the daemon: it
 * reopens its own socket after a broken exchange, and conns_stop closes it.
 */
#ifndef HOTPLUG_DAEMON_CONNS_H
#define HOTPLUG_DAEMON_CONNS_H

#include <stdbool.h>

#include "netmodes/err.h"

struct xs_handle;
struct rt_conn;
struct nft_conn;

struct daemon_conns {
	unsigned refs; /* under the module's mutex */
	struct xs_handle *xs;
	struct rt_conn *nl;
};

/* The current connections (opened when there are none), or NULL with e set. */
struct daemon_conns *conns_take(struct nm_err *e);

/* Gives back what conns_take gave; the last holder of retired connections closes them. */
void conns_give(struct daemon_conns *c);

/* Stops handing out c (when it is still the current one): the next take opens new ones. */
void conns_retire(struct daemon_conns *c);

/* Retires the current connections (xenstored restarted, or the daemon stops). */
void conns_retire_current(void);

/* The nftables connection every call is lent, with or without the others. */
struct nft_conn *conns_nft(void);

/*
 * The daemon stops, its calls all finished: retires the current
 * connections and closes the nftables socket.
 */
void conns_stop(void);

/* Whether xenstore still answers on c: a failed call asks before c serves another. */
bool conns_alive(struct daemon_conns *c);

#endif
