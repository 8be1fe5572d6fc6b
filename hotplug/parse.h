/*
 * Strict parsers for every value that reaches us from outside: xenstore,
 * the environment, argv and the defaults file. Each returns 0, or -EINVAL
 * with a one-line reason in e that quotes the offending value; on failure
 * the output parameter is left untouched.
 */
#ifndef HOTPLUG_PARSE_H
#define HOTPLUG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "../netmodes/err.h"
#include "../netmodes/netaddr.h"

#define MTU_MIN 68
#define MTU_MAX 65535
/* Xen's DOMID_FIRST_RESERVED: higher ids are never guests */
#define DOMID_MAX 32751
#define DEVID_MAX 65535

/* Quotes s for a message: printable ASCII kept, the rest as \xNN, cut at n-1 bytes. */
char *quote_value(const char *s, char *buf, size_t n);

/* "00:16:3e:0a:0b:0c": six hex pairs joined by ':'; unicast and non-zero. */
int parse_mac(const char *s, struct mac_addr *ret, struct nm_err *e);

/* "10.0.0.1", "10.0.0.0/24", "2001:db8::1", "2001:db8::/64"; host bits must be zero. */
int parse_prefix(const char *s, struct prefix *ret, struct nm_err *e);

/* Whitespace-separated prefixes; empty is an empty list; duplicates are dropped. */
int parse_prefix_list(const char *s, struct prefix_list *ret, struct nm_err *e);

/* Decimal MTU in [MTU_MIN, MTU_MAX]. */
int parse_mtu(const char *s, unsigned *ret, struct nm_err *e);

/* Interface name: 1..IFNAMSIZ-1 of [A-Za-z0-9_.-], not "." or "..". what names the field. */
int parse_ifname(const char *s, const char *what, char ret[IFNAMSIZ], struct nm_err *e);

/* Unsigned decimal without sign, spaces or leading zeros, at most max. */
int parse_uint(const char *s, const char *what, unsigned max, unsigned *ret, struct nm_err *e);

/* yes/no, on/off, true/false, 1/0. */
int parse_bool(const char *s, const char *what, bool *ret, struct nm_err *e);

/*
 * XENBUS_PATH for a vif backend: "backend/vif/D/N" (relative to
 * /local/domain/0) or "/local/domain/B/backend/vif/D/N". Writes the
 * absolute path into ret (size n) and the guest's domid and devid.
 */
int parse_xenbus_path(const char *s, char *ret, size_t n, unsigned *ret_domid,
		      unsigned *ret_devid, struct nm_err *e);

/*
 * The backend's frontend node: must be "/local/domain/DOMID/device/vif/N"
 * for the same domid as the backend path.
 */
int parse_frontend_path(const char *s, unsigned domid, char *ret, size_t n, struct nm_err *e);

/* "VAR=VAL": VAR is [A-Za-z_][A-Za-z0-9_]*; points *ret_key/len and *ret_val into s. */
int parse_assignment(const char *s, const char **ret_key, size_t *ret_keylen, const char **ret_val,
		     struct nm_err *e);

#endif
