/*
 * Link-layer and IP address values shared by the request and the kernel
 * layers, each with its printer and its strict parser. A parser returns 0,
 * or -EINVAL with a one-line reason in e that quotes the offending value,
 * and leaves its output untouched on failure: the values come from outside
 * (xenstore, the environment, argv) and back from the kernel (port_filter.c's
 * rule comments). The primitives they build on (is_digit, quote_value,
 * parse_uint) serve hotplug/parse.c's parsers too: one copy, down here.
 */
#ifndef NETMODES_NETADDR_H
#define NETMODES_NETADDR_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netmodes/err.h"

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

/* Locale-free: a value's meaning must not depend on LANG. */
bool is_digit(char c);
/* A hex digit's value, -1 for anything else. */
int hex_value(char c);

/* Quotes s for a message: printable ASCII kept, the rest as \xNN, cut at n-1 bytes. */
char *quote_value(const char *s, char *buf, size_t n);

/* Unsigned decimal without sign, spaces or leading zeros, at most max. */
int parse_uint(const char *s, const char *what, unsigned max, unsigned *ret, struct nm_err *e);

/* "00:16:3e:0a:0b:0c": six hex pairs joined by ':'; unicast and non-zero. */
int parse_mac(const char *s, struct mac_addr *ret, struct nm_err *e);

/* "10.0.0.1", "10.0.0.0/24", "2001:db8::1", "2001:db8::/64"; host bits must be zero. */
int parse_prefix(const char *s, struct prefix *ret, struct nm_err *e);

/* Whitespace-separated prefixes; empty is an empty list; a prefix listed twice is an error. */
int parse_prefix_list(const char *s, struct prefix_list *ret, struct nm_err *e);


#endif
