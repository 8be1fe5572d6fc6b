/*
 * One nftables netlink connection: owned by the caller (hotplug/), which
 * sets it up, lends it to every nftables function and closes it. A one-shot
 * call has one of its own; the daemon's workers share one. The socket is
 * opened on first use, so a call that never touches nftables never opens
 * it. An exchange holds the connection's lock for its span only and reads
 * its replies to the end, so nothing stale is left for the next; one that
 * breaks off half-way closes the socket, and the next exchange opens a new one.
 */
#ifndef NETMODES_NFT_CONN_H
#define NETMODES_NFT_CONN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "netmodes/err.h"

struct mnl_socket;

struct nft_conn {
	pthread_mutex_t mu;	  /* one exchange at a time */
	struct mnl_socket *sock;  /* under mu; NULL until first use, and after a broken exchange */
	uint32_t seq_next;	  /* under mu; 0 until first use */
};

/* For a connection of static storage, as nft_conn_init leaves one. */
#define NFT_CONN_INIT { .mu = PTHREAD_MUTEX_INITIALIZER }

/* Sets c up, without opening anything. */
void nft_conn_init(struct nft_conn *c);

/* Closes c's socket (when open); the next exchange on c opens a new one. */
void nft_conn_drop(struct nft_conn *c);

/*
 * The socket's descriptor, -1 when none is open. Its last close may wait
 * for the kernel: the last close of any bound nftables socket (every one
 * nft_conn_socket makes) waits, holding nf_tables' commit lock, for the release
 * of every commit's deleted objects still pending (after an RCU grace
 * period: this call's, or another's just before). docs/PERFORMANCE.md.
 */
int nft_conn_release_fd(struct nft_conn *c);

/* Closes c for good: no exchange may use it afterwards. */
void nft_conn_close(struct nft_conn *c);

/* For nft_batch.c's exchanges, each made with c->mu held: */

/* c's socket, opened on first use. Returns 0 or -errno with e set. */
int nft_conn_socket(struct nft_conn *c, struct mnl_socket **ret, struct nm_err *e);

/* count consecutive sequence numbers, unique across c's exchanges; returns the first. */
uint32_t nft_conn_seq(struct nft_conn *c, uint32_t count);

/*
 * An exchange that broke off (errno says why): fails with "WHAT: reason",
 * and closes the socket so its unread replies cannot reach the next one.
 */
int nft_conn_broken(struct nft_conn *c, struct nm_err *e, const char *what);

#endif
