/*
 * One builder per nftables expression, so a rule reads like its nft(8)
 * text. Each appends to rule r, which owns the expression afterwards.
 * Values are in network byte order as they appear in packets. Builders
 * return 0 or -ENOMEM.
 */
#ifndef NETMODES_NFT_EXPR_H
#define NETMODES_NFT_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include <libnftnl/rule.h>

/* meta KEY => reg 1 */
int nx_meta(struct nftnl_rule *r, uint32_t key);
/* payload load LEN bytes @ BASE + OFFSET => reg 1, or dreg (NFT_REG_2: the second field of a concatenation) */
int nx_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len);
int nx_payload_to(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
		  uint32_t dreg);
/* cmp OP reg 1 DATA */
int nx_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
/* reg 1 = reg 1 & MASK */
int nx_mask(struct nftnl_rule *r, const void *mask, uint32_t len);
/* reg = reg & MASK (NFT_REG_2: the second field of a concatenation) */
int nx_mask_reg(struct nftnl_rule *r, uint32_t reg, const void *mask, uint32_t len);
/* lookup reg 1 (and on, for a concatenation) in SET: matches when found, or when not (invert) */
int nx_lookup(struct nftnl_rule *r, const char *set, bool invert);
/* verdict (NF_DROP, NFT_RETURN, NFT_JUMP with chain...) */
int nx_verdict(struct nftnl_rule *r, int verdict, const char *chain);
int nx_counter(struct nftnl_rule *r);
/* immediate reg DATA (NFT_REG_2: the second field of a concatenation) */
int nx_immediate(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len);
/*
 * update @SET { reg 1 [and on] }: the element made when absent, its
 * stateful expressions (the set's, or limit, which nx_limit_expr makes:
 * owned by the rule afterwards) run.
 */
int nx_dynset_update(struct nftnl_rule *r, const char *set, struct nftnl_expr *limit);
/* limit rate 1/SECONDS burst 1 packets, for nx_dynset_update; NULL when out of memory */
struct nftnl_expr *nx_limit_expr(uint64_t seconds);
/* log prefix PREFIX, to the kernel's log */
int nx_log(struct nftnl_rule *r, const char *prefix);
/* ct KEY => reg 1 */
int nx_ct(struct nftnl_rule *r, uint32_t key);
/* masquerade to the outgoing device's address */
int nx_masq(struct nftnl_rule *r);

/* payload load + cmp eq of a field of len bytes whose leading len_bits must equal value's */
int nx_match_prefix(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
		    const uint8_t *value, unsigned len_bits);

#endif
