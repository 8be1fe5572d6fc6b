/*
 * The anti-spoofing table: sets, a base chain per hook and a few regular
 * chains, one per protocol. Each rule exists once, as a rule_def whose
 * text (for --dry-run, in nft(8) syntax) and tests sit side by side so the
 * two cannot drift apart.
 *
 * A filtered port passes only what the rules understand: its own MAC as
 * source; no link-local group destination (STP, LLDP, EAPOL: its bridge
 * port forwards them all, so they cross prerouting, bridge_port.h); no 802.1ad
 * tag, an 802.1Q tag only of a VLAN the port carries tagged (the kernel
 * has moved the outer tag into the skb; nft rebuilds it for link-layer
 * reads: at a device's ingress too, see PORT_OVS below), never a second one; ARP, IPv4 and IPv6 alone, each from the
 * port's addresses; neighbour discovery only about itself. See
 * docs/xen-netmodes.7 for the reasoning behind each rule.
 */
#include "netmodes/nft/port_rules.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>

#include <libnftnl/expr.h>
#include <libnftnl/udata.h>

#include "netmodes/nft/nft_expr.h"

#define BYTEORDER_HOST_ENDIAN 1 /* nft's udata: the key is a string */
/* Elements a dynamic set holds at most: the kernel's bound on what the rules add. */
#define DROP_SET_SIZE 65536
#define DROP_SET_SIZE_TEXT "65536"

/* nft's datatype ids, and how it packs a concatenation's */
enum {
	T_INET_SERVICE = 13,
	T_IPADDR = 7,
	T_IP6ADDR = 8,
	T_ETHERADDR = 9,
	T_MARK = 19,
	T_ICMP6_TYPE = 29,
	T_IFNAME = 41
};
#define CONCAT(a, b) ((uint32_t)(a) << 6 | (uint32_t)(b))
/* A concatenation's field takes whole 32-bit registers. */
#define REG_ALIGN(len) (((len) + 3) / 4 * 4)
#define MARK_LEN ((uint32_t)sizeof(uint32_t))
#define IP4_LEN ((uint32_t)sizeof(struct in_addr))
#define IP6_LEN ((uint32_t)sizeof(struct in6_addr))
#define VID_LEN 2
#ifndef ETH_ALEN
#define ETH_ALEN 6
#endif

const struct port_set_def port_sets[PORT_SETS] = {
	[SET_PORTS] = { "ports", "type ifname", T_IFNAME, IFNAMSIZ, { IFNAMSIZ, 0 }, false, false },
	[SET_MACS] = { "macs", "type ifname . ether_addr", CONCAT(T_IFNAME, T_ETHERADDR),
		       IFNAMSIZ + REG_ALIGN(ETH_ALEN), { IFNAMSIZ, ETH_ALEN }, false, false },
	[SET_IP4] = { "addrs4", "type ifname . ipv4_addr", CONCAT(T_IFNAME, T_IPADDR),
		      IFNAMSIZ + IP4_LEN, { IFNAMSIZ, IP4_LEN }, false, false },
	[SET_IP4NET] = { "nets4", "type ifname . ipv4_addr", CONCAT(T_IFNAME, T_IPADDR),
			 IFNAMSIZ + IP4_LEN, { IFNAMSIZ, IP4_LEN }, true, false },
	[SET_IP6] = { "addrs6", "type ifname . ipv6_addr", CONCAT(T_IFNAME, T_IP6ADDR),
		      IFNAMSIZ + IP6_LEN, { IFNAMSIZ, IP6_LEN }, false, false },
	[SET_IP6NET] = { "nets6", "type ifname . ipv6_addr", CONCAT(T_IFNAME, T_IP6ADDR),
			 IFNAMSIZ + IP6_LEN, { IFNAMSIZ, IP6_LEN }, true, false },
	[SET_VLANS] = { "vlans", "type ifname . inet_service", CONCAT(T_IFNAME, T_INET_SERVICE),
			IFNAMSIZ + REG_ALIGN(VID_LEN), { IFNAMSIZ, VID_LEN }, true, false },
	[SET_DROPS] = { "drops", "type ifname . mark; size " DROP_SET_SIZE_TEXT "; flags dynamic; counter;",
			CONCAT(T_IFNAME, T_MARK), IFNAMSIZ + MARK_LEN, { IFNAMSIZ, MARK_LEN }, false, true },
	[SET_RECORDS] = { "records", "type ifname . mark", CONCAT(T_IFNAME, T_MARK),
			  IFNAMSIZ + MARK_LEN, { IFNAMSIZ, MARK_LEN }, false, false },
};

const char *const port_drop_names[DROP_KINDS] = {
	[DROP_MAC] = "mac",   [DROP_IP4] = "ipv4", [DROP_IP6] = "ipv6",
	[DROP_ARP] = "arp",   [DROP_DHCP] = "dhcp", [DROP_RA] = "ra",
	[DROP_ND] = "nd",     [DROP_VLAN] = "vlan", [DROP_OTHER] = "other",
};

/*
 * The drop log's limiter: an element per port that dropped, made by the
 * rules, with its own rate limit, gone two intervals after its last drop.
 */
#define DROPLOG_SET "droplog"
#define DROPLOG_TIMEOUT_MS (2000ULL * PORT_DROP_LOG_INTERVAL)
_Static_assert(PORT_DROP_LOG_INTERVAL == 60, "the limit is written 1/minute");

/*
 * Fixed sets of ICMPv6 types, filled when the table is made. ok: what a
 * guest may send at all (errors, echo, MLD reports, router and neighbour
 * solicitations and advertisements of neighbours); nd: what it may send
 * before it has an address (from :: or a link-local source).
 */
enum const_set { ICMP6_OK, ICMP6_ND, CONST_SETS };

struct const_set_def {
	const char *name;
	const uint8_t *types;
	size_t n;
};

static const uint8_t icmp6_ok[] = { ICMP6_DST_UNREACH,	   ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED,
				    ICMP6_PARAM_PROB,	   ICMP6_ECHO_REQUEST,	 ICMP6_ECHO_REPLY,
				    MLD_LISTENER_REPORT,   MLD_LISTENER_REDUCTION, ND_ROUTER_SOLICIT,
				    ND_NEIGHBOR_SOLICIT,   ND_NEIGHBOR_ADVERT,	 143 /* MLDv2 report */ };
static const uint8_t icmp6_nd[] = { MLD_LISTENER_REPORT, MLD_LISTENER_REDUCTION, ND_ROUTER_SOLICIT,
				    ND_NEIGHBOR_SOLICIT, ND_NEIGHBOR_ADVERT,	 143 };

static const struct const_set_def const_sets[CONST_SETS] = {
	[ICMP6_OK] = { "icmp6_ok", icmp6_ok, sizeof(icmp6_ok) },
	[ICMP6_ND] = { "icmp6_nd", icmp6_nd, sizeof(icmp6_nd) },
};

#define OVS_PORT_PRIORITY (-500)

/*
 * Where each kind of port is filtered: bridged frames, at the bridge's
 * filter priority; or routed packets, at nft's "raw" priority (the inet
 * family's NF_IP_PRI_RAW, NF_IP6_PRI_RAW alike): before conntrack sees them.
 */
static const struct port_family families[] = {
	[PORT_BRIDGED] = { NFPROTO_BRIDGE, "bridge", NF_BR_PRE_ROUTING, NF_BR_PRI_FILTER_BRIDGED,
			   true, false, "prerouting" },
	[PORT_ROUTED] = { NFPROTO_INET, "inet", NF_INET_PRE_ROUTING, NF_IP_PRI_RAW, false, false,
			  "prerouting" },
	/*
	 * Tags at a device's ingress: netback does no VLAN offload, so a
	 * guest's tag comes in the frame's bytes, but __netif_receive_skb_core
	 * moves the outer 802.1Q or 802.1ad tag into the skb (it untags)
	 * before the ingress hook, as it does before a bridge's: the network
	 * header and meta protocol are the inner ones, and nft's link-layer
	 * reads (ether type, the TCI) see the outer tag rebuilt where it was.
	 * The bridged rules hold as they are; a second tag stays in the bytes,
	 * its ethertype the meta protocol, and falls to the last drop. Were a
	 * tag ever left in the bytes, meta protocol would be 8021q and the
	 * frame dropped too: never passed unjudged. Tested with tagged frames
	 * by the unit test and the namespace suite of these ports.
	 *
	 * A port of an Open vSwitch bridge: its frames go from the device's
	 * receive handler (the kernel datapath's vport) to whatever a controller's
	 * flows say, before any bridge or inet hook, so they are judged at the
	 * ingress of the device itself, before the receive handler. First among the
	 * device's ingress chains: one at a lower priority could fwd a frame
	 * away before it is judged.
	 */
	[PORT_OVS] = { NFPROTO_NETDEV, "netdev", NF_NETDEV_INGRESS, OVS_PORT_PRIORITY, true, true,
		       "ingress" },
};

const struct port_family *port_family_of(enum port_kind kind)
{
	return &families[kind == PORT_ROUTED || kind == PORT_OVS ? kind : PORT_BRIDGED];
}

/* Chains */

/* The drop chains in the order of enum port_drop_kind: CH_DROP_MAC + kind. */
enum chain_id {
	CH_PRE,
	CH_ARP,
	CH_IP,
	CH_IP6,
	CH_ICMP6,
	CH_DROP_MAC,
	CH_DROP_IP4,
	CH_DROP_IP6,
	CH_DROP_ARP,
	CH_DROP_DHCP,
	CH_DROP_RA,
	CH_DROP_ND,
	CH_DROP_VLAN,
	CH_DROP_OTHER,
	CHAINS
};
_Static_assert(CH_DROP_OTHER - CH_DROP_MAC == DROP_OTHER - DROP_MAC, "a drop chain per kind, in order");

/*
 * A protocol's chain is jumped to on its protocol alone; each of its rules
 * says that protocol again (two expressions), so that nft(8) lists them by
 * field name and reads them back as they are.
 */
struct chain_def {
	const char *name;
	bool base; /* hooked: prerouting, at the family's hook */
	bool l2;   /* bridged frames only */
	uint16_t ethertype; /* its rules' protocol (0: any) */
	uint8_t l4proto;    /* and transport protocol (0: any) */
	const char *prefix; /* the same in nft(8) syntax */
};

static const struct chain_def chains[CHAINS] = {
	[CH_PRE] = { "prerouting", true, false, 0, 0, "" },
	[CH_ARP] = { "arp_check", false, true, 0x0806, 0, "meta protocol arp " },
	[CH_IP] = { "ip_check", false, false, 0x0800, 0, "meta protocol ip " },
	[CH_IP6] = { "ip6_check", false, false, 0x86dd, 0, "meta protocol ip6 " },
	[CH_ICMP6] = { "icmp6_check", false, false, 0x86dd, IPPROTO_ICMPV6,
		       "meta protocol ip6 meta l4proto ipv6-icmp " },
	/* where each drop rule goes: counted for its port, logged, dropped (port_drops.h) */
	[CH_DROP_MAC] = { "drop_mac", false, false, 0, 0, "" },
	[CH_DROP_IP4] = { "drop_ipv4", false, false, 0, 0, "" },
	[CH_DROP_IP6] = { "drop_ipv6", false, false, 0, 0, "" },
	[CH_DROP_ARP] = { "drop_arp", false, false, 0, 0, "" },
	[CH_DROP_DHCP] = { "drop_dhcp", false, false, 0, 0, "" },
	[CH_DROP_RA] = { "drop_ra", false, false, 0, 0, "" },
	[CH_DROP_ND] = { "drop_nd", false, false, 0, 0, "" },
	[CH_DROP_VLAN] = { "drop_vlan", false, false, 0, 0, "" },
	[CH_DROP_OTHER] = { "drop_other", false, false, 0, 0, "" },
};

/*
 * The entry chain, where a port's frames start: the hooked "prerouting" of
 * a family with no chain per port; else the regular chain each port's own
 * base chain jumps to.
 */
#define ENTRY_CHAIN "port_check"

static const char *chain_name(const struct port_family *pf, enum chain_id id)
{
	return id == CH_PRE && pf->per_device ? ENTRY_CHAIN : chains[id].name;
}

static bool chain_hooked(const struct port_family *pf, const struct chain_def *d)
{
	return d->base && !pf->per_device;
}

/* The chain an up-to-date table has and an older one lacks. */
const char *port_rules_marker_chain(void)
{
	return chains[CH_DROP_OTHER].name;
}

/* Rules */

enum verdict { ACCEPT, DROP, JUMP };
enum { LL = NFT_PAYLOAD_LL_HEADER, NH = NFT_PAYLOAD_NETWORK_HEADER, TH = NFT_PAYLOAD_TRANSPORT_HEADER };
enum { EQ = NFT_CMP_EQ, NEQ = NFT_CMP_NEQ, GTE = NFT_CMP_GTE, LTE = NFT_CMP_LTE };

enum test_kind {
	TK_END,
	TK_META,      /* meta KEY OP VALUE */
	TK_FIELD,     /* payload [& MASK] OP VALUE */
	TK_IIF_PORTS, /* iifname [!=] @ports */
	TK_IIF_FIELD, /* iifname . payload [& MASK] [!=] @SET */
	TK_FIELD_IN,  /* payload [!=] @CONST_SET */
};

#define FIELD_MAX 16
struct test {
	enum test_kind kind;
	uint32_t op; /* cmp's; a lookup: EQ matches when found, NEQ when not */
	uint32_t key; /* meta key, enum port_set or enum const_set */
	uint32_t base, offset, len;
	uint8_t value[FIELD_MAX];
	uint8_t mask[FIELD_MAX]; /* all zero: none */
};

#define MAX_TESTS 5
struct rule_def {
	enum chain_id chain;
	bool l2; /* bridged frames only */
	const char *text;
	struct test t[MAX_TESTS];
	enum verdict verdict;
	enum chain_id target; /* JUMP's, and DROP's: the drop chain of its kind, which it goes to */
};

#define UNPAREN(...) __VA_ARGS__
#define NBYTES(...) ((uint32_t)sizeof((uint8_t[]){ __VA_ARGS__ }))
/* Each macro passes its arguments on once more, so that a field's name (ETH_SADDR) spreads into base, offset (and length). */
#define META(...) META_(__VA_ARGS__)
#define META_(k, o, ...) { TK_META, o, k, 0, 0, NBYTES(__VA_ARGS__), { __VA_ARGS__ }, { 0 } }
#define PROTO(...) META(NFT_META_PROTOCOL, EQ, __VA_ARGS__)
#define L4(o, p) META(NFT_META_L4PROTO, o, p)
#define FIELD(...) FIELD_(__VA_ARGS__)
#define FIELD_(b, off, o, ...) { TK_FIELD, o, 0, b, off, NBYTES(__VA_ARGS__), { __VA_ARGS__ }, { 0 } }
/* MASKED(FIELD_AT, op, (mask...), (value...)) */
#define MASKED(...) MASKED_(__VA_ARGS__)
#define MASKED_(b, off, o, m, v) { TK_FIELD, o, 0, b, off, NBYTES(UNPAREN m), { UNPAREN v }, { UNPAREN m } }
#define IIF_PORTS(o) { TK_IIF_PORTS, o, SET_PORTS, 0, 0, 0, { 0 }, { 0 } }
#define IIF_FIELD(...) IIF_FIELD_(__VA_ARGS__)
#define IIF_FIELD_(b, off, l, set, o) { TK_IIF_FIELD, o, set, b, off, l, { 0 }, { 0 } }
#define IIF_FIELD_MASKED(...) IIF_FIELD_MASKED_(__VA_ARGS__)
#define IIF_FIELD_MASKED_(b, off, set, o, m) { TK_IIF_FIELD, o, set, b, off, NBYTES(UNPAREN m), { 0 }, { UNPAREN m } }
#define FIELD_IN(...) FIELD_IN_(__VA_ARGS__)
#define FIELD_IN_(b, off, l, cset, o) { TK_FIELD_IN, o, cset, b, off, l, { 0 }, { 0 } }
#define END { TK_END, 0, 0, 0, 0, 0, { 0 }, { 0 } }

/* Packet fields: offsets within their headers */
#define ETH_DADDR LL, 0
#define ETH_TYPE LL, 12
#define VLAN_TCI LL, 14
#define ETH_SADDR LL, 6, ETH_ALEN
#define ARP_HTYPE NH, 0
#define ARP_PTYPE NH, 2
#define ARP_HLEN NH, 4
#define ARP_PLEN NH, 5
#define ARP_OP NH, 6
#define ARP_SHA NH, 8, ETH_ALEN
#define ARP_SPA_AT NH, 14
#define ARP_SPA ARP_SPA_AT, IP4_LEN
#define IP_SADDR_AT NH, 12
#define IP_SADDR IP_SADDR_AT, IP4_LEN
#define IP_DADDR_AT NH, 16
#define IP6_PLEN NH, 4
#define IP6_NEXTHDR NH, 6
#define IP6_SADDR_AT NH, 8
#define IP6_SADDR IP6_SADDR_AT, IP6_LEN
#define UDP_SPORT TH, 0
#define UDP_DPORT TH, 2
#define ICMP6_TYPE TH, 0
/* neighbour discovery: the target of NS and NA, and the option after it or after RS's header */
#define ND_TARGET TH, 8, IP6_LEN
#define ND_OPT_AT TH, 24
#define ND_OPT_MAC TH, 26, ETH_ALEN
#define RS_OPT_AT TH, 8
#define RS_OPT_MAC TH, 10, ETH_ALEN

#define U16(v) (uint8_t)((v) >> 8), (uint8_t)((v)&0xff)
#define ZERO14 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define ZERO16 0, 0, ZERO14
#define TYPE(t) FIELD(ICMP6_TYPE, EQ, t)
#define PLEN(o, n) FIELD(IP6_PLEN, o, U16(n))
#define FROM_ANY FIELD(IP6_SADDR_AT, EQ, ZERO16)
#define NOT_FROM_ANY FIELD(IP6_SADDR_AT, NEQ, ZERO16)
/* fe80::/10 over the whole address, as nft(8) writes a prefix */
#define FROM_LINK_LOCAL MASKED(IP6_SADDR_AT, EQ, (0xff, 0xc0, ZERO14), (0xfe, 0x80, ZERO14))
/* ND option type and length (in 8 octets): one link-layer address, or a nonce */
#define OPT(o, type) FIELD(ND_OPT_AT, o, type, 1)

static const struct rule_def rules[] = {
	/* prerouting: whose frame, its source, its destination, its tags, then by protocol */
	{ CH_PRE, false, "iifname != @ports accept", { IIF_PORTS(NEQ) }, ACCEPT, 0 },
	{ CH_PRE, false, "iifname . ether saddr != @macs goto drop_mac",
	  { IIF_FIELD(ETH_SADDR, SET_MACS, NEQ) }, DROP, CH_DROP_MAC },
	{ CH_PRE, true, "ether daddr & ff:ff:ff:ff:ff:f0 == 01:80:c2:00:00:00 goto drop_other",
	  { MASKED(ETH_DADDR, EQ, (0xff, 0xff, 0xff, 0xff, 0xff, 0xf0), (0x01, 0x80, 0xc2, 0, 0, 0)) },
	  DROP, CH_DROP_OTHER },
	{ CH_PRE, true, "ether type 8021ad goto drop_vlan", { FIELD(ETH_TYPE, EQ, U16(0x88a8)) }, DROP, CH_DROP_VLAN },
	{ CH_PRE, true, "ether type 8021q iifname . vlan id != @vlans goto drop_vlan",
	  { FIELD(ETH_TYPE, EQ, U16(0x8100)), IIF_FIELD_MASKED(VLAN_TCI, SET_VLANS, NEQ, (0x0f, 0xff)) },
	  DROP, CH_DROP_VLAN },
	{ CH_PRE, true, "meta protocol arp jump arp_check", { PROTO(U16(0x0806)) }, JUMP, CH_ARP },
	{ CH_PRE, false, "meta protocol ip jump ip_check", { PROTO(U16(0x0800)) }, JUMP, CH_IP },
	{ CH_PRE, false, "meta protocol ip6 jump ip6_check", { PROTO(U16(0x86dd)) }, JUMP, CH_IP6 },
	/* a second tag, left in the frame's bytes */
	{ CH_PRE, true, "meta protocol 8021q goto drop_vlan", { PROTO(U16(0x8100)) }, DROP, CH_DROP_VLAN },
	{ CH_PRE, true, "meta protocol 8021ad goto drop_vlan", { PROTO(U16(0x88a8)) }, DROP, CH_DROP_VLAN },
	/* any other ethertype */
	{ CH_PRE, false, "goto drop_other", { END }, DROP, CH_DROP_OTHER },

	/* ARP: Ethernet and IPv4 only, a request or a reply, of the port's own addresses */
	{ CH_ARP, true, "arp htype != 1 goto drop_arp", { FIELD(ARP_HTYPE, NEQ, U16(1)) }, DROP, CH_DROP_ARP },
	{ CH_ARP, true, "arp ptype != ip goto drop_arp", { FIELD(ARP_PTYPE, NEQ, U16(0x0800)) }, DROP, CH_DROP_ARP },
	{ CH_ARP, true, "arp hlen != 6 goto drop_arp", { FIELD(ARP_HLEN, NEQ, ETH_ALEN) }, DROP, CH_DROP_ARP },
	{ CH_ARP, true, "arp plen != 4 goto drop_arp", { FIELD(ARP_PLEN, NEQ, IP4_LEN) }, DROP, CH_DROP_ARP },
	{ CH_ARP, true, "arp operation != request arp operation != reply goto drop_arp",
	  { FIELD(ARP_OP, NEQ, U16(1)), FIELD(ARP_OP, NEQ, U16(2)) }, DROP, CH_DROP_ARP },
	{ CH_ARP, true, "iifname . arp saddr ether != @macs goto drop_mac",
	  { IIF_FIELD(ARP_SHA, SET_MACS, NEQ) }, DROP, CH_DROP_MAC },
	/* a probe: the sender has no address yet */
	{ CH_ARP, true, "arp saddr ip 0.0.0.0 accept", { FIELD(ARP_SPA_AT, EQ, 0, 0, 0, 0) }, ACCEPT, 0 },
	{ CH_ARP, true, "iifname . arp saddr ip @addrs4 accept", { IIF_FIELD(ARP_SPA, SET_IP4, EQ) },
	  ACCEPT, 0 },
	{ CH_ARP, true, "iifname . arp saddr ip @nets4 accept", { IIF_FIELD(ARP_SPA, SET_IP4NET, EQ) },
	  ACCEPT, 0 },
	{ CH_ARP, true, "goto drop_arp", { END }, DROP, CH_DROP_ARP },

	/* IPv4: a guest is never the DHCP server of the others */
	{ CH_IP, false, "meta l4proto udp udp sport 67 goto drop_dhcp",
	  { L4(EQ, IPPROTO_UDP), FIELD(UDP_SPORT, EQ, U16(67)) }, DROP, CH_DROP_DHCP },
	{ CH_IP, false, "ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 accept",
	  { FIELD(IP_SADDR_AT, EQ, 0, 0, 0, 0), FIELD(IP_DADDR_AT, EQ, 255, 255, 255, 255),
	    L4(EQ, IPPROTO_UDP), FIELD(UDP_SPORT, EQ, U16(68)), FIELD(UDP_DPORT, EQ, U16(67)) },
	  ACCEPT, 0 },
	{ CH_IP, false, "iifname . ip saddr @addrs4 accept", { IIF_FIELD(IP_SADDR, SET_IP4, EQ) },
	  ACCEPT, 0 },
	{ CH_IP, false, "iifname . ip saddr @nets4 accept", { IIF_FIELD(IP_SADDR, SET_IP4NET, EQ) },
	  ACCEPT, 0 },
	{ CH_IP, false, "goto drop_ipv4", { END }, DROP, CH_DROP_IP4 },

	/* IPv6: nor a DHCPv6 server; ICMPv6 checked on its own; before an address, ND alone */
	{ CH_IP6, false, "meta l4proto udp udp sport 547 goto drop_dhcp",
	  { L4(EQ, IPPROTO_UDP), FIELD(UDP_SPORT, EQ, U16(547)) }, DROP, CH_DROP_DHCP },
	{ CH_IP6, false, "meta l4proto ipv6-icmp jump icmp6_check", { L4(EQ, IPPROTO_ICMPV6) }, JUMP, CH_ICMP6 },
	{ CH_IP6, false, "ip6 saddr :: meta l4proto ipv6-icmp accept",
	  { FROM_ANY, L4(EQ, IPPROTO_ICMPV6) }, ACCEPT, 0 },
	{ CH_IP6, false, "ip6 saddr fe80::/10 meta l4proto != ipv6-icmp goto drop_ipv6",
	  { FROM_LINK_LOCAL, L4(NEQ, IPPROTO_ICMPV6) }, DROP, CH_DROP_IP6 },
	{ CH_IP6, false, "iifname . ip6 saddr @addrs6 accept", { IIF_FIELD(IP6_SADDR, SET_IP6, EQ) },
	  ACCEPT, 0 },
	{ CH_IP6, false, "iifname . ip6 saddr @nets6 accept", { IIF_FIELD(IP6_SADDR, SET_IP6NET, EQ) },
	  ACCEPT, 0 },
	{ CH_IP6, false, "goto drop_ipv6", { END }, DROP, CH_DROP_IP6 },

	/* ICMPv6: the types a guest may send, and neighbour discovery about itself alone */
	{ CH_ICMP6, false, "icmpv6 type nd-router-advert goto drop_ra", { TYPE(ND_ROUTER_ADVERT) }, DROP,
	  CH_DROP_RA },
	{ CH_ICMP6, false, "icmpv6 type nd-redirect goto drop_ra", { TYPE(ND_REDIRECT) }, DROP, CH_DROP_RA },
	{ CH_ICMP6, false, "icmpv6 type != @icmp6_ok goto drop_other",
	  { FIELD_IN(ICMP6_TYPE, 1, ICMP6_OK, NEQ) }, DROP, CH_DROP_OTHER },
	{ CH_ICMP6, false, "ip6 saddr fe80::/10 icmpv6 type != @icmp6_nd goto drop_ipv6",
	  { FROM_LINK_LOCAL, FIELD_IN(ICMP6_TYPE, 1, ICMP6_ND, NEQ) }, DROP, CH_DROP_IP6 },
	{ CH_ICMP6, false, "ip6 saddr :: icmpv6 type != @icmp6_nd goto drop_ipv6",
	  { FROM_ANY, FIELD_IN(ICMP6_TYPE, 1, ICMP6_ND, NEQ) }, DROP, CH_DROP_IP6 },
	{ CH_ICMP6, false, "ip6 saddr :: icmpv6 type nd-neighbor-advert goto drop_nd",
	  { FROM_ANY, TYPE(ND_NEIGHBOR_ADVERT) }, DROP, CH_DROP_ND },
	/* RS, RA, NS, NA, where option offsets are read: no extension header (RFC 6980) */
	{ CH_ICMP6, false, "icmpv6 type 133-136 ip6 nexthdr != ipv6-icmp goto drop_nd",
	  { FIELD(ICMP6_TYPE, GTE, ND_ROUTER_SOLICIT), FIELD(ICMP6_TYPE, LTE, ND_NEIGHBOR_ADVERT),
	    FIELD(IP6_NEXTHDR, NEQ, IPPROTO_ICMPV6) },
	  DROP, CH_DROP_ND },
	/* NA: of its own address, with no option or its own MAC as the one */
	{ CH_ICMP6, false,
	  "icmpv6 type nd-neighbor-advert iifname . @th,64,128 != @addrs6 "
	  "iifname . @th,64,128 != @nets6 goto drop_nd",
	  { TYPE(ND_NEIGHBOR_ADVERT), IIF_FIELD(ND_TARGET, SET_IP6, NEQ),
	    IIF_FIELD(ND_TARGET, SET_IP6NET, NEQ) },
	  DROP, CH_DROP_ND },
	{ CH_ICMP6, false, "icmpv6 type nd-neighbor-advert ip6 length != 24 ip6 length != 32 goto drop_nd",
	  { TYPE(ND_NEIGHBOR_ADVERT), PLEN(NEQ, 24), PLEN(NEQ, 32) }, DROP, CH_DROP_ND },
	{ CH_ICMP6, false, "icmpv6 type nd-neighbor-advert ip6 length 32 @th,192,16 != 0x201 goto drop_nd",
	  { TYPE(ND_NEIGHBOR_ADVERT), PLEN(EQ, 32), OPT(NEQ, ND_OPT_TARGET_LINKADDR) }, DROP, CH_DROP_ND },
	{ CH_ICMP6, false,
	  "icmpv6 type nd-neighbor-advert ip6 length 32 iifname . @th,208,48 != @macs goto drop_nd",
	  { TYPE(ND_NEIGHBOR_ADVERT), PLEN(EQ, 32), IIF_FIELD(ND_OPT_MAC, SET_MACS, NEQ) }, DROP, CH_DROP_ND },
	/* NS: its own MAC as the one option; for duplicate address detection, of its own address */
	{ CH_ICMP6, false,
	  "icmpv6 type nd-neighbor-solicit ip6 saddr :: iifname . @th,64,128 != @addrs6 "
	  "iifname . @th,64,128 != @nets6 goto drop_nd",
	  { TYPE(ND_NEIGHBOR_SOLICIT), FROM_ANY, IIF_FIELD(ND_TARGET, SET_IP6, NEQ),
	    IIF_FIELD(ND_TARGET, SET_IP6NET, NEQ) },
	  DROP, CH_DROP_ND },
	{ CH_ICMP6, false, "icmpv6 type nd-neighbor-solicit ip6 length != 24 ip6 length != 32 goto drop_nd",
	  { TYPE(ND_NEIGHBOR_SOLICIT), PLEN(NEQ, 24), PLEN(NEQ, 32) }, DROP, CH_DROP_ND },
	{ CH_ICMP6, false,
	  "icmpv6 type nd-neighbor-solicit ip6 length 32 ip6 saddr :: @th,192,16 != 0xe01 goto drop_nd",
	  { TYPE(ND_NEIGHBOR_SOLICIT), PLEN(EQ, 32), FROM_ANY, OPT(NEQ, 14 /* nonce */) }, DROP, CH_DROP_ND },
	{ CH_ICMP6, false,
	  "icmpv6 type nd-neighbor-solicit ip6 length 32 ip6 saddr != :: @th,192,16 != 0x101 goto drop_nd",
	  { TYPE(ND_NEIGHBOR_SOLICIT), PLEN(EQ, 32), NOT_FROM_ANY, OPT(NEQ, ND_OPT_SOURCE_LINKADDR) },
	  DROP, CH_DROP_ND },
	{ CH_ICMP6, false,
	  "icmpv6 type nd-neighbor-solicit ip6 length 32 ip6 saddr != :: iifname . @th,208,48 != @macs "
	  "goto drop_nd",
	  { TYPE(ND_NEIGHBOR_SOLICIT), PLEN(EQ, 32), NOT_FROM_ANY, IIF_FIELD(ND_OPT_MAC, SET_MACS, NEQ) },
	  DROP, CH_DROP_ND },
	/* RS: its own MAC as the one option, none from :: */
	{ CH_ICMP6, false, "icmpv6 type nd-router-solicit ip6 length != 8 ip6 length != 16 goto drop_nd",
	  { TYPE(ND_ROUTER_SOLICIT), PLEN(NEQ, 8), PLEN(NEQ, 16) }, DROP, CH_DROP_ND },
	{ CH_ICMP6, false, "icmpv6 type nd-router-solicit ip6 length 16 ip6 saddr :: goto drop_nd",
	  { TYPE(ND_ROUTER_SOLICIT), PLEN(EQ, 16), FROM_ANY }, DROP, CH_DROP_ND },
	{ CH_ICMP6, false, "icmpv6 type nd-router-solicit ip6 length 16 @th,64,16 != 0x101 goto drop_nd",
	  { TYPE(ND_ROUTER_SOLICIT), PLEN(EQ, 16), FIELD(RS_OPT_AT, NEQ, ND_OPT_SOURCE_LINKADDR, 1) },
	  DROP, CH_DROP_ND },
	{ CH_ICMP6, false,
	  "icmpv6 type nd-router-solicit ip6 length 16 iifname . @th,80,48 != @macs goto drop_nd",
	  { TYPE(ND_ROUTER_SOLICIT), PLEN(EQ, 16), IIF_FIELD(RS_OPT_MAC, SET_MACS, NEQ) }, DROP, CH_DROP_ND },
};

static bool has_mask(const struct test *t)
{
	for (uint32_t i = 0; i < t->len && i < FIELD_MAX; i++)
		if (t->mask[i])
			return true;
	return false;
}

/* The payload field t reads into reg, masked when t says so. */
static int load_field(struct nftnl_rule *r, const struct test *t, uint32_t reg)
{
	int rc = nx_payload_to(r, t->base, t->offset, t->len, reg);

	return rc || !has_mask(t) ? rc : nx_mask_reg(r, reg, t->mask, t->len);
}

static int test_build(struct nftnl_rule *r, const struct test *t)
{
	int rc = 0;

	switch (t->kind) {
	case TK_META:
		rc = nx_meta(r, t->key);
		return rc ? rc : nx_cmp(r, t->op, t->value, t->len);
	case TK_FIELD:
		rc = load_field(r, t, NFT_REG_1);
		return rc ? rc : nx_cmp(r, t->op, t->value, t->len);
	case TK_IIF_PORTS:
		rc = nx_meta(r, NFT_META_IIFNAME);
		return rc ? rc : nx_lookup(r, port_sets[SET_PORTS].name, t->op == NEQ);
	case TK_IIF_FIELD:
		rc = nx_meta(r, NFT_META_IIFNAME);
		if (!rc)
			rc = load_field(r, t, NFT_REG_2);
		return rc ? rc : nx_lookup(r, port_sets[t->key].name, t->op == NEQ);
	case TK_FIELD_IN:
		rc = load_field(r, t, NFT_REG_1);
		return rc ? rc : nx_lookup(r, const_sets[t->key].name, t->op == NEQ);
	case TK_END:
		break;
	}
	return 0;
}

/* Whether d reads the link-layer header. */
static bool reads_ll(const struct rule_def *d)
{
	for (size_t i = 0; i < MAX_TESTS && d->t[i].kind != TK_END; i++)
		if ((d->t[i].kind == TK_FIELD || d->t[i].kind == TK_IIF_FIELD) && d->t[i].base == LL)
			return true;
	return false;
}

static int rule_build(struct nftnl_rule *r, const struct rule_def *d, const struct port_family *pf)
{
	const struct chain_def *c = &chains[d->chain];
	const uint16_t ether = ARPHRD_ETHER; /* host order, as nft(8) writes a meta iiftype */
	const struct test deps[] = {
		PROTO(U16(c->ethertype)),
		L4(EQ, c->l4proto),
	};
	int rc = 0;

	/*
	 * In the netdev family, nft(8) reads a link-layer field only after a
	 * meta iiftype ether, which it adds to such a rule itself: the rule
	 * then lists as its text says, and that text makes the same rule.
	 */
	if (pf->per_device && reads_ll(d) && !(rc = nx_meta(r, NFT_META_IIFTYPE)))
		rc = nx_cmp(r, EQ, &ether, sizeof(ether));
	if (!rc && c->ethertype)
		rc = test_build(r, &deps[0]);
	if (!rc && c->l4proto)
		rc = test_build(r, &deps[1]);
	for (size_t i = 0; !rc && i < MAX_TESTS && d->t[i].kind != TK_END; i++)
		rc = test_build(r, &d->t[i]);
	if (rc)
		return rc;
	if (d->verdict == JUMP)
		return nx_verdict(r, NFT_JUMP, chains[d->target].name);
	if (d->verdict == DROP)
		return nx_verdict(r, NFT_GOTO, chains[d->target].name);
	return nx_verdict(r, NF_ACCEPT, NULL);
}

/*
 * A drop chain's rules: the frame counted in its port's element of the
 * kind, logged at most once an interval per port, dropped. Each is a rule
 * of its own: an update that cannot add (the set full) or a limit over its
 * rate ends its rule, never the drop.
 */
enum drop_rule { DR_COUNT, DR_LOG, DR_DROP, DROP_RULES };

static int drop_rule_build(struct nftnl_rule *r, enum port_drop_kind k, enum drop_rule which)
{
	uint32_t key = (uint32_t)k + 1; /* a mark: host byte order */
	char prefix[64];
	int rc = 0;

	switch (which) {
	case DR_COUNT:
		if (!(rc = nx_meta(r, NFT_META_IIFNAME)) && !(rc = nx_immediate(r, NFT_REG_2, &key, sizeof(key))))
			rc = nx_dynset_update(r, port_sets[SET_DROPS].name, NULL);
		return rc;
	case DR_LOG:
		snprintf(prefix, sizeof(prefix), PORT_DROP_LOG_PREFIX "%s: ", port_drop_names[k]);
		if (!(rc = nx_meta(r, NFT_META_IIFNAME))) {
			struct nftnl_expr *limit = nx_limit_expr(PORT_DROP_LOG_INTERVAL);
			rc = limit ? nx_dynset_update(r, DROPLOG_SET, limit) : -ENOMEM;
		}
		return rc ? rc : nx_log(r, prefix);
	case DR_DROP:
	case DROP_RULES:
		break;
	}
	return !(rc = nx_counter(r)) ? nx_verdict(r, NF_DROP, NULL) : rc;
}

static void drop_rule_describe(enum port_drop_kind k, enum drop_rule which, FILE *out)
{
	switch (which) {
	case DR_COUNT:
		fprintf(out, "update @%s { iifname . 0x%08x }", port_sets[SET_DROPS].name, (unsigned)k + 1);
		return;
	case DR_LOG:
		fprintf(out,
			"update @%s { iifname limit rate 1/minute burst 1 packets } log prefix \"" PORT_DROP_LOG_PREFIX
			"%s: \"",
			DROPLOG_SET, port_drop_names[k]);
		return;
	case DR_DROP:
	case DROP_RULES:
		break;
	}
	fprintf(out, "counter drop");
}

/* Objects */

static struct nftnl_set *set_obj(const struct port_family *pf, const char *name, uint32_t id)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s) {
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, pf->family);
		nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
		nftnl_set_set_str(s, NFTNL_SET_NAME, name);
		nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	}
	return s;
}

/* s with nft(8)'s note that its key, a name, is a string (listed as "vif1.0"); NULL, s freed, when out of memory. */
static struct nftnl_set *string_keyed(struct nftnl_set *s)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);

	if (!ud) {
		nftnl_set_free(s);
		return NULL;
	}
	nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, BYTEORDER_HOST_ENDIAN);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return s;
}

static struct nftnl_set *port_set_new(const struct port_family *pf, const struct port_set_def *d)
{
	struct nftnl_set *s = set_obj(pf, d->name, (uint32_t)(d - port_sets) + 1);

	if (!s)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
	if (d->counted) {
		struct nftnl_expr *counter = nftnl_expr_alloc("counter");
		if (!counter) {
			nftnl_set_free(s);
			return NULL;
		}
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_EVAL);
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, DROP_SET_SIZE);
		nftnl_set_add_expr(s, counter);
		return s;
	}
	if (d->field_len[1]) {
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, d->interval ? NFT_SET_INTERVAL | NFT_SET_CONCAT : 0);
		if (d->interval)
			nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, d->field_len, 2);
		return s;
	}
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
	return string_keyed(s);
}

/* The drop log's limiter: keyed by the port's name, its elements timing out. */
static struct nftnl_set *droplog_set_new(const struct port_family *pf)
{
	struct nftnl_set *s = set_obj(pf, DROPLOG_SET, PORT_SETS + CONST_SETS + 1);

	if (!s)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, T_IFNAME);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, IFNAMSIZ);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_EVAL | NFT_SET_TIMEOUT);
	nftnl_set_set_u64(s, NFTNL_SET_TIMEOUT, DROPLOG_TIMEOUT_MS);
	nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, DROP_SET_SIZE);
	return string_keyed(s);
}

/* A fixed set and its elements: two messages. */
static int add_const_set(struct nft_batch *b, const struct port_family *pf, const struct const_set_def *d)
{
	struct nftnl_set *s = set_obj(pf, d->name, PORT_SETS + (uint32_t)(d - const_sets) + 1);

	if (!s)
		return -ENOMEM;
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, T_ICMP6_TYPE);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, 1);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, s, "add set");
	for (size_t i = 0; i < d->n; i++) {
		struct nftnl_set_elem *el = nftnl_set_elem_alloc();
		if (!el) {
			nftnl_set_free(s);
			return -ENOMEM;
		}
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, &d->types[i], 1);
		nftnl_set_elem_add(s, el);
	}
	nft_batch_elems(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE, s, "add element");
	nftnl_set_free(s);
	return 0;
}

static int add_table(struct nft_batch *b, const struct port_family *pf, bool excl)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return -ENOMEM;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, pf->family);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	/* EXCL: of two first callers, one sets up and the other retries without. */
	nft_batch_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | (excl ? NLM_F_EXCL : 0), t, "add table");
	nftnl_table_free(t);
	return 0;
}

static struct nftnl_chain *chain_obj(const struct port_family *pf, const struct chain_def *d)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return NULL;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, pf->family);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain_name(pf, (enum chain_id)(d - chains)));
	if (chain_hooked(pf, d)) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, pf->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, pf->priority);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	return c;
}

static bool in_family(const struct port_family *pf, bool l2)
{
	return !l2 || pf->l2;
}

/* Every chain's rules (after flush when an older table's base chain has some). */
static int add_chains(struct nft_batch *b, const struct port_family *pf, bool flush)
{
	for (size_t i = 0; i < CHAINS; i++) {
		struct nftnl_chain *c;
		if (!in_family(pf, chains[i].l2))
			continue;
		if (!(c = chain_obj(pf, &chains[i])))
			return -ENOMEM;
		nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, c, "add chain");
		nftnl_chain_free(c);
	}
	/* an older table's rules, in whichever of these chains it had: all made again */
	for (size_t i = 0; flush && i < CHAINS; i++) {
		struct nftnl_rule *r;
		if (!in_family(pf, chains[i].l2))
			continue;
		if (!(r = nftnl_rule_alloc()))
			return -ENOMEM;
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, pf->family);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain_name(pf, (enum chain_id)i));
		nft_batch_rule(b, NFT_MSG_DELRULE, 0, r, "flush chain");
		nftnl_rule_free(r);
	}
	return 0;
}

static struct nftnl_rule *rule_obj(const struct port_family *pf, enum chain_id chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r) {
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, pf->family);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain_name(pf, chain));
	}
	return r;
}

static int add_drop_chains_rules(struct nft_batch *b, const struct port_family *pf)
{
	int rc = 0;

	for (int k = 0; !rc && k < DROP_KINDS; k++)
		for (int w = 0; !rc && w < DROP_RULES; w++) {
			struct nftnl_rule *r = rule_obj(pf, (enum chain_id)(CH_DROP_MAC + k));
			if (!r)
				return -ENOMEM;
			if (!(rc = drop_rule_build(r, (enum port_drop_kind)k, (enum drop_rule)w)))
				nft_batch_rule(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r, "add rule");
			nftnl_rule_free(r);
		}
	return rc;
}

static int batch(struct nft_batch *b, enum port_kind kind, bool upgrade)
{
	const struct port_family *pf = port_family_of(kind);
	int rc = add_table(b, pf, !upgrade);

	for (size_t i = 0; !rc && i < PORT_SETS; i++) {
		struct nftnl_set *s = port_set_new(pf, &port_sets[i]);
		if (!s)
			return -ENOMEM;
		nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, s, "add set");
		nftnl_set_free(s);
	}
	if (!rc) {
		struct nftnl_set *s = droplog_set_new(pf);
		if (!s)
			return -ENOMEM;
		nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, s, "add set");
		nftnl_set_free(s);
	}
	for (size_t i = 0; !rc && i < CONST_SETS; i++)
		rc = add_const_set(b, pf, &const_sets[i]);
	if (!rc)
		rc = add_chains(b, pf, upgrade);
	if (!rc)
		rc = add_drop_chains_rules(b, pf);
	for (size_t i = 0; !rc && i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct nftnl_rule *r;
		if (!in_family(pf, rules[i].l2))
			continue;
		if (!(r = rule_obj(pf, rules[i].chain)))
			return -ENOMEM;
		if (!(rc = rule_build(r, &rules[i], pf)))
			nft_batch_rule(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r, "add rule");
		nftnl_rule_free(r);
	}
	return rc;
}

int port_rules_batch(struct nft_batch *b, enum port_kind kind)
{
	return batch(b, kind, false);
}

int port_rules_upgrade_batch(struct nft_batch *b, enum port_kind kind)
{
	return batch(b, kind, true);
}

static void describe_const_set(const struct port_family *pf, const struct const_set_def *d, FILE *out)
{
	fprintf(out, "nft add set %s %s %s { type icmpv6_type; }\n", pf->name, NFT_TABLE_NAME, d->name);
	fprintf(out, "nft add element %s %s %s { ", pf->name, NFT_TABLE_NAME, d->name);
	for (size_t i = 0; i < d->n; i++)
		fprintf(out, "%s%u", i ? ", " : "", d->types[i]);
	fprintf(out, " }\n");
}

static void describe(enum port_kind kind, bool upgrade, FILE *out)
{
	const struct port_family *pf = port_family_of(kind);

	fprintf(out, "nft add table %s %s\n", pf->name, NFT_TABLE_NAME);
	for (size_t i = 0; i < PORT_SETS; i++)
		fprintf(out, "nft add set %s %s %s { %s%s%s }\n", pf->name, NFT_TABLE_NAME,
			port_sets[i].name, port_sets[i].type_text, port_sets[i].counted ? "" : ";",
			port_sets[i].interval ? " flags interval;" : "");
	fprintf(out,
		"nft add set %s %s %s { type ifname; size " DROP_SET_SIZE_TEXT
		"; flags dynamic,timeout; timeout %llus; }\n",
		pf->name, NFT_TABLE_NAME, DROPLOG_SET, DROPLOG_TIMEOUT_MS / 1000);
	for (size_t i = 0; i < CONST_SETS; i++)
		describe_const_set(pf, &const_sets[i], out);
	for (size_t i = 0; i < CHAINS; i++) {
		if (!in_family(pf, chains[i].l2))
			continue;
		if (chain_hooked(pf, &chains[i]))
			fprintf(out,
				"nft add chain %s %s %s { type filter hook prerouting priority %d; policy accept; }\n",
				pf->name, NFT_TABLE_NAME, chains[i].name, pf->priority);
		else
			fprintf(out, "nft add chain %s %s %s\n", pf->name, NFT_TABLE_NAME,
				chain_name(pf, (enum chain_id)i));
	}
	for (size_t i = 0; upgrade && i < CHAINS; i++)
		if (in_family(pf, chains[i].l2))
			fprintf(out, "nft flush chain %s %s %s\n", pf->name, NFT_TABLE_NAME,
				chain_name(pf, (enum chain_id)i));
	for (int k = 0; k < DROP_KINDS; k++)
		for (int w = 0; w < DROP_RULES; w++) {
			fprintf(out, "nft add rule %s %s %s ", pf->name, NFT_TABLE_NAME, chains[CH_DROP_MAC + k].name);
			drop_rule_describe((enum port_drop_kind)k, (enum drop_rule)w, out);
			fputc('\n', out);
		}
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (in_family(pf, rules[i].l2))
			fprintf(out, "nft add rule %s %s %s %s%s\n", pf->name, NFT_TABLE_NAME,
				chain_name(pf, rules[i].chain), chains[rules[i].chain].prefix, rules[i].text);
}

void port_rules_describe(enum port_kind kind, FILE *out)
{
	describe(kind, false, out);
}

void port_rules_describe_upgrade(enum port_kind kind, FILE *out)
{
	describe(kind, true, out);
}

/*
 * A port's own base chain (PORT_OVS). In the netdev family a base chain
 * hooks one device: Debian 12's kernel (6.1) cannot update the devices of
 * a chain hooking several, so each port has its own, made and deleted in
 * the port's batch with its elements.
 *
 * What the kernel does with it when its device goes (NETDEV_UNREGISTER,
 * in the netdev chain type's notifier), as seen in the real-Xen rig's dom0:
 * - Debian 12's 6.1: it deletes the chain and its rule itself
 *   (__nft_release_basechain, for a chain hooking its last device),
 *   outside any transaction: the port's elements stay;
 * - Debian 13's 6.12 (6.12.117, with "netfilter: nf_tables: Tolerate
 *   chains with no remaining hooks", upstream from 6.13): the chain stays
 *   with no device; it never hooks a new device of the same name;
 * - from 6.16 (dynamic hook interface binding) the chain keeps the
 *   device's name and hooks the next device registered by that name, as
 *   this machine's 6.18 does (the unit test of these ports shows which).
 * So an offline deletes the chain only if it is there, and an online
 * replaces a chain that is there: one that hooks no device of the port's
 * name is stale (port_filter.c reads which device it hooks). From 6.16 a
 * chain may also be made before its device exists; up to 6.15 that is
 * ENOENT.
 */
char *port_chain_name(const char *ifname, char *buf)
{
	snprintf(buf, PORT_CHAIN_NAME_LEN, PORT_CHAIN_PREFIX "%.*s", IFNAMSIZ - 1, ifname);
	return buf;
}

static struct nftnl_chain *port_chain_obj(const struct port_family *pf, const char *ifname,
					  bool hooked)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	char name[PORT_CHAIN_NAME_LEN];

	if (!c)
		return NULL;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, pf->family);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, port_chain_name(ifname, name));
	if (hooked) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, pf->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, pf->priority);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nftnl_chain_set_str(c, NFTNL_CHAIN_DEV, ifname);
	}
	return c;
}

int port_chain_batch(struct nft_batch *b, enum port_kind kind, const char *ifname, bool del,
		     bool add)
{
	const struct port_family *pf = port_family_of(kind);
	struct nftnl_chain *c;
	struct nftnl_rule *r;
	char name[PORT_CHAIN_NAME_LEN];
	int rc;

	if (del) {
		/* its rule goes with it */
		if (!(c = port_chain_obj(pf, ifname, false)))
			return -ENOMEM;
		nft_batch_chain(b, NFT_MSG_DELCHAIN, 0, c, "delete chain");
		nftnl_chain_free(c);
	}
	if (!add)
		return 0;
	if (!(c = port_chain_obj(pf, ifname, true)))
		return -ENOMEM;
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, c, "add chain");
	nftnl_chain_free(c);
	if (!(r = nftnl_rule_alloc()))
		return -ENOMEM;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, pf->family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, port_chain_name(ifname, name));
	if (!(rc = nx_verdict(r, NFT_JUMP, ENTRY_CHAIN)))
		nft_batch_rule(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r, "add rule");
	nftnl_rule_free(r);
	return rc;
}

void port_chain_describe(enum port_kind kind, const char *ifname, bool del, bool add, FILE *out)
{
	const struct port_family *pf = port_family_of(kind);
	char name[PORT_CHAIN_NAME_LEN];

	port_chain_name(ifname, name);
	if (del)
		fprintf(out, "nft delete chain %s %s %s\n", pf->name, NFT_TABLE_NAME, name);
	if (!add)
		return;
	fprintf(out,
		"nft add chain %s %s %s { type filter hook %s device \"%s\" priority %d; policy accept; }\n",
		pf->name, NFT_TABLE_NAME, name, pf->hook_name, ifname, pf->priority);
	fprintf(out, "nft add rule %s %s %s jump %s\n", pf->name, NFT_TABLE_NAME, name, ENTRY_CHAIN);
}
