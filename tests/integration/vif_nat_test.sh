#!/bin/bash
# NAT mode: network-nat and vif-nat against the real kernel. Guests reach
# the LAN behind dom0's address, the LAN opens nothing toward them, a real
# dnsmasq hands out the derived addresses, and ISC dhcpd's files are edited
# exactly as the shell script edits them, concurrent calls included.
TEST_NAME="vif-nat"
. "$(dirname "$0")/lib.sh"
lab_start
VIF_SCRIPT=vif-nat

LAN=xnm$ID-lan
G5=$(guest_ns 5)
export XEN_NETMODES_CONF=$TMP/xen-netmodes.conf
: >"$XEN_NETMODES_CONF"

netns_add "$D0"
ip netns exec "$D0" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
netns_add "$LAN"
ip -n "$D0" link add eth0 type veth peer name eth0 netns "$LAN"
ip -n "$D0" addr add 192.168.60.1/24 dev eth0
ip -n "$D0" link set eth0 up
ip -n "$D0" route add default via 192.168.60.2
ip -n "$LAN" addr add 192.168.60.2/24 dev eth0
ip -n "$LAN" link set eth0 up
# The LAN host counts where echo requests come from.
ip netns exec "$LAN" nft -f - <<'EOF'
table ip watch {
	chain input {
		type filter hook input priority 0;
		icmp type echo-request ip saddr 192.168.60.1 counter
		icmp type echo-request ip saddr 10.0.0.0/8 counter
	}
}
EOF
lan_count() { # SOURCE: echo requests seen from it
	ip netns exec "$LAN" nft list chain ip watch input |
		sed -n "s|.*ip saddr $1 counter packets \([0-9]*\).*|\1|p"
}

nat_net() {
	in_dom0 "$SCRIPTS/network-nat" "$@" # in_dom0 passes XEN_NETMODES_CONF
}

nat() { # DOMID DEVID COMMAND [ENV=VALUE...]
	hotplug vif-nat "$@" XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
}

make_guest 5 0 00:16:3e:00:05:01 10.0.5.1/8
xs_vif 5 0 00:16:3e:00:05:01

echo "# network-nat"
before_start=$(host_state)
check "stop without start" nat_net stop
nat_net start --dry-run >/dev/null
check_eq "start --dry-run changes nothing" "$before_start" "$(host_state)"
every_step_fails_net network-nat start
nat_net stop >/dev/null
check "start" nat_net start
check "the masquerading table" in_ns "$D0" nft list table ip xen-netmodes-nat
check_eq "forwarding on" 1 "$(in_ns "$D0" cat /proc/sys/net/ipv4/ip_forward)"
state=$(host_state)
check "start twice" nat_net start
check_eq "start twice changes nothing" "$state" "$(host_state)"
check "status" grep -q "range: 10.0.0.0/8" <<<"$(nat_net status)"
check "status --json" grep -q '"started": true, "table": true, "netdev": "eth0"' <<<"$(nat_net status --json)"

echo "# vif-nat online, derived addresses"
before_online=$(host_state)
dry=$(nat 5 0 online --dry-run)
check_eq "online --dry-run changes nothing" "$before_online" "$(host_state)"
check "dry-run: the router address (last octet + 127)" grep -qx \
	"ip address replace 10.0.5.128/32 dev vif5.0" <<<"$dry"
check "dry-run: the route to the derived guest address" grep -qx \
	"ip route replace 10.0.5.1/32 dev vif5.0 src 10.0.5.128 metric 0 proto 88" <<<"$dry"
check "vif5.0 online" nat 5 0 online
check_eq "hotplug-status" connected "$(xs_read "$(be_path 5 0)/hotplug-status")"
check_eq "proxy ARP on vif5.0" 1 "$(in_ns "$D0" cat /proc/sys/net/ipv4/conf/vif5.0/proxy_arp)"
in_ns "$G5" ip route add default via 10.0.5.128
check "the guest reaches the LAN host" ping_ok "$G5" 192.168.60.2
check "the LAN host saw dom0's address" test "$(lan_count 192.168.60.1)" -gt 0
check_eq "and never the guest's" 0 "$(lan_count 10.0.0.0/8)"
ip -n "$LAN" route add 10.0.0.0/8 via 192.168.60.1
check_fails "the LAN host cannot open a connection to the guest" ping_ok "$LAN" 10.0.5.1
ip -n "$LAN" route del 10.0.0.0/8
in_ns "$G5" ip addr add 10.0.5.99/8 dev eth0
check_fails "a forged source from the guest is dropped" ping_ok "$G5" -I 10.0.5.99 192.168.60.2
in_ns "$G5" ip addr del 10.0.5.99/8 dev eth0
state=$(host_state)
check "online twice" nat 5 0 online
check_eq "online twice changes nothing" "$state" "$(host_state)"

echo "# vif-nat offline"
check "offline" nat 5 0 offline
check_eq "offline removes address, route, filter" "$before_online" "$(host_state)"
check "offline twice" nat 5 0 offline
echo "# a failure at any step leaves the host as it was"
every_step_fails vif-nat 5 0 online XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
every_step_fails vif-nat 5 0 offline XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
check_eq "and the last offline removed it all" "$before_online" "$(host_state)"
check_fails "the guest no longer reaches the LAN" ping_ok "$G5" 192.168.60.2

echo "# errors"
nat_error() { # DOMID MESSAGE NODE=VALUE...
	local domid=$1 msg=$2 rc=0 st
	shift 2
	xs_vif "$domid" 0 00:16:3e:00:05:02 "$@"
	st=$(host_state)
	nat "$domid" 0 online >/dev/null 2>&1 || rc=$?
	check_eq "$msg: exit 1" 1 "$rc"
	check_eq "$msg: hotplug-error" "$msg" "$(xs_read "$(be_path "$domid" 0)/hotplug-error")"
	check_eq "$msg: host unchanged" "$st" "$(host_state)"
	xenstore-rm "$(be_path "$domid" 0)"
}
nat_error 5 "no router address for 10.0.5.200: its last octet plus 127 leaves 0..255; use a guest address whose last octet is at most 128" \
	ip=10.0.5.200
nat_error 5 'vif-nat needs ip to be one IPv4 address, not "10.0.5.2/32 10.0.5.3/32"' "ip=10.0.5.2 10.0.5.3"
nat_error 5 'backend node ip: invalid IP address "10.0.5.x"' ip=10.0.5.x
nat_error 8 "device vif8.0 does not exist"
xs_vif 5 0 00:16:3e:00:05:01

echo "# dnsmasq: the guest learns its derived address and router"
HOSTS=$TMP/dnsmasq-hosts
OPTS=$TMP/dnsmasq-opts
mkdir -p "$HOSTS" "$OPTS" # dnsmasq watches the directories from its start
printf 'dnsmasq_hostsdir = %s\ndnsmasq_optsdir = %s\n' "$HOSTS" "$OPTS" >"$XEN_NETMODES_CONF"
nat_net stop
check "start with dhcp=dnsmasq" nat_net start dhcp=dnsmasq
ip netns exec "$D0" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root \
	--bind-dynamic --interface='vif*' --dhcp-range=10.0.0.0,static,255.0.0.0 \
	--dhcp-hostsdir="$HOSTS" --dhcp-optsdir="$OPTS" --dhcp-leasefile="$TMP/leases" --pid-file="$TMP/dnsmasq.pid" \
	--log-facility="$TMP/dnsmasq.log" --log-dhcp &
DNSMASQ=$!
BACKGROUND+=("$DNSMASQ")
in_ns "$G5" ip addr flush dev eth0
cat >"$TMP/udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	ip route add default via "$router" dev "$interface"
	echo "$ip $router" >"$(dirname "$0")/udhcpc.lease"
	;;
esac
EOF
chmod +x "$TMP/udhcpc.script"
dhcp_guest() {
	rm -f "$TMP/udhcpc.lease"
	in_ns "$G5" ip addr flush dev eth0
	in_ns "$G5" busybox udhcpc -i eth0 -n -q -t 10 -T 1 -s "$TMP/udhcpc.script" >/dev/null 2>&1
}
check "online writes the host file" nat 5 0 online
check_eq "host file: MAC, tag, fixed address, host name" "00:16:3e:00:05:01,set:xnm-vif5.0,10.0.5.1,dom5" \
	"$(cat "$HOSTS/vif5.0")"
check_eq "options file: the router for that tag" "tag:xnm-vif5.0,option:router,10.0.5.128" \
	"$(cat "$OPTS/vif5.0")"
check "the guest gets a lease" dhcp_guest
check_eq "the derived address and router" "10.0.5.1 10.0.5.128" "$(cat "$TMP/udhcpc.lease" 2>/dev/null)"
check "and reaches the LAN through the NAT" ping_ok "$G5" 192.168.60.2
check "offline" nat 5 0 offline
check_fails "offline removes the host file" test -e "$HOSTS/vif5.0"
check_fails "and the options file" test -e "$OPTS/vif5.0"
check "online again" nat 5 0 online
check "the guest gets a lease again" dhcp_guest
check "and reaches the LAN again" ping_ok "$G5" 192.168.60.2
# A repeated online of the running guest that fails at any step: its undo
# puts the guest's files back as they were, never removes them.
dnsmasq_state() {
	vif_call_state
	head -v -- "$HOSTS/vif5.0" "$OPTS/vif5.0" 2>&1
}
STEPS_BE=$(be_path 5 0) steps_fail "vif-nat online again vif5.0 (dnsmasq files kept)" \
	dnsmasq_state 30 vif_call_failing vif-nat 5 0 online XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
check_eq "the host file as it was" "00:16:3e:00:05:01,set:xnm-vif5.0,10.0.5.1,dom5" \
	"$(cat "$HOSTS/vif5.0")"
check "the guest still gets its lease" dhcp_guest
nat 5 0 offline

echo "# a fresh install: the DHCP directories' parent does not exist yet"
FRESH=$TMP/fresh/var/lib/xen-netmodes
printf 'dnsmasq_hostsdir = %s/dnsmasq-hosts\ndnsmasq_optsdir = %s/dnsmasq-opts\n' "$FRESH" "$FRESH" \
	>"$XEN_NETMODES_CONF"
check "online creates the missing parents" nat 5 0 online
check "the host file written" test -s "$FRESH/dnsmasq-hosts/vif5.0"
check "the options file written" test -s "$FRESH/dnsmasq-opts/vif5.0"
check_eq "the created parents are 0755" "755 755" \
	"$(stat -c %a "$TMP/fresh/var" "$FRESH" | xargs)"
check "offline" nat 5 0 offline
printf 'dnsmasq_hostsdir = %s\ndnsmasq_optsdir = %s\n' "$HOSTS" "$OPTS" >"$XEN_NETMODES_CONF"
kill $DNSMASQ
wait $DNSMASQ 2>/dev/null || true

echo "# ISC dhcpd: files edited as the shell script does, under its lock"
printf 'ddns-update-style none;\nsubnet 10.0.0.0 netmask 255.0.0.0 {\n}\n' >"$TMP/dhcpd.conf"
printf '# Defaults for isc-dhcp-server\nINTERFACESv4=""\nINTERFACESv6=""\n' >"$TMP/isc-dhcp-server"
# dhcpd.conf holding keys, 0640 root:a group; the defaults file a symlink
# into another directory: rewriting either keeps what it was.
chmod 0640 "$TMP/dhcpd.conf"
chown 0:4242 "$TMP/dhcpd.conf"
mkdir "$TMP/etc-real"
mv "$TMP/isc-dhcp-server" "$TMP/etc-real/isc-dhcp-server"
ln -s etc-real/isc-dhcp-server "$TMP/isc-dhcp-server"
conf_before=$(cat "$TMP/dhcpd.conf")
defaults_before=$(cat "$TMP/isc-dhcp-server")
printf '#!/bin/sh\necho "$1" >>"%s/init.calls"\n' "$TMP" >"$TMP/init"
chmod 0755 "$TMP/init"
cat >"$XEN_NETMODES_CONF" <<EOF
dhcpd_conf = $TMP/dhcpd.conf
dhcpd_defaults = $TMP/isc-dhcp-server
dhcpd_init = $TMP/init
EOF
nat_net stop
check "start with dhcp=isc" nat_net start dhcp=isc
for d in 10 11 12 13 14 15; do
	ip -n "$D0" link add "vif$d.0" type veth peer name "g$d"
	xs_vif "$d" 0 "00:16:3e:00:0$((d - 10)):01"
done
pids=()
for d in 10 11 12 13 14 15; do
	nat "$d" 0 online >"$TMP/online.$d" 2>&1 &
	pids+=($!)
done
ok_all=0
for p in "${pids[@]}"; do wait "$p" || ok_all=1; done
check_eq "six concurrent onlines succeed" 0 "$ok_all"
check_eq "no entry lost in dhcpd.conf" 6 "$(grep -c '^host dom1[0-5] {' "$TMP/dhcpd.conf")"
check "the shell script's host line" grep -qx \
	'host dom10 { hardware ethernet 00:16:3e:00:00:01; fixed-address 10.0.10.1; option routers 10.0.10.128; option host-name "dom10"; }' \
	"$TMP/dhcpd.conf"
check_eq "every vif in INTERFACESv4" 6 "$(grep '^INTERFACESv4=' "$TMP/isc-dhcp-server" | grep -o 'vif1[0-5].0 ' | wc -l)"
check_eq "dhcpd restarted once per call" 6 "$(grep -c '^restart$' "$TMP/init.calls")"
check_eq "dhcpd.conf keeps its mode, owner and group" "640 0:4242" "$(stat -c '%a %u:%g' "$TMP/dhcpd.conf")"
check_eq "the defaults file is still the same symlink" "etc-real/isc-dhcp-server" \
	"$(readlink "$TMP/isc-dhcp-server")"
check_eq "and its target got the content" 6 \
	"$(grep '^INTERFACESv4=' "$TMP/etc-real/isc-dhcp-server" | grep -o 'vif1[0-5].0 ' | wc -l)"
check_eq "no dotfile left in either directory" "" \
	"$(ls -A "$TMP" "$TMP/etc-real" | grep '\.xen-netmodes$')"
# A repeated online of a running guest that fails at any step: dhcpd.conf
# and the defaults file exactly as they were (its host line kept, in its place).
isc_state() {
	vif_call_state
	cat "$TMP/dhcpd.conf" "$TMP/etc-real/isc-dhcp-server"
}
first=$(sed -n 's/^host \(dom1[0-5]\) {.*/\1/p' "$TMP/dhcpd.conf" | head -n 1)
first=${first#dom}
STEPS_BE=$(be_path "$first" 0) steps_fail "vif-nat online again vif$first.0 (dhcpd entries kept)" \
	isc_state 30 vif_call_failing vif-nat "$first" 0 online XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
check_eq "still one host line per guest" 6 "$(grep -c '^host dom1[0-5] {' "$TMP/dhcpd.conf")"
pids=()
for d in 10 11 12 13 14 15; do
	nat "$d" 0 offline >/dev/null 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
check_eq "offline restores dhcpd.conf exactly" "$conf_before" "$(cat "$TMP/dhcpd.conf")"
check_eq "offline restores the defaults file exactly" "$defaults_before" "$(cat "$TMP/isc-dhcp-server")"
check_eq "offline keeps dhcpd.conf's mode, owner and group" "640 0:4242" \
	"$(stat -c '%a %u:%g' "$TMP/dhcpd.conf")"
check "and the defaults file a symlink" test -L "$TMP/isc-dhcp-server"

echo "# a dhcpd init script that never returns"
cat >"$TMP/init-hang" <<EOF
#!/bin/sh
sleep 3600 &
echo "\$\$ \$!" >"$TMP/init-hang.pids.tmp"
mv "$TMP/init-hang.pids.tmp" "$TMP/init-hang.pids"
wait
EOF
chmod 0755 "$TMP/init-hang"
sed -i "s|^dhcpd_init = .*|dhcpd_init = $TMP/init-hang|" "$XEN_NETMODES_CONF"
# init_gone: the script and its child are gone
init_gone() { pids_gone "$TMP/init-hang.pids"; }
export -f in_dom0 hotplug nat
export D0 XENSTORED_PATH XEN_NETMODES_RUN_DIR SCRIPTS XEN_NETMODES_CONF
rc=0
out=$(timeout 25 bash -c 'nat "$@"' _ 10 0 online 2>&1) || rc=$?
killed="dhcpd host: $TMP/init-hang restart did not finish within 10 s; killed it and its process group"
check_eq "an online whose dhcpd restart never returns fails at its limit: exit 1" 1 "$rc"
check "it says the init script was killed" grep -qF "$killed" <<<"$out"
check_eq "hotplug-error names the killed init script" "$killed" "$(xs_read "$(be_path 10 0)/hotplug-error")"
check_eq "hotplug-status error" error "$(xs_read "$(be_path 10 0)/hotplug-status")"
check "the init script ran" test -s "$TMP/init-hang.pids"
check "the init script and its child are gone" eventually 50 init_gone
check_eq "the failed step's edits are undone: dhcpd.conf as before" "$conf_before" "$(cat "$TMP/dhcpd.conf")"
check_eq "and the defaults file" "$defaults_before" "$(cat "$TMP/isc-dhcp-server")"
sed -i "s|^dhcpd_init = .*|dhcpd_init = $TMP/init|" "$XEN_NETMODES_CONF"
check "with an init script that returns, the vif's offline succeeds" nat 10 0 offline
every_step_fails_net network-nat stop
check "stop" nat_net stop
check_fails "stop removes the masquerading table" in_ns "$D0" nft list table ip xen-netmodes-nat

finish
