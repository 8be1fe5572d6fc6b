#include "parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define Q(s, buf) quote_value((s), (buf), sizeof(buf))

/* Locale-free character classes: a value's meaning must not depend on LANG. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(char c)
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

int parse_mtu(const char *s, unsigned *ret, struct nm_err *e)
{
	char q[64];
	unsigned v;
	struct nm_err sub;

	if (parse_uint(s, "MTU", MTU_MAX, &v, &sub) < 0 || v < MTU_MIN)
		return nm_fail(e, -EINVAL, "invalid MTU \"%s\": must be %d..%d", Q(s, q), MTU_MIN,
			       MTU_MAX);
	*ret = v;
	return 0;
}

int parse_ifname(const char *s, const char *what, char ret[IFNAMSIZ], struct nm_err *e)
{
	char q[64];
	size_t len = s ? strlen(s) : 0;

	if (len == 0)
		return nm_fail(e, -EINVAL, "%s is empty", what);
	if (len >= IFNAMSIZ)
		return nm_fail(e, -EINVAL, "invalid %s \"%s\": longer than %d characters", what,
			       Q(s, q), IFNAMSIZ - 1);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '.' && c != '-')
			return nm_fail(e, -EINVAL,
				       "invalid %s \"%s\": only letters, digits, '_', '.' and '-' are allowed",
				       what, Q(s, q));
	}
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return nm_fail(e, -EINVAL, "invalid %s \"%s\"", what, s);
	memcpy(ret, s, len + 1);
	return 0;
}

int parse_bool(const char *s, const char *what, bool *ret, struct nm_err *e)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	char q[64];

	for (size_t i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i])) {
			*ret = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return nm_fail(e, -EINVAL, "invalid %s \"%s\": expected yes or no", what, Q(s, q));
}

/* Splits "D/N" (nothing after) into two ids; a helper for the two path parsers. */
static int parse_id_pair(const char *s, unsigned *d, unsigned *n)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	size_t dl;

	if (!slash || (dl = (size_t)(slash - s)) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, dl);
	buf[dl] = '\0';
	if (parse_uint(buf, "domid", DOMID_MAX, d, NULL) < 0 ||
	    parse_uint(slash + 1, "devid", DEVID_MAX, n, NULL) < 0)
		return -EINVAL;
	return 0;
}

int parse_xenbus_path(const char *s, char *ret, size_t n, unsigned *ret_domid,
		      unsigned *ret_devid, struct nm_err *e)
{
	static const char home[] = "/local/domain/";
	char q[128];
	unsigned backend = 0, domid, devid;
	const char *rel = s;

	if (!s || !*s)
		return nm_fail(e, -EINVAL, "XENBUS_PATH is not set");
	if (s[0] == '/') {
		const char *p = s + strlen(home), *slash;
		char buf[16];
		if (strncmp(s, home, strlen(home)) || !(slash = strchr(p, '/')) ||
		    (size_t)(slash - p) >= sizeof(buf))
			goto bad;
		memcpy(buf, p, (size_t)(slash - p));
		buf[slash - p] = '\0';
		if (parse_uint(buf, "domid", DOMID_MAX, &backend, NULL) < 0)
			goto bad;
		rel = slash + 1;
	}
	if (strncmp(rel, "backend/vif/", 12) || parse_id_pair(rel + 12, &domid, &devid) < 0)
		goto bad;
	if ((size_t)snprintf(ret, n, "%s%u/backend/vif/%u/%u", home, backend, domid, devid) >= n)
		goto bad;
	*ret_domid = domid;
	*ret_devid = devid;
	return 0;
bad:
	return nm_fail(e, -EINVAL,
		       "invalid XENBUS_PATH \"%s\": expected backend/vif/DOMID/DEVID",
		       Q(s, q));
}

int parse_frontend_path(const char *s, unsigned domid, char *ret, size_t n, struct nm_err *e)
{
	char q[128], prefix[64];
	unsigned devid;
	int plen = snprintf(prefix, sizeof(prefix), "/local/domain/%u/device/vif/", domid);

	if (!s || strncmp(s, prefix, (size_t)plen) ||
	    parse_uint(s + plen, "devid", DEVID_MAX, &devid, NULL) < 0 || strlen(s) >= n)
		return nm_fail(e, -EINVAL,
			       "invalid frontend path \"%s\": expected %sDEVID", Q(s, q), prefix);
	memcpy(ret, s, strlen(s) + 1);
	return 0;
}

int parse_assignment(const char *s, const char **ret_key, size_t *ret_keylen, const char **ret_val,
		     struct nm_err *e)
{
	char q[128];
	const char *eq = s ? strchr(s, '=') : NULL;

	if (!eq || eq == s || is_digit(s[0]))
		goto bad;
	for (const char *p = s; p < eq; p++)
		if (!is_alpha(*p) && !is_digit(*p) && *p != '_')
			goto bad;
	*ret_key = s;
	*ret_keylen = (size_t)(eq - s);
	*ret_val = eq + 1;
	return 0;
bad:
	return nm_fail(e, -EINVAL, "invalid argument \"%s\": expected VAR=VALUE", Q(s, q));
}
