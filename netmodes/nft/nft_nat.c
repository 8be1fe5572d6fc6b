#include "netmodes/nft/nft_nat.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netlink.h>

#include "netmodes/nft/nft_batch.h"
#include "netmodes/nft/nft_expr.h"

#define NAT_PRIORITY NF_IP_PRI_NAT_SRC /* nft's "srcnat" */
#define FILTER_PRIORITY NF_IP_PRI_FILTER /* nft's "filter" */
/* An IPv4 header's address field: where it lies and its size. */
#define IP_FIELD(member) offsetof(struct iphdr, member), (uint32_t)sizeof(((struct iphdr *)0)->member)

struct nat_table {
	struct nft_conn *nft;
	struct prefix range;
	char netdev[IFNAMSIZ];
};

int nft_nat_exists(struct nft_conn *nft, struct nm_err *e)
{
	return nft_object_get(nft, NFPROTO_IPV4, NFT_NAT_TABLE, e);
}

static struct nftnl_chain *base_chain(const char *name, const char *type, uint32_t hook, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_NAT_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	return c;
}

static int match_ifname(struct nftnl_rule *r, uint32_t key, const char *name)
{
	int rc = nx_meta(r, key);

	return rc ? rc : nx_cmp(r, NFT_CMP_EQ, name, (uint32_t)strlen(name) + 1);
}

/* ip saddr RANGE oifname NETDEV masquerade */
static int masq_rule(struct nftnl_rule *r, const struct nat_table *t)
{
	int rc = nx_match_prefix(r, NFT_PAYLOAD_NETWORK_HEADER, IP_FIELD(saddr), t->range.addr.raw,
				 t->range.len);

	if (!rc)
		rc = match_ifname(r, NFT_META_OIFNAME, t->netdev);
	return rc ? rc : nx_masq(r);
}

/* iifname NETDEV ip daddr RANGE ct state new counter drop */
static int inbound_rule(struct nftnl_rule *r, const struct nat_table *t)
{
	uint32_t new_bit = NF_CT_STATE_BIT(IP_CT_NEW), zero = 0;
	int rc = match_ifname(r, NFT_META_IIFNAME, t->netdev);

	if (!rc)
		rc = nx_match_prefix(r, NFT_PAYLOAD_NETWORK_HEADER, IP_FIELD(daddr),
				     t->range.addr.raw, t->range.len);
	if (!rc)
		rc = nx_ct(r, NFT_CT_STATE);
	if (!rc)
		rc = nx_mask(r, &new_bit, sizeof(new_bit));
	if (!rc)
		rc = nx_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
	if (!rc)
		rc = nx_counter(r);
	return rc ? rc : nx_verdict(r, NF_DROP, NULL);
}

static struct nftnl_rule *rule_in(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r) {
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_NAT_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	}
	return r;
}

static int send_table(const struct nat_table *t, bool create, struct nm_err *e)
{
	struct nftnl_table *tab = nftnl_table_alloc();
	struct nftnl_chain *post = base_chain("postrouting", "nat", NF_INET_POST_ROUTING, NAT_PRIORITY);
	struct nftnl_chain *fwd = base_chain("forward", "filter", NF_INET_FORWARD, FILTER_PRIORITY);
	struct nftnl_rule *masq = rule_in("postrouting"), *in = rule_in("forward");
	struct nft_batch b = { 0 };
	int rc = -ENOMEM;

	if (!tab || !post || !fwd || !masq || !in || nft_batch_init(&b) < 0)
		goto out;
	nftnl_table_set_u32(tab, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
	nftnl_table_set_str(tab, NFTNL_TABLE_NAME, NFT_NAT_TABLE);
	if (!create) {
		nft_batch_table(&b, NFT_MSG_DELTABLE, 0, tab, "delete table");
	} else {
		if ((rc = masq_rule(masq, t)) < 0 || (rc = inbound_rule(in, t)) < 0)
			goto out;
		/* EXCL: a table of that name that is not ours is never reused or changed. */
		nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, tab, "add table");
		nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, post, "add chain postrouting");
		nft_batch_rule(&b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, masq, "add masquerade rule");
		nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, fwd, "add chain forward");
		nft_batch_rule(&b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, in, "add inbound rule");
	}
	rc = nft_batch_send(t->nft, &b, NULL, e);
	if (!create && rc == -ENOENT)
		rc = 0;
out:
	if (rc == -ENOMEM && !e->msg[0])
		nm_fail(e, rc, "out of memory");
	nft_batch_free(&b);
	if (tab)
		nftnl_table_free(tab);
	if (post)
		nftnl_chain_free(post);
	if (fwd)
		nftnl_chain_free(fwd);
	if (masq)
		nftnl_rule_free(masq);
	if (in)
		nftnl_rule_free(in);
	return rc;
}

static int nat_apply(struct op *op, struct nm_err *e)
{
	return send_table(op->data, true, e);
}

static int nat_undo(struct op *op, struct nm_err *e)
{
	return send_table(op->data, false, e);
}

static void nat_describe_create(const struct op *op, FILE *out)
{
	const struct nat_table *t = op->data;
	char range[PREFIX_STR_LEN];

	prefix_format(&t->range, range);
	fprintf(out, "nft add table ip %s\n", NFT_NAT_TABLE);
	fprintf(out, "nft add chain ip %s postrouting { type nat hook postrouting priority %d; "
		     "policy accept; }\n", NFT_NAT_TABLE, NAT_PRIORITY);
	fprintf(out, "nft add rule ip %s postrouting ip saddr %s oifname \"%s\" masquerade\n",
		NFT_NAT_TABLE, range, t->netdev);
	fprintf(out, "nft add chain ip %s forward { type filter hook forward priority %d; "
		     "policy accept; }\n", NFT_NAT_TABLE, FILTER_PRIORITY);
	fprintf(out, "nft add rule ip %s forward iifname \"%s\" ip daddr %s ct state new "
		     "counter drop\n", NFT_NAT_TABLE, t->netdev, range);
}

static void nat_describe_delete(const struct op *op, FILE *out)
{
	(void)op;
	fprintf(out, "nft delete table ip %s\n", NFT_NAT_TABLE);
}

static const struct op_type create_type = {
	.name = "NAT table", .apply = nat_apply, .undo = nat_undo, .describe = nat_describe_create,
};

static const struct op_type delete_type = {
	.name = "NAT table", .apply = nat_undo, .undo = nat_apply, .describe = nat_describe_delete,
};

int op_nat_table(struct plan *p, struct nft_conn *nft, bool create, const struct prefix *range,
		 const char *netdev)
{
	struct nat_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->nft = nft;
	t->range = *range;
	snprintf(t->netdev, sizeof(t->netdev), "%s", netdev);
	return plan_add(p, create ? &create_type : &delete_type, t);
}
