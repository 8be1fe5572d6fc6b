# make lab, host alice: the seed's lab told step by step. Two Xen hosts,
# alice and bob, each with eth24 on one LAN; network-bridge on both as
# xend's network-script; the seed's vm1.cfg on alice and a vm2 on bob;
# vm1 pings vm2 across the hosts, migrates to bob while vm2 pings it, and
# everything goes again. Bob runs the commands alice sends him (bob.sh).
# Lines "XNM step ..." head a step, "XNM $ ..." show a command and "XNM   ..."
# its output; tests/xen/lab.sh prints them.
. /xnm/lib.sh
SCENARIO=lab

ALICE=10.1.1.1
BOB=10.1.1.2
VM1=10.1.1.11
VM2=10.1.1.12
LAB=/xnm/lab

step() { say "step $*"; }
# on_bob CMD: CMD run by bob's shell, its output and status
on_bob() { probe call "$BOB" 7000 "$*"; }
show() {
	say "\$ $*"
	sh -c "$*" 2>&1 | sed 's/^/XNM   /'
}
show_bob() {
	say "\$ $*    (on bob)"
	on_bob "$*" 2>&1 | sed 's/^/XNM   /'
}
was() { say "# xm: $1    xl: $2"; }
# settled: dom0's state for comparing before and after, less the vif
# filter's own table (which stays, empty, once made)
settled() { snapshot | grep -v 'xen-netmodes$'; }
settled_bob() { on_bob "bash -c '. /xnm/lib.sh; snapshot'" | grep -v 'xen-netmodes$'; }
# The seed's xm config made one for this lab's images: its kernel and disk
# lines replaced, what xm made of its ip and netmask lines (the guest
# kernel's ip= argument) added, since xl passes them on to nothing.
adapt() {
	local ip mask name
	ip=$(sed -n "s/^ip = '\(.*\)'/\1/p" "$1")
	mask=$(sed -n "s/^netmask = '\(.*\)'/\1/p" "$1")
	name=$(sed -n "s/^name = '\(.*\)'/\1/p" "$1")
	sed -e "s|^kernel = .*|kernel = '$GUEST_KERNEL'|" -e "s|^disk = .*|ramdisk = '$GUEST_RAMDISK'|" \
		-e '/^root = /d' "$1"
	cat <<CFG
# what xm made of the ip and netmask lines: the guest kernel's ip= (xl makes nothing of them)
extra = 'ip=$ip:::$mask:$name:eth0:off console=hvc0 quiet'
# PVH: Debian's Xen lacks the shadow paging a PV guest's live migration needs
type = 'pvh'
# under the emulation a PVH guest's TSC must not trap (the rig's lib.sh says why)
tsc_mode = 'native'
CFG
}

step "two Xen hosts, alice and bob (Debian's Xen $(xl info 2>/dev/null | sed -n 's/^xen_version *: *//p') and dom0 under QEMU), their eth24 on one LAN"
ip addr add "$ALICE/24" dev eth24
ip link set eth24 up
check "bob answers over the LAN" on_bob true
show "xl info | grep -E '^(host|release|xen_version|free_memory)'"
show "ip -br addr show eth24"
show_bob "ip -br addr show eth24"
alice_before=$(settled)
bob_before=$(settled_bob)

step "xend ran its network-script at its start; with xl the host does, and xl.conf names the vif script"
show "cat $LAB/xend-config-bridge.sxp"
cp "$LAB/xl.conf" /etc/xen/xl.conf
on_bob "cp $LAB/xl.conf /etc/xen/xl.conf"
show "grep -v '^#' /etc/xen/xl.conf"
check "alice: network-bridge start netdev=eth24" sh -c "$S/network-bridge start netdev=eth24"
check "bob: network-bridge start netdev=eth24" on_bob "$S/network-bridge start netdev=eth24"
check "alice's eth24 is a bridge now, peth24 its port" test -e /sys/class/net/eth24/brif/peth24
check "bob's too" on_bob "test -e /sys/class/net/eth24/brif/peth24"
check "alice reaches bob through both bridges" until_ok 10 ping -c1 -W1 "$BOB"
show "$S/network-bridge status"
say "# the seed's vif lines name no ip=, which Xen's scripts leave unfiltered; xen-netmodes.conf holds such a vif to its own MAC"
sed -i 's/^antispoof_without_ip = .*/antispoof_without_ip = mac/' /etc/xen/xen-netmodes.conf
on_bob "sed -i 's/^antispoof_without_ip = .*/antispoof_without_ip = mac/' /etc/xen/xen-netmodes.conf"
show "grep '^antispoof' /etc/xen/xen-netmodes.conf"

step "the seed's vm1.cfg, its kernel and disk lines made the lab's; vm2 the same with its own name, MAC and address"
sed -e "s/'vm1'/'vm2'/" -e 's/00:16:3e:00:00:11/00:16:3e:00:00:12/' -e "s/'10.1.1.11'/'10.1.1.12'/" \
	-e 's/group1/group2/' -e 's/vm1\.img/vm2.img/' "$LAB/vm1.cfg" >"$T/vm2.seed.cfg"
adapt "$LAB/vm1.cfg" >"$T/vm1.cfg"
adapt "$T/vm2.seed.cfg" >"$T/vm2.cfg"
show "diff -u $LAB/vm1.cfg $T/vm1.cfg | tail -n +3"
on_bob "mkdir -p $T && cat >$T/vm2.cfg <<'CFG'
$(cat "$T/vm2.cfg")
CFG"

step "vm1 on alice, vm2 on bob"
was "xm create vm1.cfg" "xl create vm1.cfg"
check "alice: xl create vm1.cfg" xl create "$T/vm1.cfg"
check "bob: xl create vm2.cfg" on_bob "xl create $T/vm2.cfg"
check "vm1 is up" up "$VM1" vm1
check "vm2 is up" up "$VM2"
was "xm list" "xl list"
show "xl list"
show_bob "xl list"
d1=$(domid vm1)
d2=$(on_bob "xl domid vm2")

step "their vifs on the bridges: xen-netmodes status on each host"
show "xen-netmodes status"
show_bob "xen-netmodes status"
check "vm1's vif$d1.0 is a port of alice's eth24" test -e "/sys/class/net/eth24/brif/vif$d1.0"
check "vm2's vif$d2.0 is a port of bob's eth24" on_bob "test -e /sys/class/net/eth24/brif/vif$d2.0"
check_eq "hotplug-status of vm1's vif" connected "$(xenstore-read "backend/vif/$d1/0/hotplug-status" 2>&1)"
check_eq "hotplug-status of vm2's vif" connected "$(on_bob "xenstore-read backend/vif/$d2/0/hotplug-status" 2>&1)"
filter_on_alice=$(xen-netmodes status | sed -n "/^vif$d1.0 /,/anti-spoofing/p" | grep anti-spoofing)

step "vm1 pings vm2, from alice to bob"
show "probe call $VM1 7000 'ping -c 3 -W 2 $VM2'"
check "vm1 reaches vm2" gcall "$VM1" "ping -c1 -W3 $VM2"
was "xm console vm1" "xl console vm1"
say "# xl console is interactive (Ctrl-] leaves it); what it shows, from xenconsoled's log:"
show "tail -n 2 /var/log/xen/console/guest-vm1.log"

step "xl migrate vm1 bob, while vm2 pings vm1"
was "xm migrate vm1 bob" "xl migrate -s $LAB/lab-ssh vm1 bob"
say "# xl runs 'lab-ssh bob xl migrate-receive' in place of ssh: the stream crosses the LAN to bob's xl"
gcall "$VM2" "ping -i 0.2 -w 300 $VM1 >/tmp/migration.ping 2>&1; true" >/dev/null 2>&1 &
pinger=$!
sleep 3
# Xen's save of a PVH guest under QEMU's TCG fails now and then at the
# sender's suspend, before anything moves, and the guest goes on running
# on alice (10-bridge saw it): such a try is shown and made once more.
exec 3>&1
migrate() {
	local lab_ssh=$LAB/lab-ssh
	xl migrate -s "$lab_ssh" vm1 bob >"$T/migrate" 2>&1 && return 0
	if [ "$(domid vm1)" != "$d1" ] || ! grep -q 'failed to suspend at sender' "$T/migrate"; then
		cat "$T/migrate"
		return 1
	fi
	say "# xl migrate's first try failed at the sender's suspend, vm1 still on alice: once more" >&3
	sleep 2
	xl migrate -s "$lab_ssh" vm1 bob
}
check "xl migrate -s lab-ssh vm1 bob" migrate
sed 's/^/XNM   /' "$T/migrate" | tail -n 4
sleep 2
gcall "$VM2" 'kill -INT $(pidof ping)' >/dev/null 2>&1
wait "$pinger"
ping_tail=$(gcall "$VM2" 'tail -n 2 /tmp/migration.ping' 2>&1)
say "# vm2's ping of vm1 across the migration: $(echo "$ping_tail" | head -n 1)"
sent=$(echo "$ping_tail" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1/p')
got=$(echo "$ping_tail" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\2/p')
check "vm2 pinged vm1 all along ($sent sent, $got replies)" test -n "$got" -a "${got:-0}" -gt 0
say "# replies lost during the migration: $((${sent:-0} - ${got:-0})) of ${sent:-0} (one every 0.2 s)"

step "vm1 on bob now, with its vif on bob's bridge; nothing of it left on alice"
n1=$(on_bob "xl domid vm1")
check "vm1 runs on bob (domain $n1)" test -n "$n1"
check "and no longer on alice" test -z "$(domid vm1)"
show_bob "xl list"
show_bob "xen-netmodes status"
check "vm1's vif$n1.0 is a port of bob's eth24" on_bob "test -e /sys/class/net/eth24/brif/vif$n1.0"
check_eq "hotplug-status of vm1's new vif" connected "$(on_bob "xenstore-read backend/vif/$n1/0/hotplug-status" 2>&1)"
check_eq "its anti-spoofing on bob as it was on alice" "$filter_on_alice" \
	"$(on_bob "xen-netmodes status" | sed -n "/^vif$n1.0 /,/anti-spoofing/p" | grep anti-spoofing)"
check "vm1 reaches vm2 from bob" gcall "$VM1" "ping -c1 -W3 $VM2"
# What vm2 receives of two frames from vm1, each with its mark: one with
# vm1's own MAC must arrive, one with a spoofed source MAC must not.
gcall "$VM2" "probe count eth0 8 LABOK LABSPOOF" >"$T/count" 2>&1 &
counter=$!
gcall "$VM2" "probe ready eth0 20"
gcall "$VM1" "probe udp eth0 00:16:3e:00:00:11 00:16:3e:00:00:12 $VM1 $VM2 4000 4000 LABOK;
	probe udp eth0 00:16:3e:00:00:66 00:16:3e:00:00:12 $VM1 $VM2 4000 4000 LABSPOOF" >/dev/null 2>&1
wait "$counter"
check_eq "on bob, vm2 gets vm1's sound frame and never its spoofed one" "LABOK=1 LABSPOOF=0" "$(cat "$T/count")"
check_eq "alice's bridge keeps only its uplink" peth24 "$(ls /sys/class/net/eth24/brif 2>&1)"
check_eq "nothing of vif$d1.0 stays in alice's nftables" 0 "$(nft_of "vif$d1.0")"
check "nothing of vm1 stays in alice's xenstore" sh -c "! xenstore-exists /local/domain/0/backend/vif/$d1 && ! xenstore-exists /local/domain/$d1"

step "the guests go; network-bridge stop on both hosts puts them back as they were"
check "xl destroy vm1 (on bob)" on_bob "xl destroy vm1"
check "xl destroy vm2 (on bob)" on_bob "xl destroy vm2"
check "alice: network-bridge stop netdev=eth24" sh -c "$S/network-bridge stop netdev=eth24"
check "bob: network-bridge stop netdev=eth24" on_bob "$S/network-bridge stop netdev=eth24"
check_eq "alice as she was" "$alice_before" "$(settled)"
check_eq "bob as he was" "$bob_before" "$(settled_bob)"
check "alice reaches bob over eth24 again" until_ok 10 ping -c1 -W1 "$BOB"
on_bob "touch /tmp/lab-over"
finish
