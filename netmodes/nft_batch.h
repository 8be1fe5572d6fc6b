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
 * Appends one message; what names it in errors ("add chain port-vif1.0").
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

/*
 * Whether a table (chain NULL) or a chain exists: one GET, never a dump.
 * For a chain, comment (may be NULL) gets its comment, "" when none.
 * Returns 1, 0, or -errno with e set.
 */
int nft_object_get(uint16_t family, const char *table, const char *chain, char *comment,
		   size_t comment_len, struct nm_err *e);

/* Sets c's comment (nft's NFTNL_UDATA_CHAIN_COMMENT). Returns 0 or -ENOMEM. */
int nft_chain_set_comment(struct nftnl_chain *c, const char *comment);

#endif
