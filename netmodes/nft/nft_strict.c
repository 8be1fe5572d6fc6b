/* A strict bridge's chain (see nft_strict.h): its batch, its queries, its plan operations. */
#include "netmodes/nft/nft_strict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge.h>

#include <libmnl/libmnl.h>

#include "netmodes/nft/nft_batch.h"
#include "netmodes/nft/nft_expr.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/nft/port_rules.h"

/* Just before the port filter's chain: a frame nobody vouches for goes before any lookup there. */
#define STRICT_PRIORITY (NF_BR_PRI_FILTER_BRIDGED - 1)
/* What the batch's messages are called in errors; the apply tells them apart by these. */
#define WHAT_TABLE "add table"
#define WHAT_CHAIN "add chain strict"
#define WHAT_RULE "add strict rule"

void nft_strict_chain_name(const char *bridge, char ret[STRICT_CHAIN_LEN])
{
	snprintf(ret, STRICT_CHAIN_LEN, "strict-%s", bridge);
}

int nft_strict_exists(struct nft_conn *nft, const char *bridge, struct nm_err *e)
{
	char name[STRICT_CHAIN_LEN];

	nft_strict_chain_name(bridge, name);
	return nft_chain_get(nft, NFPROTO_BRIDGE, NFT_TABLE_NAME, name, e);
}

/* meta KEY NAME, as cmp OP on the name with its terminating zero */
static int ifname_is(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name)
{
	int rc = nx_meta(r, key);

	return rc ? rc : nx_cmp(r, op, name, (uint32_t)strlen(name) + 1);
}

/* meta ibrname "BR" iifname != "UPLINK" iifname != @ports counter drop */
static int strict_rule(struct nftnl_rule *r, const struct strict_bridge *s)
{
	int rc = ifname_is(r, NFT_META_BRI_IIFNAME, NFT_CMP_EQ, s->bridge);

	if (!rc)
		rc = ifname_is(r, NFT_META_IIFNAME, NFT_CMP_NEQ, s->uplink);
	if (!rc)
		rc = nx_meta(r, NFT_META_IIFNAME);
	if (!rc)
		rc = nx_lookup(r, port_sets[SET_PORTS].name, true);
	if (!rc)
		rc = nx_counter(r);
	return rc ? rc : nx_verdict(r, NF_DROP, NULL);
}

static struct nftnl_chain *chain_obj(const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_BRIDGE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	}
	return c;
}

/* The chain and its rule, after the port filter's table when with_table. */
static int create_batch(struct nft_batch *b, const struct strict_bridge *s, bool with_table)
{
	char name[STRICT_CHAIN_LEN];
	struct nftnl_chain *c;
	struct nftnl_rule *r;
	int rc = with_table ? port_rules_batch(b, PORT_BRIDGED) : 0;

	nft_strict_chain_name(s->bridge, name);
	if (rc || !(c = chain_obj(name)))
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_BR_PRE_ROUTING);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, STRICT_PRIORITY);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	/* EXCL: a chain of that name already there is not given a second rule. */
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, c, WHAT_CHAIN);
	nftnl_chain_free(c);
	if (!(r = nftnl_rule_alloc()))
		return -ENOMEM;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_BRIDGE);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
	if (!(rc = strict_rule(r, s)))
		nft_batch_rule(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r, WHAT_RULE);
	nftnl_rule_free(r);
	return rc;
}

/* Sends (commit) or only checks the creation; *ret_failed names the message that failed. */
static int send_create(struct nft_conn *nft, const struct strict_bridge *s, bool with_table,
		       bool commit, const char **ret_failed, struct nm_err *e)
{
	struct nft_batch b;
	int rc;

	*ret_failed = NULL;
	if (nft_batch_init(&b) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	if ((rc = create_batch(&b, s, with_table)) < 0)
		nm_fail(e, rc, "out of memory");
	else
		rc = commit ? nft_batch_send(nft, &b, ret_failed, e) : nft_batch_check(nft, &b, ret_failed, e);
	nft_batch_free(&b);
	return rc;
}

static int send_delete(struct nft_conn *nft, const char *what, bool table, const char *bridge,
		       struct nm_err *e)
{
	char name[STRICT_CHAIN_LEN];
	struct nftnl_table *t = NULL;
	struct nftnl_chain *c = NULL;
	struct nft_batch b;
	int rc = -ENOMEM;

	nft_strict_chain_name(bridge, name);
	if (nft_batch_init(&b) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	if (table && (t = nftnl_table_alloc())) {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_BRIDGE);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
		nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t, what);
		nftnl_table_free(t);
		rc = 0;
	} else if (!table && (c = chain_obj(name))) {
		/* with its rule: the kernel deletes a chain's rules along with it */
		nft_batch_chain(&b, NFT_MSG_DELCHAIN, 0, c, what);
		nftnl_chain_free(c);
		rc = 0;
	}
	rc = rc ? nm_fail(e, rc, "out of memory") : nft_batch_send(nft, &b, NULL, e);
	nft_batch_free(&b);
	return rc == -ENOENT ? 0 : rc;
}

int nft_strict_supported(struct nft_conn *nft, const struct strict_bridge *s, struct nm_err *e)
{
	const char *failed;
	int rc = nft_port_table_exists(nft, PORT_BRIDGED, e);

	if (rc < 0)
		return rc;
	rc = send_create(nft, s, rc == 0, false, &failed, e);
	/* a vif made the table meanwhile: checked again without it */
	if (rc == -EEXIST && failed && !strcmp(failed, WHAT_TABLE))
		rc = send_create(nft, s, false, false, &failed, e);
	/* the chain there already: its rule loaded once, and apply keeps it */
	if (rc == -EEXIST && failed && !strcmp(failed, WHAT_CHAIN))
		return 0;
	if (rc == -EOPNOTSUPP && failed && !strcmp(failed, WHAT_RULE))
		return nm_fail(e, rc, "this kernel's nftables cannot match the bridge a frame enters "
				      "(meta ibrname), which antispoof=yes needs to drop frames from "
				      "ports nobody filters (a kernel built with CONFIG_NFT_BRIDGE_META, "
				      "as Debian's are); start without antispoof=yes");
	return rc;
}

/* Operations */

struct strict_op {
	struct nft_conn *nft;
	struct strict_bridge s;
	bool table_exists;	   /* when planned: for the dry run's text */
	bool made_chain, made_table; /* what the last create made: what its undo deletes */
};

static int create(struct strict_op *o, struct nm_err *e)
{
	const char *failed;
	int rc = nft_port_table_exists(o->nft, PORT_BRIDGED, e);
	bool with_table = rc == 0;

	o->made_chain = o->made_table = false;
	if (rc < 0)
		return rc;
	rc = send_create(o->nft, &o->s, with_table, true, &failed, e);
	if (rc == -EEXIST && with_table && failed && !strcmp(failed, WHAT_TABLE)) {
		/* the first vif made the table meanwhile */
		with_table = false;
		rc = send_create(o->nft, &o->s, false, true, &failed, e);
	}
	if (rc == -EEXIST && failed && !strcmp(failed, WHAT_CHAIN)) {
		if (e)
			e->msg[0] = '\0';
		return 0; /* there already: kept, and not ours to delete */
	}
	if (rc == 0) {
		o->made_chain = true;
		o->made_table = with_table;
	}
	return rc;
}

static int uncreate(struct strict_op *o, struct nm_err *e)
{
	if (!o->made_chain)
		return 0;
	return send_delete(o->nft, o->made_table ? "delete table" : "delete chain strict",
			   o->made_table, o->s.bridge, e);
}

static int create_apply(struct op *op, struct nm_err *e)
{
	return create(op->data, e);
}

static int create_undo(struct op *op, struct nm_err *e)
{
	return uncreate(op->data, e);
}

static int delete_apply(struct op *op, struct nm_err *e)
{
	struct strict_op *o = op->data;

	return send_delete(o->nft, "delete chain strict", false, o->s.bridge, e);
}

static int delete_undo(struct op *op, struct nm_err *e)
{
	return create(op->data, e);
}

static void describe_chain(const struct strict_op *o, FILE *out)
{
	char name[STRICT_CHAIN_LEN];

	nft_strict_chain_name(o->s.bridge, name);
	if (!o->table_exists)
		port_rules_describe(PORT_BRIDGED, out);
	fprintf(out,
		"nft add chain bridge %s %s { type filter hook prerouting priority %d; "
		"policy accept; }\n",
		NFT_TABLE_NAME, name, STRICT_PRIORITY);
	fprintf(out, "nft add rule bridge %s %s meta ibrname \"%s\" iifname != \"%s\" "
		     "iifname != @%s counter drop\n",
		NFT_TABLE_NAME, name, o->s.bridge, o->s.uplink, port_sets[SET_PORTS].name);
}

static void create_describe(const struct op *op, FILE *out)
{
	describe_chain(op->data, out);
}

static void delete_describe(const struct op *op, FILE *out)
{
	const struct strict_op *o = op->data;
	char name[STRICT_CHAIN_LEN];

	nft_strict_chain_name(o->s.bridge, name);
	fprintf(out, "nft delete chain bridge %s %s\n", NFT_TABLE_NAME, name);
}

static const struct op_type create_type = {
	.name = "add strict chain",
	.apply = create_apply,
	.undo = create_undo,
	.describe = create_describe,
};

static const struct op_type delete_type = {
	.name = "delete strict chain",
	.apply = delete_apply,
	.undo = delete_undo,
	.describe = delete_describe,
};

static int add_op(struct plan *p, const struct op_type *type, struct nft_conn *nft,
		  const struct strict_bridge *s, bool table_exists)
{
	struct strict_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->nft = nft;
	o->s = *s;
	o->table_exists = table_exists;
	return plan_add(p, type, o);
}

int op_strict_create(struct plan *p, struct nft_conn *nft, const struct strict_bridge *s,
		     bool table_exists)
{
	return add_op(p, &create_type, nft, s, table_exists);
}

int op_strict_delete(struct plan *p, struct nft_conn *nft, const struct strict_bridge *s)
{
	return add_op(p, &delete_type, nft, s, true);
}

int plan_strict_repair(struct plan *p, struct nft_conn *nft, const struct strict_bridge *s,
		       struct nm_err *e)
{
	int rc = nft_strict_exists(nft, s->bridge, e);

	if (rc != 0)
		return rc < 0 ? rc : 0;
	/* the table: the port filter's step before this one makes it when missing */
	return op_strict_create(p, nft, s, true) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
}
