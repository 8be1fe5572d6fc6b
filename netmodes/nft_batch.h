/*
 * nftables over libmnl: one batch per call, sent once, with every reply
 * read in one place; and single-object GETs that never dump.
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

#include "err.h"

#define NFT_BATCH_MAX_MSGS 256

struct nft_batch {
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t seq0, seq;
	/* what each message does, by sequence number offset, for error messages */
	const char *what[NFT_BATCH_MAX_MSGS];
	unsigned n;
	bool overflow;
};

/* Starts a batch. Returns 0 or -ENOMEM. */
int nft_batch_init(struct nft_batch *b);
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
 * Sends the batch atomically and reads every reply. Returns 0, or the
 * first failure's -errno with e saying which message failed and why
 * (with the kernel's extended ACK text when it gave one); *ret_failed
 * (may be NULL) gets that message's `what`.
 */
int nft_batch_send(struct nft_batch *b, const char **ret_failed, struct nm_err *e);

/* Closes the process's nftables socket; the next exchange opens a new one. */
void nft_socket_drop(void);

/* count consecutive sequence numbers for this thread's requests; returns the first. */
uint32_t nft_seq(uint32_t count);

/* Called for each object a GET returns; returns MNL_CB_OK, or MNL_CB_ERROR to stop. */
typedef int (*nft_reply_cb)(const struct nlmsghdr *h, void *data);

/*
 * Sends one GET request h (built with NLM_F_ACK; a dump only to repair) and passes
 * each object of the reply to cb (may be NULL). Returns 1 when the kernel
 * had it, 0 when it said ENOENT, or -errno with e set.
 */
int nft_get(struct nlmsghdr *h, nft_reply_cb cb, void *data, struct nm_err *e);

/* Whether a table exists: one GET. Returns 1, 0, or -errno with e set. */
int nft_object_get(uint16_t family, const char *table, struct nm_err *e);

#endif
