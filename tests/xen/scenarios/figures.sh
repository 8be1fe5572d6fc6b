# Figures, not pass/fail (make bench-xen): in one boot, `xl create` of one
# guest and of N in a row, and N at once, three ways: the vif's script
# Debian's shell vif-bridge (diverted to vif-bridge.distrib by the package), this
# project's one-shot, and this project's through xen-netmodesd; and a row
# whose vif script is /bin/true, the floor under all three. Each vif's
# script is a wrapper that times it from fork to exit (probe time): the
# hotplug's own share of each create. The wrapper (a dash and the probe)
# costs each create the same in all three ways. Then vif-openvswitch beside
# vif-bridge, per call, on Open vSwitch's kernel datapath (ovs_calls). An
# emulated host: ratios travel, absolute times do not.
. /xnm/lib.sh
N=${FIGURES_N:-20}
grep -q xnm.figures_n= /proc/cmdline && N=$(sed -n "s/.*xnm\.figures_n=\([0-9]*\).*/\1/p" /proc/cmdline)

ip link add xenbr1 type bridge 2>/dev/null
ip link set xenbr1 up
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
sum() { awk '{s += $1} END {printf "%.0f", s}'; }
over() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", a / b}'; } # A / B as a ratio
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", a - b}'; }  # A - B, whole
ms_since() { awk -v t0="$1" -v t1="$EPOCHREALTIME" 'BEGIN {printf "%.0f\n", (t1 - t0) * 1000}'; }

# wrapper WAY SCRIPT: the vif script of WAY, SCRIPT timed into $T/WAY.hotplug
wrapper() {
	printf '#!/bin/sh\nexec probe time %s %s "$@"\n' "$T/$1.hotplug" "$2" >"$T/$1.sh"
	chmod +x "$T/$1.sh"
}
wrapper noop /bin/true # the floor: a process forked and exec'd as the scripts are, doing nothing
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

# one WAY I [once]: xl create of fI; its wall time (ms) into $T/WAY.creates.
# In a row, a create xl itself fails under the emulation (Xen's builder
# failing to unpack the kernel, as lib.sh's create says) is shown and made
# once more, its time not counted. At once, each create is tried once: a
# second try would not be at once; a failure is shown and counted.
one() {
	local t0 rc=0 try tries=2
	[ "${3:-}" = once ] && tries=1
	for try in $(seq $tries); do
		t0=$EPOCHREALTIME
		rc=0
		xl create "$(cfg "$1" "$2")" >"$T/f$2.xl" 2>&1 || rc=$?
		if [ $rc -eq 0 ]; then
			ms_since "$t0" >>"$T/$1.creates"
			return 0
		fi
		say "# $1: xl create f$2 failed ($rc), try $try:"
		grep -m 3 'error\|fail' "$T/f$2.xl" | evidence 3
		echo "f$2" >>"$T/$1.failed"
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

online() { grep ' online' "$1" | cut -d' ' -f1; }

# row WAY: N creates in a row (kept up), its figures said at once, all destroyed
row() {
	local w=$1 t0 i first hf c h hs
	: >"$T/$w.hotplug"
	: >"$T/$w.creates"
	: >"$T/$w.failed"
	t0=$EPOCHREALTIME
	for i in $(seq "$N"); do one "$w" "$i"; done
	t0=$(ms_since "$t0")
	first=$(head -n 1 "$T/$w.creates")
	hf=$(online "$T/$w.hotplug" | head -n 1)
	c=$(median <"$T/$w.creates")
	h=$(online "$T/$w.hotplug" | median)
	hs=$(online "$T/$w.hotplug" | sum)
	say "# figure: $w: one xl create ${first} ms, of which hotplug ${hf} ms (the $N in a row: create median ${c} ms, hotplug median ${h} ms)"
	say "# figure: $w: $N in a row $t0 ms, of which hotplug $hs ms; creates made $(wc -l <"$T/$w.creates"), failures $(wc -l <"$T/$w.failed")"
	eval "${w}_h=$h"
	destroy_all
}

# burst WAY: N creates at once, its figures said, all destroyed. Under the
# emulation a burst of xl creates has gone on past xl's own time bound (the
# cause not found): the burst is given BURST_S seconds, and what has not
# ended by then is said and left behind.
BURST_S=420
burst() {
	local w=$1 t0 i left
	: >"$T/$w.hotplug"
	: >"$T/$w.creates"
	: >"$T/$w.failed"
	t0=$EPOCHREALTIME
	for i in $(seq "$N"); do one "$w" "$i" once & done
	# each create ends as a line in WAY.creates or WAY.failed
	until_ok "$BURST_S" sh -c "test \$(cat '$T/$w.creates' '$T/$w.failed' | wc -l) -ge $N"
	t0=$(ms_since "$t0")
	left=$((N - $(cat "$T/$w.creates" "$T/$w.failed" | wc -l)))
	say "# figure: $w: $N at once $t0 ms, hotplug median $(online "$T/$w.hotplug" | median) ms, max $(online "$T/$w.hotplug" | sort -n | tail -n 1) ms; creates made $(wc -l <"$T/$w.creates"), failed $(wc -l <"$T/$w.failed"), still running after ${BURST_S} s $left"
	destroy_all
}

# xenstored_alive STEP: whether xenstored outlived STEP (under the emulation
# it has not always: every create after it then fails or hangs)
xenstored_alive() {
	pidof xenstored >/dev/null && return 0
	say "# figure: xenstored is gone after $1: the figures after it cannot be made"
	return 1
}

# vif-openvswitch beside vif-bridge, per call (issue 32), on the kernel's
# datapath as a Debian host runs Open vSwitch (lib.sh's ovs_db_start and
# ovs_switchd_start, as 65-ovs.sh): one small guest, a vif attached and detached OVS_K times on each way
# in turn, vif-bridge on xenbr1, this project's and Debian's
# vif-openvswitch on ovsbr0, each call timed by the wrapper above.
OVS_K=${OVS_K:-15}
wrapper ovs "$S/vif-openvswitch"
wrapper ovsdebian "$S/vif-openvswitch.distrib"
wrapper bridge "$S/vif-bridge"
ovs_start() {
	ovs_db_start && ovs_switchd_start && ovs-vsctl --timeout=20 add-br ovsbr0 && ip link set ovsbr0 up
}
ovs_calls() {
	local i w c
	check "Open vSwitch runs, ovsbr0 on the kernel's datapath" ovs_start || return 0
	check "xl create fo (one vif on xenbr1)" create fo 10.9.3.200/24 10.9.3.1 "mac=00:16:3e:00:04:01, bridge=xenbr1"
	for w in bridge ovs ovsdebian; do : >"$T/$w.hotplug"; done
	for i in $(seq "$OVS_K"); do
		for w in bridge:xenbr1 ovs:ovsbr0 ovsdebian:ovsbr0; do
			xl network-attach fo mac=00:16:3e:00:04:02 ip=10.9.3.201 bridge="${w#*:}" script="$T/${w%%:*}.sh" \
				>/dev/null 2>&1 || say "# figure: ${w%%:*}: attach $i failed"
			xl network-detach fo 1 >/dev/null 2>&1 || say "# figure: ${w%%:*}: detach $i failed"
		done
	done
	for w in bridge ovs ovsdebian; do
		for c in online offline; do
			eval "${w}_$c=$(grep " $c" "$T/$w.hotplug" | cut -d' ' -f1 | median)"
		done
		say "# figure: $w: vif online median $(eval echo "\$${w}_online") ms, offline median $(eval echo "\$${w}_offline") ms ($(grep -c ' online' "$T/$w.hotplug") calls)"
	done
	say "# figure: vif-openvswitch online over vif-bridge online: ours $(over "$ovs_online" "$bridge_online"), Debian's $(over "$ovsdebian_online" "$bridge_online")"
	xl destroy fo >/dev/null 2>&1
}

# This project's ways first: Debian's, 20 at once, loads the host the most
# (libxl's hotplug timeout kills its scripts, some abort under the
# emulation), and nothing of it must stand in the way of the others. The
# rows first, then the bursts: a burst can leave the host unusable.
D=$L/xen-netmodesd
with_daemon() { # CMD...: CMD with every call through xen-netmodesd
	$D
	XEN_NETMODES_DAEMON=yes "$@"
	stop_netmodesd
}
row noop
row oneshot
xenstored_alive "the one-shot's row" || exit 1
with_daemon row daemon
xenstored_alive "the daemon's row" || exit 1
row debian
xenstored_alive "Debian's row" || exit 1
ovs_calls
xenstored_alive "the Open vSwitch calls" || exit 1
burst oneshot
xenstored_alive "the one-shot's burst" || exit 1
with_daemon burst daemon
xenstored_alive "the daemon's burst" || exit 1
burst debian
xenstored_alive "Debian's burst"
check "no figure run's create failed" test -z "$(cat "$T"/*.failed)"
say "# figure: the hotplug call, Debian's over ours: one-shot $(over "$debian_h" "$oneshot_h"), daemon $(over "$debian_h" "$daemon_h")"
say "# figure: the hotplug call above the no-op's ($noop_h ms): Debian's $(minus "$debian_h" "$noop_h") ms, one-shot $(minus "$oneshot_h" "$noop_h") ms, daemon $(minus "$daemon_h" "$noop_h") ms"
finish
