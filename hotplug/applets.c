#include "hotplug/applets.h"

#include <string.h>

#include "hotplug/tools/check.h"
#include "hotplug/tools/cleanup.h"
#include "hotplug/network/network_flow.h"
#include "hotplug/tools/status.h"
#include "hotplug/tools/vif_setup.h"

const struct applet applets[] = {
	{ .name = "vif-bridge", .summary = "attach a guest's vif to a bridge, with anti-spoofing",
	  .kind = APPLET_VIF, .linked = true, .accept = INV_DAEMON, .plan = bridge_plan,
	  .port = PORT_BRIDGED, .mode = "bridge" },
	{ .name = "vif-route", .summary = "route a guest's addresses to its vif, with anti-spoofing",
	  .kind = APPLET_VIF, .linked = true, .accept = INV_DAEMON, .plan = route_plan,
	  .port = PORT_ROUTED, .mode = "route" },
	{ .name = "vif-nat", .summary = "give a guest a private address behind NAT, with DHCP",
	  .kind = APPLET_VIF, .linked = true, .accept = INV_DAEMON, .plan = nat_plan,
	  .port = PORT_ROUTED, .mode = "nat" },
	{ .name = "network-bridge", .summary = "move the host's network onto a bridge",
	  .kind = APPLET_NETWORK, .linked = true, .accept = INV_JSON,
	  .net_plan = network_bridge_plan, .net_status = network_bridge_status,
	  .net_keys = NET_KEY_BRIDGE | NET_ANTISPOOF_OFF },
	{ .name = "network-route", .summary = "prepare the host for routed guests",
	  .kind = APPLET_NETWORK, .linked = true, .accept = INV_JSON,
	  .net_plan = network_route_plan, .net_status = network_route_status },
	{ .name = "network-nat", .summary = "prepare the host for NAT guests", .kind = APPLET_NETWORK,
	  .linked = true, .accept = INV_JSON, .net_plan = network_nat_plan,
	  .net_status = network_nat_status, .net_keys = NET_KEY_DHCP },
	{ .name = "vif-setup", .summary = "run the vif script named by $script, for udev",
	  .kind = APPLET_TOOL, .linked = true, .accept = INV_DAEMON, .main = vif_setup_main },
	{ .name = "xen-netmodes-cleanup", .summary = "forget a removed vif backend, for udev",
	  .kind = APPLET_TOOL, .linked = true, .main = cleanup_main },
	{ .name = "status", .summary = "every vif this project manages, as configured and as it is",
	  .kind = APPLET_TOOL, .accept = INV_JSON, .main = status_main },
	{ .name = "check", .summary = "what differs between a vif and its configuration",
	  .kind = APPLET_TOOL, .main = check_main },
};

const size_t n_applets = sizeof(applets) / sizeof(applets[0]);

const struct applet *applet_find(const char *name)
{
	for (size_t i = 0; i < n_applets; i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

const struct applet *applet_of_script(const char *script)
{
	const char *slash = strrchr(script, '/');
	const struct applet *a = applet_find(slash ? slash + 1 : script);

	return a && a->kind == APPLET_VIF ? a : NULL;
}
