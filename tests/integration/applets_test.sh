#!/bin/bash
# The multi-call binary: dispatch on argv[0], the applet as first argument,
# and every applet's --help. (make install: tests/install_test.sh.)
TEST_NAME="applets"
. "$(dirname "$0")/lib.sh"
lab_start

netns_add "$D0"

echo "# dispatch"
check "xen-netmodes --help lists every applet" sh -c \
	"'$BUILD/xen-netmodes' --help | grep -c -e vif-bridge -e vif-route -e vif-nat \
	-e network-bridge -e network-route -e network-nat -e vif-setup | grep -qx 7"
check_fails "unknown applet fails" "$BUILD/xen-netmodes" no-such-applet
check "every applet answers to its name" sh -c "'$SCRIPTS/network-route' status | grep -q 'network-route: not started'"
check "the applet name also works as first argument" sh -c \
	"'$BUILD/xen-netmodes' vif-bridge online type_if=tap; test \$? -eq 0"

echo "# --help"
# help_ok NAME PAGE CMD...: usage on stdout, exit 0, nothing on stderr, naming
# --dry-run (where the applet takes it), the dry-run variable and its page.
help_ok() {
	local name=$1 page=$2 out err rc=0
	shift 2
	out=$("$@" 2>"$TMP/help.err") || rc=$?
	err=$(cat "$TMP/help.err")
	[ "$rc" -eq 0 ] && [ -z "$err" ] && grep -q "^usage: $name" <<<"$out" &&
		grep -qF "$page" <<<"$out" && grep -q -- "-h, --help" <<<"$out" ||
		{ echo "exit $rc, stderr: $err"; echo "$out" | head -n 5; return 1; }
	case $name in xen-netmodes-cleanup|xen-netmodesd) return 0 ;; esac
	grep -q -- "--dry-run" <<<"$out" && grep -q XEN_NETMODES_DRY_RUN <<<"$out"
}
for a in vif-bridge vif-route vif-nat vif-openvswitch network-bridge network-route network-nat vif-setup \
	xen-netmodes-cleanup; do
	check "$a --help: its usage and its page" help_ok "$a" "$a(8)" "$SCRIPTS/$a" --help
	check "$a -h: the same" help_ok "$a" "$a(8)" "$SCRIPTS/$a" -h
done
check "a per-vif applet's --help names its commands and parameters" sh -c \
	"'$SCRIPTS/vif-route' online --help | grep -q 'online|offline' &&
	'$SCRIPTS/vif-route' --help | grep -q 'bridge=BRIDGE  ip='"
check "a network applet's --help names its parameters" sh -c \
	"'$SCRIPTS/network-nat' --help | grep -q 'dhcp=no|dnsmasq|isc'"
check "xen-netmodes --help: its usage and its page" help_ok xen-netmodes "xen-netmodes(8)" \
	"$BUILD/xen-netmodes" --help
check "xen-netmodes APPLET --help: the applet's" help_ok vif-nat "vif-nat(8)" "$BUILD/xen-netmodes" vif-nat --help
check "xen-netmodesd --help: its usage and its page" help_ok xen-netmodesd "xen-netmodesd(8)" \
	"$BUILD/xen-netmodesd" --help
# --help reads nothing: no backend, no xenstore, no daemon, no lock needed.
check "vif-bridge --help with nothing of a hotplug's environment" help_ok vif-bridge "vif-bridge(8)" \
	env -i XENSTORED_PATH=/nonexistent "$SCRIPTS/vif-bridge" online --help

finish
