/* Link-layer and IP address values shared by the request and the kernel layers. */
#ifndef NETMODES_NETADDR_H
#define NETMODES_NETADDR_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_LEN 6
/* "aa:bb:cc:dd:ee:ff" plus NUL */
#define MAC_STR_LEN 18
/* Longest "ipv6/128" plus NUL */
#define PREFIX_STR_LEN (INET6_ADDRSTRLEN + 4)
/* A guest rarely has more; the parser refuses longer lists. */
#define MAX_PREFIXES 32

struct mac_addr {
	uint8_t b[MAC_LEN];
};

/* An address with a prefix length; host bits are always zero. */
struct prefix {
	int family; /* AF_INET or AF_INET6 */
	uint8_t len;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	} addr;
};

struct prefix_list {
	size_t n;
	struct prefix p[MAX_PREFIXES];
};

/* Writes "aa:bb:cc:dd:ee:ff" into buf (MAC_STR_LEN bytes). Returns buf. */
char *mac_format(const struct mac_addr *mac, char *buf);

/* Writes "addr/len" into buf (PREFIX_STR_LEN bytes). Returns buf. */
char *prefix_format(const struct prefix *p, char *buf);

/* Writes the prefix list space-separated into buf; truncates safely. Returns buf. */
char *prefix_list_format(const struct prefix_list *l, char *buf, size_t size);

/* Byte length of an address of p's family (4 or 16). */
size_t prefix_addr_len(const struct prefix *p);

/* Same family, length and address. */
bool prefix_equal(const struct prefix *a, const struct prefix *b);

#endif
