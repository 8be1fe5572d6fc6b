#!/bin/bash
# The drop log (issue 34): a guest that spoofs is named in xen-hotplug.log
# by xen-netmodesd, from the kernel's own line for its port (at most one a
# minute per port): the domain's name and id, the vif, the kind and the
# counts. A flood of 67 s makes exactly two lines for its vif; another
# vif's drops a line of their own, without a name when the domain has none
# in xenstore; a port that is not the project's, none, though the kernel
# logs it. /dev/kmsg is the host's: every check matches this suite's own
# vifs (vif71.0 to vif74.0), whatever else the host logs. vif74.0 is
# routed: its counts are the inet table's.
TEST_NAME="drop_log"
. "$(dirname "$0")/lib.sh"
lab_start

# The kernel logs a namespace's packets only with this set; what it was is put back.
NF_LOG_ALL_NETNS=/proc/sys/net/netfilter/nf_log_all_netns
nf_log_was=$(cat "$NF_LOG_ALL_NETNS")
on_exit() {
	local rc=$?
	echo "$nf_log_was" >"$NF_LOG_ALL_NETNS"
	(exit "$rc")
	cleanup
}
trap on_exit EXIT
echo 1 >"$NF_LOG_ALL_NETNS"

BR=xenbr0
FLOOD=67 # seconds: the kernel's limit lets the second minute's first drop through, no third
make_dom0 $BR 10.71.0.1
make_guest 71 0 00:16:3e:00:71:71 10.71.0.71/24
make_guest 72 0 00:16:3e:00:71:72 10.71.0.72/24
make_guest 73 0 00:16:3e:00:71:73 10.71.0.73/24
G71=$(guest_ns 71)
G72=$(guest_ns 72)
G73=$(guest_ns 73)
make_guest 74 0 00:16:3e:00:71:74 10.71.4.74/32
G74=$(guest_ns 74)
xs_vif 71 0 00:16:3e:00:71:71 bridge=$BR ip=10.71.0.71
xs_vif 72 0 00:16:3e:00:71:72 bridge=$BR ip=10.71.0.72
xenstore-write /local/domain/71/name web
xenstore-rm /local/domain/72/name # a domain xenstore names not
VIF_SCRIPT=vif-route xs_vif 74 0 00:16:3e:00:71:74 ip=10.71.4.74
xenstore-write /local/domain/74/name routed-one

# spoof NS KIND [SECONDS]: frames from guest namespace NS its port drops as KIND (send_packet.py).
spoof() {
	in_ns "$1" python3 "$SEND_PACKET" spoof eth0 "$2" "${3:-0}"
}
# daemon_lines VIF: the daemon's drop lines for VIF in xen-hotplug.log, without their stamps.
daemon_lines() {
	grep -s "xen-netmodesd\[[0-9]*\]: .*\b$1 .*dropping frames" "$HOTPLUG_LOG" | sed 's/^[^ ]* [^ ]* //' || true
}
# kernel_lines VIF: the kernel's own drop lines for VIF since the suite began (read_kmsg).
kernel_lines() {
	grep -c "xen-netmodes drop [a-z0-9]*: IN=$1 " "$TMP/kmsg" || true
}
# read_kmsg: what the kernel logs from now on, into $TMP/kmsg, one record a line.
read_kmsg() {
	python3 -u -c '
import os, sys
fd = os.open("/dev/kmsg", os.O_RDONLY)
os.lseek(fd, 0, os.SEEK_END)
print("READY", flush=True)
while True:
    try:
        rec = os.read(fd, 8192)
    except BrokenPipeError:
        continue
    sys.stdout.write(rec.decode(errors="replace").split("\n")[0] + "\n")
' >"$TMP/kmsg" &
	BACKGROUND+=("$!")
	eventually 50 grep -qx READY "$TMP/kmsg"
}
has_lines() { # VIF N: the daemon wrote N lines for VIF
	[ "$(daemon_lines "$1" | wc -l)" -eq "$2" ]
}

echo "# a guest that spoofs, named"
check "the kernel's log is read from here on" read_kmsg
check "xen-netmodesd starts" start_daemon
check "vif71.0 online" hotplug vif-bridge 71 0 online XEN_NETMODES_DAEMON=yes
check "vif72.0 online" hotplug vif-bridge 72 0 online XEN_NETMODES_DAEMON=yes
check "vif71.0 is filtered" port_filtered bridge vif71.0
check_eq "no drop line before any drop" "" "$(daemon_lines vif71.0)"
spoof "$G71" mac "$FLOOD" &
flood=$!
BACKGROUND+=("$flood")
check "a line for vif71.0 within seconds of its first spoofed frame" eventually 50 has_lines vif71.0 1
line=$(daemon_lines vif71.0 | head -n 1)
check "it names the guest, its domain, its vif and the kind" \
	grep -Eq '^guest web \(domain 71\) vif71\.0 started dropping frames: mac \(dropped so far: mac [1-9][0-9]*\)$' <<<"$line"
echo "# $line"
first=${line##*mac }
first=${first%)}

echo "# another vif's drops: a line of their own"
spoof "$G72" ip4
check "a line for vif72.0" eventually 50 has_lines vif72.0 1
check "a domain without a name is named by its id" \
	grep -Eq '^domain 72 vif72\.0 started dropping frames: ipv4 \(dropped so far: ipv4 1\)$' \
	<<<"$(daemon_lines vif72.0)"
echo "# $(daemon_lines vif72.0)"

echo "# a routed vif: its counts from the inet table"
check "vif74.0 online (vif-route, dom0's address on $BR)" hotplug vif-route 74 0 online netdev=$BR \
	XEN_NETMODES_DAEMON=yes
spoof "$G74" ip4
check "a line for vif74.0" eventually 50 has_lines vif74.0 1
# the kind of its first drop: a guest's own early IPv6 may come before the spoofed datagram
check "it names the guest, its domain and its vif, with counts" \
	grep -Eq '^guest routed-one \(domain 74\) vif74\.0 started dropping frames: [a-z0-9]+ \(dropped so far: [a-z0-9]+ [1-9][0-9]*(, [a-z0-9]+ [1-9][0-9]*)*\)$' \
	<<<"$(daemon_lines vif74.0)"
echo "# $(daemon_lines vif74.0)"

echo "# a port that is not the project's: the kernel's line alone"
ip -n "$D0" link set vif73.0 master $BR up
ip netns exec "$D0" nft -f - <<'NFT'
table bridge other {
	chain pre {
		type filter hook prerouting priority 10;
		iifname "vif73.0" log prefix "xen-netmodes drop mac: " drop
	}
}
NFT
spoof "$G73" mac
check "the kernel logs vif73.0's drop" eventually 50 test "$(kernel_lines vif73.0)" -ge 1
ip netns exec "$D0" nft delete table bridge other

echo "# a flood of $FLOOD s: one line a minute"
check "vif71.0's flood ran its ${FLOOD} s" wait "$flood"
sleep 2 # the kernel's last line read
check_eq "the kernel logged vif71.0's drops twice" 2 "$(kernel_lines vif71.0)"
check "and the daemon wrote two lines for it" has_lines vif71.0 2
line=$(daemon_lines vif71.0 | tail -n 1)
check "the second says it drops still, with more counted" \
	grep -Eq '^guest web \(domain 71\) vif71\.0 is still dropping frames: mac \(dropped so far: mac [1-9][0-9]*\)$' <<<"$line"
echo "# $line"
count=${line##*mac }
check "more than the first time" test "${count%)}" -gt "$first"
check_eq "vif72.0 kept its one line" 1 "$(daemon_lines vif72.0 | wc -l)"
check_eq "no line for vif73.0, not the project's" "" "$(daemon_lines vif73.0)"
check "the daemon's standard error has them too, as syslog has" \
	grep -q "xen-netmodesd: guest web (domain 71) vif71.0 is still dropping frames: mac" "$TMP/daemon.log"

check "vif71.0 offline" hotplug vif-bridge 71 0 offline XEN_NETMODES_DAEMON=yes
check "vif72.0 offline" hotplug vif-bridge 72 0 offline XEN_NETMODES_DAEMON=yes
check "vif74.0 offline" hotplug vif-route 74 0 offline netdev=$BR XEN_NETMODES_DAEMON=yes
check "xen-netmodesd still running" kill -0 "$DAEMON_PID"
stop_daemon
check "xen-netmodesd logged no sanitizer report" bash -c "! grep -q 'Sanitizer' '$TMP/daemon.log'"
summary "$TEST_NAME"
