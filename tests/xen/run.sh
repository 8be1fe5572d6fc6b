#!/bin/bash
# The real-Xen suite: builds the images (tests/xen/images.sh), boots Debian's
# Xen with a Debian dom0 under QEMU (software emulation), lets the
# scenarios in tests/xen/scenarios run there under the real xl, xenstored
# and netback, and reads their results from the serial console.
#
#   run.sh [CACHE_DIR]       (default build/xen/RELEASE)
#
# XNM_XEN_RELEASE=13 (the default: Debian 13, Xen 4.20, kernel 6.12,
# trixie's userland) or 12 (Debian 12, Xen 4.17, kernel 6.1): tests/xen/release.sh.
#
# dom0 has three pairs of NICs, each pair joined by datagram Unix sockets
# (a wire): eth0-eth1 (eth0 the host's uplink, eth1 moved into a namespace
# that plays the LAN host), eth2-eth3 and eth4-eth5 (a bond's two slaves and
# their LAN side). No packet leaves this machine.
#
# XNM_XEN_SCENARIOS="60-vlan 70-strict" runs only those scenarios.
# Exits 0 only when every check passed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-cpu.sh"
. "$here/../procs.sh" # kill_own, own_child: never a reaped job's PID
. "$here/release.sh"
CACHE=$(release_cache "${1:-}") || { echo "real-xen: 0 passed, 1 failed (cache)"; exit 1; }
echo "# real-xen: Debian $XNM_XEN_RELEASE ($XEN_SUITE), Xen $XEN_VER"
"$here/images.sh" "$CACHE" || { echo "real-xen: 0 passed, 1 failed (images)"; exit 1; }

run=$(mktemp -d /tmp/xnm-xen.XXXXXX)
log=$run/console.log
: >"$log"
qemu_pid=
# the whole console stays in CACHE/console.log for reading afterwards
cleanup() {
	kill_own "$qemu_pid"
	[ -n "$qemu_pid" ] && wait "$qemu_pid" 2>/dev/null
	cp "$log" "$CACHE/console.log"
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nic() { # nic ID LOCAL REMOTE: a NIC whose wire is a pair of Unix datagram sockets
	echo "-netdev dgram,id=$1,local.type=unix,local.path=$run/$2,remote.type=unix,remote.path=$run/$3"
	echo "-device virtio-net-pci,netdev=$1,mac=52:54:00:12:34:0${1#n}"
}

# Xen's command line: smap=0, or the PV dom0 dies at its first instructions.
xen_cmdline="smap=0 console=com1 com1=115200,8n1 dom0_mem=${XNM_XEN_DOM0_MEM:-1024}M,max:${XNM_XEN_DOM0_MEM:-1024}M noreboot loglvl=warning guest_loglvl=none"
dom0_cmdline="console=hvc0 earlyprintk=xen rdinit=/init quiet loglevel=1"
if [ -n "${XNM_XEN_SCENARIOS:-}" ]; then
	only=$(echo "$XNM_XEN_SCENARIOS" | tr ' ' ',')
	case $only in *[!0-9a-z,-]*) echo "real-xen: bad XNM_XEN_SCENARIOS: $only"; exit 1 ;; esac
	# QEMU's -initrd separates its modules with commas: ",," is one comma
	dom0_cmdline="$dom0_cmdline xnm.only=${only//,/,,}"
fi
# XNM_FIGURES_N=N: the figures' number of guests (figures.sh; default 20);
# XNM_XEN_MEM, XNM_XEN_DOM0_MEM: the emulated host's and dom0's memory in
# MiB (default 3072 and 1024); XNM_XEN_SMP: its CPUs (default 2)
case ${XNM_XEN_SMP:-2} in
*[!0-9]* | 0) echo "real-xen: bad XNM_XEN_SMP: $XNM_XEN_SMP"; exit 1 ;;
esac
case ${XNM_FIGURES_N:-} in
'') ;;
*[!0-9]*) echo "real-xen: bad XNM_FIGURES_N: $XNM_FIGURES_N"; exit 1 ;;
*) dom0_cmdline="$dom0_cmdline xnm.figures_n=$XNM_FIGURES_N" ;;
esac
debug_nic=()
limit=2700 # seconds: the whole boot and every scenario (CI machines have been 2x slower)
if [ -n "${XNM_XEN_DEBUG:-}" ]; then
	dom0_cmdline="$dom0_cmdline xnm.debug"
	debug_nic=(-netdev "user,id=n9,restrict=on,net=192.168.76.0/24,hostfwd=tcp:127.0.0.1:17000-:7000"
		-device virtio-net-pci,netdev=n9,mac=52:54:00:12:34:99)
	limit=7200
fi
# shellcheck disable=SC2046
timeout "$limit" qemu-system-x86_64 -machine q35 -cpu "$XNM_QEMU_CPU" -m "${XNM_XEN_MEM:-3072}" -smp "${XNM_XEN_SMP:-2}" \
	-display none -monitor none -serial stdio -no-reboot \
	$(nic n1 a b) $(nic n2 b a) $(nic n3 c d) $(nic n4 d c) $(nic n5 e f) $(nic n6 f e) "${debug_nic[@]}" \
	-kernel "$CACHE/xen" -append "$xen_cmdline" \
	-initrd "$CACHE/vmlinuz $dom0_cmdline,$CACHE/dom0.cpio.gz" \
	</dev/null >>"$log" 2>&1 &
qemu_pid=$!

# Follow the console until dom0 says it is done (or QEMU ends).
passed=0 failed=0 done=0
while read -r line; do
	line=${line//$'\r'/}
	case $line in
	"XNM ok "*) passed=$((passed + 1)); echo "${line#XNM }" ;;
	"XNM not ok "*) failed=$((failed + 1)); echo "${line#XNM }" ;;
	"XNM done") done=1; break ;;
	"XNM "*) echo "${line#XNM }" ;;
	esac
done < <(tail -n +1 --pid=$qemu_pid -f "$log")
# dom0 powers off; QEMU may take a moment to notice
for _ in $(seq 30); do own_child "$qemu_pid" || break; sleep 1; done
if [ $done -ne 1 ]; then
	echo "# dom0 never finished; the console's last lines:"
	tail -n 30 "$log" | sed 's/^/#   /'
	failed=$((failed + 1))
fi
echo "real-xen: $passed passed, $failed failed"
[ $failed -eq 0 ]
