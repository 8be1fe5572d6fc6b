#!/bin/bash
# make lab: the seed's two-host lab on real Xen. Boots two Xen hosts
# under QEMU, alice and bob (the real-Xen rig's images, tests/xen/images.sh),
# each with one NIC, eth24, the two joined by a pair of Unix datagram
# sockets (the LAN: no packet leaves this machine). Alice tells the story
# (tests/xen/lab/alice.sh) and runs bob's part on bob over the LAN
# (tests/xen/lab/bob.sh); this script prints it as it comes.
#
#   lab.sh [CACHE_DIR]     (default build/xen/RELEASE; XNM_LAB_IMAGES=keep: the
#                           images as they are, when something just built them)
# XNM_XEN_RELEASE=12|13: Debian 12's Xen 4.17 or 13's Xen 4.20 (release.sh).
# Exits 0 only when every step held. Both QEMUs go when it ends, however it ends.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-cpu.sh"
. "$here/../procs.sh" # kill_own, own_child: never a reaped job's PID
. "$here/release.sh"
CACHE=$(release_cache "${1:-}") || { echo "lab: 0 passed, 1 failed (cache)"; exit 1; }
if [ "${XNM_LAB_IMAGES:-}" != keep ] || [ ! -s "$CACHE/dom0.cpio.gz" ]; then
	"$here/images.sh" "$CACHE" >/dev/null || { echo "lab: 0 passed, 1 failed (images)"; exit 1; }
fi

run=$(mktemp -d /tmp/xnm-lab.XXXXXX)
pids=()
cleanup() {
	local p
	kill_own "${pids[@]}"
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for h in alice bob; do [ -e "$run/$h.log" ] && cp "$run/$h.log" "$CACHE/lab-$h.log"; done
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

bold=
plain=
if [ -t 1 ]; then
	bold=$(printf '\033[1m')
	plain=$(printf '\033[0m')
fi

xen_cmdline="smap=0 console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M noreboot loglvl=warning guest_loglvl=none"
limit=${XNM_LAB_LIMIT:-1500} # seconds, both boots and the whole story
# boot HOST N: host HOST, its eth24 the wire's end N (its MAC 52:54:00:24:00:0N)
boot() {
	local local_end=$1 remote_end
	[ "$1" = alice ] && remote_end=bob || remote_end=alice
	: >"$run/$1.log"
	timeout "$limit" qemu-system-x86_64 -machine q35 -cpu "$XNM_QEMU_CPU" -m 2048 -smp 2 \
		-display none -monitor none -serial stdio -no-reboot \
		-netdev "dgram,id=lan,local.type=unix,local.path=$run/$local_end.sock,remote.type=unix,remote.path=$run/$remote_end.sock" \
		-device "virtio-net-pci,netdev=lan,mac=52:54:00:24:00:0$2" \
		-kernel "$CACHE/xen" -append "$xen_cmdline" \
		-initrd "$CACHE/vmlinuz console=hvc0 earlyprintk=xen rdinit=/init quiet loglevel=1 xnm.lab=$1,$CACHE/dom0.cpio.gz" \
		</dev/null >>"$run/$1.log" 2>&1 &
	pids+=($!)
}
boot bob 2
boot alice 1

# Alice's console, as it comes: steps, commands and their output, checks.
# In the background, waited for: a wait, unlike a read, ends at a signal.
follow() {
	local passed=0 failed=0 done=0 line
	while read -r line; do
		line=${line//$'\r'/}
		case $line in
		"XNM step "*) printf '\n%s== %s%s\n' "$bold" "${line#XNM step }" "$plain" ;;
		"XNM ok "*) passed=$((passed + 1)); echo "${line#XNM }" ;;
		"XNM not ok "*) failed=$((failed + 1)); echo "${line#XNM }" ;;
		"XNM # lab: "*) ;;
		"XNM done") done=1; break ;;
		"XNM "*) echo "${line#XNM }" ;;
		esac
	done < <(tail -n +1 --pid="${pids[1]}" -f "$run/alice.log")
	echo "$passed $failed $done" >"$run/counts"
}
follow &
pids+=($!)
wait "${pids[2]}"
passed=0 failed=0 done=0
[ -s "$run/counts" ] && read -r passed failed done <"$run/counts"
# both hosts power off once the story is over
for _ in $(seq 30); do
	own_child "${pids[0]}" || own_child "${pids[1]}" || break
	sleep 1
done
if [ $done -ne 1 ]; then
	echo "# alice never finished; her console's last lines, then bob's:"
	tail -n 25 "$run/alice.log" | sed 's/^/#   alice: /'
	tail -n 10 "$run/bob.log" | sed 's/^/#   bob: /'
	failed=$((failed + 1))
fi
echo
echo "lab: $passed passed, $failed failed"
[ $failed -eq 0 ]
