#include "netmodes/host/dhcp_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dhcp_kind_name(enum dhcp_kind k)
{
	static const char *const names[DHCP_KINDS] = { "no", "dnsmasq", "isc" };

	return k < DHCP_KINDS ? names[k] : "?";
}

void dhcp_host_name(struct dhcp_host *h, unsigned domid, unsigned handle)
{
	if (handle == 0)
		snprintf(h->name, sizeof(h->name), "dom%u", domid);
	else
		snprintf(h->name, sizeof(h->name), "dom%u-%u", domid, handle + 1);
}

/* The address without "/32". */
static char *bare(const struct prefix *p, char *buf)
{
	char *slash;

	prefix_format(p, buf);
	if ((slash = strchr(buf, '/')))
		*slash = '\0';
	return buf;
}

void dnsmasq_host_line(const struct dhcp_host *h, char *buf, size_t n)
{
	char mac[MAC_STR_LEN], ip[PREFIX_STR_LEN];

	snprintf(buf, n, "%s,set:xnm-%s,%s,%s\n", mac_format(&h->mac, mac), h->dev,
		 bare(&h->ip, ip), h->name);
}

void dnsmasq_opts_line(const struct dhcp_host *h, char *buf, size_t n)
{
	char router[PREFIX_STR_LEN];

	snprintf(buf, n, "tag:xnm-%s,option:router,%s\n", h->dev, bare(&h->router, router));
}

/* A growing string: appends never fail silently, ok turns false instead. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool ok;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (!b->ok)
		return;
	if (!b->s || b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *grown = realloc(b->s, cap);
		if (!grown) {
			b->ok = false;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static char *sb_done(struct sbuf *b)
{
	sb_add(b, "", 0);
	if (!b->ok) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

/* The next line of *in, without its newline, advancing *in; NULL at the end. */
static const char *next_line(const char **in, size_t *len)
{
	const char *l = *in, *nl;

	if (!*l)
		return NULL;
	nl = strchr(l, '\n');
	*len = nl ? (size_t)(nl - l) : strlen(l);
	*in = nl ? nl + 1 : l + *len;
	return l;
}

static bool is_host_line(const char *line, size_t len, const char *name)
{
	char want[64];
	int n = snprintf(want, sizeof(want), "host %s {", name);

	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len >= (size_t)n && !strncmp(line, want, (size_t)n);
}

char *isc_conf_edit(const char *in, const struct dhcp_host *h, bool add)
{
	struct sbuf b = { .ok = true };
	char mac[MAC_STR_LEN], ip[PREFIX_STR_LEN], router[PREFIX_STR_LEN], line[512];

	const char *l;
	size_t len;

	while ((l = next_line(&in, &len))) {
		if (is_host_line(l, len, h->name))
			continue;
		sb_add(&b, l, len);
		sb_add(&b, "\n", 1);
	}
	if (add) {
		snprintf(line, sizeof(line),
			 "host %s { hardware ethernet %s; fixed-address %s; option routers %s; "
			 "option host-name \"%s\"; }\n",
			 h->name, mac_format(&h->mac, mac), bare(&h->ip, ip), bare(&h->router, router),
			 h->name);
		sb_add(&b, line, strlen(line));
	}
	return sb_done(&b);
}

char *isc_conf_host_lines(const char *in, const char *name)
{
	struct sbuf b = { .ok = true };
	const char *l;
	size_t len;

	while ((l = next_line(&in, &len))) {
		if (!is_host_line(l, len, name))
			continue;
		sb_add(&b, l, len);
		sb_add(&b, "\n", 1);
	}
	return sb_done(&b);
}

/* KEY="w1 w2 " with dev taken out, and put at the end when add. */
static void edit_list(struct sbuf *b, const char *l, size_t len, size_t keylen, const char *dev,
		      bool add)
{
	const char *v = l + keylen, *end = l + len;
	size_t dl = strlen(dev);

	sb_add(b, l, keylen);
	sb_add(b, "\"", 1);
	while (v < end && *v == '"')
		v++;
	while (end > v && end[-1] == '"')
		end--;
	while (v < end) {
		const char *w = v;
		while (w < end && *w != ' ')
			w++;
		if ((size_t)(w - v) && !((size_t)(w - v) == dl && !strncmp(v, dev, dl))) {
			sb_add(b, v, (size_t)(w - v));
			sb_add(b, " ", 1);
		}
		v = w < end ? w + 1 : w;
	}
	if (add) {
		sb_add(b, dev, dl);
		sb_add(b, " ", 1);
	}
	sb_add(b, "\"", 1);
}

/* The length of the interface list's KEY= the line starts with; 0 for other lines. */
static size_t list_key(const char *l, size_t len)
{
	static const char *const keys[] = { "DHCPDARGS=", "DHCPD_INTERFACE=", "INTERFACES=",
					    "INTERFACESv4=" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t klen = strlen(keys[k]);
		if (len >= klen && !strncmp(l, keys[k], klen))
			return klen;
	}
	return 0;
}

char *isc_defaults_edit(const char *in, const char *dev, bool add)
{
	struct sbuf b = { .ok = true };
	const char *l;
	size_t len;

	while ((l = next_line(&in, &len))) {
		size_t klen = list_key(l, len);
		if (klen)
			edit_list(&b, l, len, klen, dev, add);
		else
			sb_add(&b, l, len);
		sb_add(&b, "\n", 1);
	}
	return sb_done(&b);
}

bool isc_defaults_has(const char *in, const char *dev)
{
	size_t dl = strlen(dev), len;
	const char *l;

	while ((l = next_line(&in, &len))) {
		size_t klen = list_key(l, len);
		const char *v = l + klen, *end = l + len;
		if (!klen)
			continue;
		while (v < end) {
			const char *w;
			while (v < end && (*v == '"' || *v == ' '))
				v++;
			for (w = v; w < end && *w != ' ' && *w != '"'; w++)
				;
			if ((size_t)(w - v) == dl && !strncmp(v, dev, dl))
				return true;
			v = w;
		}
	}
	return false;
}
