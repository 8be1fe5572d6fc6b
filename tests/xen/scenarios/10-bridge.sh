# Bridged mode on the real host: network-bridge moves eth0 onto a bridge
# (as xend ran its network-script), guests made by xl on it, isolation
# proven with packets counted at the receiving guest, hot-plug, failures
# as xl shows them, a dry run, a migration, destroy, and network-bridge stop.
. /xnm/lib.sh

lan_setup 10.9.0.2/24
ip link set eth0 up
ip addr add 10.9.0.1/24 dev eth0
ip route add 10.9.9.0/24 via 10.9.0.2 dev eth0
check "dom0 reaches the LAN host over eth0" until_ok 10 ping -c1 -W1 10.9.0.2
before=$(snapshot)

# xend: (network-script 'network-bridge netdev=eth0'), run through a shell.
check "network-bridge start netdev=eth0, as xend runs its network-script" \
	sh -c "$S/network-bridge start netdev=eth0"
check "eth0 is the bridge now, peth0 its port" test -e /sys/class/net/eth0/brif/peth0
check "eth0's address moved onto the bridge" sh -c "ip -o addr show dev eth0 | grep -q 'inet 10.9.0.1/24'"
check "eth0's route moved with it" sh -c "ip route show 10.9.9.0/24 | grep -q 'via 10.9.0.2 dev eth0'"
check "dom0 reaches the LAN host through the bridge" until_ok 10 ping -c1 -W1 10.9.0.2
check "network-bridge status shows the move" sh -c "$S/network-bridge status | grep -q peth0"

G1=00:16:3e:00:00:11
G2=00:16:3e:00:00:12
check "xl create g1 (vif-bridge, ip=10.9.0.11)" \
	create g1 10.9.0.11/24 10.9.0.1 "mac=$G1, ip=10.9.0.11, bridge=eth0, script=vif-bridge"
check "xl create g2 (vifname=web0, mtu=1400)" \
	create g2 10.9.0.12/24 10.9.0.1 "mac=$G2, ip=10.9.0.12, bridge=eth0, script=vif-bridge, vifname=web0, mtu=1400"
check "g1 is up" up 10.9.0.11 g1
check "g2 is up" up 10.9.0.12 g2
d1=$(domid g1)
d2=$(domid g2)
check "g1's vif$d1.0 is a port of eth0" test -e "/sys/class/net/eth0/brif/vif$d1.0"
check "g2's vif is web0, a port of eth0" test -e /sys/class/net/eth0/brif/web0
check "web0's MTU is 1400" test "$(cat /sys/class/net/web0/mtu 2>&1)" = 1400
check_eq "hotplug-status of g1's vif" connected "$(xenstore-read "backend/vif/$d1/0/hotplug-status" 2>&1)"
check "web0 is g2's netback device" sh -c "readlink /sys/class/net/web0/device | grep -q 'vif-$d2-0\$'"
check_eq "the frontend's mtu node" 1400 "$(xenstore-read "/local/domain/$d2/device/vif/0/mtu" 2>&1)"
# Linux's netfront leaves its link at 1500 whatever the node says: a guest
# learns the MTU from its frontend's node, as the toolstack's docs have it.
say "# g2's link MTU: $(gcall 10.9.0.12 'cat /sys/class/net/eth0/mtu' 2>&1)"
check_eq "g2 reads the MTU 1400 from its frontend's node" 1400 \
	"$(gcall 10.9.0.12 'xenstore-read device/vif/0/mtu' 2>&1)"
check "g1 reaches g2" gcall 10.9.0.11 'ping -c1 -W3 10.9.0.12'
check "g1 reaches dom0" gcall 10.9.0.11 'ping -c1 -W3 10.9.0.1'
check "g1 reaches the LAN host" gcall 10.9.0.11 'ping -c1 -W3 10.9.0.2'
check "the LAN host reaches g2" in_lan ping -c1 -W3 10.9.0.12
check "g1's vif is filtered (nftables elements name it)" test "$(nft_of "vif$d1.0")" -gt 0

# What g2 receives of g1's frames, each kind with its mark: two sound
# frames (IPv4 and ARP for g1's own address, and a DHCP discovery) must
# arrive, every spoofed one must not. The count ends with the LAN host's
# closing frame, sent once g1 is done.
LM=$(in_lan cat /sys/class/net/eth1/address)
count_at_g2() {
	gcall 10.9.0.12 "probe count eth0 120 OKIP OKARP OKDISC SPIP SPMAC SPARP SPDHCP SPRA until=ENDZ" >"$T/count" &
	local c=$!
	gcall 10.9.0.12 "probe ready eth0 20"
	gcall 10.9.0.11 "probe udp eth0 $G1 $G2 10.9.0.11 10.9.0.12 4000 4000 OKIP;
		probe garp eth0 10.9.0.11 OKARP;
		probe udp eth0 $G1 ff:ff:ff:ff:ff:ff 0.0.0.0 255.255.255.255 68 67 OKDISC;
		probe udp eth0 $G1 $G2 10.9.0.99 10.9.0.12 4000 4000 SPIP;
		probe udp eth0 00:16:3e:00:00:99 $G2 10.9.0.11 10.9.0.12 4000 4000 SPMAC;
		probe garp eth0 10.9.0.1 SPARP;
		probe udp eth0 $G1 ff:ff:ff:ff:ff:ff 10.9.0.11 255.255.255.255 67 68 SPDHCP;
		probe ra eth0 SPRA" >/dev/null
	in_lan probe udp eth1 "$LM" ff:ff:ff:ff:ff:ff 10.9.0.2 10.9.0.255 4000 4000 ENDZ
	wait $c
	cat "$T/count"
}
seen=$(count_at_g2)
for m in OKIP OKARP OKDISC; do
	check "g1's sound frame $m reaches g2 ($seen)" sh -c "echo '$seen' | grep -q '$m=[1-9]'"
done
for m in SPIP:"a foreign source IP" SPMAC:"a foreign source MAC" SPARP:"an ARP claim for dom0's address" \
	SPDHCP:"a DHCP offer" SPRA:"a router advertisement"; do
	check_eq "${m#*:} from g1 never reaches g2" "${m%%:*}=0" "$(echo "$seen" | grep -o "${m%%:*}=[0-9]*")"
done
# Who is spoofing: each of those frames counted for g1's vif under its
# kind, nothing for g2's; the kernel logged the first drop, naming the vif.
drops=$(drops_of bridge "vif$d1.0")
say "# vif$d1.0's drops: $drops; web0's: $(drops_of bridge web0)"
for k in ipv4:SPIP mac:SPMAC arp:SPARP dhcp:SPDHCP ra:SPRA; do
	check "g1's $(echo "${k#*:}" | tr 'A-Z' 'a-z') is counted as ${k%%:*} for vif$d1.0" \
		sh -c "echo '$drops' | grep -q '${k%%:*}=[1-9]'"
done
check_eq "web0 dropped nothing" "mac=0 ipv4=0 ipv6=0 arp=0 dhcp=0 ra=0 nd=0 vlan=0 other=0" "$(drops_of bridge web0)"
check "the kernel's log has vif$d1.0's drop" sh -c "dmesg | grep -q 'xen-netmodes drop [a-z0-9]*: IN=vif$d1.0 '"

# Hot-plug: a second vif on g1, then its removal.
check "xl network-attach g1 (a second vif)" \
	xl network-attach g1 mac=00:16:3e:00:01:11 ip=10.9.0.13 bridge=eth0 script=vif-bridge
check "vif$d1.1 is a port of eth0" until_ok 10 test -e "/sys/class/net/eth0/brif/vif$d1.1"
check_eq "hotplug-status of vif$d1.1" connected "$(xenstore-read "backend/vif/$d1/1/hotplug-status" 2>&1)"
check "vif$d1.1 is filtered" test "$(nft_of "vif$d1.1")" -gt 0
check "xl network-detach g1 1" xl network-detach g1 1
check "vif$d1.1 is gone" until_ok 10 test ! -e "/sys/class/net/vif$d1.1"
check_eq "nothing of vif$d1.1 stays in nftables" 0 "$(nft_of "vif$d1.1")"
# Once in a dozen CI runs its 6 elements stayed (xl's detach succeeded; a
# 60-detach loop did not reproduce it): what the calls for it logged.
last_failed && grep "vif$d1.1\|vif/$d1/1" "$HOTPLUG_LOG" | tail -n 8 | evidence 8

# What a filtered port may send beyond its own addresses, on Debian's
# kernel and netback (issue 28): no VLAN tag of any kind, nothing to the
# link-local groups 01:80:c2:00:00:0X, no neighbour discovery about
# another's address or MAC. g1 sends each kind from its filtered eth0 and
# the same from a vif of its own without ip= (not filtered): the control,
# which shows each would arrive. Counted at g2 and at dom0 (eth0, the
# bridge itself); the LAN host's broadcasts before and after bracket each
# count, so a zero is never a receiver that was not listening.
GC=00:16:3e:00:02:11
LL1=fe80::216:3eff:fe00:11 LL2=fe80::216:3eff:fe00:12
check "xl network-attach g1: a vif without ip= (the control)" \
	xl network-attach g1 "mac=$GC" bridge=eth0 script=vif-bridge
until_ok 10 vif_of "$d1" "$GC" >/dev/null
vc=$(vif_of "$d1" "$GC")
check "the control's $vc is a port of eth0" until_ok 10 test -e "/sys/class/net/eth0/brif/$vc"
check_eq "the control's $vc is not filtered" 0 "$(nft_of "$vc")"
gc=$(guest_if 10.9.0.11 "$GC")
check "g1 has the control's interface ($gc)" test -n "$gc"
# bpdu SMAC ROOT: a configuration BPDU from SMAC naming ROOT (priority.MAC)
# the root bridge, with itself as the designated bridge; max age 20 s.
bpdu() { echo "01:80:c2:00:00:00 $1 0026 42 42 03 0000 00 00 00 $2 00000000 $2 8001 0000 1400 0200 0f00"; }
# lldp SMAC: chassis and port ID (SMAC), TTL 120 s, end
lldp() { echo "01:80:c2:00:00:0e $1 88cc 0207 04 $1 0407 03 $1 0602 0078 0000"; }
# eapol SMAC: an 802.1X EAPOL-Start
eapol() { echo "01:80:c2:00:00:03 $1 888e 01 01 0000"; }
# hostile IFACE MAC P: g1's sends of each hostile kind from IFACE, each
# marked P and its kind; the IPv4 frames carry g1's own MAC and address.
hostile() {
	local u="probe udp $1 $2 ff:ff:ff:ff:ff:ff 10.9.0.11 10.9.0.255 4000 4000"
	echo "$u ${3}8100 8100:99 && $u ${3}PRIO 8100:0 && $u ${3}88A8 88a8:99 &&
	$u ${3}QINQ 88a8:99 8100:98 && $u ${3}DBLQ 8100:99 8100:98 &&
	probe frame $1 '$(bpdu "$2" 0000.02:00:00:00:00:01)' ${3}BPDU &&
	probe frame $1 '$(lldp "$2")' ${3}LLDP && probe frame $1 '$(eapol "$2")' ${3}EAPOL &&
	probe nd $1 na fe80::1 fe80::1 $2 ${3}NA1 && probe nd $1 na $LL1 $LL2 $2 ${3}NA2 &&
	probe nd $1 na $LL1 $LL1 $G2 ${3}NA3 && probe nd $1 ns $LL1 $LL2 $G2 ${3}NS"
}
KINDS="8100 an 802.1Q tag (VLAN 99)
PRIO a priority tag (802.1Q, VID 0)
88A8 an 802.1ad tag (VLAN 99)
QINQ two tags (802.1ad 99, 802.1Q 98)
DBLQ two 802.1Q tags (99, 98)
BPDU a BPDU claiming the root, STP off (forwarded)
LLDP an LLDP frame (forwarded: group_fwd_mask)
EAPOL an EAPOL-Start (forwarded: group_fwd_mask)
NA1 an unsolicited NA from fe80::1 for fe80::1
NA2 an NA for g2's link-local address
NA3 an NA for its own address naming g2's MAC (TLLA)
NS an NS naming g2's MAC (SLLA)"
MARKS28=(LANA LANZ OKV4 OKNA OKNS OKDAD {H,C}{8100,PRIO,88A8,QINQ,DBLQ,BPDU,LLDP,EAPOL,NA1,NA2,NA3,NS})
# the bridge carries the link-local groups but STP's own: a control's
# LLDP and EAPOL frames reach g2 only so
ip link set eth0 type bridge group_fwd_mask 0x4008
burst28() {
	gcall 10.9.0.12 "probe count eth0 120 ${MARKS28[*]} until=LANZ" >"$T/at-g2" &
	local g=$!
	probe count eth0 120 "${MARKS28[@]}" until=LANZ >"$T/at-dom0" &
	local d=$!
	gcall 10.9.0.12 "probe ready eth0 20"
	probe ready eth0 20
	in_lan probe udp eth1 "$LM" ff:ff:ff:ff:ff:ff 10.9.0.2 10.9.0.255 4000 4000 LANA
	gcall 10.9.0.11 "$(hostile eth0 "$G1" H) && $(hostile "$gc" "$GC" C) &&
		probe udp eth0 $G1 ff:ff:ff:ff:ff:ff 10.9.0.11 10.9.0.255 4000 4000 OKV4 &&
		probe nd eth0 na $LL1 $LL1 $G1 OKNA && probe nd eth0 ns $LL1 $LL2 $G1 OKNS &&
		probe nd eth0 ns :: $LL1 - OKDAD" >"$T/send28" 2>&1
	echo "rc=$?" >>"$T/send28"
	in_lan probe udp eth1 "$LM" ff:ff:ff:ff:ff:ff 10.9.0.2 10.9.0.255 4000 4000 LANZ
	wait $g $d
	grep -q 'LANA=[1-9] LANZ=[1-9]' "$T/at-g2" && grep -q 'LANA=[1-9] LANZ=[1-9]' "$T/at-dom0"
}
burst28 || { say "# a receiver missed its bracket ($(cat "$T/at-g2"); $(cat "$T/at-dom0")): once more"; burst28; }
ip link set eth0 type bridge group_fwd_mask 0
at_g2=$(cat "$T/at-g2") at_dom0=$(cat "$T/at-dom0")
say "# received by g2: $at_g2"
say "# received by dom0: $at_dom0"
check "g1 sent its frames" grep -qx 'rc=0' "$T/send28"
# got MARK COUNTS: the number COUNTS (a count's line) gives MARK
got() { echo "$2" | grep -o "$1=[0-9]*" | cut -d= -f2; }
for m in OKV4:"an IPv4 broadcast" OKNA:"an NA for its own address with its MAC" \
	OKNS:"an NS with its MAC" OKDAD:"a duplicate address detection NS from ::"; do
	check "g1's sound frame, ${m#*:}, reaches g2 and dom0" \
		test "$(got "${m%%:*}" "$at_g2")" -gt 0 -a "$(got "${m%%:*}" "$at_dom0")" -gt 0
done
while read -r k d; do
	check_eq "$d from g1's filtered vif never reaches g2 or dom0" "H$k=0 H$k=0" \
		"H$k=$(got "H$k" "$at_g2") H$k=$(got "H$k" "$at_dom0")"
	check "$d from the control (no filter) reaches g2 and dom0" \
		test "$(got "C$k" "$at_g2")" -gt 0 -a "$(got "C$k" "$at_dom0")" -gt 0
done <<<"$KINDS"

# With STP on, the bridge keeps a BPDU for its spanning tree, and LLDP
# and EAPOL (group_fwd_mask 0) for dom0's stack on the port they came in
# on; on Debian's 6.1 a BPDU and LLDP go there past every netfilter hook
# of the bridge family. Counted where dom0's stack gets them, by a count
# of one ethertype on the port (IFACE@ETHERTYPE), and by STP itself: the
# control claims a root better than eth0 (priority 0x1000), g1's filtered
# vif a better one still (0): the bridge's root port must be the control's.
ip link set eth0 type bridge stp_state 1
say "# group_fwd_mask of g1's filtered vif$d1.0: $(cat "/sys/class/net/vif$d1.0/brport/group_fwd_mask"), of the control's $vc: $(cat "/sys/class/net/$vc/brport/group_fwd_mask")"
check "STP is on (ip -d link: stp_state 1)" sh -c "ip -d link show eth0 | grep -q ' stp_state 1 '"
check_eq "eth0 is its own root bridge" 0 "$(cat /sys/class/net/eth0/bridge/root_port)"
# stp_burst: the filtered vif's frames, then the control's, each counted
# where dom0's stack gets them; fails when a control's count missed its
# frame (it was not listening throughout), and the burst is made once more.
stp_burst() {
	local e pids=
	for e in 0004 88cc 888e; do
		probe count "$vc@$e" 30 CLBPDU CLLLDP CLEAPOL >"$T/up-c-$e" &
		pids="$pids $!"
	done
	# (started after the control's, so each ends after it)
	for e in 0004 88cc 888e; do
		probe count "vif$d1.0@$e" 30 HLBPDU HLLLDP HLEAPOL >"$T/up-h-$e" &
		pids="$pids $!"
	done
	for e in 0004 88cc 888e; do probe ready "$vc@$e" 20 && probe ready "vif$d1.0@$e" 20; done
	gcall 10.9.0.11 "probe frame eth0 '$(bpdu "$G1" 0000.02:00:00:00:00:01)' HLBPDU &&
		probe frame eth0 '$(lldp "$G1")' HLLLDP && probe frame eth0 '$(eapol "$G1")' HLEAPOL &&
		probe frame $gc '$(bpdu "$GC" 1000.02:00:00:00:00:02)' CLBPDU &&
		probe frame $gc '$(lldp "$GC")' CLLLDP && probe frame $gc '$(eapol "$GC")' CLEAPOL" >"$T/send28l" 2>&1
	echo "rc=$?" >>"$T/send28l"
	# at once: the control's BPDU ages out 20 s after it came
	echo "$(printf '%d' "$(cat "/sys/class/net/$vc/brport/port_no")") $(cat /sys/class/net/eth0/bridge/root_port)" >"$T/root"
	# shellcheck disable=SC2086
	wait $pids
	grep -q 'CLBPDU=[1-9]' "$T/up-c-0004" && grep -q 'CLLLDP=[1-9]' "$T/up-c-88cc" &&
		grep -q 'CLEAPOL=[1-9]' "$T/up-c-888e"
}
stp_burst || { say "# a count missed the control's frame ($(cat "$T"/up-c-* | tr '\n' ' ')): once more"; stp_burst; }
check "g1 sent its frames with STP on" sh -c "cat $T/send28l; grep -qx rc=0 $T/send28l"
read -r port root <"$T/root"
check_eq "eth0's root port is the control's (its BPDU reached STP, g1's filtered vif's did not)" "$port" "$root"
up_c=$(cat "$T"/up-c-*) up_h=$(cat "$T"/up-h-*)
say "# passed up to dom0 with STP on, from the control: $(echo "$up_c" | tr '\n' ' ')from g1's filtered vif: $(echo "$up_h" | tr '\n' ' ')"
for k in BPDU:"a BPDU" LLDP:"an LLDP frame" EAPOL:"an EAPOL-Start"; do
	check_eq "${k#*:} from g1's filtered vif never reaches dom0 with STP on" "0 0 0" \
		"$(got "HL${k%%:*}" "$up_h" | tr '\n' ' ' | sed 's/ $//')"
	check "the same from the control reaches dom0" sh -c "echo '$up_c' | grep -q 'CL${k%%:*}=[1-9]'"
done
check "eth0 is its own root again once the control's BPDU aged out" \
	until_ok 30 sh -c "test \"\$(cat /sys/class/net/eth0/bridge/root_port)\" = 0"
# (forward_delay 0 is out of STP's range: set once STP is off)
ip link set eth0 type bridge stp_state 0
ip link set eth0 type bridge forward_delay 0
check_eq "STP off again, forward delay 0 as network-bridge made it" "0 0" \
	"$(cat /sys/class/net/eth0/bridge/stp_state) $(cat /sys/class/net/eth0/bridge/forward_delay)"
check "xl network-detach g1 (the control)" xl network-detach g1 "$GC"
check "$vc is gone" until_ok 10 test ! -e "/sys/class/net/$vc"

# A dry run by hand against the real backend: prints, changes nothing.
pre=$(snapshot)
check "vif-bridge offline --dry-run prints the teardown" sh -c \
	"XENBUS_PATH=backend/vif/$d1/0 XENBUS_TYPE=vif vif=vif$d1.0 $S/vif-bridge offline type_if=vif --dry-run | grep 'vif$d1.0'"
check "vif-bridge online --dry-run succeeds" env XENBUS_PATH="backend/vif/$d1/0" XENBUS_TYPE=vif \
	vif="vif$d1.0" "$S/vif-bridge" online type_if=vif --dry-run
check_eq "the dry runs changed nothing" "$pre" "$(snapshot)"
check "g1 still reaches g2" gcall 10.9.0.11 'ping -c1 -W3 10.9.0.12'

# Failures as xl shows them; dom0 stays as it was.
pre=$(snapshot)
check_fails "xl create fails for a vif on a missing bridge" \
	create bad1 10.9.0.31/24 10.9.0.1 "mac=00:16:3e:00:00:31, bridge=nosuchbr, script=vif-bridge"
check "xl shows the project's reason (nosuchbr)" grep -q 'script: .*nosuchbr' "$T/bad1.xl"
grep 'script: ' "$T/bad1.xl" | evidence 3 | sed 's/^XNM #   /XNM #   xl: /'
check_fails "xl create fails for a bad ip=" \
	create bad2 10.9.0.32/24 10.9.0.1 "mac=00:16:3e:00:00:32, ip=10.9.0.300, bridge=eth0, script=vif-bridge"
check "xl shows the project's reason (10.9.0.300)" grep -q 'script: .*10.9.0.300' "$T/bad2.xl"
# A guest asking for the vifname another guest's vif carries: refused, and
# its teardown leaves the other guest's vif alone.
check_fails "xl create fails for a vifname in use (web0, g2's)" \
	create bad3 10.9.0.33/24 10.9.0.1 "mac=00:16:3e:00:00:33, bridge=eth0, script=vif-bridge, vifname=web0"
grep 'script: ' "$T/bad3.xl" | evidence 2 | sed 's/^XNM #   /XNM #   xl: /'
check_eq "the failed creates left dom0 as it was" "$pre" "$(until_ok 10 test -z "$(xl domid bad3 2>/dev/null)"; snapshot)"
check "g2's web0 is still a port of eth0, up" sh -c "test -e /sys/class/net/eth0/brif/web0 && ip link show web0 | grep -q 'state UP'"
check "g1 still reaches g2" gcall 10.9.0.11 'ping -c1 -W3 10.9.0.12'

# Migration on one host: the old domain's vif goes, the new one comes, the
# network stays. Debian's Xen is built without shadow paging, which a PV
# guest's live migration needs (log-dirty: "Failed to enable logdirty: 95"),
# so the migrating guest is a PVH one (hardware-assisted paging).
# xl runs "SSH HOST xl migrate-receive": ours drops HOST.
check "xl create m1, a PVH guest (ip=10.9.0.15)" env GUEST_TYPE=pvh \
	bash -c ". /xnm/lib.sh; create m1 10.9.0.15/24 10.9.0.1 'mac=00:16:3e:00:00:15, ip=10.9.0.15, bridge=eth0, script=vif-bridge'"
check "m1 is up" up 10.9.0.15 m1
m1=$(domid m1)
printf '#!/bin/sh\nshift\nexec "$@"\n' >"$T/local-ssh"
chmod +x "$T/local-ssh"
gcall 10.9.0.12 'ping -c 60 -i 0.5 -W 1 10.9.0.15 | tail -n 2' >"$T/migping" 2>&1 &
pinger=$!
sleep 3
# Xen's save of a PVH guest under QEMU's TCG fails now and then at the
# sender's suspend, before any device moves ("Mapping of pfn ... failed
# -22"), and the guest goes on running where it was. Such a try is shown
# on the console and made once more; any other failure fails the check.
exec 3>&1
migrate_m1() {
	xl migrate -s "$T/local-ssh" m1 localhost >"$T/migrate1" 2>&1 && return 0
	if [ "$(domid m1)" != "$m1" ] || ! grep -q 'failed to suspend at sender' "$T/migrate1"; then
		cat "$T/migrate1"
		return 1
	fi
	say "# xl migrate's first try failed at the sender's suspend, m1 still domain $m1: $(grep -m1 'xc: error' "$T/migrate1"); trying once more" >&3
	sleep 2
	xl migrate -s "$T/local-ssh" m1 localhost
}
check "xl migrate m1 localhost" migrate_m1
n1=$(domid m1)
wait $pinger
say "# ping g2 -> m1 across the migration: $(tr '\n' ' ' <"$T/migping")"
check "m1 is a new domain ($m1 -> $n1)" test -n "$n1" -a "$n1" != "$m1"
check "the new vif$n1.0 is a port of eth0" test -e "/sys/class/net/eth0/brif/vif$n1.0"
check "the new vif is filtered" test "$(nft_of "vif$n1.0")" -gt 0
check "the old vif$m1.0 is gone" test ! -e "/sys/class/net/vif$m1.0"
check_eq "nothing of the old vif stays in nftables" 0 "$(nft_of "vif$m1.0")"
check "nothing of the old domain stays in xenstore" sh -c "! xenstore-exists backend/vif/$m1"
check "g2 kept reaching m1 during the migration" grep -q ' [1-9][0-9]* packets received' "$T/migping"
check "m1 answers after the migration" up 10.9.0.15 m1 --no-remake
check "m1 reaches g2 after the migration" gcall 10.9.0.15 'ping -c1 -W3 10.9.0.12'

# Destroy: nothing of the guests' vifs stays behind.
check "xl destroy g1 g2 m1" sh -c "xl destroy g1 && xl destroy g2 && xl destroy m1"
check_eq "only peth0 stays in the bridge" peth0 "$(ls /sys/class/net/eth0/brif 2>&1)"
check_eq "nothing of the vifs stays in nftables" 0 "$(($(nft_of "vif$d1.0") + $(nft_of "vif$n1.0") + $(nft_of web0)))"
check_eq "no vif backend stays in xenstore" "" "$(xenstore-list backend/vif 2>/dev/null)"

check "network-bridge stop netdev=eth0" sh -c "$S/network-bridge stop netdev=eth0"
check_eq "network-bridge stop restored dom0 exactly (but the vif filter's own table)" \
	"$(echo "$before" | grep -v 'xen-netmodes$')" "$(snapshot | grep -v 'xen-netmodes$')"
check "dom0 reaches the LAN host over eth0 again" until_ok 10 ping -c1 -W1 10.9.0.2
finish
