# The project's Debian package, installed by dpkg -i at this host's boot
# (tests/xen/dom0-init): dpkg took xen-utils-common's scripts aside with
# its diversions and put the project's in their place, the way an apt
# install on a Debian Xen host does. Every later scenario runs on it.
. /xnm/lib.sh

NAMES="vif-bridge vif-route vif-nat network-bridge network-route network-nat vif-setup"
check_eq "dpkg has xen-netmodes installed" "install ok installed" \
	"$(dpkg-query -W -f '${Status}' xen-netmodes 2>&1)"
check_eq "xen-netmodes diverts Debian's seven scripts" 7 \
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
finish
