/*
 * The drop log's text (xen-netmodesd(8), "Drop log"), both ends of it: the
 * kernel's record of a port's dropped frame, as /dev/kmsg hands it over,
 * read; and the daemon's line that names the guest, written. Pure: no I/O.
 */
#ifndef HOTPLUG_DROPLOG_TEXT_H
#define HOTPLUG_DROPLOG_TEXT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netmodes/nft/port_drops.h"

/* What the kernel's line says: which port dropped what. */
struct drop_record {
	uint64_t usec; /* when, in microseconds since boot (CLOCK_MONOTONIC's) */
	enum port_drop_kind kind;
	char ifname[IFNAMSIZ]; /* as the kernel names it (its \xNN escapes undone) */
};

/*
 * One record of /dev/kmsg, as one read() returns it (len bytes, not
 * NUL-terminated): "PRI,SEQ,USEC,FLAGS[,...];MESSAGE\n", maybe followed by
 * " KEY=VALUE\n" lines. True when it is the kernel's own (facility 0: a
 * process writing to /dev/kmsg never gets it) and its message is
 * PORT_DROP_LOG_PREFIX "KIND: IN=NAME ..." with one of port_drop_names and
 * a NAME a device could have; false for anything else.
 */
bool drop_record_parse(const char *rec, size_t len, struct drop_record *ret);

/*
 * Xen's default name for backend/vif/D/N's device, "vifD.N" (digits only,
 * no leading zeros, D up to DOMID_MAX and N up to DEVID_MAX): true with D
 * and N, for a port that carries no claim.
 */
bool drop_vif_name(const char *ifname, unsigned *domid, unsigned *devid);

/* Whose the port is, as far as the daemon found out. */
struct drop_guest {
	char ifname[IFNAMSIZ];
	bool has_domain;  /* domid and devid known (the port's claim, or its name vifD.N) */
	unsigned domid, devid;
	char name[128];   /* the domain's name, "" when unknown */
};

/*
 * The daemon's line for a record of kind on g's port whose counts are d
 * (again: the port's last line came one interval of the kernel's limit
 * before, so it drops still rather than starts to), into buf of n bytes:
 *   guest web (domain 3) vif3.0 started dropping frames: mac (dropped so far: mac 12, ipv4 2)
 * "domain 3 vif3.0 ..." without a name, "vif3.0 ..." without a domain;
 * bytes of the names that are not printable ASCII are written as '?'.
 */
void drop_line(const struct drop_guest *g, enum port_drop_kind kind, const struct port_drops *d,
	       bool again, char *buf, size_t n);

#endif
