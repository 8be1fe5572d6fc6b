/*
 * The port filter's element codec, round trip: a filter's elements are put
 * into netlink messages as the kernel gets them and parsed back with
 * libnftnl into fresh sets, as a GET's reply is; decoding them must give
 * back the filter that went in, and damaged records must read as damaged.
 * No kernel involved.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "netmodes/nft/port_codec.h"
#include "netmodes/nft/port_filter.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What came back of a filter's elements, set by set. */
struct decoded {
	struct port_comments ports, records;
	struct port_elem elems[PORT_MAX_ELEMS]; /* every element keyed by the name, as read */
	size_t n;
	size_t foreign; /* elements keyed by another name */
};

static struct prefix pfx(const char *addr, unsigned len)
{
	struct prefix p = { .family = strchr(addr, ':') ? AF_INET6 : AF_INET, .len = (uint8_t)len };

	assert_int_equal(inet_pton(p.family, addr, p.addr.raw), 1);
	return p;
}

static struct port_filter filter(enum port_kind kind, const char *ifname)
{
	struct port_filter f = { .kind = kind, .mac = { { 0x00, 0x16, 0x3e, 0x0a, 0x0b, 0x0c } } };

	snprintf(f.ifname, sizeof(f.ifname), "%s", ifname);
	return f;
}

/*
 * The element list of h as the kernel's replies carry it: each element's
 * nest typed NFTA_LIST_ELEM (a request numbers them 1, 2...; the kernel
 * ignores that, and libnftnl parses only the former).
 */
static void as_reply(struct nlmsghdr *h)
{
	struct nlattr *list, *el;

	mnl_attr_for_each(list, h, sizeof(struct nfgenmsg))
	{
		if (mnl_attr_get_type(list) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(el, list)
		{
			el->nla_type = (uint16_t)((el->nla_type & ~NLA_TYPE_MASK) | NFTA_LIST_ELEM);
		}
	}
}

/*
 * s's elements through a netlink message: built as a request's payload,
 * then parsed into a fresh set as a reply is. Frees s; returns the new set.
 */
static struct nftnl_set *through_netlink(struct nftnl_set *s, uint16_t family)
{
	char *buf = calloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nftnl_set *back = nftnl_set_alloc();
	struct nlmsghdr *h;

	assert_non_null(buf);
	assert_non_null(back);
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWSETELEM, family, NLM_F_CREATE | NLM_F_ACK, 1);
	nftnl_set_elems_nlmsg_build_payload(h, s);
	assert_true(h->nlmsg_len <= MNL_SOCKET_BUFFER_SIZE);
	as_reply(h);
	assert_int_equal(nftnl_set_elems_nlmsg_parse(h, back), 0);
	nftnl_set_free(s);
	free(buf);
	return back;
}

/* Reads back the elements of set in s, as nft_port reads a reply. */
static void take_set(struct nftnl_set *s, enum port_set set, const char *ifname,
		     struct decoded *d)
{
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(s);
	struct nftnl_set_elem *el;

	assert_non_null(it);
	while ((el = nftnl_set_elems_iter_next(it))) {
		if (set == SET_PORTS)
			port_comments_take(&d->ports, el);
		else if (set == SET_RECORDS)
			port_comments_take(&d->records, el);
		assert_true(d->n < N(d->elems));
		if (port_elem_owned(el, set, ifname, &d->elems[d->n]))
			d->n++;
		else
			d->foreign++;
	}
	nftnl_set_elems_iter_destroy(it);
}

/*
 * One ports element of key (len bytes) and userdata ud (none: NULL) through
 * netlink, read back into d as ifname's.
 */
static void one_elem(const void *key, uint32_t len, const void *ud, uint32_t ud_len,
		     const char *ifname, struct decoded *d)
{
	struct nftnl_set *s = port_set_obj(PORT_BRIDGED, SET_PORTS);
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();

	assert_non_null(s);
	assert_non_null(el);
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key, len);
	if (ud)
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_USERDATA, ud, ud_len);
	nftnl_set_elem_add(s, el);
	s = through_netlink(s, port_family_of(PORT_BRIDGED)->family);
	memset(d, 0, sizeof(*d));
	take_set(s, SET_PORTS, ifname, d);
	nftnl_set_free(s);
}

/* Every set's share of els, written with comments and read back. */
static void round_trip(enum port_kind kind, const char *ifname, const struct port_elem *els,
		       size_t n, struct decoded *d)
{
	uint16_t family = port_family_of(kind)->family;

	memset(d, 0, sizeof(*d));
	for (int set = 0; set < PORT_SETS; set++) {
		struct nftnl_set *s = port_elems_obj(kind, (enum port_set)set, els, n, true);
		assert_non_null(s);
		assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FAMILY), family);
		assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_TABLE), NFT_TABLE_NAME);
		assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_NAME), port_sets[set].name);
		s = through_netlink(s, family);
		take_set(s, (enum port_set)set, ifname, d);
		nftnl_set_free(s);
	}
}

/* The filter the records of d describe, as nft_port_query reads it. */
static int decode(const struct decoded *d, enum port_kind kind, const char *ifname,
		  struct port_filter *ret)
{
	unsigned nrec;
	int rc;

	memset(ret, 0, sizeof(*ret));
	ret->kind = kind;
	snprintf(ret->ifname, sizeof(ret->ifname), "%s", ifname);
	if ((rc = port_decode_count(&d->ports, &nrec)) < 0)
		return rc;
	return port_decode_records(&d->records, nrec, ret);
}

/* The elements of a set, in the order port_elems wrote them. */
static size_t of_set(const struct port_elem *els, size_t n, enum port_set set,
		     const struct port_elem **out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (els[i].set == set)
			out[k++] = &els[i];
	return k;
}

/* f's elements survive the trip: the same keys in each set, and f read back from its records. */
static void assert_round_trip(const struct port_filter *f, size_t want_elems)
{
	struct port_elem els[PORT_MAX_ELEMS];
	const struct port_elem *want[PORT_MAX_ELEMS] = { 0 }, *got[PORT_MAX_ELEMS] = { 0 };
	struct decoded *d = calloc(1, sizeof(*d));
	struct port_filter back;
	struct port_state s = { .table = true, .port = true };
	size_t n;

	assert_non_null(d);
	assert_int_equal(nft_port_check(f, NULL), 0);
	n = port_elems(f, els);
	assert_int_equal(n, want_elems);
	assert_int_equal(els[n - 1].set, SET_PORTS);
	round_trip(f->kind, f->ifname, els, n, d);
	assert_int_equal(d->n, n);
	assert_int_equal(d->foreign, 0);
	for (int set = 0; set < PORT_SETS; set++) {
		size_t k = of_set(els, n, (enum port_set)set, want);
		const struct port_set_def *def = &port_sets[set];
		assert_int_equal(of_set(d->elems, d->n, (enum port_set)set, got), k);
		for (size_t i = 0; i < k; i++) {
			assert_memory_equal(got[i]->key, want[i]->key, def->key_len);
			if (def->interval)
				assert_memory_equal(got[i]->key_end, want[i]->key_end, def->key_len);
		}
	}
	assert_int_equal(d->ports.n, 1);
	assert_int_equal(d->records.n, f->ips.n ? f->ips.n + 1 + port_vlan_runs(&f->vlans) : 0);
	assert_int_equal(decode(d, f->kind, f->ifname, &back), 0);
	assert_int_equal(back.ips.n, f->ips.n);
	for (size_t i = 0; i < f->ips.n; i++)
		assert_true(prefix_equal(&back.ips.p[i], &f->ips.p[i]));
	if (f->ips.n)
		assert_memory_equal(&back.mac, &f->mac, sizeof(f->mac));
	assert_true(vlan_set_equal(&back.vlans, &f->vlans));
	s.filter = back;
	assert_true(nft_port_matches(&s, f));
	free(d);
}

static void test_bridged_mac_ipv4_ipv6(void **state)
{
	struct port_filter f = filter(PORT_BRIDGED, "vif1.0");
	const struct port_elem *keys[PORT_MAX_ELEMS];
	struct port_elem els[PORT_MAX_ELEMS];

	(void)state;
	f.ips.p[f.ips.n++] = pfx("10.0.0.5", 32);
	f.ips.p[f.ips.n++] = pfx("10.1.0.0", 20);
	f.ips.p[f.ips.n++] = pfx("2001:db8::5", 128);
	f.ips.p[f.ips.n++] = pfx("2001:db8:1::", 48);
	/* ports, macs, a record for the mac and each prefix, each prefix, the link-local address */
	assert_round_trip(&f, 2 + 1 + 2 * 4 + 1 + DROP_KINDS);
	/* the keys as the kernel holds them: the name zero padded, then the field */
	port_elems(&f, els);
	assert_int_equal(of_set(els, 12 + DROP_KINDS, SET_MACS, keys), 1);
	assert_memory_equal(keys[0]->key, "vif1.0\0\0\0\0\0\0\0\0\0\0\0\x16\x3e\x0a\x0b\x0c", 22);
	assert_string_equal(keys[0]->text, "00:16:3e:0a:0b:0c");
	assert_int_equal(of_set(els, 12 + DROP_KINDS, SET_IP4NET, keys), 1);
	assert_memory_equal(keys[0]->key + IFNAMSIZ, "\x0a\x01\x00\x00", 4);
	assert_memory_equal(keys[0]->key_end + IFNAMSIZ, "\x0a\x01\x0f\xff", 4);
	assert_string_equal(keys[0]->text, "10.1.0.0/20");
	assert_int_equal(of_set(els, 12 + DROP_KINDS, SET_IP6, keys), 2);
	assert_string_equal(keys[0]->text, "2001:db8::5");
	/* 00:16:3e:0a:0b:0c, its universal/local bit inverted, ff:fe in the middle */
	assert_string_equal(keys[1]->text, "fe80::216:3eff:fe0a:b0c");
	assert_int_equal(of_set(els, 12 + DROP_KINDS, SET_RECORDS, keys), 5);
	assert_string_equal(keys[0]->comment, "mac 00:16:3e:0a:0b:0c");
	assert_string_equal(keys[2]->comment, "ip 10.1.0.0/20");
	assert_string_equal(keys[4]->comment, "ip 2001:db8:1::/48");
	/* a count per kind of drop, "vif1.0" . 0x00000001 to 0x00000009 */
	assert_int_equal(of_set(els, 12 + DROP_KINDS, SET_DROPS, keys), DROP_KINDS);
	assert_memory_equal(keys[0]->key + IFNAMSIZ, &(uint32_t){ 1 }, 4);
	assert_string_equal(keys[DROP_KINDS - 1]->text, "0x00000009");
	assert_string_equal(els[11 + DROP_KINDS].comment, "5 records v2");
}

static void test_routed(void **state)
{
	struct port_filter f = filter(PORT_ROUTED, "vif7.3-emu");

	(void)state;
	f.ips.p[f.ips.n++] = pfx("192.0.2.7", 32);
	f.ips.p[f.ips.n++] = pfx("fd00::7", 128);
	assert_round_trip(&f, 2 + 1 + 2 * 2 + 1 + DROP_KINDS);
}

/* No addresses: the port is filtered and may send nothing; only its ports element. */
static void test_no_addresses(void **state)
{
	struct port_filter f = filter(PORT_BRIDGED, "vif2.0");
	struct port_elem els[PORT_MAX_ELEMS];

	(void)state;
	assert_round_trip(&f, 1 + DROP_KINDS);
	assert_int_equal(port_elems(&f, els), 1 + DROP_KINDS);
	assert_string_equal(els[DROP_KINDS].comment, "0 records v2");
	f.kind = PORT_ROUTED;
	assert_round_trip(&f, 1 + DROP_KINDS);
}

static void test_most_addresses(void **state)
{
	struct port_filter f = filter(PORT_BRIDGED, "a23456789012345"); /* IFNAMSIZ - 1 */
	char addr[INET6_ADDRSTRLEN];

	(void)state;
	for (unsigned i = 0; i < MAX_PREFIXES; i++) {
		if (i % 2)
			snprintf(addr, sizeof(addr), "2001:db8:%x::", i);
		else
			snprintf(addr, sizeof(addr), "10.%u.0.0", i);
		f.ips.p[f.ips.n++] = pfx(addr, i % 4 < 2 ? (i % 2 ? 128 : 32) : (i % 2 ? 48 : 16));
		if (f.ips.p[i].len == 128)
			f.ips.p[i].addr.raw[15] = 1;
		if (f.ips.p[i].len == 32)
			f.ips.p[i].addr.raw[3] = 1;
	}
	/* all but the VLANs' */
	assert_round_trip(&f, PORT_MAX_ELEMS - 2 * PORT_MAX_VLAN_RUNS);
	f.ips.n = MAX_PREFIXES + 1; /* one more than a filter holds */
	assert_int_equal(nft_port_check(&f, NULL), -EINVAL);
}

/* A VLAN port: a record and an interval element per run of VLANs it may send tagged. */
static void test_vlans(void **state)
{
	struct port_filter f = filter(PORT_BRIDGED, "vif3.0");
	const struct port_elem *keys[PORT_MAX_ELEMS];
	struct port_elem els[PORT_MAX_ELEMS];
	struct vlan_set port;

	(void)state;
	f.ips.p[f.ips.n++] = pfx("10.0.0.5", 32);
	/* the PVID and an untagged VLAN are no tagged VLANs */
	assert_int_equal(vlan_spec_parse("10p/20-30/40u/4094", &port, NULL), 0);
	port_tagged_vlans(&port, &f.vlans);
	assert_int_equal(port_vlan_runs(&f.vlans), 2);
	assert_false(vlan_set_has(&f.vlans, 10));
	assert_false(vlan_set_has(&f.vlans, 40));
	/* ports, macs, link-local, 4 records, the address, 2 runs */
	assert_round_trip(&f, 3 + 4 + 1 + 2 + DROP_KINDS);
	port_elems(&f, els);
	assert_int_equal(of_set(els, 10, SET_VLANS, keys), 2);
	/* network byte order, as the tag carries it */
	assert_memory_equal(keys[0]->key + IFNAMSIZ, "\x00\x14\x00\x00", 4);
	assert_memory_equal(keys[0]->key_end + IFNAMSIZ, "\x00\x1e\x00\x00", 4);
	assert_string_equal(keys[0]->text, "20-30");
	assert_memory_equal(keys[1]->key_end + IFNAMSIZ, "\x0f\xfe\x00\x00", 4);
	assert_string_equal(keys[1]->text, "4094");
	assert_int_equal(of_set(els, 10, SET_RECORDS, keys), 4);
	assert_string_equal(keys[2]->comment, "vlan 20-30");
	assert_string_equal(keys[3]->comment, "vlan 4094");
	/* more runs than a filter takes: refused, never cut */
	memset(&f.vlans, 0, sizeof(f.vlans));
	for (unsigned vid = 1; vid <= 2 * (PORT_MAX_VLAN_RUNS + 1); vid += 2)
		vlan_set_add(&f.vlans, vid, false);
	assert_int_equal(nft_port_check(&f, NULL), -EINVAL);
}

/* The link-local address a MAC makes is not added twice when ip lists it. */
static void test_link_local_listed(void **state)
{
	struct port_filter f = filter(PORT_BRIDGED, "vif4.0");

	(void)state;
	f.ips.p[f.ips.n++] = pfx("fe80::216:3eff:fe0a:b0c", 128);
	assert_round_trip(&f, 3 + 2 + DROP_KINDS);
}

/* c with the comments given, as if read back. */
static void comments(struct port_comments *c, const char *const *text, size_t n)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		snprintf(c->text[c->n++], sizeof(c->text[0]), "%s", text[i]);
}

static void test_damaged_count(void **state)
{
	static const char *const bad[] = {
		"", "records", "x records", "3 records junk", "3 record", " 3 records", "1 records v2",
		"66 records v2", "-1 records v2", "99999999999 records v2", "3records v2", "3 records v2 ",
		"3 records", /* an earlier version's: its elements differ */
	};
	struct port_comments c;
	unsigned nrec = 77;

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		comments(&c, &bad[i], 1);
		assert_int_equal(port_decode_count(&c, &nrec), -EBADMSG);
	}
	comments(&c, NULL, 0); /* no ports element came back */
	assert_int_equal(port_decode_count(&c, &nrec), -EBADMSG);
	comments(&c, (const char *const[]){ "3 records v2", "3 records v2" }, 2);
	assert_int_equal(port_decode_count(&c, &nrec), -EBADMSG);
	assert_int_equal(nrec, 77);
	comments(&c, (const char *const[]){ "65 records v2" }, 1);
	assert_int_equal(port_decode_count(&c, &nrec), 0);
	assert_int_equal(nrec, 65);
}

static void test_damaged_records(void **state)
{
	static const struct {
		const char *rec[3];
		size_t n;
	} bad[] = {
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.5/32" }, 2 }, /* one missing */
		{ { "ip 10.0.0.5/32", "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32" }, 3 },
		{ { "", "ip 10.0.0.5/32", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 01:00:5e:00:00:01", "ip 10.0.0.5/32", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:00:00:00:00:00", "ip 10.0.0.5/32", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3E:0A:0B:0C", "ip 10.0.0.5/32", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b", "ip 10.0.0.5/32", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c:0d", "ip 10.0.0.5/32", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.5/24", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.5", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.5/33", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.5/032", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.5/ 32", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.5/32 ", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip ::1/129", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 2001:DB8::1/128", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 2001:db8:", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip host/8", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip /8", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ipv4 10.0.0.5/32", "ip 10.0.0.6/32" }, 3 },
		/* runs of VLANs: after the addresses, rising, apart, as written */
		{ { "mac 00:16:3e:0a:0b:0c", "vlan 10", "ip 10.0.0.6/32" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "vlan 20", "vlan 10" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "vlan 10", "vlan 11" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "vlan 10-20", "vlan 15-25" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32", "vlan 10-10" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32", "vlan 20-10" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32", "vlan 0" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32", "vlan 4095" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32", "vlan 010" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32", "vlan 10-" }, 3 },
		{ { "mac 00:16:3e:0a:0b:0c", "ip 10.0.0.6/32", "vlan 10 " }, 3 },
	};
	struct port_filter f;
	struct port_comments c;

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		comments(&c, bad[i].rec, bad[i].n);
		assert_int_equal(port_decode_records(&c, 3, &f), -EBADMSG);
	}
	comments(&c, bad[0].rec, 2);
	assert_int_equal(port_decode_records(&c, 2, &f), 0);
	assert_int_equal(f.ips.n, 1);
	comments(&c, NULL, 0);
	assert_int_equal(port_decode_records(&c, 0, &f), 0);
	assert_int_equal(f.ips.n, 0);
	assert_int_equal(port_decode_records(&c, PORT_MAX_RECORDS + 1, &f), -EBADMSG);
}

/* Elements whose comments are missing or not comments at all, through netlink. */
static void test_damaged_userdata(void **state)
{
	static const uint8_t unterminated[] = { NFTNL_UDATA_SET_ELEM_COMMENT, 4, 'a', 'b', 'c', 'd' };
	static const uint8_t overlong[] = { NFTNL_UDATA_SET_ELEM_COMMENT, 200, '3', ' ', 'r', 0 };
	static const uint8_t other[] = { NFTNL_UDATA_SET_ELEM_COMMENT + 1, 2, '3', 0 };
	static const struct {
		const uint8_t *ud;
		uint32_t len;
	} cases[] = { { unterminated, sizeof(unterminated) }, { overlong, sizeof(overlong) },
		      { other, sizeof(other) }, { NULL, 0 } };
	struct port_elem key;
	struct decoded *d = calloc(1, sizeof(*d));
	unsigned nrec;

	(void)state;
	assert_non_null(d);
	port_elem_new(&key, SET_PORTS, "vif3.0");
	for (size_t i = 0; i < N(cases); i++) {
		one_elem(key.key, IFNAMSIZ, cases[i].ud, cases[i].len, "vif3.0", d);
		assert_int_equal(d->n, 1);
		assert_int_equal(d->ports.n, 1);
		assert_string_equal(d->ports.text[0], "");
		assert_int_equal(port_decode_count(&d->ports, &nrec), -EBADMSG);
	}
	free(d);
}

/* The repair's listing keeps only the port's own elements. */
static void test_owned(void **state)
{
	struct port_filter f = filter(PORT_BRIDGED, "vif1.0"), g = filter(PORT_BRIDGED, "vif1.01");
	struct port_elem els[2 * PORT_MAX_ELEMS];
	struct decoded *d = calloc(1, sizeof(*d));
	size_t n;

	(void)state;
	assert_non_null(d);
	f.ips.p[f.ips.n++] = pfx("10.0.0.5", 32);
	g.ips.p[g.ips.n++] = pfx("10.0.0.6", 32);
	n = port_elems(&f, els);
	n += port_elems(&g, els + n);
	round_trip(PORT_BRIDGED, "vif1.0", els, n, d);
	assert_int_equal(d->n, 6 + DROP_KINDS);
	assert_int_equal(d->foreign, 6 + DROP_KINDS);
	/* a key too short to hold a name is nobody's */
	one_elem("vif1.0", 7, NULL, 0, "vif1.0", d);
	assert_int_equal(d->n, 0);
	assert_int_equal(d->foreign, 1);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bridged_mac_ipv4_ipv6),
		cmocka_unit_test(test_routed),
		cmocka_unit_test(test_no_addresses),
		cmocka_unit_test(test_most_addresses),
		cmocka_unit_test(test_vlans),
		cmocka_unit_test(test_link_local_listed),
		cmocka_unit_test(test_damaged_count),
		cmocka_unit_test(test_damaged_records),
		cmocka_unit_test(test_damaged_userdata),
		cmocka_unit_test(test_owned),
	};

	return cmocka_run_group_tests_name("nft_codec", tests, NULL, NULL);
}
