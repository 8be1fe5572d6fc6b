/*
 * Kernel parameters under /proc/sys, which follow the caller's network
 * namespace. Keys are written with '/' separators ("net/ipv4/ip_forward"),
 * which sysctl(8) also accepts and which keeps interface names with dots
 * ("vif1.0") intact.
 */
#ifndef NETMODES_SYSCTLS_H
#define NETMODES_SYSCTLS_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/plan.h"

/* Reads key's value (trailing newline dropped). Returns 0 or -errno with e set. */
int sysctl_read(const char *key, char *buf, size_t n, struct nm_err *e);
int sysctl_write(const char *key, const char *value, struct nm_err *e);
/* Whether the key exists (IPv6 disabled: no net/ipv6). */
bool sysctl_exists(const char *key);

/* Plan operation: key = value; undo writes back the value found at apply time. */
int op_sysctl(struct plan *p, const char *key, const char *value);

#endif
