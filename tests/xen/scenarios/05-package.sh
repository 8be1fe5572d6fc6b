# The project's Debian package, installed by dpkg -i at this host's boot
# (tests/xen/dom0-init): dpkg took xen-utils-common's scripts aside with
# its diversions and put the project's in their place, the way an apt
# install on a Debian Xen host does. Every later scenario runs on it.
. /xnm/lib.sh

NAMES="vif-bridge vif-route vif-nat vif-openvswitch network-bridge network-route network-nat vif-setup"
check_eq "dpkg has xen-netmodes installed" "install ok installed" \
	"$(dpkg-query -W -f '${Status}' xen-netmodes 2>&1)"
check_eq "xen-netmodes diverts Debian's eight scripts" 8 \
	"$(dpkg-divert --list 'xen-netmodes' 2>&1 | grep -c "^diversion of /etc/xen/scripts/.* to .*\.distrib by xen-netmodes$")"
for n in $NAMES; do
	check "$n is the project's" test "$(readlink "$S/$n")" = "$L/xen-netmodes"
done
check "Debian's scripts kept aside byte for byte, as .distrib" \
	sh -c "sed 's|\$|.distrib|' /var/lib/xnm/debian-scripts.sha256 | sha256sum -c -"
check "the defaults file is a conffile" \
	sh -c "dpkg-query -W -f '\${Conffiles}' xen-netmodes | grep -q ' /etc/xen/xen-netmodes.conf '"
check "xen-netmodes status runs from the package's /usr/sbin" /usr/sbin/xen-netmodes status
check "its man pages are installed, compressed" test -s /usr/share/man/man8/vif-bridge.8.gz
# The daemon's unit is ordered after units this Debian has: xenstored comes
# from xen-utils-common's /etc/init.d/xen, run as xen.service (made by
# systemd-sysv-generator on Debian 12; shipped by the package on Debian 13).
unit=/usr/lib/systemd/system/xen-netmodesd.service
check "the package installed $unit" test -s "$unit"
check "and its udev rules in /usr/lib/udev/rules.d" test -s /usr/lib/udev/rules.d/80-xen-netmodes.rules
check_fails "it owns nothing under /lib (an alias of /usr/lib on Debian 13)" \
	sh -c "dpkg -L xen-netmodes | grep '^/lib'"
units=$(sed -n 's/^\(After\|Before\|Wants\|Requires\)=//p' "$unit" | tr ' ' '\n' | grep '\.service$')
check "it is ordered after xen.service" sh -c "echo '$units' | grep -qx xen.service"
for u in $units; do
	check "its $u exists here (a unit file or the init script it is made of)" sh -c \
		"ls /lib/systemd/system/$u /usr/lib/systemd/system/$u /etc/systemd/system/$u \
			/etc/init.d/${u%.service} 2>/dev/null | grep -q ."
done
finish
