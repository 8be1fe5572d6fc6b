#include "hotplug/applets.h"

#include "hotplug/call/usage.h"
#include "hotplug/network/network_flow.h"
#include "hotplug/tools/check.h"
#include "hotplug/tools/cleanup.h"
#include "hotplug/tools/status.h"
#include "hotplug/tools/vif_setup.h"

static const struct applet rows[] = {
	{ .name = "vif-bridge",
	  .summary = "attach a guest's vif to a bridge, with anti-spoofing",
	  .kind = APPLET_VIF, .linked = true, .accept = INV_DAEMON, .plan = bridge_plan,
	  .port = PORT_BRIDGED, .mode = "bridge",
	  .usage = VIF_USAGE("vif-bridge")
		   "Attaches a guest's vif to a bridge, with anti-spoofing.\n"
		   VIF_BODY
		   "\nSee vif-bridge(8).\n" },
	{ .name = "vif-route",
	  .summary = "route a guest's addresses to its vif, with anti-spoofing",
	  .kind = APPLET_VIF, .linked = true, .accept = INV_DAEMON, .plan = route_plan,
	  .port = PORT_ROUTED, .mode = "route",
	  .usage = VIF_USAGE("vif-route")
		   "Routes a guest's addresses to its vif, with anti-spoofing.\n"
		   VIF_BODY
		   "\nSee vif-route(8).\n" },
	{ .name = "vif-nat",
	  .summary = "give a guest a private address behind NAT, with DHCP",
	  .kind = APPLET_VIF, .linked = true, .accept = INV_DAEMON, .plan = nat_plan,
	  .port = PORT_ROUTED, .mode = "nat",
	  .usage = VIF_USAGE("vif-nat")
		   "Gives a guest a private address behind NAT, with DHCP.\n"
		   VIF_BODY
		   "\nSee vif-nat(8).\n" },
	{ .name = "vif-openvswitch",
	  .summary = "attach a guest's vif to an OVS bridge, with anti-spoofing",
	  .kind = APPLET_VIF, .linked = true, .accept = INV_DAEMON, .plan = ovs_plan,
	  .port = PORT_OVS, .mode = "openvswitch",
	  .usage = VIF_USAGE("vif-openvswitch")
		   "Attaches a guest's vif to an Open vSwitch bridge, with anti-spoofing.\n"
		   VIF_BODY
		   "\nSee vif-openvswitch(8).\n" },
	{ .name = "network-bridge",
	  .summary = "move the host's network onto a bridge",
	  .kind = APPLET_NETWORK, .linked = true, .accept = INV_JSON,
	  .net_plan = network_bridge_plan, .net_status = network_bridge_status,
	  .net_keys = NET_KEY_BRIDGE | NET_ANTISPOOF_OFF,
	  .usage = "usage: network-bridge start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
		   "Moves the host's uplink onto a bridge, or back.\n"
		   NET_BODY("  netdev=DEV            the uplink (else the IPv4 default route's, else eth0)\n"
			    "  bridge=BRIDGE|null    the bridge's name (else the uplink's); null: none\n"
			    "  antispoof=yes|no      strict: only the uplink and filtered vifs may send\n"
			    "                        (default no; needs nftables' meta ibrname)\n"
			    "  vlan_filtering=yes|no the bridge filters VLANs (default no)\n"
			    "  vlans=10,20,30-40     the VLANs the uplink trunks, tagged\n",
			    "network-bridge(8)") },
	{ .name = "network-route",
	  .summary = "prepare the host for routed guests",
	  .kind = APPLET_NETWORK, .linked = true, .accept = INV_JSON,
	  .net_plan = network_route_plan, .net_status = network_route_status,
	  .usage = "usage: network-route start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
		   "Prepares the host for routed guests, or undoes it.\n"
		   NET_BODY("  netdev=DEV            the uplink (else the IPv4 default route's, else eth0)\n"
			    "  antispoof=yes|no      filter the routed vifs (default yes)\n",
			    "network-route(8)") },
	{ .name = "network-nat",
	  .summary = "prepare the host for NAT guests",
	  .kind = APPLET_NETWORK, .linked = true, .accept = INV_JSON,
	  .net_plan = network_nat_plan, .net_status = network_nat_status, .net_keys = NET_KEY_DHCP,
	  .usage = "usage: network-nat start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
		   "Prepares the host for NAT guests, or undoes it.\n"
		   NET_BODY("  netdev=DEV            the uplink (else the IPv4 default route's, else eth0)\n"
			    "  dhcp=no|dnsmasq|isc   the DHCP server the guests' entries go to\n"
			    "  antispoof=yes|no      filter the NAT vifs (default yes)\n",
			    "network-nat(8)") },
	{ .name = "vif-setup",
	  .summary = "run the vif script named by $script, for udev",
	  .kind = APPLET_TOOL, .linked = true, .accept = INV_DAEMON, .choose = vif_setup_choose,
	  .default_script = "vif-bridge",
	  .usage = VIF_USAGE("vif-setup")
		   "udev's entry: runs the vif script named by $script (else vif-bridge)\n"
		   "with the same arguments.\n"
		   VIF_BODY
		   "  script                (set by udev) the vif script: one of these modes, or a\n"
		   "                        root-owned executable (in the script directory, or a path)\n"
		   "\nSee vif-setup(8).\n" },
	{ .name = "xen-netmodes-cleanup",
	  .summary = "forget a removed vif backend, for udev",
	  .kind = APPLET_TOOL, .linked = true, .main = cleanup_main,
	  .usage = "usage: xen-netmodes-cleanup [--dry-run]\n"
		   "udev's call when a vif backend is removed: removes its hotplug-status and\n"
		   "hotplug-error and the device's entry under the domain's /vm/UUID.\n"
		   "Takes no command and no VAR=VAL parameters (ignored, as xen-hotplug-cleanup does).\n"
		   "Flags:\n"
		   FLAGS
		   "Environment (set by udev):\n"
		   "  XENBUS_PATH           the backend, backend/vif/DOMID/DEVID\n"
		   "Environment (for you):\n"
		   DRY_RUN_ENV
		   LOG_ENV
		   "\nSee xen-netmodes-cleanup(8).\n" },
	{ .name = "status",
	  .summary = "every vif this project manages, as configured and as it is",
	  .kind = APPLET_TOOL, .accept = INV_JSON | INV_WATCH, .main = status_main,
	  .usage = STATUS_USAGE
		   "Every vif whose script is one of these modes: as xenstore configures it\n"
		   "and as the kernel has it (link, bridge, addresses, routes, anti-spoofing,\n"
		   "the frames its filter dropped, by kind).\n"
		   "  --json                the same as a JSON array\n"
		   "  --watch               every filtered vif's drops per second, by kind, and the\n"
		   "                        totals, redrawn every interval until interrupted\n"
		   "  --interval SECONDS    --watch's interval: 0.1 to 86400 (default 2)\n"
		   "  --count N             --watch: stop after N refreshes\n"
		   "  -h, --help            this text\n"
		   "\nSee xen-netmodes(8).\n" },
	{ .name = "check",
	  .summary = "what differs between a vif and its configuration",
	  .kind = APPLET_TOOL, .main = check_main,
	  .usage = "usage: xen-netmodes check VIF\n"
		   "What differs between VIF (vifD.N, or a vifname) and its configuration: the\n"
		   "changes an online would make now, one per line in --dry-run's syntax;\n"
		   "then the frames its filter dropped, by kind. Exits 0 when nothing differs.\n"
		   "  -h, --help            this text\n"
		   "\nSee xen-netmodes(8).\n" },
};

const struct applet_table applet_table = { rows, sizeof(rows) / sizeof(rows[0]) };
