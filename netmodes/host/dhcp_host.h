/* One NAT guest as the DHCP servers see it, and the text each server's files carry for it. */
#ifndef NETMODES_DHCP_HOST_H
#define NETMODES_DHCP_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/netaddr.h"
#include "netmodes/plan.h"

#define DHCP_PATH_LEN 256

enum dhcp_kind { DHCP_NO, DHCP_DNSMASQ, DHCP_ISC, DHCP_KINDS };

/* "no", "dnsmasq", "isc" */
const char *dhcp_kind_name(enum dhcp_kind k);

/* Where the DHCP servers' files are: from the defaults file, "" for the usual places. */
struct dhcp_settings {
	enum dhcp_kind kind; /* from dhcp=, else network-nat's, else the defaults file's */
	bool kind_given;     /* dhcp= was passed to this call */
	char hostsdir[DHCP_PATH_LEN], optsdir[DHCP_PATH_LEN];
	char conf[DHCP_PATH_LEN], defaults[DHCP_PATH_LEN], init[DHCP_PATH_LEN];
};

struct dhcp_host {
	char name[32];	     /* domD, or domD-N for the guest's Nth vif (N > 1) */
	char dev[IFNAMSIZ];  /* the vif it is served on */
	struct mac_addr mac;
	struct prefix ip, router;
};

/* Fills name from domid and handle as the shell script names hosts. */
void dhcp_host_name(struct dhcp_host *h, unsigned domid, unsigned handle);

/*
 * dnsmasq's per-guest lines: for dhcp-hostsdir "MAC,set:xnm-DEV,IP,NAME\n",
 * and for dhcp-optsdir "tag:xnm-DEV,option:router,ROUTER\n" (the tag ties
 * the router to this guest).
 */
void dnsmasq_host_line(const struct dhcp_host *h, char *buf, size_t n);
void dnsmasq_opts_line(const struct dhcp_host *h, char *buf, size_t n);

/*
 * dhcpd.conf: in, with the host's line removed ("host NAME {" only, not
 * "host NAME-2 {") and, when add, appended. Returns a malloc'ed string or NULL.
 */
char *isc_conf_edit(const char *in, const struct dhcp_host *h, bool add);

/* The lines of in that are host name's (those isc_conf_edit removes). Malloc'ed, or NULL. */
char *isc_conf_host_lines(const char *in, const char *name);

/*
 * The dhcpd defaults file: dev removed from, and when add appended to, the
 * quoted interface list of DHCPDARGS, DHCPD_INTERFACE, INTERFACES and
 * INTERFACESv4, each word followed by a space as the shell script writes
 * it. Returns a malloc'ed string or NULL.
 */
char *isc_defaults_edit(const char *in, const char *dev, bool add);
/* Whether dev is a word of one of the interface lists isc_defaults_edit edits. */
bool isc_defaults_has(const char *in, const char *dev);

/*
 * Plan operations: the guest's files in dnsmasq's dhcp-hostsdir and
 * dhcp-optsdir (a running dnsmasq reads both without a restart), or its host line in dhcpd.conf and
 * its vif in the dhcpd defaults file (under the vif-nat-dhcp lock in
 * lock_dir, then the
 * init script's restart when it exists). add false removes. Undo puts
 * back what apply found: the dnsmasq files' content (or no file), the
 * host's lines in dhcpd.conf and the vif in the interface lists (the
 * files exactly as they were when no other call edited them since).
 * Return 0, -ENOMEM, or for ISC -ENOENT with e set when the files cannot
 * be found.
 */
int op_dnsmasq_host(struct plan *p, const struct dhcp_settings *s, const struct dhcp_host *h,
		    bool add);
int op_isc_host(struct plan *p, const struct dhcp_settings *s, const char *lock_dir,
		const struct dhcp_host *h, bool add, struct nm_err *e);

#endif
