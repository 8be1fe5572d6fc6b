/*
 * nftables over libmnl: one batch per call, sent once on a connection (see
 * nft_conn.h), with every reply read in one place; and single-object GETs
 * that never dump. Building a batch touches no socket.
 */
#ifndef NETMODES_NFT_BATCH_H
#define NETMODES_NFT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <linux/netlink.h>

#include "netmodes/err.h"
#include "netmodes/nft/nft_conn.h"

#define NFT_BATCH_MAX_MSGS 256

struct nft_batch {
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t n; /* messages so far, the batch's begin included */
	/* what each message does, by its place in the batch, for error messages */
	const char *what[NFT_BATCH_MAX_MSGS];
	bool overflow;
};

/* Starts a batch. Returns 0 or -ENOMEM. */
int nft_batch_init(struct nft_batch *b);

/*
 * Starts a batch the kernel refuses whole, with -ERESTART, unless the
 * ruleset is still at generation genid (nft_gen_get) when it commits: a
 * decision taken on what was read then stands, or is taken again.
 */
int nft_batch_init_at(struct nft_batch *b, uint32_t genid);
void nft_batch_free(struct nft_batch *b);

/*
 * Appends one message; what names it in errors ("add element", "add chain forward").
 * flags are NLM_F_* (CREATE, EXCL, APPEND...). The object is only read.
 */
void nft_batch_table(struct nft_batch *b, uint16_t type, uint16_t flags,
		     const struct nftnl_table *t, const char *what);
void nft_batch_chain(struct nft_batch *b, uint16_t type, uint16_t flags,
		     const struct nftnl_chain *c, const char *what);
void nft_batch_rule(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_rule *r,
		    const char *what);
void nft_batch_set(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_set *s,
		   const char *what);
void nft_batch_elems(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_set *s,
		     const char *what);

/*
 * Sends the batch atomically on c and reads every reply. Returns 0, or the
 * first failure's -errno with e saying which message failed and why
 * (with the kernel's extended ACK text when it gave one); *ret_failed
 * (may be NULL) gets that message's `what`. The messages get c's sequence
 * numbers here: a batch can be sent once.
 */
int nft_batch_send(struct nft_conn *c, struct nft_batch *b, const char **ret_failed,
		   struct nm_err *e);

/*
 * As nft_batch_send, but the kernel only checks the messages (each one
 * parsed and its expressions set up, as for a commit) and then aborts the
 * whole batch: nothing changes. Read-only: a planner may call it.
 */
int nft_batch_check(struct nft_conn *c, struct nft_batch *b, const char **ret_failed,
		    struct nm_err *e);

/* Called for each object a GET returns; returns MNL_CB_OK, or MNL_CB_ERROR to stop. */
typedef int (*nft_reply_cb)(const struct nlmsghdr *h, void *data);

/*
 * Sends one GET request h on c (built with NLM_F_ACK; a dump only to repair;
 * its sequence number is c's, set here) and passes each object of the reply
 * to cb (may be NULL). Returns 1 when the kernel had it, 0 when it said
 * ENOENT, or -errno with e set.
 */
int nft_get(struct nft_conn *c, struct nlmsghdr *h, nft_reply_cb cb, void *data,
	    struct nm_err *e);

/* The ruleset's generation now (every commit, anyone's, moves it on). 0 or -errno with e set. */
int nft_gen_get(struct nft_conn *c, uint32_t *ret, struct nm_err *e);

/* Whether a table exists: one GET. Returns 1, 0, or -errno with e set. */
int nft_object_get(struct nft_conn *c, uint16_t family, const char *table, struct nm_err *e);

/* Whether a chain of a table exists: one GET. Returns 1, 0, or -errno with e set. */
int nft_chain_get(struct nft_conn *c, uint16_t family, const char *table, const char *chain,
		  struct nm_err *e);

#endif
