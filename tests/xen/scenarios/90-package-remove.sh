# The way back: dpkg -r xen-netmodes puts Debian's scripts back exactly,
# and a guest then comes up through them; dpkg -P also takes the defaults
# file and the project's state. The last scenario: the project is gone
# after it.
. /xnm/lib.sh

ip link add xenbr7 type bridge
ip addr add 10.9.7.1/24 dev xenbr7
ip link set xenbr7 up
# a vif of the project's first, so there is state for the purge to take
check "xl create p1 through the package's vif-bridge" \
	create p1 10.9.7.11/24 10.9.7.1 "mac=00:16:3e:00:07:11, ip=10.9.7.11, bridge=xenbr7, script=vif-bridge"
check "p1 is up" up 10.9.7.11 p1
p1=$(domid p1)
check "p1's vif$p1.0 is filtered (the package's vif-bridge made it)" test "$(nft_of "vif$p1.0")" -gt 0
check "p1 reaches dom0" gcall 10.9.7.11 'ping -c1 -W3 10.9.7.1'
check "xl destroy p1" xl destroy p1
until_ok 10 test -z "$(domid p1)"

check "dpkg -r xen-netmodes" sh -c "dpkg -r xen-netmodes 2>&1"
check_eq "no diversion is left" "" "$(dpkg-divert --list 'xen-netmodes' 2>&1)"
check "Debian's scripts are back, byte for byte" sha256sum -c /var/lib/xnm/debian-scripts.sha256
check_eq "and no .distrib copy stays" "" "$(ls $S/*.distrib 2>/dev/null)"
check "the package's programs are gone" test ! -e "$L/xen-netmodes" -a ! -e /usr/sbin/xen-netmodes
check "removing kept the defaults file (a conffile)" test -e /etc/xen/xen-netmodes.conf

check "xl create p2 through Debian's vif-bridge" \
	create p2 10.9.7.12/24 10.9.7.1 "mac=00:16:3e:00:07:12, bridge=xenbr7, script=vif-bridge"
check "p2 is up" up 10.9.7.12 p2
p2=$(domid p2)
check "p2's vif$p2.0 is a port of xenbr7" test -e "/sys/class/net/xenbr7/brif/vif$p2.0"
check_eq "hotplug-status of p2's vif" connected "$(xenstore-read "backend/vif/$p2/0/hotplug-status" 2>&1)"
check "p2 reaches dom0" gcall 10.9.7.12 'ping -c1 -W3 10.9.7.1'
check "xl destroy p2" xl destroy p2
until_ok 10 test -z "$(domid p2)"
ip link del xenbr7

check "dpkg -P xen-netmodes" sh -c "dpkg -P xen-netmodes 2>&1"
check "purging took the defaults file" test ! -e /etc/xen/xen-netmodes.conf
check_eq "and the project's state" "" \
	"$(ls -d /var/lib/xen-netmodes /run/xen-netmodes /var/run/xen-netmodes 2>/dev/null)"
check_eq "dpkg knows nothing of it" "" "$(dpkg-query -W -f '${Status}' xen-netmodes 2>/dev/null)"
finish
