#include "netmodes/netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

char *mac_format(const struct mac_addr *mac, char *buf)
{
	snprintf(buf, MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac->b[0], mac->b[1],
		 mac->b[2], mac->b[3], mac->b[4], mac->b[5]);
	return buf;
}

size_t prefix_addr_len(const struct prefix *p)
{
	return p->family == AF_INET6 ? 16 : 4;
}

char *prefix_format(const struct prefix *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr.raw, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, PREFIX_STR_LEN, "%s/%u", a, p->len);
	return buf;
}

char *prefix_list_format(const struct prefix_list *l, char *buf, size_t size)
{
	size_t used = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < l->n && used < size; i++) {
		char one[PREFIX_STR_LEN];
		int w = snprintf(buf + used, size - used, "%s%s", i ? " " : "",
				 prefix_format(&l->p[i], one));
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

bool prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr.raw, b->addr.raw, prefix_addr_len(a));
}

#define Q(s, buf) quote_value((s), (buf), sizeof(buf))

/* Locale-free character classes: a value's meaning must not depend on LANG. */
bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *quote_value(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	if (!n)
		return buf;
	for (; s && *s && o + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			buf[o++] = (char)c;
		} else {
			if (o + 5 > n)
				break;
			snprintf(buf + o, n - o, "\\x%02x", c);
			o += 4;
		}
	}
	buf[o] = '\0';
	return buf;
}

int parse_uint(const char *s, const char *what, unsigned max, unsigned *ret, struct nm_err *e)
{
	char q[64];
	unsigned long v = 0;
	const char *p;

	if (!s || !*s)
		return nm_fail(e, -EINVAL, "%s is empty", what);
	for (p = s; *p; p++) {
		if (!is_digit(*p))
			return nm_fail(e, -EINVAL, "invalid %s \"%s\": not a decimal number", what,
				       Q(s, q));
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return nm_fail(e, -EINVAL, "invalid %s \"%s\": larger than %u", what,
				       Q(s, q), max);
	}
	if (s[0] == '0' && s[1])
		return nm_fail(e, -EINVAL, "invalid %s \"%s\": leading zero", what, Q(s, q));
	*ret = (unsigned)v;
	return 0;
}

int parse_mac(const char *s, struct mac_addr *ret, struct nm_err *e)
{
	char q[64];
	struct mac_addr m;

	if (!s || strlen(s) != MAC_STR_LEN - 1)
		goto bad;
	for (size_t i = 0; i < MAC_LEN; i++) {
		int hi = hex_value(s[3 * i]), lo = hex_value(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < MAC_LEN - 1 && s[3 * i + 2] != ':'))
			goto bad;
		m.b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m.b[0] & 1)
		return nm_fail(e, -EINVAL, "invalid MAC address \"%s\": multicast", s);
	if (!(m.b[0] | m.b[1] | m.b[2] | m.b[3] | m.b[4] | m.b[5]))
		return nm_fail(e, -EINVAL, "invalid MAC address \"%s\": all zero", s);
	*ret = m;
	return 0;
bad:
	return nm_fail(e, -EINVAL,
		       "invalid MAC address \"%s\": expected six hex pairs joined by ':'",
		       Q(s, q));
}

static bool host_bits_zero(const struct prefix *p)
{
	size_t bytes = prefix_addr_len(p);

	for (size_t i = 0; i < bytes; i++) {
		unsigned bit0 = (unsigned)i * 8;
		uint8_t mask;
		if (bit0 + 8 <= p->len)
			continue;
		mask = p->len > bit0 ? (uint8_t)(0xff >> (p->len - bit0)) : 0xff;
		if (p->addr.raw[i] & mask)
			return false;
	}
	return true;
}

int parse_prefix(const char *s, struct prefix *ret, struct nm_err *e)
{
	char q[128], addr[INET6_ADDRSTRLEN + 1];
	const char *slash;
	struct prefix p;
	size_t alen;
	unsigned max;

	memset(&p, 0, sizeof(p));
	if (!s || !*s)
		return nm_fail(e, -EINVAL, "empty IP address");
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &p.addr.v4) == 1)
		p.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &p.addr.v6) == 1)
		p.family = AF_INET6;
	else
		goto bad;
	max = p.family == AF_INET ? 32 : 128;
	p.len = (uint8_t)max;
	if (slash) {
		struct nm_err sub;
		unsigned len;
		if (parse_uint(slash + 1, "prefix length", max, &len, &sub) < 0)
			return nm_fail(e, -EINVAL, "invalid IP prefix \"%s\": prefix length must be 0..%u",
				       Q(s, q), max);
		p.len = (uint8_t)len;
	}
	if (!host_bits_zero(&p))
		return nm_fail(e, -EINVAL, "invalid IP prefix \"%s\": host bits set after /%u",
			       Q(s, q), p.len);
	*ret = p;
	return 0;
bad:
	return nm_fail(e, -EINVAL, "invalid IP address \"%s\"", Q(s, q));
}

int parse_prefix_list(const char *s, struct prefix_list *ret, struct nm_err *e)
{
	struct prefix_list l = { .n = 0 };
	char word[PREFIX_STR_LEN + 8], q[64];

	while (s && *s) {
		size_t len;
		struct prefix p;
		bool dup = false;

		while (is_space(*s))
			s++;
		if (!*s)
			break;
		for (len = 0; s[len] && !is_space(s[len]); len++)
			;
		if (len >= sizeof(word)) {
			memcpy(word, s, sizeof(word) - 1);
			word[sizeof(word) - 1] = '\0';
			return nm_fail(e, -EINVAL, "invalid IP address \"%s...\": too long",
				       Q(word, q));
		}
		memcpy(word, s, len);
		word[len] = '\0';
		s += len;
		if (parse_prefix(word, &p, e) < 0)
			return -EINVAL;
		for (size_t i = 0; i < l.n; i++)
			dup = dup || prefix_equal(&l.p[i], &p);
		if (dup)
			return nm_fail(e, -EINVAL, "invalid IP list: \"%s\" is listed twice", Q(word, q));
		if (l.n == MAX_PREFIXES)
			return nm_fail(e, -EINVAL, "too many IP addresses: at most %d", MAX_PREFIXES);
		l.p[l.n++] = p;
	}
	*ret = l;
	return 0;
}
