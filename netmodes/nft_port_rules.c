/*
 * The anti-spoofing table: sets and one base chain. Each rule exists once,
 * as a rule_def whose text (for --dry-run, in nft(8) syntax) and builder
 * sit side by side so the two cannot drift apart.
 */
#include "nft_port_rules.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>

#include <libnftnl/udata.h>

#include "nft_expr.h"

#define BASE_CHAIN "prerouting"
#define BYTEORDER_HOST_ENDIAN 1 /* nft's udata: the key is a string */

/* The well-known ports of DHCP (RFC 2131) and DHCPv6 (RFC 8415) */
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP6_SERVER_PORT 547

/* nft's datatype ids, and how it packs a concatenation's */
enum { T_IPADDR = 7, T_IP6ADDR = 8, T_ETHERADDR = 9, T_MARK = 19, T_IFNAME = 41 };
#define CONCAT(a, b) ((uint32_t)(a) << 6 | (uint32_t)(b))
/* A concatenation's field takes whole 32-bit registers. */
#define REG_ALIGN(len) (((len) + 3) / 4 * 4)
#define MARK_LEN ((uint32_t)sizeof(uint32_t))
#define IP4_LEN ((uint32_t)sizeof(struct in_addr))
#define IP6_LEN ((uint32_t)sizeof(struct in6_addr))

const struct port_set_def port_sets[PORT_SETS] = {
	[SET_PORTS] = { "ports", "ifname", T_IFNAME, IFNAMSIZ, { IFNAMSIZ, 0 }, false },
	[SET_MACS] = { "macs", "ifname . ether_addr", CONCAT(T_IFNAME, T_ETHERADDR),
		       IFNAMSIZ + REG_ALIGN(ETH_ALEN), { IFNAMSIZ, ETH_ALEN }, false },
	[SET_IP4] = { "addrs4", "ifname . ipv4_addr", CONCAT(T_IFNAME, T_IPADDR), IFNAMSIZ + IP4_LEN,
		      { IFNAMSIZ, IP4_LEN }, false },
	[SET_IP4NET] = { "nets4", "ifname . ipv4_addr", CONCAT(T_IFNAME, T_IPADDR),
			 IFNAMSIZ + IP4_LEN, { IFNAMSIZ, IP4_LEN }, true },
	[SET_IP6] = { "addrs6", "ifname . ipv6_addr", CONCAT(T_IFNAME, T_IP6ADDR), IFNAMSIZ + IP6_LEN,
		      { IFNAMSIZ, IP6_LEN }, false },
	[SET_IP6NET] = { "nets6", "ifname . ipv6_addr", CONCAT(T_IFNAME, T_IP6ADDR),
			 IFNAMSIZ + IP6_LEN, { IFNAMSIZ, IP6_LEN }, true },
	[SET_RECORDS] = { "records", "ifname . mark", CONCAT(T_IFNAME, T_MARK), IFNAMSIZ + MARK_LEN,
			  { IFNAMSIZ, MARK_LEN }, false },
};

/*
 * Where each kind of port is filtered: bridged frames, at the bridge's
 * filter priority; or routed packets, at nft's "raw" priority (the inet
 * family's NF_IP_PRI_RAW, NF_IP6_PRI_RAW alike): before conntrack sees them.
 */
static const struct port_family families[] = {
	[PORT_BRIDGED] = { NFPROTO_BRIDGE, "bridge", NF_BR_PRE_ROUTING, NF_BR_PRI_FILTER_BRIDGED,
			   true },
	[PORT_ROUTED] = { NFPROTO_INET, "inet", NF_INET_PRE_ROUTING, NF_IP_PRI_RAW, false },
};

const struct port_family *port_family_of(enum port_kind kind)
{
	return &families[kind == PORT_ROUTED ? PORT_ROUTED : PORT_BRIDGED];
}

/* Rules */

enum verdict { ACCEPT, DROP };
enum { NH = NFT_PAYLOAD_NETWORK_HEADER, TH = NFT_PAYLOAD_TRANSPORT_HEADER };

struct rule_def {
	const char *text;
	int (*match)(struct nftnl_rule *r, const struct rule_def *d);
	enum verdict verdict;
	/* what match reads */
	enum port_set set;
	uint32_t base, offset, len; /* the packet field looked up with iifname in set */
	uint16_t ethertype;
	uint16_t port;	    /* udp source port */
	uint8_t icmp6_type;
	bool arp_only;
};

static int protocol(struct nftnl_rule *r, uint16_t ethertype)
{
	uint16_t be = htons(ethertype);
	int rc = nx_meta(r, NFT_META_PROTOCOL);

	return rc ? rc : nx_cmp(r, NFT_CMP_EQ, &be, sizeof(be));
}

static int l4proto(struct nftnl_rule *r, uint8_t proto)
{
	int rc = nx_meta(r, NFT_META_L4PROTO);

	return rc ? rc : nx_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
}

/* The len bytes at base + off equal v's. */
static int field_eq(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len, const void *v)
{
	int rc = nx_payload(r, base, off, len);

	return rc ? rc : nx_cmp(r, NFT_CMP_EQ, v, len);
}

/* [meta protocol P] iifname . FIELD [!=] @SET */
static int m_iif_field(struct nftnl_rule *r, const struct rule_def *d)
{
	int rc = d->ethertype ? protocol(r, d->ethertype) : 0;

	if (!rc)
		rc = nx_meta(r, NFT_META_IIFNAME);
	if (!rc)
		rc = nx_payload_to(r, d->base, d->offset, d->len, NFT_REG_2);
	return rc ? rc : nx_lookup(r, port_sets[d->set].name, d->verdict == DROP);
}

static int m_unfiltered(struct nftnl_rule *r, const struct rule_def *d)
{
	int rc = nx_meta(r, NFT_META_IIFNAME);

	return rc ? rc : nx_lookup(r, port_sets[d->set].name, true);
}

static int m_protocol(struct nftnl_rule *r, const struct rule_def *d)
{
	return d->ethertype ? protocol(r, d->ethertype) : 0;
}

/* A packet field's place and size, from the header struct that has it. */
#define OFF_LEN(type, member) offsetof(type, member), (uint32_t)sizeof(((type *)0)->member)
#define FIELD(type, member) .offset = offsetof(type, member), .len = sizeof(((type *)0)->member)

static int m_arp_probe(struct nftnl_rule *r, const struct rule_def *d)
{
	static const uint8_t any[IP4_LEN]; /* 0.0.0.0: the sender has no address yet */
	int rc = protocol(r, d->ethertype);

	return rc ? rc : field_eq(r, NH, OFF_LEN(struct ether_arp, arp_spa), any);
}

/* meta protocol P meta l4proto udp udp sport PORT */
static int m_udp_sport(struct nftnl_rule *r, const struct rule_def *d)
{
	uint16_t port = htons(d->port);
	int rc = protocol(r, d->ethertype);

	if (!rc)
		rc = l4proto(r, IPPROTO_UDP);
	return rc ? rc : field_eq(r, TH, OFF_LEN(struct udphdr, uh_sport), &port);
}

static int m_icmp6_type(struct nftnl_rule *r, const struct rule_def *d)
{
	int rc = protocol(r, ETH_P_IPV6);

	if (!rc)
		rc = l4proto(r, IPPROTO_ICMPV6);
	return rc ? rc : field_eq(r, TH, OFF_LEN(struct icmp6_hdr, icmp6_type), &d->icmp6_type);
}

/* ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 */
static int m_dhcp_discovery(struct nftnl_rule *r, const struct rule_def *d)
{
	uint32_t any = htonl(INADDR_ANY), all = htonl(INADDR_BROADCAST);
	uint16_t sport = htons(DHCP_CLIENT_PORT), dport = htons(DHCP_SERVER_PORT);
	int rc = protocol(r, d->ethertype);

	if (!rc)
		rc = field_eq(r, NH, OFF_LEN(struct iphdr, saddr), &any);
	if (!rc)
		rc = field_eq(r, NH, OFF_LEN(struct iphdr, daddr), &all);
	if (!rc)
		rc = l4proto(r, IPPROTO_UDP);
	if (!rc)
		rc = field_eq(r, TH, OFF_LEN(struct udphdr, uh_sport), &sport);
	return rc ? rc : field_eq(r, TH, OFF_LEN(struct udphdr, uh_dport), &dport);
}

/* ip6 saddr :: (duplicate address detection) or fe80::/10 (neighbour discovery), ICMPv6 only */
static int m_ip6_local(struct nftnl_rule *r, const struct rule_def *d)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT, link_local = { { { 0xfe, 0x80 } } };
	int rc = protocol(r, ETH_P_IPV6);

	if (!rc)
		rc = d->len ? nx_match_prefix(r, NH, OFF_LEN(struct ip6_hdr, ip6_src),
					      link_local.s6_addr, d->len)
			    : field_eq(r, NH, OFF_LEN(struct ip6_hdr, ip6_src), &any);
	return rc ? rc : l4proto(r, IPPROTO_ICMPV6);
}

#define LL NFT_PAYLOAD_LL_HEADER
/* The rule looks iifname . FIELD (a member of a header struct) up in set s. */
#define IIF_IN(p, s, b, type, member) .ethertype = (p), .set = (s), .base = (b), FIELD(type, member)
#define LINK_LOCAL_LEN 10 /* fe80::/10 */
static const struct rule_def rules[] = {
	{ .text = "iifname != @ports accept", .match = m_unfiltered, .verdict = ACCEPT,
	  .set = SET_PORTS },
	{ .text = "iifname . ether saddr != @macs counter drop", .match = m_iif_field,
	  .verdict = DROP, IIF_IN(0, SET_MACS, LL, struct ethhdr, h_source) },
	{ .text = "meta protocol arp iifname . arp saddr ether != @macs counter drop",
	  .arp_only = true, .match = m_iif_field, .verdict = DROP,
	  IIF_IN(ETH_P_ARP, SET_MACS, NH, struct ether_arp, arp_sha) },
	{ .text = "meta protocol arp arp saddr ip 0.0.0.0 accept", .arp_only = true,
	  .match = m_arp_probe, .verdict = ACCEPT, .ethertype = ETH_P_ARP },
	{ .text = "meta protocol arp iifname . arp saddr ip @addrs4 accept", .arp_only = true,
	  .match = m_iif_field, .verdict = ACCEPT,
	  IIF_IN(ETH_P_ARP, SET_IP4, NH, struct ether_arp, arp_spa) },
	{ .text = "meta protocol arp iifname . arp saddr ip @nets4 accept", .arp_only = true,
	  .match = m_iif_field, .verdict = ACCEPT,
	  IIF_IN(ETH_P_ARP, SET_IP4NET, NH, struct ether_arp, arp_spa) },
	{ .text = "meta protocol arp counter drop", .arp_only = true, .match = m_protocol,
	  .verdict = DROP, .ethertype = ETH_P_ARP },
	/* a guest is never the DHCP server of the others */
	{ .text = "meta protocol ip meta l4proto udp udp sport 67 counter drop",
	  .match = m_udp_sport, .verdict = DROP, .ethertype = ETH_P_IP, .port = DHCP_SERVER_PORT },
	{ .text = "meta protocol ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 "
		  "udp sport 68 udp dport 67 accept",
	  .match = m_dhcp_discovery, .verdict = ACCEPT, .ethertype = ETH_P_IP },
	{ .text = "meta protocol ip iifname . ip saddr @addrs4 accept", .match = m_iif_field,
	  .verdict = ACCEPT, IIF_IN(ETH_P_IP, SET_IP4, NH, struct iphdr, saddr) },
	{ .text = "meta protocol ip iifname . ip saddr @nets4 accept", .match = m_iif_field,
	  .verdict = ACCEPT, IIF_IN(ETH_P_IP, SET_IP4NET, NH, struct iphdr, saddr) },
	{ .text = "meta protocol ip counter drop", .match = m_protocol, .verdict = DROP,
	  .ethertype = ETH_P_IP },
	/* nor an IPv6 router or DHCPv6 server */
	{ .text = "meta protocol ip6 meta l4proto ipv6-icmp icmpv6 type nd-router-advert counter drop",
	  .match = m_icmp6_type, .verdict = DROP, .icmp6_type = ND_ROUTER_ADVERT },
	{ .text = "meta protocol ip6 meta l4proto ipv6-icmp icmpv6 type nd-redirect counter drop",
	  .match = m_icmp6_type, .verdict = DROP, .icmp6_type = ND_REDIRECT },
	{ .text = "meta protocol ip6 meta l4proto udp udp sport 547 counter drop",
	  .match = m_udp_sport, .verdict = DROP, .ethertype = ETH_P_IPV6, .port = DHCP6_SERVER_PORT },
	{ .text = "meta protocol ip6 ip6 saddr :: meta l4proto ipv6-icmp accept",
	  .match = m_ip6_local, .verdict = ACCEPT },
	{ .text = "meta protocol ip6 ip6 saddr fe80::/10 meta l4proto ipv6-icmp accept",
	  .match = m_ip6_local, .verdict = ACCEPT, .len = LINK_LOCAL_LEN },
	{ .text = "meta protocol ip6 iifname . ip6 saddr @addrs6 accept", .match = m_iif_field,
	  .verdict = ACCEPT, IIF_IN(ETH_P_IPV6, SET_IP6, NH, struct ip6_hdr, ip6_src) },
	{ .text = "meta protocol ip6 iifname . ip6 saddr @nets6 accept", .match = m_iif_field,
	  .verdict = ACCEPT, IIF_IN(ETH_P_IPV6, SET_IP6NET, NH, struct ip6_hdr, ip6_src) },
	{ .text = "meta protocol ip6 counter drop", .match = m_protocol, .verdict = DROP,
	  .ethertype = ETH_P_IPV6 },
	/* any other ethertype, VLAN tags included */
	{ .text = "counter drop", .match = m_protocol, .verdict = DROP },
};

static int rule_build(struct nftnl_rule *r, const struct rule_def *d)
{
	int rc = d->match(r, d);

	if (!rc && d->verdict == DROP)
		rc = nx_counter(r);
	return rc ? rc : nx_verdict(r, d->verdict == DROP ? NF_DROP : NF_ACCEPT, NULL);
}

/* Objects */

static struct nftnl_set *set_obj(const struct port_family *pf, const struct port_set_def *d)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_udata_buf *ud;

	if (!s)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, pf->family);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, (uint32_t)(d - port_sets) + 1);
	if (d->field_len[1]) {
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, d->interval ? NFT_SET_INTERVAL | NFT_SET_CONCAT : 0);
		if (d->interval)
			nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, d->field_len, 2);
		return s;
	}
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
	if (!(ud = nftnl_udata_buf_alloc(64))) {
		nftnl_set_free(s);
		return NULL;
	}
	nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, BYTEORDER_HOST_ENDIAN);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return s;
}

static int add_table(struct nft_batch *b, const struct port_family *pf)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return -ENOMEM;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, pf->family);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	/* EXCL: of two first callers, one sets up and the other retries without. */
	nft_batch_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, t, "add table");
	nftnl_table_free(t);
	return 0;
}

static int add_chain(struct nft_batch *b, const struct port_family *pf)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, pf->family);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, BASE_CHAIN);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, pf->hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, pf->priority);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, c, "add chain " BASE_CHAIN);
	nftnl_chain_free(c);
	return 0;
}

int port_rules_batch(struct nft_batch *b, enum port_kind kind)
{
	const struct port_family *pf = port_family_of(kind);
	int rc = add_table(b, pf);

	for (size_t i = 0; !rc && i < PORT_SETS; i++) {
		struct nftnl_set *s = set_obj(pf, &port_sets[i]);
		if (!s)
			return -ENOMEM;
		nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, s, "add set");
		nftnl_set_free(s);
	}
	if (!rc)
		rc = add_chain(b, pf);
	for (size_t i = 0; !rc && i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct nftnl_rule *r;
		if (rules[i].arp_only && !pf->arp)
			continue;
		if (!(r = nftnl_rule_alloc()))
			return -ENOMEM;
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, pf->family);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, BASE_CHAIN);
		if (!(rc = rule_build(r, &rules[i])))
			nft_batch_rule(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r, "add rule");
		nftnl_rule_free(r);
	}
	return rc;
}

void port_rules_describe(enum port_kind kind, FILE *out)
{
	const struct port_family *pf = port_family_of(kind);

	fprintf(out, "nft add table %s %s\n", pf->name, NFT_TABLE_NAME);
	for (size_t i = 0; i < PORT_SETS; i++)
		fprintf(out, "nft add set %s %s %s { type %s;%s }\n", pf->name, NFT_TABLE_NAME,
			port_sets[i].name, port_sets[i].type_text,
			port_sets[i].interval ? " flags interval;" : "");
	fprintf(out,
		"nft add chain %s %s %s { type filter hook prerouting priority %d; "
		"policy accept; }\n",
		pf->name, NFT_TABLE_NAME, BASE_CHAIN, pf->priority);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!rules[i].arp_only || pf->arp)
			fprintf(out, "nft add rule %s %s %s %s\n", pf->name, NFT_TABLE_NAME, BASE_CHAIN,
				rules[i].text);
}
