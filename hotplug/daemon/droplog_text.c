#include "hotplug/daemon/droplog_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/netaddr.h"
#include "hotplug/call/parse.h"

/* The kernel's facility: what a process writing to /dev/kmsg can never claim. */
#define KMSG_FAC_KERN 0

/* s[0..len) as a decimal number: digits only, no leading zero, at most max. */
static bool decimal(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0 || len > 19 || (s[0] == '0' && len > 1)) /* 19 digits never overflow */
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*ret = v;
	return true;
}

/*
 * The device name at s[0..len), /dev/kmsg's "\xNN" escapes undone, into
 * ret: false when empty, too long, badly escaped, or holding what no
 * device name may (a control character, space, '/' or ':').
 */
static bool ifname_of(const char *s, size_t len, char ret[IFNAMSIZ])
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			int hi, lo;

			if (i + 3 >= len || s[i + 1] != 'x' || (hi = hex_value(s[i + 2])) < 0 ||
			    (lo = hex_value(s[i + 3])) < 0)
				return false;
			c = (unsigned char)(hi << 4 | lo);
			i += 3;
		}
		if (c <= ' ' || c == 0x7f || c == '/' || c == ':' || n + 1 >= IFNAMSIZ)
			return false;
		ret[n++] = (char)c;
	}
	ret[n] = '\0';
	return n > 0 && strcmp(ret, ".") && strcmp(ret, "..");
}

/* "KIND: IN=NAME" at the start of msg[0..len), the prefix already taken off. */
static bool drop_message(const char *msg, size_t len, struct drop_record *ret)
{
	const char *end = msg + len, *name;
	size_t k;

	for (k = 0; k < DROP_KINDS; k++) {
		size_t kl = strlen(port_drop_names[k]);

		if (kl + 5 <= len && !memcmp(msg, port_drop_names[k], kl) && !memcmp(msg + kl, ": IN=", 5))
			break;
	}
	if (k == DROP_KINDS)
		return false;
	name = msg + strlen(port_drop_names[k]) + 5;
	ret->kind = (enum port_drop_kind)k;
	{
		const char *sp = memchr(name, ' ', (size_t)(end - name));

		return ifname_of(name, (size_t)((sp ? sp : end) - name), ret->ifname);
	}
}

bool drop_record_parse(const char *rec, size_t len, struct drop_record *ret)
{
	const char *semi = memchr(rec, ';', len), *f[4], *msg, *nl;
	uint64_t pri;
	size_t plen = strlen(PORT_DROP_LOG_PREFIX), mlen;

	memset(ret, 0, sizeof(*ret));
	/*
	 * The header, up to ';' on one line: the priority (facility * 8 +
	 * level), the sequence number, the time, the flags (and maybe more).
	 */
	if (!semi || memchr(rec, '\n', (size_t)(semi - rec)))
		return false;
	f[0] = rec;
	for (int i = 1; i < 4; i++) {
		const char *comma = memchr(f[i - 1], ',', (size_t)(semi - f[i - 1]));

		if (!comma)
			return false;
		f[i] = comma + 1;
	}
	if (!decimal(f[0], (size_t)(f[1] - 1 - f[0]), 1023, &pri) || pri >> 3 != KMSG_FAC_KERN ||
	    !decimal(f[2], (size_t)(f[3] - 1 - f[2]), UINT64_MAX, &ret->usec))
		return false;
	msg = semi + 1;
	mlen = len - (size_t)(msg - rec);
	if ((nl = memchr(msg, '\n', mlen))) /* the dictionary's lines after it are not the message */
		mlen = (size_t)(nl - msg);
	if (mlen < plen || memcmp(msg, PORT_DROP_LOG_PREFIX, plen))
		return false;
	return drop_message(msg + plen, mlen - plen, ret);
}

bool drop_vif_name(const char *ifname, unsigned *domid, unsigned *devid)
{
	const char *dot;
	uint64_t d, n;

	if (strncmp(ifname, "vif", 3) || !(dot = strchr(ifname + 3, '.')) ||
	    !decimal(ifname + 3, (size_t)(dot - ifname - 3), DOMID_MAX, &d) ||
	    !decimal(dot + 1, strlen(dot + 1), DEVID_MAX, &n))
		return false;
	*domid = (unsigned)d;
	*devid = (unsigned)n;
	return true;
}

/* s with what is not printable ASCII as '?', into ret of n bytes. */
static void printable(const char *s, char *ret, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		ret[i] = s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?';
	ret[i] = '\0';
}

void drop_line(const struct drop_guest *g, enum port_drop_kind kind, const struct port_drops *d,
	       bool again, char *buf, size_t n)
{
	char ifname[IFNAMSIZ], name[sizeof(g->name)];
	size_t len = 0;
	bool first = true;

	printable(g->ifname, ifname, sizeof(ifname));
	printable(g->name, name, sizeof(name));
	if (n == 0)
		return;
	buf[0] = '\0';
#define ADD(...)                                                                          \
	do {                                                                              \
		if (len < n) {                                                            \
			int w = snprintf(buf + len, n - len, __VA_ARGS__);                \
			len += w > 0 ? (size_t)w : 0;                                     \
		}                                                                         \
	} while (0)
	if (g->has_domain && name[0])
		ADD("guest %s (domain %u) ", name, g->domid);
	else if (g->has_domain)
		ADD("domain %u ", g->domid);
	ADD("%s %s dropping frames: %s (dropped so far:", ifname, again ? "is still" : "started",
	    port_drop_names[kind]);
	for (size_t k = 0; k < DROP_KINDS; k++) {
		if (!d->packets[k])
			continue;
		ADD("%s %s %" PRIu64, first ? "" : ",", port_drop_names[k], d->packets[k]);
		first = false;
	}
	ADD("%s)", first ? " none" : "");
#undef ADD
}
