# Shared by the scenarios that run in the rig's dom0: results as "XNM ok
# N - ..." / "XNM not ok N - ..." lines with the evidence of a failure on
# "XNM #" lines, guests made with the real xl, and dom0's state snapshots.
# A scenario's `bash -c ". /xnm/lib.sh; ..."` (a command run under env)
# keeps its name and directory: up() finds the config its create wrote.
SCENARIO=${XNM_SCENARIO:-$(basename "$0" .sh)}
export XNM_SCENARIO=$SCENARIO
PASS=0
FAIL=0
T=/tmp/xnm-$SCENARIO
mkdir -p "$T"
GUEST_KERNEL=/var/lib/xnm/vmlinuz
GUEST_RAMDISK=/var/lib/xnm/guest.cpio.gz
HOTPLUG_LOG=/var/log/xen/xen-hotplug.log
S=/etc/xen/scripts
# where the project's package puts its programs
L=/usr/lib/xen-netmodes
# xl is Debian's, under a time bound: /xnm/bin/xl (status 124 once it is up)
export PATH=/xnm/bin:$PATH

# ok, check*, evidence, say: every suite's results (tests/lib/results.sh),
# as "XNM " lines the rig's runner picks out of the serial console
RESULTS_PREFIX="XNM " RESULTS_NAME="$SCENARIO: " RESULTS_DIR=$T
. /xnm/results.sh
. /xnm/nft_listing.sh # no_droplog

finish() {
	say "# $SCENARIO: $PASS passed, $FAIL failed"
}

# until_ok SECONDS CMD...: retries CMD every 0.2 s.
until_ok() {
	local n=$(($1 * 5))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		n=$((n - 1))
	done
	"$@"
}

# stop_netmodesd: SIGTERM to xen-netmodesd, and waits until it is gone
# (dom0 has busybox's pidof, not pkill)
stop_netmodesd() {
	local pids
	pids=$(pidof xen-netmodesd) || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids
	until_ok 30 sh -c "! pidof xen-netmodesd"
}

# guest_cfg NAME ADDR/LEN GW VIFSPEC...: writes NAME's xl config: a PV guest
# (GUEST_TYPE=pvh for a PVH one) of dom0's own kernel and the rig's initramfs.
guest_cfg() {
	local name=$1 addr=$2 gw=$3 v vifs=
	shift 3
	for v in "$@"; do vifs="$vifs'$v', "; done
	cat >"$T/$name.cfg" <<CFG
name = "$name"
type = "${GUEST_TYPE:-pv}"
kernel = "$GUEST_KERNEL"
ramdisk = "$GUEST_RAMDISK"
extra = "console=hvc0 quiet xnm.ip=$addr xnm.gw=$gw"
memory = 160
vcpus = 1
on_crash = "destroy"
vif = [ ${vifs%, } ]
CFG
	# A PVH guest runs on the emulated CPU's SVM, which does not give Xen
	# the length of an intercepted RDTSCP: the guest then crashes at boot
	# ("SVM Insn len emulation failed"). With the TSC native, nothing traps.
	[ "${GUEST_TYPE:-pv}" = pvh ] && echo 'tsc_mode = "native"' >>"$T/$name.cfg"
	echo "$T/$name.cfg"
}

# create NAME ADDR/LEN GW VIFSPEC...: xl create; xl's output in $T/NAME.xl
# (and on stdout when it fails). Debian's xl itself dies now and then under
# the emulation (a glibc assertion or malloc check, a segfault, Xen's builder
# failing to unpack the kernel, a hang ended by the time bound), and once
# xenstored failed the domain's own first transaction ("cannot make
# domain", before any device or script): such a try is shown on the
# console, its domain destroyed, and made once more. Any other failure
# counts.
TOOLSTACK_DIED='Assertion\|malloc()\|xc: error\|cannot make domain'
create() {
	local name=$1 rc=0
	xl create "$(guest_cfg "$@")" >"$T/$name.xl" 2>&1 || rc=$?
	if [ $rc -gt 128 ] || [ $rc -eq 124 ] || { [ $rc -ne 0 ] && grep -q "$TOOLSTACK_DIED" "$T/$name.xl"; }; then
		say "# xl create $name died in the toolstack (status $rc: $(grep -m1 "$TOOLSTACK_DIED" "$T/$name.xl")); once more"
		xl destroy "$name" >/dev/null 2>&1
		until_ok 10 test -z "$(domid "$name")"
		rc=0
		xl create "$(guest_cfg "$@")" >"$T/$name.xl" 2>&1 || rc=$?
	fi
	[ $rc -eq 0 ] || { cat "$T/$name.xl"; return 1; }
}

domid() { xl domid "$1" 2>/dev/null; }

# gcall IP CMD: runs CMD in the guest at IP (the probe's server).
gcall() { probe call "$1" 7000 "$2"; }

# vif_of DOMID MAC: the backend device (vifDOMID.DEVID) of DOMID's vif whose
# mac is MAC.
vif_of() {
	local i
	for i in $(xenstore-list "backend/vif/$1" 2>/dev/null); do
		[ "$(xenstore-read "backend/vif/$1/$i/mac" 2>/dev/null)" = "$2" ] && echo "vif$1.$i" && return 0
	done
	return 1
}

# guest_if IP MAC: the name of the interface with MAC in the guest at IP,
# once it is there (a hot-plugged vif's takes a moment to appear), set up.
guest_if() {
	gcall "$1" "n=0; while [ \$n -lt 50 ]; do
		for i in /sys/class/net/*; do
			[ \"\$(cat \$i/address)\" = $2 ] && ip link set \${i##*/} up && echo \${i##*/} && exit 0
		done
		sleep 0.2; n=\$((n + 1))
	done; exit 1"
}

# guest_addrs IP IFACE ADDR/LEN...: IFACE up in the guest at IP, with ADDRs.
guest_addrs() {
	local cmd="ip link set $2 up" a
	for a in "${@:3}"; do cmd="$cmd; ip addr add $a dev $2"; done
	gcall "$1" "$cmd"
}

# guest_trunk IP IFACE VID:ADDR/LEN...: IFACE up in the guest at IP, with a
# VLAN subinterface IFACE.VID holding ADDR for each VID.
guest_trunk() {
	local cmd="modprobe 8021q; ip link set $2 up" v
	for v in "${@:3}"; do
		cmd="$cmd && ip link add link $2 name $2.${v%%:*} type vlan id ${v%%:*} &&
			ip addr add ${v#*:} dev $2.${v%%:*} && ip link set $2.${v%%:*} up"
	done
	gcall "$1" "$cmd"
}

# up IP [NAME [--no-remake]]: the guest answers its command server within
# two minutes (each call retries its connect for 20 s); else NAME's console
# is the evidence. Under the emulation a guest's kernel now and then crashes
# at boot (on_crash destroys it), or a process of its init segfaults and the
# domain stays up, silent: NAME is then destroyed if it runs and created
# once more from its config. Its domid is then new, so scenarios take domids
# after "is up". --no-remake: the guest itself is what is proven (a migrated
# one), so it is never made again.
up() {
	answers "$1" && return 0
	[ -n "${2:-}" ] || return 1
	tail -n 15 "/var/log/xen/console/guest-$2.log"
	[ -z "${3:-}" ] && [ -f "$T/$2.cfg" ] || return 1
	if [ -n "$(domid "$2")" ]; then
		say "# $2 runs but does not answer (its console above); destroyed and made once more"
		xl destroy "$2" >/dev/null 2>&1
		until_ok 10 test -z "$(domid "$2")"
	else
		say "# $2's domain is gone before it answered (its console above); once more"
	fi
	xl create "$T/$2.cfg" >"$T/$2.xl" 2>&1 || { cat "$T/$2.xl"; return 1; }
	answers "$1" && return 0
	tail -n 15 "/var/log/xen/console/guest-$2.log"
	return 1
}

answers() {
	local i
	for i in 1 2 3 4 5 6; do
		probe call "$1" 7000 true && return 0
	done
	return 1
}

# snapshot: dom0's network state, without counters. In CI runs a snapshot
# has come back without its links (an rtnetlink dump that the kernel marks
# interrupted, when links change under it) or without its backends (a
# xenstore walk that failed): a snapshot one of whose commands fails, or
# says its dump was interrupted, is shown and taken once more, twice at most.
snapshot() {
	local try
	for try in 1 2 3; do
		[ $try = 1 ] || sleep 1
		if snapshot_once >"$T/snap" 2>"$T/snap.err" && ! grep -qi interrupted "$T/snap.err"; then
			cat "$T/snap"
			return 0
		fi
		say "# snapshot $try cut short after $(wc -l <"$T/snap") lines: $(tr '\n' ' ' <"$T/snap.err" | head -c 400)" >&2
	done
	cat "$T/snap"
}

# lines TEXT: TEXT as lines, nothing for an empty one
lines() { [ -z "$1" ] || printf '%s\n' "$1"; }

# snapshot_once: the state, each part read whole before it is printed; fails
# when a part cannot be read.
snapshot_once() {
	local part
	part=$(ip -o link) || return 1
	lines "$part" | sed 's/^[0-9]*: //; s/ qlen [0-9]*//' | sort
	part=$(ip -o addr) || return 1
	lines "$part" | sed 's/^[0-9]*: //; s/ tentative//; s/valid_lft.*//' | sort
	ip route || return 1
	part=$(ip -6 route) || return 1
	lines "$part" | grep -v '^fe80\|^ff00\|^multicast'
	part=$(bridge link) || return 1
	lines "$part" | sed 's/^[0-9]*: //'
	nft list tables || return 1
	# read file by file: a walk of all of /proc/sys stops at a device going away
	# under it; by the shell's own read: a process per file cost seconds under emulation
	for f in /proc/sys/net/ipv4/conf/*/forwarding /proc/sys/net/ipv4/conf/*/proxy_arp \
		/proc/sys/net/ipv6/conf/*/forwarding /proc/sys/net/ipv6/conf/*/proxy_ndp; do
		read -r v 2>/dev/null <"$f" && echo "${f#/proc/sys/} = $v"
	done | sort
	# no backend directory yet (no domain so far) is no backend
	if part=$(xenstore-ls -f /local/domain/0/backend 2>&1); then
		lines "$part" | sed 's/ = .*//' | sort
	elif xenstore-exists /local/domain/0/backend; then
		echo "$part" >&2
		return 1
	fi
}

# nft_of DEV: every element of the project's tables that names DEV, but the
# drop log's limiter (the kernel's own).
nft_of() { nft list ruleset 2>/dev/null | no_droplog | grep -c "\"$1\"" || true; }
# drops_of FAMILY DEV: DEV's drop counts by kind (netmodes/nft/port_drops.h),
# "mac=N ipv4=N ipv6=N arp=N dhcp=N ra=N nd=N vlan=N other=N".
drops_of() {
	local kinds=(mac ipv4 ipv6 arp dhcp ra nd vlan other) n=() k
	for k in 0 1 2 3 4 5 6 7 8; do n[k]=0; done
	while read -r key count; do
		n[$((key - 1))]=$count
	done < <(nft list set "$1" xen-netmodes drops 2>/dev/null |
		grep -o "\"$2\" \. 0x[0-9a-f]* counter packets [0-9]*" | awk '{print $3, $6}')
	for k in 0 1 2 3 4 5 6 7 8; do printf '%s=%s ' "${kinds[k]}" "${n[k]}"; done | sed 's/ $//'
}

# nft_lines DEV: those elements' lines, without their drop counts' counters.
nft_lines() {
	nft list ruleset 2>&1 | no_droplog | grep "\"$1\"" | sed 's/ counter packets [0-9]* bytes [0-9]*//g'
}

# in_lan CMD...: runs CMD on the LAN host (a namespace behind eth1).
in_lan() { ip netns exec lan "$@"; }

# lan_setup ADDR/LEN: the LAN host on eth1 (the other end of eth0's wire).
lan_setup() {
	ip netns add lan 2>/dev/null || true
	[ -e /sys/class/net/eth1 ] && ip link set eth1 netns lan
	in_lan ip link set lo up
	in_lan ip link set eth1 up
	in_lan ip addr replace "$1" dev eth1
}

# lan_vlans VID:ADDR/LEN...: the LAN host on those VLANs, tagged (eth1.VID).
lan_vlans() {
	local v
	for v in "$@"; do
		in_lan ip link add link eth1 name "eth1.${v%%:*}" type vlan id "${v%%:*}"
		in_lan ip addr add "${v#*:}" dev "eth1.${v%%:*}"
		in_lan ip link set "eth1.${v%%:*}" up
	done
}

# Open vSwitch in dom0 as Debian's ovs-ctl starts it: the default socket,
# the kernel's openvswitch datapath; a fresh database each time.
# ovs_db_start: the module, the database and ovsdb-server;
# ovs_switchd_start: ovs-vswitchd on it.
ovs_db_start() {
	mkdir -p /etc/openvswitch /var/run/openvswitch /var/log/openvswitch
	modprobe openvswitch && rm -f /etc/openvswitch/conf.db &&
		ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema &&
		ovsdb-server /etc/openvswitch/conf.db --remote=punix:/var/run/openvswitch/db.sock \
			--pidfile=/var/run/openvswitch/ovsdb-server.pid --detach --no-chdir -vconsole:off \
			--log-file=/var/log/openvswitch/ovsdb-server.log &&
		ovs-vsctl --no-wait init
}
ovs_switchd_start() {
	ovs-vswitchd unix:/var/run/openvswitch/db.sock --pidfile=/var/run/openvswitch/ovs-vswitchd.pid \
		--detach --no-chdir -vconsole:off --log-file=/var/log/openvswitch/ovs-vswitchd.log
}
