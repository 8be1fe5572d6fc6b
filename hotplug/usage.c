#include "hotplug/usage.h"

#include <string.h>

#include "hotplug/applets.h"
#include "hotplug/daemon/daemon.h"

_Static_assert(DAEMON_MAX_WORKERS == 64 && DAEMON_DEFAULT_WORKERS == 8,
	       "xen-netmodesd's usage text names both");


#define DRY_RUN_ENV                                                                                \
	"  XEN_NETMODES_DRY_RUN  1, yes or true: a dry run, as --dry-run; 0, no, false or empty:\n"  \
	"                        a real run; any other value is an error\n"
#define CONF_ENV "  XEN_NETMODES_CONF     the defaults file (else /etc/xen/xen-netmodes.conf)\n"
#define LOG_ENV "  XEN_NETMODES_LOG_DIR  where xen-hotplug.log is (else /var/log/xen)\n"
#define FLAGS                                                                                      \
	"  --dry-run             print every change, one per line in ip/nft/xenstore-write\n"      \
	"                        syntax, and change nothing\n"                                       \
	"  -h, --help            this text\n"

/* What every per-vif mode reads; the mode's own line and page go around it. */
#define VIF_BODY                                                                                   \
	"\nParameters (VAR=VAL arguments, else the environment; the backend's xenstore nodes\n"    \
	"bridge, ip, mac, mtu, vifname and gatewaydev win over both):\n"                             \
	"  type_if=vif|tap  bridge=BRIDGE  ip=\"ADDR[/LEN]...\"  netdev=DEV  dhcp=no|dnsmasq|isc\n"  \
	"Flags:\n" FLAGS "Environment (set by the toolstack):\n"                                     \
	"  XENBUS_PATH           the backend, backend/vif/DOMID/DEVID\n"                             \
	"  vif                   the device (else vifDOMID.DEVID); INTERFACE for type_if=tap\n"     \
	"  UDEV_CALL             set on udev's calls\n"                                               \
	"Environment (for you):\n" DRY_RUN_ENV CONF_ENV                                              \
	LOG_ENV                                                                                    \
	"  XEN_NETMODES_DAEMON   yes: only through xen-netmodesd; no: never; auto or empty:\n"      \
	"                        through it when one listens\n"

#define VIF_USAGE(name)                                                                            \
	"usage: " name " online|offline [type_if=vif] [VAR=VAL...] [--dry-run]\n"                   \
	"       " name " add|remove type_if=tap [VAR=VAL...] [--dry-run]\n"

#define NET_BODY(params, page)                                                                     \
	"\nParameters (VAR=VAL arguments):\n" params "Flags:\n" FLAGS                                \
	"  --json                with status: the same as JSON\n"                                    \
	"Environment:\n" DRY_RUN_ENV CONF_ENV                                          \
	LOG_ENV                                                                                    \
	"  XEN_NETMODES_RUN_DIR  where the state file is (else /run/xen-netmodes)\n"              \
	"\nSee " page ".\n"

struct usage {
	const char *name, *text;
};

static const struct usage usages[] = {
	{ "vif-bridge", VIF_USAGE("vif-bridge") "Attaches a guest's vif to a bridge, with anti-spoofing.\n" VIF_BODY
			"\nSee vif-bridge(8).\n" },
	{ "vif-route", VIF_USAGE("vif-route") "Routes a guest's addresses to its vif, with anti-spoofing.\n" VIF_BODY
		       "\nSee vif-route(8).\n" },
	{ "vif-nat", VIF_USAGE("vif-nat") "Gives a guest a private address behind NAT, with DHCP.\n" VIF_BODY
		     "\nSee vif-nat(8).\n" },
	{ "vif-setup", VIF_USAGE("vif-setup") "udev's entry: runs the vif script named by $script (else vif-bridge)\n"
		       "with the same arguments.\n" VIF_BODY
		       "  script                (set by udev) the vif script: one of these modes, or a\n"
		       "                        root-owned executable (in the script directory, or a path)\n"
		       "\nSee vif-setup(8).\n" },
	{ "network-bridge", "usage: network-bridge start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
			    "Moves the host's uplink onto a bridge, or back.\n" NET_BODY(
				    "  netdev=DEV            the uplink (else the IPv4 default route's, else eth0)\n"
				    "  bridge=BRIDGE|null    the bridge's name (else the uplink's); null: none\n"
				    "  antispoof=yes|no      strict: only the uplink and filtered vifs may send\n"
				    "                        (default no; needs nftables' meta ibrname)\n"
				    "  vlan_filtering=yes|no the bridge filters VLANs (default no)\n"
				    "  vlans=10,20,30-40     the VLANs the uplink trunks, tagged\n",
				    "network-bridge(8)") },
	{ "network-route", "usage: network-route start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
			   "Prepares the host for routed guests, or undoes it.\n" NET_BODY(
				   "  netdev=DEV            the uplink (else the IPv4 default route's, else eth0)\n"
				   "  antispoof=yes|no      filter the routed vifs (default yes)\n",
				   "network-route(8)") },
	{ "network-nat", "usage: network-nat start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
			 "Prepares the host for NAT guests, or undoes it.\n" NET_BODY(
				 "  netdev=DEV            the uplink (else the IPv4 default route's, else eth0)\n"
				 "  dhcp=no|dnsmasq|isc   the DHCP server the guests' entries go to\n"
				 "  antispoof=yes|no      filter the NAT vifs (default yes)\n",
				 "network-nat(8)") },
	{ "xen-netmodes-cleanup",
	  "usage: xen-netmodes-cleanup [--dry-run]\n"
	  "udev's call when a vif backend is removed: removes its hotplug-status and\n"
	  "hotplug-error and the device's entry under the domain's /vm/UUID.\n"
	  "Takes no command and no VAR=VAL parameters (ignored, as xen-hotplug-cleanup does).\n"
	  "Flags:\n" FLAGS "Environment (set by udev):\n"
	  "  XENBUS_PATH           the backend, backend/vif/DOMID/DEVID\n"
	  "Environment (for you):\n" DRY_RUN_ENV
	  LOG_ENV
	  "\nSee xen-netmodes-cleanup(8).\n" },
	{ "xen-netmodesd",
	  "usage: xen-netmodesd [--foreground] [--workers N] [--queue N] [--no-watch]\n"
	  "Serves vif-bridge, vif-route and vif-nat from one resident process.\n"
	  "  --foreground          stay attached to the terminal, log errors to stderr too\n"
	  "  --workers N           calls made at once, 1-64 (default 8)\n"
	  "  --queue N             clients' calls waiting for a worker, 1-4096 (default 256)\n"
	  "  --no-watch            serve clients only; do not watch xenstore for vifs\n"
	  "  -h, --help            this text\n"
	  "Environment:\n"
	  "  XEN_NETMODES_RUN_DIR  where its socket is (else /run/xen-netmodes)\n"
	  LOG_ENV
	  "  NOTIFY_SOCKET         systemd's: told READY=1 once it serves\n"
	  "A call's own environment (XEN_NETMODES_CONF...) comes from its client.\n"
	  "\nSee xen-netmodesd(8).\n" },
	{ "status", "usage: xen-netmodes status [--json]\n"
		    "Every vif whose script is one of these modes: as xenstore configures it\n"
		    "and as the kernel has it (link, bridge, addresses, routes, anti-spoofing).\n"
		    "  --json                the same as a JSON array\n"
		    "  -h, --help            this text\n"
		    "\nSee xen-netmodes(8).\n" },
	{ "check", "usage: xen-netmodes check VIF\n"
		   "What differs between VIF (vifD.N, or a vifname) and its configuration: the\n"
		   "changes an online would make now, one per line in --dry-run's syntax.\n"
		   "Exits 0 when nothing differs.\n"
		   "  -h, --help            this text\n"
		   "\nSee xen-netmodes(8).\n" },
};

/* The overview: the applets and their summaries come from the table. */
static void overview(FILE *out)
{
	fputs("usage: xen-netmodes APPLET [ARGS...]   or run as APPLET itself (a link named so)\n"
	      "       xen-netmodes status [--json]      every vif this project manages\n"
	      "       xen-netmodes check VIF            what differs from its configuration\n"
	      "       APPLET --help                     the applet's own usage\n"
	      "  -h, --help            this text\n\n",
	      out);
	for (size_t i = 0; i < n_applets; i++)
		if (applets[i].linked)
			fprintf(out, "  %-20s %s\n", applets[i].name, applets[i].summary);
	fputs("  xen-netmodesd        serve the per-vif modes from a resident process\n\n"
	      "Per-vif applets take: online|offline|add|remove [type_if=vif|tap] [VAR=VAL...] "
	      "[--dry-run]\n"
	      "network-* applets take: start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
	      "Environment:\n" DRY_RUN_ENV CONF_ENV
	      "\nSee xen-netmodes(8), xen-netmodes(7) and each applet's page.\n",
	      out);
}

bool usage_print(const char *name, FILE *out)
{
	if (!strcmp(name, "xen-netmodes")) {
		overview(out);
		return true;
	}
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		if (!strcmp(usages[i].name, name)) {
			fputs(usages[i].text, out);
			return true;
		}
	}
	return false;
}
