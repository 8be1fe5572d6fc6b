/*
 * The defaults file, /etc/xen/xen-netmodes.conf ($XEN_NETMODES_CONF
 * overrides the path): KEY = VALUE lines, '#' comments. A missing file
 * means built-in defaults; a bad line is an error naming file and line.
 */
#ifndef HOTPLUG_CONFIG_H
#define HOTPLUG_CONFIG_H

#include <limits.h>
#include <stdbool.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/modes/network.h"
#include "netmodes/modes/vif.h"

#define CONFIG_FILE "/etc/xen/xen-netmodes.conf"
#define CONFIG_PATH_LEN 256

struct config {
	struct prefix nat_range;	     /* nat_range: the guests' private range */
	enum dhcp_kind dhcp;		     /* dhcp: no | dnsmasq | isc */
	char dnsmasq_hostsdir[CONFIG_PATH_LEN]; /* dnsmasq_hostsdir */
	char dnsmasq_optsdir[CONFIG_PATH_LEN];	/* dnsmasq_optsdir */
	char dhcpd_conf[CONFIG_PATH_LEN];	     /* dhcpd_conf: "" = the first that exists */
	char dhcpd_defaults[CONFIG_PATH_LEN];   /* dhcpd_defaults: likewise */
	char dhcpd_init[CONFIG_PATH_LEN];	     /* dhcpd_init: likewise */
	bool noip_mac; /* antispoof_without_ip = mac: a bridged vif without ip keeps its MAC */
	char ovsdb_socket[VIF_SOCK_LEN]; /* ovsdb_socket: vif-openvswitch's ovsdb-server */
};

/*
 * Built-in defaults, then the file at path (the call's XEN_NETMODES_CONF;
 * a missing file is no error). Returns 0 or -errno with e set ("FILE:LINE: ...").
 */
int config_load(const char *path, struct config *ret, struct nm_err *e);

/* Parses one "KEY = VALUE" assignment into c (shared with VAR=VAL arguments). */
int config_set(struct config *c, const char *key, const char *value, struct nm_err *e);

/* "no", "dnsmasq", "isc" */
int parse_dhcp_kind(const char *s, enum dhcp_kind *ret, struct nm_err *e);

struct dhcp_settings;

/*
 * What a vif call takes from the defaults file (at path): the DHCP choices,
 * dhcp= (param, may be NULL) over network-nat's, and, into r, whether a
 * bridged vif without ip is held to its MAC and vif-openvswitch's
 * ovsdb-server socket. Returns 0 or -errno with e set.
 */
int config_vif_defaults(const char *path, const char *param, struct dhcp_settings *ret,
			struct vif_request *r, struct nm_err *e);

#endif
