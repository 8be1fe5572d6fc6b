/*
 * A validated vif hotplug request: what hotplug/ hands to a mode's planner.
 * Every field has passed the strict parsers in hotplug/parse.c.
 */
#ifndef NETMODES_VIF_H
#define NETMODES_VIF_H

#include <stdbool.h>

#include "netmodes/netaddr.h"
#include "netmodes/vlan_spec.h"

#define XS_PATH_LEN 256
/* a Unix socket's path, NUL included (sockaddr_un's sun_path) */
#define VIF_SOCK_LEN 108

enum vif_command { VIF_ONLINE, VIF_OFFLINE, VIF_ADD, VIF_REMOVE };
enum vif_type { VIF_TYPE_VIF, VIF_TYPE_TAP };

struct vif_request {
	const char *prog; /* "vif-bridge" ... */
	enum vif_command cmd;
	enum vif_type type;
	bool dry_run;
	bool udev_call;
	char backend[XS_PATH_LEN]; /* absolute backend path */
	unsigned domid, devid;
	char dev[IFNAMSIZ];	    /* the name netback or qemu gave: vifD.N, vifD.N-emu */
	char vifname[IFNAMSIZ];	    /* the wanted name ("-emu" added for tap); "" for none */
	char bridge[IFNAMSIZ];	    /* "" when not configured */
	/*
	 * The port's VLANs (vlan_spec.h): from the backend's vlan node, or
	 * from the bridge value's suffix. has_vlans: they apply. A suffix
	 * ".N" alone may be part of a device's name: then bridge is the full
	 * name, bridge_base the name before it, and the VLANs apply (on
	 * bridge_base) only when no device is named bridge.
	 */
	bool has_vlans;
	char bridge_base[IFNAMSIZ]; /* "" when bridge has no such suffix */
	struct vlan_set vlans;
	bool has_mac;
	struct mac_addr mac;
	struct prefix_list ips;
	/* the defaults file's antispoof_without_ip = mac: vif-bridge holds a vif
	 * without ips to its own MAC (any address) instead of leaving it open */
	bool noip_mac;
	/* the defaults file's ovsdb_socket: vif-openvswitch's ovsdb-server */
	char ovsdb_sock[VIF_SOCK_LEN];
	/*
	 * vif-openvswitch's external_ids, read as its script reads them: the
	 * frontend domain's vm path's name and uuid ("" when absent).
	 * want_vm_ids: the caller asks request_read_xenstore to read them.
	 */
	bool want_vm_ids;
	char vm_name[256], vm_uuid[64];
	unsigned mtu;		    /* 0 when not configured */
	char frontend[XS_PATH_LEN]; /* "" when the backend names none */
	char netdev[IFNAMSIZ];	    /* "" when not configured */
	char script_dir[256];	    /* where hooks live */
};

/* Whether the command brings the device up (online, add). */
static inline bool vif_command_is_up(enum vif_command c)
{
	return c == VIF_ONLINE || c == VIF_ADD;
}

#endif
