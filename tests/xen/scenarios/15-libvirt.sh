# libvirt's libxl driver on the real host: Debian's libvirtd, started by
# hand (no systemd, polkit or dbus), makes the guests with `virsh -c
# xen:///system`, and libxl runs the project from libvirtd as it does
# from xl. Bridged guests (a <script path='vif-bridge'/>, and none: libxl's
# default), a routed one (type='ethernet', vif-route), hot-plug, a missing
# bridge, libvirtd restarted under a running guest, destroy.
#
# xenbr0 is a bridge of dom0's own (10.9.1.1/24, no uplink: as a libvirt
# network's), the bridged guests on it; the routed guest sits behind eth0
# (10.9.0.1/24, network-route), which the LAN host (10.9.0.2) is on.
. /xnm/lib.sh

t0=$(cut -d' ' -f1 /proc/uptime)
part() { say "# $SCENARIO: $1 at $(awk -v t0="$t0" '{printf "%.0f", $1 - t0}' /proc/uptime) s"; }
V() { timeout -k 10 120 virsh -q -c xen:///system "$@"; }
LXLOG=/var/log/libvirt/libxl

# dom_xml NAME ADDR/LEN GW INTERFACE...: a PV guest as libvirt's domain XML,
# the kernel, initramfs and command line guest_cfg gives xl's.
dom_xml() {
	local name=$1 addr=$2 gw=$3
	shift 3
	cat <<X
<domain type='xen'>
  <name>$name</name>
  <memory unit='MiB'>160</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
    <kernel>$GUEST_KERNEL</kernel>
    <initrd>$GUEST_RAMDISK</initrd>
    <cmdline>console=hvc0 quiet xnm.ip=$addr xnm.gw=$gw</cmdline>
  </os>
  <on_crash>destroy</on_crash>
  <devices>
$(printf '    %s\n' "$@")
  </devices>
</domain>
X
}

# vcreate NAME ADDR/LEN GW INTERFACE...: virsh create; its output in
# $T/NAME.virsh (and on stdout when it fails)
vcreate() {
	local name=$1
	dom_xml "$@" >"$T/$name.xml"
	V create "$T/$name.xml" >"$T/$name.virsh" 2>&1 || { cat "$T/$name.virsh"; return 1; }
}

# vup IP NAME: the guest answers its command server; else its console is
# the evidence, and a guest whose boot failed under the emulation (see up in
# lib.sh) is destroyed and made once more from its XML.
vup() {
	answers "$1" && return 0
	tail -n 15 "/var/log/xen/console/guest-$2.log"
	say "# $2 does not answer (its console above); destroyed and made once more"
	V destroy "$2" >/dev/null 2>&1
	until_ok 10 test -z "$(domid "$2")"
	V create "$T/$2.xml" >"$T/$2.virsh" 2>&1 || { cat "$T/$2.virsh"; return 1; }
	answers "$1"
}

# libvirtd_start: libvirtd as a daemon, up once virsh reaches its libxl driver
libvirtd_start() {
	libvirtd -d -f /etc/libvirt/libvirtd.conf -p /run/libvirtd.pid &&
		until_ok 60 V uri
}
# libvirtd_stop: SIGTERM, and SIGKILL 5 s later: here libvirtd 11 lingers up
# to a minute after its log says "Graceful shutdown complete" (in libxl's
# teardown), which a guest's port and filter do not depend on
libvirtd_stop() {
	local pid
	pid=$(cat /run/libvirtd.pid) || return 1
	kill -TERM "$pid" || return 1
	until_ok 5 sh -c "! kill -0 $pid" 2>/dev/null && return 0
	say "# libvirtd still there 5 s after SIGTERM: SIGKILL"
	kill -KILL "$pid"
	until_ok 10 sh -c "! kill -0 $pid"
}

# bridge_iface BRIDGE MAC ADDR [SCRIPT] [TARGET]: a bridged interface
bridge_iface() {
	local x="<interface type='bridge'><source bridge='$1'/><mac address='$2'/>"
	[ -n "${4:-}" ] && x="$x<script path='$4'/>"
	[ -n "${5:-}" ] && x="$x<target dev='$5'/>"
	[ -n "$3" ] && x="$x<ip address='$3'/>"
	echo "$x</interface>"
}

lan_setup 10.9.0.2/24
ip link set eth0 up
ip addr replace 10.9.0.1/24 dev eth0
# (its MAC its own and a port that stays, as a libvirt network's bridge has:
# a bridge whose last port leaves loses its carrier and the MAC it took)
ip link add xenbr0 address 02:00:0a:09:01:01 type bridge forward_delay 0
ip link add xenbr0-nic type dummy
ip link set xenbr0-nic master xenbr0 up
ip addr add 10.9.1.1/24 dev xenbr0
ip link set xenbr0 up
check "dom0 reaches the LAN host over eth0" until_ok 10 ping -c1 -W1 10.9.0.2
# (eth0's and xenbr0's carriers and link-local addresses settled: the state
# compared at the end; a bridge gets its carrier once its port forwards)
until_ok 10 sh -c "ip link show xenbr0 | grep -q 'state UP' && ip link show eth0 | grep -q 'state UP' &&
	ip -6 addr show dev xenbr0 scope link | grep -q fe80 && ! ip -6 addr | grep -q tentative"
before=$(snapshot)

# libvirtd by hand, as no init system starts it here: its UNIX socket
# without polkit (auth none: root only, by the socket's mode), no TCP, its
# log in a file; its libxl driver reads libxl.conf (Debian's defaults).
part "libvirtd"
mkdir -p /etc/libvirt /var/log/libvirt /var/lib/libvirt /run/libvirt
cat >/etc/libvirt/libvirtd.conf <<'CONF'
unix_sock_ro_perms = "0700"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
check "libvirtd starts, virsh -c xen:///system reaches it" libvirtd_start
check_eq "its hypervisor is Xen's, through libxl" Xen "$(V version 2>&1 | sed -n 's/^Running hypervisor: \([A-Za-z]*\).*/\1/p')"
[ -s /var/log/libvirt/libvirtd.log ] && evidence 6 </var/log/libvirt/libvirtd.log | sed 's/^XNM #   /XNM #   libvirtd: /'

# Two bridged guests: lv1 names vif-bridge and its vif (lvweb1), lv2 names
# no script (libxl's default, /etc/xen/scripts/vif-bridge).
part "create"
G1=00:16:3e:00:00:41 G2=00:16:3e:00:00:42
: >"$HOTPLUG_LOG"
check "virsh create lv1 (bridge xenbr0, script vif-bridge, ip, target lvweb1)" \
	vcreate lv1 10.9.1.11/24 10.9.1.1 "$(bridge_iface xenbr0 $G1 10.9.1.11 vif-bridge lvweb1)"
check "virsh create lv2 (bridge xenbr0, no script)" \
	vcreate lv2 10.9.1.12/24 10.9.1.1 "$(bridge_iface xenbr0 $G2 10.9.1.12)"
check "lv1 is up" vup 10.9.1.11 lv1
check "lv2 is up" vup 10.9.1.12 lv2
d1=$(domid lv1) d2=$(domid lv2)
say "# what libvirt's libxl wrote for lv1's and lv2's vifs:"
xenstore-ls -f "/local/domain/0/backend/vif/$d1" "/local/domain/0/backend/vif/$d2" 2>&1 |
	grep -v '/feature-\|/request-\|/multi-queue\|/state\|/online\|/frontend' | evidence 40 | sed 's/^XNM #   /XNM #   xs: /'
check_eq "hotplug-status of lv1's vif" connected "$(xenstore-read "backend/vif/$d1/0/hotplug-status" 2>&1)"
check "lv1's vif is lvweb1, a port of xenbr0" test -e /sys/class/net/xenbr0/brif/lvweb1
check "lv2's vif$d2.0 is a port of xenbr0" test -e "/sys/class/net/xenbr0/brif/vif$d2.0"
check "lvweb1 is filtered (nftables elements name it)" test "$(nft_of lvweb1)" -gt 0
check "vif$d2.0 is filtered" test "$(nft_of "vif$d2.0")" -gt 0
check "the project's log shows lv1's call (vif-bridge, lvweb1)" sh -c "grep lvweb1 '$HOTPLUG_LOG' | grep -q bridge"
grep -e lvweb1 -e "vif$d2.0" "$HOTPLUG_LOG" | evidence 4 | sed 's/^XNM #   /XNM #   log: /'
check "the project's log shows lv2's call (libxl's default script)" sh -c "grep 'vif$d2.0' '$HOTPLUG_LOG' | grep -q bridge"
check "lv1 reaches lv2" gcall 10.9.1.11 'ping -c1 -W3 10.9.1.12'
check "lv1 reaches dom0" gcall 10.9.1.11 'ping -c1 -W3 10.9.1.1'

# What lv2 receives of lv1's frames: the sound one arrives, the one with a
# foreign source IP does not; dom0's closing frame ends the count.
part "spoof"
BM=$(cat /sys/class/net/xenbr0/address)
count_at_lv2() {
	gcall 10.9.1.12 "probe count eth0 60 OKIP SPIP until=ENDZ" >"$T/count" &
	local c=$!
	gcall 10.9.1.12 "probe ready eth0 20"
	gcall 10.9.1.11 "probe udp eth0 $G1 $G2 10.9.1.11 10.9.1.12 4000 4000 OKIP;
		probe udp eth0 $G1 $G2 10.9.1.99 10.9.1.12 4000 4000 SPIP" >/dev/null
	probe udp xenbr0 "$BM" ff:ff:ff:ff:ff:ff 10.9.1.1 10.9.1.255 4000 4000 ENDZ
	wait $c
	cat "$T/count"
}
seen=$(count_at_lv2)
check "lv1's sound frame reaches lv2 ($seen)" sh -c "echo '$seen' | grep -q 'OKIP=[1-9]'"
check_eq "a foreign source IP from lv1 never reaches lv2" SPIP=0 "$(echo "$seen" | grep -o 'SPIP=[0-9]*')"

# Hot-plug through libvirt: attach-interface (no ip: a port, no filter),
# attach-device with an <ip> (a port and its filter), detach-interface.
part "hot-plug"
A1=00:16:3e:00:01:41 A2=00:16:3e:00:02:41
check "virsh attach-interface lv1 bridge xenbr0 --script vif-bridge" \
	V attach-interface lv1 bridge xenbr0 --mac $A1 --script vif-bridge
until_ok 10 vif_of "$d1" $A1 >/dev/null
va1=$(vif_of "$d1" $A1)
check "the attached vif ($va1) is a port of xenbr0" until_ok 10 test -e "/sys/class/net/xenbr0/brif/$va1"
check_eq "$va1 (no ip) is not filtered" 0 "$(nft_of "$va1")"
bridge_iface xenbr0 $A2 10.9.1.13 vif-bridge >"$T/a2.xml"
check "virsh attach-device lv1 (an interface with ip 10.9.1.13)" V attach-device lv1 "$T/a2.xml"
until_ok 10 vif_of "$d1" $A2 >/dev/null
va2=$(vif_of "$d1" $A2)
check "the attached vif ($va2) is a port of xenbr0" until_ok 10 test -e "/sys/class/net/xenbr0/brif/$va2"
check "$va2 is filtered" test "$(nft_of "$va2")" -gt 0
check "virsh detach-interface lv1 bridge --mac $A2" V detach-interface lv1 bridge --mac $A2
check "$va2 is gone" until_ok 10 test ! -e "/sys/class/net/$va2"
check_eq "nothing of $va2 stays in nftables" 0 "$(nft_of "$va2")"
check "virsh detach-interface lv1 bridge --mac $A1" V detach-interface lv1 bridge --mac $A1
check "$va1 is gone" until_ok 10 test ! -e "/sys/class/net/$va1"

# A missing bridge: the create fails, libvirt's libxl log has the reason.
part "missing bridge"
pre=$(snapshot)
check_fails "virsh create fails for a vif on a missing bridge" \
	vcreate lvbad 10.9.1.31/24 10.9.1.1 "$(bridge_iface nosuchbr 00:16:3e:00:00:49 10.9.1.31 vif-bridge)"
sed 's/^/virsh: /' "$T/lvbad.virsh" | evidence 3
check "libvirt's libxl log has the project's reason (nosuchbr)" sh -c "grep -h 'nosuchbr' $LXLOG/*.log | grep -q script"
grep -H nosuchbr "$LXLOG"/*.log | evidence 3 | sed 's/^XNM #   /XNM #   libxl log: /'
check_eq "the failed create left dom0 as it was" "$pre" "$(until_ok 10 test -z "$(domid lvbad)"; snapshot)"

# libvirtd restarted under a running guest: it finds lv1 again, and lv1's
# port and filter are as they were.
part "restart"
port=$(bridge link show dev lvweb1 2>&1) filt=$(nft_lines lvweb1)
check "libvirtd stops" libvirtd_stop
check "libvirtd starts again" libvirtd_start
check_eq "virsh sees lv1 running" running "$(V domstate lv1 2>&1)"
check_eq "lvweb1's port unchanged" "$port" "$(bridge link show dev lvweb1 2>&1)"
check_eq "lvweb1's filter unchanged" "$filt" "$(nft_lines lvweb1)"
check "lv1 still reaches lv2" gcall 10.9.1.11 'ping -c1 -W3 10.9.1.12'

# A routed guest: type='ethernet', vif-route, network-route on eth0.
part "route"
check "network-route start netdev=eth0" "$S/network-route" start netdev=eth0
check "virsh create lv3 (ethernet, script vif-route, ip 10.9.0.21)" \
	vcreate lv3 10.9.0.21/24 10.9.0.1 \
	"<interface type='ethernet'><mac address='00:16:3e:00:00:43'/><script path='vif-route'/><ip address='10.9.0.21'/></interface>"
check "lv3 is up" vup 10.9.0.21 lv3
d3=$(domid lv3)
xenstore-ls -f "/local/domain/0/backend/vif/$d3/0" 2>&1 | grep '/script\|/ip\|/bridge\|/vifname' |
	evidence 6 | sed 's/^XNM #   /XNM #   xs: /'
check "vif$d3.0 holds dom0's address as a /32" sh -c "ip -o addr show dev vif$d3.0 | grep -q 'inet 10.9.0.1/32'"
check "a route to 10.9.0.21 through vif$d3.0" sh -c "ip route show 10.9.0.21 | grep -q 'dev vif$d3.0'"
check "the routed guest reaches the LAN host" gcall 10.9.0.21 'ping -c1 -W3 10.9.0.2'
check "the LAN host reaches the routed guest" in_lan ping -c1 -W3 10.9.0.21
check "vif$d3.0 is filtered" test "$(nft_of "vif$d3.0")" -gt 0

# Destroy: nothing of the guests stays.
part "destroy"
destroy_all() { V destroy lv1 && V destroy lv2 && V destroy lv3; }
check "virsh destroy lv1 lv2 lv3" destroy_all
check "their vifs are gone" until_ok 10 sh -c "[ ! -e /sys/class/net/lvweb1 ] && [ ! -e /sys/class/net/vif$d2.0 ] && [ ! -e /sys/class/net/vif$d3.0 ]"
check_eq "nothing of the vifs stays in nftables" 0 "$(($(nft_of lvweb1) + $(nft_of "vif$d2.0") + $(nft_of "vif$d3.0")))"
check_eq "no vif backend stays in xenstore" "" "$(xenstore-list backend/vif 2>/dev/null)"
check "network-route stop" "$S/network-route" stop
check_eq "dom0 is as it was (but the vif filter's own table)" "$(echo "$before" | grep -v 'xen-netmodes$')" \
	"$(snapshot | grep -v 'xen-netmodes$')"
libvirtd_stop
ip link del xenbr0-nic
ip link del xenbr0
part "end"
finish
