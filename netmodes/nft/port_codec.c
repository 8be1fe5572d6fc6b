/*
 * A port filter as set elements and record comments, and back (see
 * port_codec.h). Reading accepts exactly what writing writes: a record
 * is sound when it reads as a value that writes back as the same text.
 */
#include "netmodes/nft/port_codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/udata.h>
#include <linux/netfilter/nf_tables.h>

bool port_ifname_ok(const char *s)
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

int nft_port_check(const struct port_filter *f, struct nm_err *e)
{
	if (f->kind != PORT_BRIDGED && f->kind != PORT_ROUTED && f->kind != PORT_OVS)
		return nm_fail(e, -EINVAL, "unknown kind of port");
	if (!port_ifname_ok(f->ifname))
		return nm_fail(e, -EINVAL, "invalid interface name for anti-spoofing");
	if (f->ips.n > MAX_PREFIXES)
		return nm_fail(e, -EINVAL, "anti-spoofing for %s takes at most %d addresses",
			       f->ifname, MAX_PREFIXES);
	for (size_t i = 0; i < f->ips.n; i++) {
		const struct prefix *p = &f->ips.p[i];
		if ((p->family != AF_INET || p->len > 32) && (p->family != AF_INET6 || p->len > 128))
			return nm_fail(e, -EINVAL, "invalid address for anti-spoofing of %s", f->ifname);
	}
	if (port_vlan_runs(&f->vlans) > PORT_MAX_VLAN_RUNS)
		return nm_fail(e, -EINVAL,
			       "anti-spoofing for %s takes at most %d runs of tagged VLANs (as 10-20)",
			       f->ifname, PORT_MAX_VLAN_RUNS);
	return 0;
}

/*
 * The first member of s from vid on, VLAN_MAX + 1 when none: a byte of the
 * map at a time where it has none (a port's few runs among 4094 VLANs).
 */
static unsigned next_vlan(const struct vlan_set *s, unsigned vid)
{
	while (vid <= VLAN_MAX) {
		if (!s->member[vid / 8])
			vid = (vid / 8 + 1) * 8;
		else if (vlan_set_has(s, vid))
			return vid;
		else
			vid++;
	}
	return VLAN_MAX + 1;
}

void port_tagged_vlans(const struct vlan_set *port, struct vlan_set *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (unsigned vid = next_vlan(port, VLAN_MIN); vid <= VLAN_MAX; vid = next_vlan(port, vid + 1))
		if (!vlan_set_untagged(port, vid))
			vlan_set_add(ret, vid, false);
}

/* The last VLAN of the run of consecutive members of s that starts at vid. */
static unsigned run_end(const struct vlan_set *s, unsigned vid)
{
	while (vid < VLAN_MAX && vlan_set_has(s, vid + 1))
		vid++;
	return vid;
}

unsigned port_vlan_runs(const struct vlan_set *s)
{
	unsigned n = 0;

	for (unsigned vid = next_vlan(s, VLAN_MIN); vid <= VLAN_MAX; vid = next_vlan(s, run_end(s, vid) + 1))
		n++;
	return n;
}

void port_mac_link_local(const struct mac_addr *mac, struct prefix *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->family = AF_INET6;
	ret->len = 128;
	ret->addr.raw[0] = 0xfe;
	ret->addr.raw[1] = 0x80;
	ret->addr.raw[8] = mac->b[0] ^ 0x02; /* the universal/local bit, inverted */
	ret->addr.raw[9] = mac->b[1];
	ret->addr.raw[10] = mac->b[2];
	ret->addr.raw[11] = 0xff;
	ret->addr.raw[12] = 0xfe;
	ret->addr.raw[13] = mac->b[3];
	ret->addr.raw[14] = mac->b[4];
	ret->addr.raw[15] = mac->b[5];
}

/* Encoding */

/* A prefix as nft prints it: a full-length one without "/len". */
static char *prefix_text(const struct prefix *p, char *buf)
{
	char *slash;

	prefix_format(p, buf);
	if (p->len == prefix_addr_len(p) * 8 && (slash = strchr(buf, '/')))
		*slash = '\0';
	return buf;
}

struct port_elem *port_elem_new(struct port_elem *el, enum port_set set, const char *ifname)
{
	memset(el, 0, sizeof(*el));
	el->set = set;
	memcpy(el->key, ifname, strnlen(ifname, IFNAMSIZ - 1)); /* zero padded, as the kernel keeps it */
	return el;
}

static void elem_prefix(struct port_elem *el, const char *ifname, const struct prefix *p)
{
	size_t alen = prefix_addr_len(p);
	bool whole = p->len == alen * 8;

	port_elem_new(el, p->family == AF_INET ? (whole ? SET_IP4 : SET_IP4NET)
					       : (whole ? SET_IP6 : SET_IP6NET), ifname);
	memcpy(el->key + IFNAMSIZ, p->addr.raw, alen);
	prefix_text(p, el->text);
	if (whole)
		return;
	/* an interval: from the prefix to its last address */
	memcpy(el->key_end, el->key, IFNAMSIZ + alen);
	for (size_t bit = p->len; bit < alen * 8; bit++)
		el->key_end[IFNAMSIZ + bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

/* el: the VLANs first to last, which the port may send tagged */
static void elem_vlans(struct port_elem *el, const char *ifname, unsigned first, unsigned last)
{
	port_elem_new(el, SET_VLANS, ifname);
	memcpy(el->key_end, el->key, IFNAMSIZ);
	/* as the packet carries it: network byte order, the rest of the register zero */
	el->key[IFNAMSIZ] = (uint8_t)(first >> 8);
	el->key[IFNAMSIZ + 1] = (uint8_t)first;
	el->key_end[IFNAMSIZ] = (uint8_t)(last >> 8);
	el->key_end[IFNAMSIZ + 1] = (uint8_t)last;
	snprintf(el->text, sizeof(el->text), last > first ? "%u-%u" : "%u", first, last);
}

/* Whether f's prefixes already hold its MAC's link-local address as a whole address. */
static bool has_link_local(const struct port_filter *f)
{
	struct prefix ll;

	port_mac_link_local(&f->mac, &ll);
	for (size_t i = 0; i < f->ips.n; i++)
		if (prefix_equal(&f->ips.p[i], &ll))
			return true;
	return false;
}

static void elem_link_local(struct port_elem *el, const struct port_filter *f)
{
	struct prefix ll;

	port_mac_link_local(&f->mac, &ll);
	elem_prefix(el, f->ifname, &ll);
}

void port_elem_record(struct port_elem *el, const char *ifname, uint32_t i, const char *what)
{
	port_elem_new(el, SET_RECORDS, ifname);
	memcpy(el->key + IFNAMSIZ, &i, sizeof(i)); /* a mark: host byte order */
	snprintf(el->text, sizeof(el->text), "%u", i);
	snprintf(el->comment, sizeof(el->comment), "%s", what);
}

void port_elem_drops(struct port_elem *el, const char *ifname, enum port_drop_kind k)
{
	uint32_t key = (uint32_t)k + 1; /* a mark: host byte order, as the rules load it */

	port_elem_new(el, SET_DROPS, ifname);
	memcpy(el->key + IFNAMSIZ, &key, sizeof(key));
	snprintf(el->text, sizeof(el->text), "0x%08x", key);
}

size_t port_elems(const struct port_filter *f, struct port_elem *out)
{
	char mac[MAC_STR_LEN], pfx[PREFIX_STR_LEN], rec[PORT_COMMENT_LEN];
	size_t n = 0;
	uint32_t nrec = 0;

	if (f->ips.n) {
		mac_format(&f->mac, mac);
		snprintf(rec, sizeof(rec), "mac %s", mac);
		port_elem_record(&out[n++], f->ifname, nrec++, rec);
		port_elem_new(&out[n], SET_MACS, f->ifname);
		memcpy(out[n].key + IFNAMSIZ, f->mac.b, MAC_LEN);
		snprintf(out[n++].text, sizeof(out[0].text), "%s", mac);
	}
	for (size_t i = 0; i < f->ips.n; i++) {
		snprintf(rec, sizeof(rec), "ip %s", prefix_format(&f->ips.p[i], pfx));
		port_elem_record(&out[n++], f->ifname, nrec++, rec);
		elem_prefix(&out[n++], f->ifname, &f->ips.p[i]);
	}
	for (unsigned vid = next_vlan(&f->vlans, VLAN_MIN); f->ips.n && vid <= VLAN_MAX;
	     vid = next_vlan(&f->vlans, vid + 1)) {
		unsigned end = run_end(&f->vlans, vid);
		snprintf(rec, sizeof(rec), end > vid ? "vlan %u-%u" : "vlan %u", vid, end);
		port_elem_record(&out[n++], f->ifname, nrec++, rec);
		elem_vlans(&out[n++], f->ifname, vid, end);
		vid = end;
	}
	if (f->ips.n && !has_link_local(f))
		elem_link_local(&out[n++], f);
	/* a port that may send nothing drops everything: counted too */
	for (int k = 0; k < DROP_KINDS; k++)
		port_elem_drops(&out[n++], f->ifname, (enum port_drop_kind)k);
	port_elem_new(&out[n], SET_PORTS, f->ifname);
	snprintf(out[n++].comment, sizeof(out[0].comment), "%u records v2", nrec);
	return n;
}

bool port_keeps_drops(const struct port_state *s, const struct port_filter *f)
{
	return f && s->port && !s->damaged;
}

size_t port_elems_drop_set(struct port_elem *els, size_t n, enum port_set set)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (els[i].set != set)
			els[kept++] = els[i];
	return kept;
}

struct nftnl_set *port_set_obj(enum port_kind kind, enum port_set set)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s) {
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, port_family_of(kind)->family);
		nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
		nftnl_set_set_str(s, NFTNL_SET_NAME, port_sets[set].name);
	}
	return s;
}

/* el's comment as nft(8) writes one. Returns 0 or -ENOMEM. */
static int elem_comment(struct nftnl_set_elem *el, const char *comment)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

	if (!ud)
		return -ENOMEM;
	nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, comment);
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return 0;
}

struct nftnl_set *port_elems_obj(enum port_kind kind, enum port_set set,
				 const struct port_elem *els, size_t n, bool with_comments)
{
	const struct port_set_def *d = &port_sets[set];
	struct nftnl_set *s = port_set_obj(kind, set);

	for (size_t i = 0; s && i < n; i++) {
		struct nftnl_set_elem *el;
		if (els[i].set != set)
			continue;
		if (!(el = nftnl_set_elem_alloc())) {
			nftnl_set_free(s);
			return NULL;
		}
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, els[i].key, d->key_len);
		if (d->interval)
			nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY_END, els[i].key_end, d->key_len);
		if (with_comments && els[i].comment[0] && elem_comment(el, els[i].comment) < 0) {
			nftnl_set_elem_free(el);
			nftnl_set_free(s);
			return NULL;
		}
		nftnl_set_elem_add(s, el); /* the set owns el now */
	}
	return s;
}

/* Decoding */

/*
 * The comment in a userdata blob: type, length, value attributes as nft(8)
 * writes them. Walked here, not by libnftnl's udata parser, which trusts
 * each attribute's length: one claiming more than the blob holds reads as none.
 */
static void udata_comment(const uint8_t *ud, uint32_t len, char *buf)
{
	for (uint32_t off = 0; off + 2 <= len; off += 2 + (uint32_t)ud[off + 1]) {
		uint8_t type = ud[off], vlen = ud[off + 1];
		const char *v = (const char *)ud + off + 2;
		if (off + 2 + vlen > len)
			return;
		if (type == NFTNL_UDATA_SET_ELEM_COMMENT && vlen && v[vlen - 1] == '\0')
			snprintf(buf, PORT_COMMENT_LEN, "%s", v);
	}
}

void port_comments_take(struct port_comments *c, struct nftnl_set_elem *el)
{
	const void *ud;
	uint32_t len;

	if (c->n < PORT_MAX_ELEMS) {
		c->text[c->n][0] = '\0';
		if ((ud = nftnl_set_elem_get(el, NFTNL_SET_ELEM_USERDATA, &len)))
			udata_comment(ud, len, c->text[c->n]);
	}
	c->n++;
}

int port_decode_count(const struct port_comments *ports, unsigned *ret_nrec)
{
	char back[PORT_COMMENT_LEN];
	unsigned nrec;

	/* one record is a mac without an address: port_elems writes none such */
	if (ports->n != 1 || sscanf(ports->text[0], "%u", &nrec) != 1 || nrec > PORT_MAX_RECORDS ||
	    nrec == 1)
		return -EBADMSG;
	snprintf(back, sizeof(back), "%u records v2", nrec);
	if (strcmp(back, ports->text[0]))
		return -EBADMSG;
	*ret_nrec = nrec;
	return 0;
}

/* "aa:bb:cc:dd:ee:ff" as mac_format writes it, of a unicast, non-zero address. */
static int decode_mac(const char *s, struct mac_addr *ret)
{
	char back[MAC_STR_LEN];
	struct mac_addr m;
	int end = 0;

	if (sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &m.b[0], &m.b[1], &m.b[2], &m.b[3],
		   &m.b[4], &m.b[5], &end) != MAC_LEN || s[end] || strcmp(mac_format(&m, back), s) ||
	    (m.b[0] & 1) || !(m.b[0] | m.b[1] | m.b[2] | m.b[3] | m.b[4] | m.b[5]))
		return -EBADMSG;
	*ret = m;
	return 0;
}

/* "addr/len" as prefix_format writes it, host bits zero. */
static int decode_prefix(const char *s, struct prefix *ret)
{
	char addr[PREFIX_STR_LEN], back[PREFIX_STR_LEN];
	const char *slash = strchr(s, '/');
	struct prefix p = { 0 };
	unsigned len;
	int end = 0;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -EBADMSG;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (inet_pton(AF_INET, addr, p.addr.raw) == 1)
		p.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p.addr.raw) == 1)
		p.family = AF_INET6;
	if (!p.family || sscanf(slash + 1, "%3u%n", &len, &end) != 1 || slash[1 + end] ||
	    len > prefix_addr_len(&p) * 8)
		return -EBADMSG;
	p.len = (uint8_t)len;
	if (strcmp(prefix_format(&p, back), s))
		return -EBADMSG;
	for (size_t bit = p.len; bit < prefix_addr_len(&p) * 8; bit++)
		if (p.addr.raw[bit / 8] & (0x80 >> (bit % 8)))
			return -EBADMSG;
	*ret = p;
	return 0;
}

/*
 * "N" or "N-M" as port_elems writes a run, after the runs already in s
 * (in rising order, apart: one run never follows another it would join).
 */
static int decode_vlans(const char *s, struct vlan_set *set)
{
	unsigned first, last;
	char back[16];
	int end = 0;

	if (sscanf(s, "%4u%n", &first, &end) != 1)
		return -EBADMSG;
	last = first;
	if (s[end] == '-' && sscanf(s + end + 1, "%4u", &last) == 1)
		snprintf(back, sizeof(back), "%u-%u", first, last);
	else
		snprintf(back, sizeof(back), "%u", first);
	if (strcmp(back, s) || first < VLAN_MIN || last > VLAN_MAX || last < first ||
	    (last == first && s[end] == '-'))
		return -EBADMSG;
	if (next_vlan(set, first - 1) <= VLAN_MAX)
		return -EBADMSG;
	for (unsigned vid = first; vid <= last; vid++)
		vlan_set_add(set, vid, false);
	return 0;
}

int port_decode_records(const struct port_comments *records, unsigned nrec,
			struct port_filter *f)
{
	bool vlans = false; /* a run read: no prefix may follow */

	if (records->n != nrec || nrec > PORT_MAX_RECORDS)
		return -EBADMSG;
	f->ips.n = 0;
	memset(&f->mac, 0, sizeof(f->mac));
	memset(&f->vlans, 0, sizeof(f->vlans));
	/* as port_elems writes them: "mac MAC" first, then "ip PREFIX", then "vlan RUN" */
	for (unsigned i = 0; i < nrec; i++) {
		const char *text = records->text[i];
		bool vlan = !strncmp(text, "vlan ", 5);
		vlans |= vlan && i;
		if (i == 0 ? strncmp(text, "mac ", 4) || decode_mac(text + 4, &f->mac) < 0
		    : vlan ? decode_vlans(text + 5, &f->vlans) < 0
			   : strncmp(text, "ip ", 3) || vlans ||
				     f->ips.n >= MAX_PREFIXES ||
				     decode_prefix(text + 3, &f->ips.p[f->ips.n++]) < 0)
			return -EBADMSG;
	}
	return nrec && !f->ips.n ? -EBADMSG : 0;
}

bool port_elem_owned(struct nftnl_set_elem *el, enum port_set set, const char *ifname,
		     struct port_elem *out)
{
	uint32_t len = 0, len_end = 0;
	const void *key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &len);
	const void *end = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY_END, &len_end);
	struct port_elem name;

	port_elem_new(&name, SET_PORTS, ifname);
	if (!key || len < IFNAMSIZ || len > PORT_KEY_MAX || len_end > PORT_KEY_MAX ||
	    memcmp(key, name.key, IFNAMSIZ))
		return false;
	memset(out, 0, sizeof(*out));
	out->set = set;
	memcpy(out->key, key, len);
	if (end)
		memcpy(out->key_end, end, len_end);
	return true;
}
