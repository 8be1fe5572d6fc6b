# Shared by the scenarios that run in the rig's dom0: results as "XNM ok
# N - ..." / "XNM not ok N - ..." lines with the evidence of a failure on
# "XNM #" lines, guests made with the real xl, and dom0's state snapshots.
SCENARIO=$(basename "$0" .sh)
PASS=0
FAIL=0
T=/tmp/xnm-$SCENARIO
mkdir -p "$T"
GUEST_KERNEL=/var/lib/xnm/vmlinuz
GUEST_RAMDISK=/var/lib/xnm/guest.cpio.gz
HOTPLUG_LOG=/var/log/xen/xen-hotplug.log
S=/etc/xen/scripts

say() { echo "XNM $*"; }
evidence() { sed 's/^/XNM #   /' | head -n "${1:-25}"; }
ok() { PASS=$((PASS + 1)); say "ok - $SCENARIO: $*"; }
not_ok() { FAIL=$((FAIL + 1)); say "not ok - $SCENARIO: $*"; }

# check DESC CMD...: passes when CMD succeeds; its output is the evidence.
check() {
	local desc=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		evidence <"$T/out"
		return 1
	fi
}

check_fails() {
	local desc=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		not_ok "$desc (it succeeded)"
		evidence <"$T/out"
	else
		ok "$desc"
	fi
}

check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		{ diff <(echo "$2") <(echo "$3") || true; } | evidence
	fi
}

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
# (and on stdout when it fails).
create() {
	local name=$1
	xl create "$(guest_cfg "$@")" >"$T/$name.xl" 2>&1 || { cat "$T/$name.xl"; return 1; }
}

domid() { xl domid "$1" 2>/dev/null; }

# gcall IP CMD: runs CMD in the guest at IP (the probe's server).
gcall() { probe call "$1" 7000 "$2"; }

# up IP [NAME]: the guest answers its command server within two minutes
# (each call retries its connect for 20 s); else NAME's console is the
# evidence.
up() {
	local i
	for i in 1 2 3 4 5 6; do
		probe call "$1" 7000 true && return 0
	done
	[ -n "${2:-}" ] && tail -n 15 "/var/log/xen/console/guest-$2.log"
	return 1
}

# snapshot: dom0's network state, without counters.
snapshot() {
	ip -o link | sed 's/^[0-9]*: //; s/ qlen [0-9]*//' | sort
	ip -o addr | sed 's/^[0-9]*: //; s/ tentative//; s/valid_lft.*//' | sort
	ip route
	ip -6 route | grep -v '^fe80\|^ff00\|^multicast'
	bridge link 2>/dev/null | sed 's/^[0-9]*: //'
	nft list tables
	# read file by file: a walk of all of /proc/sys stops at a device going away under it
	for f in /proc/sys/net/ipv4/conf/*/forwarding /proc/sys/net/ipv4/conf/*/proxy_arp \
		/proc/sys/net/ipv6/conf/*/forwarding /proc/sys/net/ipv6/conf/*/proxy_ndp; do
		v=$(cat "$f" 2>/dev/null) && echo "${f#/proc/sys/} = $v"
	done | sort
	xenstore-ls -f /local/domain/0/backend 2>/dev/null | sed 's/ = .*//' | sort
}

# nft_of DEV: every element of the project's tables that names DEV.
nft_of() { nft list ruleset 2>/dev/null | grep -c "\"$1\"" || true; }

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
