# Figures, not pass/fail (make bench-xen): in one boot, `xl create` of one
# guest and of N in a row, and N at once, three ways: the vif's script
# Debian's shell vif-bridge (diverted to vif-bridge.distrib by the package), this
# project's one-shot, and this project's through xen-netmodesd. Each vif's
# script is a wrapper that times it from fork to exit (probe time): the
# hotplug's own share of each create. The wrapper (a dash and the probe)
# costs each create the same in all three ways. An emulated host: ratios
# travel, absolute times do not.
. /xnm/lib.sh
N=${FIGURES_N:-20}
grep -q xnm.figures_n= /proc/cmdline && N=$(sed -n "s/.*xnm\.figures_n=\([0-9]*\).*/\1/p" /proc/cmdline)

ip link add xenbr1 type bridge 2>/dev/null
ip link set xenbr1 up
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
sum() { awk '{s += $1} END {printf "%.0f", s}'; }
ms_since() { awk -v t0="$1" -v t1="$EPOCHREALTIME" 'BEGIN {printf "%.0f\n", (t1 - t0) * 1000}'; }

# wrapper WAY SCRIPT: the vif script of WAY, SCRIPT timed into $T/WAY.hotplug
wrapper() {
	printf '#!/bin/sh\nexec probe time %s %s "$@"\n' "$T/$1.hotplug" "$2" >"$T/$1.sh"
	chmod +x "$T/$1.sh"
}
wrapper debian "$S/vif-bridge.distrib"
wrapper oneshot "$S/vif-bridge"
wrapper daemon "$S/vif-bridge"

# cfg WAY I: guest fI's config, its vif run by WAY's wrapper (small guests:
# xl create returns once the devices are up, before the guest has booted)
cfg() {
	local mac ip
	mac=$(printf '00:16:3e:00:03:%02x' "$2")
	ip=10.9.3.$((10 + $2))
	guest_cfg "f$2" "$ip/24" 10.9.3.1 "mac=$mac, ip=$ip, bridge=xenbr1, script=$T/$1.sh" >/dev/null
	sed -i -e 's/^memory = .*/memory = 96/' -e 's|^kernel = .*|kernel = "/var/lib/xnm/vmlinux"|' "$T/f$2.cfg"
	echo "$T/f$2.cfg"
}

# one WAY I: xl create of fI; its wall time (ms) into $T/WAY.creates. A
# create xl itself fails under the emulation (Xen's builder failing to
# unpack the kernel, as lib.sh's create says) is shown and made once more,
# its time not counted.
one() {
	local t0 rc=0 try
	for try in 1 2; do
		t0=$EPOCHREALTIME
		rc=0
		xl create "$(cfg "$1" "$2")" >"$T/f$2.xl" 2>&1 || rc=$?
		if [ $rc -eq 0 ]; then
			ms_since "$t0" >>"$T/$1.creates"
			return 0
		fi
		say "# $1: xl create f$2 failed ($rc), try $try:"
		grep -m 3 'error\|fail' "$T/f$2.xl" | evidence 3
		grep -q 'xc: error\|Assertion\|malloc()' "$T/f$2.xl" || return 1
		xl destroy "f$2" >/dev/null 2>&1
	done
}

destroy_all() {
	local i
	for i in $(seq "$N"); do xl destroy "f$i" >/dev/null 2>&1 & done
	wait
	until_ok 60 test -z "$(xl list | awk 'NR > 2')"
}

# way WAY: N in a row (kept up), all destroyed, then N at once
way() {
	local t0 i
	: >"$T/$1.hotplug"
	: >"$T/$1.creates"
	t0=$EPOCHREALTIME
	for i in $(seq "$N"); do one "$1" "$i"; done
	echo "$(ms_since "$t0")" >"$T/$1.row"
	cp "$T/$1.hotplug" "$T/$1.row.hotplug"
	destroy_all
	: >"$T/$1.hotplug"
	t0=$EPOCHREALTIME
	for i in $(seq "$N"); do one "$1" "$i" & done
	wait
	echo "$(ms_since "$t0")" >"$T/$1.once"
	destroy_all
}

# report WAY: its figures, as soon as they are in
report() {
	local w=$1 first c h hs
	online() { grep ' online' "$1" | cut -d' ' -f1; }
	first=$(head -n 1 "$T/$w.creates")
	c=$(head -n "$N" "$T/$w.creates" | median)
	h=$(online "$T/$w.row.hotplug" | median)
	hs=$(online "$T/$w.row.hotplug" | sum)
	say "# figure: $w: one xl create ${first} ms (median of the $N in a row ${c} ms), its hotplug ${h} ms (median)"
	say "# figure: $w: $N in a row $(cat "$T/$w.row") ms, of which hotplug $hs ms"
	say "# figure: $w: $N at once $(cat "$T/$w.once") ms, hotplug median $(online "$T/$w.hotplug" | median) ms, max $(online "$T/$w.hotplug" | sort -n | tail -n 1) ms"
	eval "${w}_h=$h"
}

# xenstored_alive WAY: whether xenstored outlived WAY (under the emulation it
# has not always: every create after it then fails or hangs)
xenstored_alive() {
	pgrep -x xenstored >/dev/null && return 0
	say "# figure: xenstored is gone after the $1 way: the figures after it cannot be made"
	return 1
}

# This project's ways first: Debian's, 20 at once, loads the host the most
# (libxl's hotplug timeout kills its scripts, some abort under the
# emulation), and nothing of it must stand in the way of the others.
way oneshot
report oneshot
xenstored_alive oneshot || exit 1
D=$L/xen-netmodesd
$D
export XEN_NETMODES_DAEMON=yes
way daemon
unset XEN_NETMODES_DAEMON
pkill -TERM -f xen-netmodesd
report daemon
xenstored_alive daemon || exit 1
way debian
report debian
xenstored_alive debian
check "every figure run created its guests" test "$(cat "$T"/*.creates | wc -l)" = $((6 * N))
say "# figure: the hotplug call, Debian's over ours: one-shot $(awk -v a="$debian_h" -v b="$oneshot_h" 'BEGIN {printf "%.1fx", a / b}'), daemon $(awk -v a="$debian_h" -v b="$daemon_h" 'BEGIN {printf "%.1fx", a / b}')"
finish
