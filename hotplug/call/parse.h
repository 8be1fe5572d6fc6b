/*
 * Strict parsers for every value that reaches us from outside: xenstore,
 * the environment, argv and the defaults file. Each returns 0, or -EINVAL
 * with a one-line reason in e that quotes the offending value; on failure
 * the output parameter is left untouched. The address parsers, and the
 * primitives all of these build on (quote_value, parse_uint), live beside
 * the values' printers in netmodes/netaddr.h, which this includes.
 */
#ifndef HOTPLUG_PARSE_H
#define HOTPLUG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"

#define MTU_MIN 68
#define MTU_MAX 65535
/* Xen's DOMID_FIRST_RESERVED: higher ids are never guests */
#define DOMID_MAX 32751
#define DEVID_MAX 65535

/* Decimal MTU in [MTU_MIN, MTU_MAX]. */
int parse_mtu(const char *s, unsigned *ret, struct nm_err *e);

/* Interface name: 1..IFNAMSIZ-1 of [A-Za-z0-9_.-], not "." or "..". what names the field. */
int parse_ifname(const char *s, const char *what, char ret[IFNAMSIZ], struct nm_err *e);

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
