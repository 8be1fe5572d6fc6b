/*
 * The parts every applet's usage text shares (the texts are the applet
 * table's rows, hotplug/applets.c, and xen-netmodesd's own).
 */
#ifndef HOTPLUG_CALL_USAGE_H
#define HOTPLUG_CALL_USAGE_H

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

#endif
