#include "netmodes/nft/nft_expr.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>

/* The longest field a prefix is matched on: an IPv6 address. */
#define PREFIX_FIELD_MAX ((uint32_t)sizeof(struct in6_addr))

/* Attaches e to r, or reports that it could not be allocated. */
static int add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

int nx_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return add(r, e);
}

int nx_payload_to(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
		  uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	}
	return add(r, e);
}

int nx_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	return nx_payload_to(r, base, offset, len, NFT_REG_1);
}

int nx_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return add(r, e);
}

int nx_mask(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	return nx_mask_reg(r, NFT_REG_1, mask, len);
}

int nx_mask_reg(struct nftnl_rule *r, uint32_t reg, const void *mask, uint32_t len)
{
	static const uint8_t zero[NFT_DATA_VALUE_MAXLEN]; /* the xor: none */
	struct nftnl_expr *e;

	if (len > sizeof(zero))
		return -EINVAL;
	if ((e = nftnl_expr_alloc("bitwise"))) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	return add(r, e);
}

int nx_lookup(struct nftnl_rule *r, const char *set, bool invert)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
		if (invert)
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	}
	return add(r, e);
}

int nx_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	return add(r, e);
}

int nx_counter(struct nftnl_rule *r)
{
	return add(r, nftnl_expr_alloc("counter"));
}

int nx_immediate(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	}
	return add(r, e);
}

int nx_dynset_update(struct nftnl_rule *r, const char *set, struct nftnl_expr *limit)
{
	struct nftnl_expr *e = nftnl_expr_alloc("dynset");

	if (!e) {
		if (limit)
			nftnl_expr_free(limit);
		return -ENOMEM;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
	nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set);
	if (limit)
		nftnl_expr_set(e, NFTNL_EXPR_DYNSET_EXPR, limit, 0);
	return add(r, e);
}

struct nftnl_expr *nx_limit_expr(uint64_t seconds)
{
	struct nftnl_expr *e = nftnl_expr_alloc("limit");

	if (e) {
		nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, 1);
		nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, seconds);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, 1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	}
	return e;
}

int nx_log(struct nftnl_rule *r, const char *prefix)
{
	struct nftnl_expr *e = nftnl_expr_alloc("log");

	if (e)
		nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	return add(r, e);
}

int nx_ct(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	return add(r, e);
}

int nx_masq(struct nftnl_rule *r)
{
	return add(r, nftnl_expr_alloc("masq"));
}

int nx_match_prefix(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
		    const uint8_t *value, unsigned len_bits)
{
	uint8_t mask[PREFIX_FIELD_MAX] = { 0 }, masked[PREFIX_FIELD_MAX] = { 0 };
	uint32_t load;
	int rc;

	if (len > sizeof(mask) || len_bits > len * 8)
		return -EINVAL;
	if (len_bits == 0)
		return 0; /* /0 matches everything: no test at all */
	for (uint32_t i = 0; i < len; i++) {
		unsigned bits = len_bits <= i * 8 ? 0 : len_bits - i * 8 >= 8 ? 8 : len_bits - i * 8;
		mask[i] = (uint8_t)(0xff00 >> bits);
		masked[i] = value[i] & mask[i];
	}
	/* As nft encodes it, so listings read back as "ip saddr 10.0.0.0/24": whole
	 * bytes load only what the prefix covers; otherwise the field is masked. */
	load = len_bits % 8 ? len : len_bits / 8;
	if ((rc = nx_payload(r, base, offset, load)) < 0)
		return rc;
	if (len_bits % 8 && (rc = nx_mask(r, mask, load)) < 0)
		return rc;
	return nx_cmp(r, NFT_CMP_EQ, masked, load);
}
