/*
 * The bridge anti-spoofing ruleset (see nft_port.h). Each rule exists once,
 * as a rule_spec: rule_text() prints it in nft(8) syntax for --dry-run and
 * rule_build() turns the same spec into expressions, side by side so the
 * two cannot drift apart.
 */
#include "nft_port.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/udata.h>

#include "nft_batch.h"
#include "nft_expr.h"

#define PORTS_MAP "ports"
#define BASE_CHAIN "prerouting"
#define PORT_CHAIN_FMT "port-%s"
#define CHAIN_NAME_LEN (IFNAMSIZ + 8)
#define MAP_ID 1
#define TYPE_IFNAME 41		  /* nft's datatype id: listings show names */
#define BYTEORDER_HOST_ENDIAN 1	  /* nft's udata: the key is a string */
#define PRE_ROUTING 0 /* PRE_ROUTING and NF_INET_PRE_ROUTING alike */

/* Where each kind of port is filtered: bridged frames, or routed packets. */
static const struct port_family {
	uint16_t family;
	const char *name;
	int priority;
	bool arp; /* ARP frames reach this family's hooks */
} families[] = {
	[PORT_BRIDGED] = { NFPROTO_BRIDGE, "bridge", -200 /* NF_BR_PRI_FILTER_BRIDGED */, true },
	[PORT_ROUTED] = { NFPROTO_INET, "inet", -300 /* raw: before conntrack sees it */, false },
};

enum rule_kind {
	R_ETHER_SADDR,	/* ether saddr != MAC counter drop */
	R_ARP_SHA,	/* arp saddr ether != MAC counter drop */
	R_ARP_PROBE,	/* arp saddr ip 0.0.0.0 return */
	R_ARP_SPA,	/* arp saddr ip PREFIX return */
	R_ARP_DROP,	/* meta protocol arp counter drop */
	R_DHCP,		/* DHCP discovery before the guest has an address */
	R_IP_SADDR,	/* ip saddr PREFIX return */
	R_IP_DROP,
	R_IP6_UNSPEC,	/* ip6 saddr :: icmpv6 return: duplicate address detection */
	R_IP6_LINKLOCAL, /* ip6 saddr fe80::/10 icmpv6 return: neighbour discovery */
	R_IP6_SADDR,
	R_IP6_DROP,
	R_OTHER_DROP,	/* any other ethertype, VLAN tags included */
};

struct rule_spec {
	enum rule_kind kind;
	const struct prefix *p;
};

#define MAX_RULES (2 * MAX_PREFIXES + 16)

static bool ifname_ok(const char *s)
{
	size_t len = strnlen(s, IFNAMSIZ);

	if (!len || len >= IFNAMSIZ)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '_' || *c == '.' || *c == '-'))
			return false;
	return true;
}

static int check_filter(const struct port_filter *f, struct nm_err *e)
{
	if (f->kind != PORT_BRIDGED && f->kind != PORT_ROUTED)
		return nm_fail(e, -EINVAL, "unknown kind of port");
	if (!ifname_ok(f->ifname))
		return nm_fail(e, -EINVAL, "invalid interface name for anti-spoofing");
	if (f->ips.n > MAX_PREFIXES)
		return nm_fail(e, -EINVAL, "anti-spoofing for %s takes at most %d addresses",
			       f->ifname, MAX_PREFIXES);
	for (size_t i = 0; i < f->ips.n; i++) {
		const struct prefix *p = &f->ips.p[i];
		if ((p->family != AF_INET || p->len > 32) && (p->family != AF_INET6 || p->len > 128))
			return nm_fail(e, -EINVAL, "invalid address for anti-spoofing of %s", f->ifname);
	}
	return 0;
}

static size_t rule_specs(const struct port_filter *f, struct rule_spec *out)
{
	bool arp = families[f->kind].arp;
	size_t n = 0;

	/* A port with no address of its own may send nothing at all. */
	if (!f->ips.n) {
		out[n++] = (struct rule_spec){ R_OTHER_DROP, NULL };
		return n;
	}
	out[n++] = (struct rule_spec){ R_ETHER_SADDR, NULL };
	if (arp) {
		out[n++] = (struct rule_spec){ R_ARP_SHA, NULL };
		out[n++] = (struct rule_spec){ R_ARP_PROBE, NULL };
		for (size_t i = 0; i < f->ips.n; i++)
			if (f->ips.p[i].family == AF_INET)
				out[n++] = (struct rule_spec){ R_ARP_SPA, &f->ips.p[i] };
		out[n++] = (struct rule_spec){ R_ARP_DROP, NULL };
	}
	out[n++] = (struct rule_spec){ R_DHCP, NULL };
	for (size_t i = 0; i < f->ips.n; i++)
		if (f->ips.p[i].family == AF_INET)
			out[n++] = (struct rule_spec){ R_IP_SADDR, &f->ips.p[i] };
	out[n++] = (struct rule_spec){ R_IP_DROP, NULL };
	out[n++] = (struct rule_spec){ R_IP6_UNSPEC, NULL };
	out[n++] = (struct rule_spec){ R_IP6_LINKLOCAL, NULL };
	for (size_t i = 0; i < f->ips.n; i++)
		if (f->ips.p[i].family == AF_INET6)
			out[n++] = (struct rule_spec){ R_IP6_SADDR, &f->ips.p[i] };
	out[n++] = (struct rule_spec){ R_IP6_DROP, NULL };
	out[n++] = (struct rule_spec){ R_OTHER_DROP, NULL };
	return n;
}

/* A prefix as nft prints it: a full-length one without "/len". */
static char *prefix_text(const struct prefix *p, char *buf)
{
	char *slash;

	prefix_format(p, buf);
	if (p->len == prefix_addr_len(p) * 8 && (slash = strchr(buf, '/')))
		*slash = '\0';
	return buf;
}

static void rule_text(const struct rule_spec *s, const struct port_filter *f, FILE *out)
{
	char mac[MAC_STR_LEN], pfx[PREFIX_STR_LEN];

	mac_format(&f->mac, mac);
	switch (s->kind) {
	case R_ETHER_SADDR:
		fprintf(out, "ether saddr != %s counter drop", mac);
		break;
	case R_ARP_SHA:
		fprintf(out, "meta protocol arp arp saddr ether != %s counter drop", mac);
		break;
	case R_ARP_PROBE:
		fprintf(out, "meta protocol arp arp saddr ip 0.0.0.0 return");
		break;
	case R_ARP_SPA:
		fprintf(out, "meta protocol arp arp saddr ip %s return", prefix_text(s->p, pfx));
		break;
	case R_ARP_DROP:
		fprintf(out, "meta protocol arp counter drop");
		break;
	case R_DHCP:
		fprintf(out, "meta protocol ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 "
			     "udp sport 68 udp dport 67 return");
		break;
	case R_IP_SADDR:
		fprintf(out, "meta protocol ip ip saddr %s return", prefix_text(s->p, pfx));
		break;
	case R_IP_DROP:
		fprintf(out, "meta protocol ip counter drop");
		break;
	case R_IP6_UNSPEC:
		fprintf(out, "meta protocol ip6 ip6 saddr :: meta l4proto ipv6-icmp return");
		break;
	case R_IP6_LINKLOCAL:
		fprintf(out, "meta protocol ip6 ip6 saddr fe80::/10 meta l4proto ipv6-icmp return");
		break;
	case R_IP6_SADDR:
		fprintf(out, "meta protocol ip6 ip6 saddr %s return", prefix_text(s->p, pfx));
		break;
	case R_IP6_DROP:
		fprintf(out, "meta protocol ip6 counter drop");
		break;
	case R_OTHER_DROP:
		fprintf(out, "counter drop");
		break;
	}
}

static int match_protocol(struct nftnl_rule *r, uint16_t ethertype)
{
	uint16_t be = htons(ethertype);
	int rc = nx_meta(r, NFT_META_PROTOCOL);

	return rc ? rc : nx_cmp(r, NFT_CMP_EQ, &be, sizeof(be));
}

static int match_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	int rc = nx_meta(r, NFT_META_L4PROTO);

	return rc ? rc : nx_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
}

static int match_bytes(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t op,
		       const void *v, uint32_t len)
{
	int rc = nx_payload(r, base, off, len);

	return rc ? rc : nx_cmp(r, op, v, len);
}

static int counted_drop(struct nftnl_rule *r)
{
	int rc = nx_counter(r);

	return rc ? rc : nx_verdict(r, NF_DROP, NULL);
}

/* Offsets in the network header: ARP sha 8, spa 14; IPv4 saddr 12, daddr 16; IPv6 saddr 8. */
static int rule_build(const struct rule_spec *s, const struct port_filter *f,
		      struct nftnl_rule *r)
{
	static const uint8_t zero[16], ones[4] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t fe80[16] = { 0xfe, 0x80 };
	const uint32_t NH = NFT_PAYLOAD_NETWORK_HEADER, TH = NFT_PAYLOAD_TRANSPORT_HEADER;
	uint16_t sport = htons(68), dport = htons(67);
	int rc = 0;

	switch (s->kind) {
	case R_ETHER_SADDR:
		if (!(rc = match_bytes(r, NFT_PAYLOAD_LL_HEADER, 6, NFT_CMP_NEQ, f->mac.b, MAC_LEN)))
			rc = counted_drop(r);
		break;
	case R_ARP_SHA:
		if (!(rc = match_protocol(r, ETH_P_ARP)) &&
		    !(rc = match_bytes(r, NH, 8, NFT_CMP_NEQ, f->mac.b, MAC_LEN)))
			rc = counted_drop(r);
		break;
	case R_ARP_PROBE:
		if (!(rc = match_protocol(r, ETH_P_ARP)) &&
		    !(rc = match_bytes(r, NH, 14, NFT_CMP_EQ, zero, 4)))
			rc = nx_verdict(r, NFT_RETURN, NULL);
		break;
	case R_ARP_SPA:
	case R_IP_SADDR:
	case R_IP6_SADDR: {
		uint16_t proto = s->kind == R_ARP_SPA ? ETH_P_ARP
				 : s->kind == R_IP_SADDR ? ETH_P_IP : ETH_P_IPV6;
		uint32_t off = s->kind == R_ARP_SPA ? 14 : s->kind == R_IP_SADDR ? 12 : 8;
		if (!(rc = match_protocol(r, proto)) &&
		    !(rc = nx_match_prefix(r, NH, off, s->p->addr.raw, (uint32_t)prefix_addr_len(s->p),
					   s->p->len)))
			rc = nx_verdict(r, NFT_RETURN, NULL);
		break;
	}
	case R_DHCP:
		if (!(rc = match_protocol(r, ETH_P_IP)) &&
		    !(rc = match_bytes(r, NH, 12, NFT_CMP_EQ, zero, 4)) &&
		    !(rc = match_bytes(r, NH, 16, NFT_CMP_EQ, ones, 4)) &&
		    !(rc = match_l4proto(r, IPPROTO_UDP)) &&
		    !(rc = match_bytes(r, TH, 0, NFT_CMP_EQ, &sport, 2)) &&
		    !(rc = match_bytes(r, TH, 2, NFT_CMP_EQ, &dport, 2)))
			rc = nx_verdict(r, NFT_RETURN, NULL);
		break;
	case R_IP6_UNSPEC:
	case R_IP6_LINKLOCAL:
		if (!(rc = match_protocol(r, ETH_P_IPV6)) &&
		    !(rc = (s->kind == R_IP6_UNSPEC ? match_bytes(r, NH, 8, NFT_CMP_EQ, zero, 16)
						    : nx_match_prefix(r, NH, 8, fe80, 16, 10))) &&
		    !(rc = match_l4proto(r, IPPROTO_ICMPV6)))
			rc = nx_verdict(r, NFT_RETURN, NULL);
		break;
	case R_ARP_DROP:
	case R_IP_DROP:
	case R_IP6_DROP:
		if (!(rc = match_protocol(r, s->kind == R_ARP_DROP ? ETH_P_ARP
					     : s->kind == R_IP_DROP ? ETH_P_IP : ETH_P_IPV6)))
			rc = counted_drop(r);
		break;
	case R_OTHER_DROP:
		rc = counted_drop(r);
		break;
	}
	return rc;
}

/* Objects */

static struct nftnl_table *table_obj(const struct port_family *pf)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (t) {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, pf->family);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	}
	return t;
}

static struct nftnl_chain *chain_obj(const struct port_family *pf, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, pf->family);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	}
	return c;
}

static struct nftnl_rule *rule_obj(const struct port_family *pf, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r) {
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, pf->family);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	}
	return r;
}

/* The map itself, or (with an element for ifname) the carrier of that element. */
static struct nftnl_set *map_obj(const struct port_family *pf, const char *ifname,
				 const char *jump_to)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *el;
	char key[IFNAMSIZ] = { 0 };

	if (!s)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, pf->family);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_set_set_str(s, NFTNL_SET_NAME, PORTS_MAP);
	if (!ifname)
		return s;
	if (!(el = nftnl_set_elem_alloc())) {
		nftnl_set_free(s);
		return NULL;
	}
	strncpy(key, ifname, sizeof(key) - 1);
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key, sizeof(key));
	if (jump_to) {
		nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT, (uint32_t)NFT_JUMP);
		nftnl_set_elem_set_str(el, NFTNL_SET_ELEM_CHAIN, jump_to);
	}
	nftnl_set_elem_add(s, el); /* the set owns el now */
	return s;
}

/* Adds the table, the map, the base chain and its one rule. */
static int batch_table_setup(struct nft_batch *b, const struct port_family *pf)
{
	struct nftnl_table *t = table_obj(pf);
	struct nftnl_set *m = map_obj(pf, NULL, NULL);
	struct nftnl_chain *c = chain_obj(pf, BASE_CHAIN);
	struct nftnl_rule *r = rule_obj(pf, BASE_CHAIN);
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);
	int rc = -ENOMEM;

	if (!t || !m || !c || !r || !ud)
		goto out;
	nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, BYTEORDER_HOST_ENDIAN);
	nftnl_set_set_u32(m, NFTNL_SET_FLAGS, NFT_SET_MAP);
	nftnl_set_set_u32(m, NFTNL_SET_KEY_TYPE, TYPE_IFNAME);
	nftnl_set_set_u32(m, NFTNL_SET_KEY_LEN, IFNAMSIZ);
	nftnl_set_set_u32(m, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	nftnl_set_set_u32(m, NFTNL_SET_DATA_LEN, 0);
	nftnl_set_set_u32(m, NFTNL_SET_ID, MAP_ID);
	nftnl_set_set_data(m, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, PRE_ROUTING);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, pf->priority);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	if ((rc = nx_meta(r, NFT_META_IIFNAME)) < 0 || (rc = nx_vmap(r, PORTS_MAP)) < 0)
		goto out;
	/* EXCL on the table: of two first callers, one sets up and the other retries without. */
	nft_batch_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, t, "add table");
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, m, "add map " PORTS_MAP);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, c, "add chain " BASE_CHAIN);
	nft_batch_rule(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r, "add rule " BASE_CHAIN);
	rc = 0;
out:
	if (ud)
		nftnl_udata_buf_free(ud);
	if (t)
		nftnl_table_free(t);
	if (m)
		nftnl_set_free(m);
	if (c)
		nftnl_chain_free(c);
	if (r)
		nftnl_rule_free(r);
	return rc;
}

/* Removes the port's element and chain (the element first: it holds the chain). */
static int batch_port_clear(struct nft_batch *b, const struct port_family *pf, const char *ifname,
			    const char *chain, bool with_element)
{
	struct nftnl_set *el = map_obj(pf, ifname, NULL);
	struct nftnl_rule *flush = rule_obj(pf, chain);
	struct nftnl_chain *c = chain_obj(pf, chain);
	int rc = -ENOMEM;

	if (el && flush && c) {
		if (with_element)
			nft_batch_elems(b, NFT_MSG_DELSETELEM, 0, el, "delete element");
		nft_batch_rule(b, NFT_MSG_DELRULE, 0, flush, "flush chain");
		nft_batch_chain(b, NFT_MSG_DELCHAIN, 0, c, "delete chain");
		rc = 0;
	}
	if (el)
		nftnl_set_free(el);
	if (flush)
		nftnl_rule_free(flush);
	if (c)
		nftnl_chain_free(c);
	return rc;
}

/* The filter's fingerprint: a hash of its rules' text, kept as the chain's comment. */
static void fingerprint(const struct port_filter *f, char *buf, size_t n)
{
	struct rule_spec specs[MAX_RULES];
	size_t count = rule_specs(f, specs), len = 0;
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	char *text = NULL;
	FILE *m = open_memstream(&text, &len);

	for (size_t i = 0; m && i < count; i++) {
		rule_text(&specs[i], f, m);
		fputc('\n', m);
	}
	if (m)
		fclose(m);
	for (size_t i = 0; text && i < len; i++)
		h = (h ^ (uint8_t)text[i]) * 0x100000001b3ull;
	free(text);
	snprintf(buf, n, "xen-netmodes filter %016llx", (unsigned long long)h);
}

static int batch_port_add(struct nft_batch *b, const struct port_filter *f, const char *chain)
{
	const struct port_family *pf = &families[f->kind];
	struct rule_spec specs[MAX_RULES];
	size_t n = rule_specs(f, specs);
	struct nftnl_chain *c = chain_obj(pf, chain);
	struct nftnl_set *el = map_obj(pf, f->ifname, chain);
	char comment[64];
	int rc = -ENOMEM;

	fingerprint(f, comment, sizeof(comment));
	if (!c || !el || nft_chain_set_comment(c, comment) < 0)
		goto out;
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, c, "add chain");
	for (size_t i = 0; i < n; i++) {
		struct nftnl_rule *r = rule_obj(pf, chain);
		if (!r || (rc = rule_build(&specs[i], f, r)) < 0) {
			if (r)
				nftnl_rule_free(r);
			rc = rc ? rc : -ENOMEM;
			goto out;
		}
		nft_batch_rule(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r, "add rule");
		nftnl_rule_free(r);
	}
	nft_batch_elems(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE, el, "add element");
	rc = 0;
out:
	if (c)
		nftnl_chain_free(c);
	if (el)
		nftnl_set_free(el);
	return rc;
}

static void chain_name(const char *ifname, char *buf)
{
	snprintf(buf, CHAIN_NAME_LEN, PORT_CHAIN_FMT, ifname);
}

/* One batch that takes the port from state s to filter f (clear when f is NULL). */
static int send_port(enum port_kind kind, const char *ifname, const struct port_filter *f,
		     const struct port_state *s, bool with_element, const char **failed,
		     struct nm_err *e)
{
	const struct port_family *pf = &families[kind];
	char chain[CHAIN_NAME_LEN];
	struct nft_batch b;
	int rc = 0;

	chain_name(ifname, chain);
	if (nft_batch_init(&b) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	if (f && !s->table)
		rc = batch_table_setup(&b, pf);
	if (!rc && s->port)
		rc = batch_port_clear(&b, pf, ifname, chain, with_element);
	if (!rc && f)
		rc = batch_port_add(&b, f, chain);
	if (rc < 0)
		nm_fail(e, rc, "out of memory");
	else
		rc = nft_batch_send(&b, failed, e);
	nft_batch_free(&b);
	return rc;
}

int nft_port_query(enum port_kind kind, const char *ifname, struct port_state *ret,
		   struct nm_err *e)
{
	const struct port_family *pf = &families[kind];
	char chain[CHAIN_NAME_LEN];
	struct port_state st = { 0 };
	int rc;

	if (!ifname_ok(ifname))
		return nm_fail(e, -EINVAL, "invalid interface name for anti-spoofing");
	chain_name(ifname, chain);
	if ((rc = nft_object_get(pf->family, NFT_TABLE_NAME, NULL, NULL, 0, e)) < 0)
		return rc;
	st.table = rc;
	if (st.table && (rc = nft_object_get(pf->family, NFT_TABLE_NAME, chain, st.comment,
					     sizeof(st.comment), e)) < 0)
		return rc;
	st.port = st.table && rc;
	*ret = st;
	return 0;
}

bool nft_port_matches(const struct port_state *s, const struct port_filter *f)
{
	char fp[sizeof(s->comment)];

	fingerprint(f, fp, sizeof(fp));
	return s->port && !strcmp(s->comment, fp);
}

/*
 * Sends the batch for f; the retries cover what changed under us since the
 * query: another call created the table first, or someone removed the
 * element by hand while its chain stayed.
 */
static int port_update(enum port_kind kind, const char *ifname, const struct port_filter *f,
		       struct nm_err *e)
{
	const char *failed = NULL;
	struct port_state s;
	int rc;

	if ((rc = nft_port_query(kind, ifname, &s, e)) < 0)
		return rc;
	if (f ? nft_port_matches(&s, f) : !s.port)
		return 0;
	rc = send_port(kind, ifname, f, &s, true, &failed, e);
	if (rc == -EEXIST && failed && !strcmp(failed, "add table")) {
		s.table = true;
		rc = send_port(kind, ifname, f, &s, true, &failed, e);
	}
	if (rc == -ENOENT && failed && !strcmp(failed, "delete element"))
		rc = send_port(kind, ifname, f, &s, false, &failed, e);
	return rc;
}

int nft_port_set(const struct port_filter *f, struct nm_err *e)
{
	int rc = check_filter(f, e);

	return rc < 0 ? rc : port_update(f->kind, f->ifname, f, e);
}

int nft_port_clear(enum port_kind kind, const char *ifname, struct nm_err *e)
{
	return port_update(kind, ifname, NULL, e);
}

void nft_port_describe_clear(enum port_kind kind, const char *ifname, FILE *out)
{
	const struct port_family *pf = &families[kind];
	char chain[CHAIN_NAME_LEN];

	chain_name(ifname, chain);
	fprintf(out, "nft delete element %s %s %s { \"%s\" }\n", pf->name, NFT_TABLE_NAME,
		PORTS_MAP, ifname);
	fprintf(out, "nft flush chain %s %s %s\n", pf->name, NFT_TABLE_NAME, chain);
	fprintf(out, "nft delete chain %s %s %s\n", pf->name, NFT_TABLE_NAME, chain);
}

int nft_port_table_exists(enum port_kind kind, struct nm_err *e)
{
	return nft_object_get(families[kind].family, NFT_TABLE_NAME, NULL, NULL, 0, e);
}

int nft_port_table_create(enum port_kind kind, struct nm_err *e)
{
	struct nft_batch b;
	int rc;

	if (nft_batch_init(&b) < 0)
		return nm_fail(e, -ENOMEM, "out of memory");
	if ((rc = batch_table_setup(&b, &families[kind])) < 0)
		nm_fail(e, rc, "out of memory");
	else
		rc = nft_batch_send(&b, NULL, e);
	nft_batch_free(&b);
	return rc == -EEXIST ? 0 : rc;
}

int nft_port_table_delete(enum port_kind kind, struct nm_err *e)
{
	struct nftnl_table *t = table_obj(&families[kind]);
	struct nft_batch b;
	int rc;

	if (!t || nft_batch_init(&b) < 0) {
		if (t)
			nftnl_table_free(t);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t, "delete table");
	rc = nft_batch_send(&b, NULL, e);
	nft_batch_free(&b);
	nftnl_table_free(t);
	return rc == -ENOENT ? 0 : rc;
}

void nft_port_describe_table(enum port_kind kind, bool create, FILE *out)
{
	const struct port_family *pf = &families[kind];

	if (!create) {
		fprintf(out, "nft delete table %s %s\n", pf->name, NFT_TABLE_NAME);
		return;
	}
	fprintf(out, "nft add table %s %s\n", pf->name, NFT_TABLE_NAME);
	fprintf(out, "nft add map %s %s %s { type ifname : verdict; }\n", pf->name, NFT_TABLE_NAME,
		PORTS_MAP);
	fprintf(out,
		"nft add chain %s %s %s { type filter hook prerouting priority %d; "
		"policy accept; }\n",
		pf->name, NFT_TABLE_NAME, BASE_CHAIN, pf->priority);
	fprintf(out, "nft add rule %s %s %s iifname vmap @%s\n", pf->name, NFT_TABLE_NAME,
		BASE_CHAIN, PORTS_MAP);
}

void nft_port_describe_set(const struct port_filter *f, const struct port_state *s, FILE *out)
{
	const struct port_family *pf = &families[f->kind];
	struct rule_spec specs[MAX_RULES];
	size_t n = rule_specs(f, specs);
	char chain[CHAIN_NAME_LEN], comment[64];

	chain_name(f->ifname, chain);
	fingerprint(f, comment, sizeof(comment));
	if (!s->table)
		nft_port_describe_table(f->kind, true, out);
	if (s->port)
		nft_port_describe_clear(f->kind, f->ifname, out);
	fprintf(out, "nft add chain %s %s %s { comment \"%s\"; }\n", pf->name, NFT_TABLE_NAME,
		chain, comment);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "nft add rule %s %s %s ", pf->name, NFT_TABLE_NAME, chain);
		rule_text(&specs[i], f, out);
		fputc('\n', out);
	}
	fprintf(out, "nft add element %s %s %s { \"%s\" : jump %s }\n", pf->name,
		NFT_TABLE_NAME, PORTS_MAP, f->ifname, chain);
}
