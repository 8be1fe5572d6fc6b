#include "netaddr.h"

#include <arpa/inet.h>
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
