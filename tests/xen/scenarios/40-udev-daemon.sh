# The hotplug paths of a Debian 12 xl host: systemd-udevd running with the
# project's rules where its package put them while libxl runs the
# scripts itself (each vif event must lead to exactly one configuration);
# then xen-netmodesd, whose client libxl's script call goes through, with
# the daemon's watch on.
. /xnm/lib.sh

ip link add xenbr0 type bridge
ip addr add 10.9.1.1/24 dev xenbr0
ip link set xenbr0 up
RULES=$(ls /usr/lib/udev/rules.d/*xen-netmodes.rules 2>/dev/null | head -n 1)
check "the package put its udev rules in place ($RULES)" test -s "$RULES"
/lib/systemd/systemd-udevd --daemon
check "systemd-udevd runs" until_ok 10 udevadm control --ping
log_count() { grep -c "$1" "$HOTPLUG_LOG" || true; }
: >"$HOTPLUG_LOG"

check "xl create u1 (vif-bridge) with udevd running" \
	create u1 10.9.1.11/24 10.9.1.1 "mac=00:16:3e:00:00:41, ip=10.9.1.11, bridge=xenbr0, script=vif-bridge"
check "u1 is up" up 10.9.1.11 u1
d=$(domid u1)
udevadm settle
check_eq "one online configured vif$d.0" 1 "$(log_count "Successful vif-bridge online for vif$d.0")"
check "udev's online call ran and stood aside" grep -q "udev's call for /local/domain/0/backend/vif/$d/0 left to libxl" "$HOTPLUG_LOG"
check "u1 reaches dom0" gcall 10.9.1.11 'ping -c1 -W3 10.9.1.1'
check "xl network-attach u1 (with udevd running)" xl network-attach u1 mac=00:16:3e:00:01:41 bridge=xenbr0 script=vif-bridge
check "xl network-detach u1 1" xl network-detach u1 1
udevadm settle
check_eq "one online and one offline of vif$d.1" "1 1" \
	"$(log_count "Successful vif-bridge online for vif$d.1") $(log_count "Successful vif-bridge offline for vif$d.1")"
check "xl destroy u1" xl destroy u1
udevadm settle
check_eq "one offline of vif$d.0" 1 "$(log_count "Successful vif-bridge offline for vif$d.0")"
# The detached vif's remove comes while libxl still manages the domain; a
# destroyed domain's may come after libxl dropped its record, when there is
# nothing of it left to remove. The netback device goes, and its remove
# event comes, when the backend has closed: after the detach, maybe after
# the settle.
check "udev's cleanup of the detached vif stood aside" until_ok 20 \
	grep -q "xen-netmodes-cleanup.*udev's call for /local/domain/0/backend/vif/$d/1 left to libxl\.$" "$HOTPLUG_LOG"
grep -v Successful "$HOTPLUG_LOG" | evidence 8 | sed 's/^XNM #   /XNM #   log: /'
udevadm control --exit

# xen-netmodesd: libxl's script call hands over to it; the watch sees an
# xl domain and leaves it to libxl's calls.
D=$L/xen-netmodesd
check "xen-netmodesd starts (detached, returns once serving)" $D
: >"$HOTPLUG_LOG"
check "xl create u2 with every call required to go through the daemon" env XEN_NETMODES_DAEMON=yes \
	bash -c ". /xnm/lib.sh; create u2 10.9.1.12/24 10.9.1.1 'mac=00:16:3e:00:00:42, ip=10.9.1.12, bridge=xenbr0, script=vif-bridge'"
check "u2 is up" up 10.9.1.12 u2
d=$(domid u2)
check "u2 reaches dom0" gcall 10.9.1.12 'ping -c1 -W3 10.9.1.1'
last_failed &&
	{ ip neigh show dev xenbr0; bridge link; nft list set bridge xen-netmodes addrs4; ping -c1 -W2 10.9.1.12; } 2>&1 | evidence 30
check "u2's vif is filtered" test "$(nft_of "vif$d.0")" -gt 0
# Who is spoofing: the kernel logs u2's first drop, the daemon names the guest.
gcall 10.9.1.12 "probe udp eth0 00:16:3e:00:00:42 ff:ff:ff:ff:ff:ff 10.9.1.99 10.9.1.255 4000 4000 SPIP" >/dev/null
check "the daemon logs who is dropping: guest u2 (domain $d) vif$d.0, ipv4" until_ok 20 \
	grep -q "guest u2 (domain $d) vif$d.0 started dropping frames: ipv4 (dropped so far: ipv4 [1-9]" "$HOTPLUG_LOG"
last_failed && { dmesg | grep xen-netmodes; grep -i drop "$HOTPLUG_LOG"; } 2>&1 | evidence 10
check_eq "hotplug-status of u2's vif" connected "$(xenstore-read "backend/vif/$d/0/hotplug-status" 2>&1)"
check "xl destroy u2 (through the daemon)" env XEN_NETMODES_DAEMON=yes xl destroy u2
check_eq "one online and one offline of vif$d.0 (none by the watch)" "1 1" \
	"$(log_count "Successful vif-bridge online for vif$d.0") $(log_count "Successful vif-bridge offline for vif$d.0")"
check_eq "nothing of vif$d.0 stays in nftables" 0 "$(nft_of "vif$d.0")"
check "xen-netmodesd stops" stop_netmodesd
finish
