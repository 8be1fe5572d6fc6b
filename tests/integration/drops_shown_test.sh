#!/bin/bash
# Who is spoofing (issue 34): a filtered guest's spoofed frames counted by
# kind and shown by xen-netmodes status (text and JSON), check and status
# --watch (rates per second); a filtered guest that sent nothing shows 0, an
# unfiltered one no counts at all; every bad option refused with its reason.
TEST_NAME="drops_shown"
. "$(dirname "$0")/lib.sh"
lab_start

HF=$(realpath "$LIB/../../tools/hostile_frames.py")
BR=xenbr0
MAC1=00:16:3e:00:00:01
MAC2=00:16:3e:00:00:02
MAC3=00:16:3e:00:00:03

make_dom0 $BR 10.78.0.1
for g in 1 2 3; do
	make_guest "$g" 0 "00:16:3e:00:00:0$g" "10.78.0.1$g/24"
	# IPv4 alone: the counts are the test's frames, nothing the guests' IPv6 sends by itself
	in_ns "$(guest_ns "$g")" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
done
G1=$(guest_ns 1)
xs_vif 1 0 $MAC1 bridge=$BR ip=10.78.0.11
xs_vif 2 0 $MAC2 bridge=$BR ip=10.78.0.12
xs_vif 3 0 $MAC3 bridge=$BR # no ip: not filtered

# spoof KIND...: guest 1 sends these hostile frames to guest 2
spoof() {
	in_ns "$G1" python3 "$HF" send --iface eth0 --tag F --ip4 10.78.0.11 --to4 10.78.0.12 --gw-mac $MAC2 \
		--spoof-mac 00:16:3e:00:00:99 --foreign4 10.78.0.99 "$@"
}
# vif_status VIF: its block of xen-netmodes status
vif_status() {
	xnm_status | sed -n "/^$1 /,/^[^ ]/p" | sed '$!b; /^[^ ]/d'
}

echo "# three guests online; nothing dropped yet"
for g in 1 2 3; do
	check "vif$g.0 online" hotplug vif-bridge "$g" 0 online
done
check "vif1.0 is filtered" port_filtered bridge vif1.0
check_fails "vif3.0 is not" port_filtered bridge vif3.0
check "status: vif1.0 dropped nothing yet" grep -qx "  dropped: 0" <<<"$(vif_status vif1.0)"
check_fails "status: vif3.0, unfiltered, has no counts" grep -q "dropped" <<<"$(vif_status vif3.0)"

echo "# guest 1 spoofs its MAC three times, its IPv4 address twice"
check "guest 1 sends them" spoof mac mac mac ip4-src ip4-src
status_has() { grep -qx "$2" <<<"$(vif_status "$1")"; }
check "status: vif1.0 dropped 5, by kind" eventually 30 status_has vif1.0 "  dropped: 5 (mac 3, ipv4 2)"
check "status: vif2.0 dropped none" status_has vif2.0 "  dropped: 0"
check_fails "status: vif3.0 still has no counts" grep -q "dropped" <<<"$(vif_status vif3.0)"

echo "# status --json"
json=$(xnm_status --json)
check "status --json is JSON" python3 -m json.tool <<<"$json"
# json_drops VIF: a vif's drops object, packets by kind and the totals: "mac=3 ipv4=2 ... total=5/BYTES>0"
json_drops() {
	python3 -c '
import json, sys
vifs = {v["vif"]: v for v in json.load(sys.stdin)}
d = vifs[sys.argv[1]]["drops"]
if d is None:
    print("null")
    sys.exit()
kinds = ["mac", "ipv4", "ipv6", "arp", "dhcp", "ra", "nd", "vlan", "other"]
assert list(d) == kinds + ["total"], list(d)
assert d["total"]["packets"] == sum(d[k]["packets"] for k in kinds)
assert d["total"]["bytes"] == sum(d[k]["bytes"] for k in kinds)
print(" ".join("%s=%d" % (k, d[k]["packets"]) for k in kinds + ["total"]), "bytes>0" if d["total"]["bytes"] else "bytes=0")
' "$1" <<<"$json"
}
check_eq "status --json: vif1.0's drops, every kind and the total" \
	"mac=3 ipv4=2 ipv6=0 arp=0 dhcp=0 ra=0 nd=0 vlan=0 other=0 total=5 bytes>0" "$(json_drops vif1.0)"
check_eq "status --json: vif2.0's, all zero" \
	"mac=0 ipv4=0 ipv6=0 arp=0 dhcp=0 ra=0 nd=0 vlan=0 other=0 total=0 bytes=0" "$(json_drops vif2.0)"
check_eq "status --json: vif3.0, unfiltered: null" null "$(json_drops vif3.0)"

echo "# check"
check_eq "check vif1.0: in place, its drops by kind" "vif1.0: in place
vif1.0: dropped: 5 (mac 3, ipv4 2)" "$(xnm_check vif1.0)"
check_eq "check vif2.0: in place, nothing dropped" "vif2.0: in place
vif2.0: dropped: 0" "$(xnm_check vif2.0)"
check_eq "check vif3.0: in place, no counts" "vif3.0: in place" "$(xnm_check vif3.0)"

echo "# status --watch --count 2 --interval 1, guest 1 spoofing all along"
(
	for _ in $(seq 30); do
		spoof mac >/dev/null 2>&1 || true
		sleep 0.1
	done
) &
sender=$!
BACKGROUND+=("$sender")
rc=0
in_dom0 "$BUILD/xen-netmodes" status --watch --count 2 --interval 1 >"$TMP/watch" 2>"$TMP/watch.err" || rc=$?
kill_own "$sender"
wait "$sender" 2>/dev/null || true
watch=$(cat "$TMP/watch")
check_eq "--watch --count 2: exit 0, nothing on stderr" "0 " "$rc $(cat "$TMP/watch.err")"
check_eq "two blocks" 2 "$(grep -c '^drops per second over the last [0-9.]* s:$' <<<"$watch")"
check_eq "a blank line between them, no escape sequence (not a terminal)" "1 0" \
	"$(grep -c '^$' <<<"$watch") $(grep -c $'\e' <<<"$watch")"
check "vif1.0: its MAC drops per second, and its count in all" grep -Eq \
	'^vif1\.0 \(bridge\): [0-9.]+/s \(mac [0-9.]+/s\); [0-9]+ in all$' <<<"$watch"
check_fails "never its IPv4 ones (it sent none meanwhile)" grep -q "^vif1.0 .*ipv4" <<<"$watch"
check_eq "vif2.0: nothing, in each block" "vif2.0 (bridge): 0/s; 0 in all
vif2.0 (bridge): 0/s; 0 in all" "$(grep '^vif2.0 ' <<<"$watch")"
check_fails "vif3.0, unfiltered, not listed" grep -q "^vif3.0 " <<<"$watch"
check "the totals" grep -Eq '^total: [0-9.]+/s \(mac [0-9.]+/s\); [0-9]+ in all$' <<<"$watch"
last_failed && evidence <<<"$watch"

echo "# --watch until a signal: exit 0"
for sig in TERM INT; do
	in_dom0 --exec "$BUILD/xen-netmodes" status --watch --interval 0.2 >"$TMP/watch.$sig" 2>&1 &
	pid=$!
	BACKGROUND+=("$pid")
	check "--watch refreshes until SIG$sig" eventually 50 grep -q '^total: ' "$TMP/watch.$sig"
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	check_eq "SIG$sig ends it, exit 0" 0 "$rc"
done

echo "# bad options: exit 1, the reason and the usage"
bad() { # DESCRIPTION EXPECTED-FIRST-LINE ARGS...
	local desc=$1 want=$2 rc=0 out err
	shift 2
	out=$(in_dom0 "$BUILD/xen-netmodes" status "$@" 2>"$TMP/bad.err") || rc=$?
	err=$(cat "$TMP/bad.err")
	check_eq "$desc: exit 1, nothing on stdout, the reason" "1 
xen-netmodes status: $want" "$rc $out
$(head -n 1 <<<"$err")"
	check "$desc: then the usage" grep -q '^usage: xen-netmodes status' <<<"$err"
}
bad "--interval 0" 'invalid --interval "0": expected seconds from 0.1 to 86400, as 2 or 0.5' --watch --interval 0
bad "--interval abc" 'invalid --interval "abc": expected seconds from 0.1 to 86400, as 2 or 0.5' --watch --interval abc
bad "--interval=-1" 'invalid --interval "-1": expected seconds from 0.1 to 86400, as 2 or 0.5' --watch --interval=-1
bad "--interval without its value" '--interval needs a value: seconds, as 2 or 0.5' --watch --interval
bad "--count 0" 'invalid --count "0": expected 1 or more refreshes' --watch --count 0
bad "--count x" 'invalid --count "x": not a decimal number' --watch --count x
bad "--interval without --watch" '--interval and --count go with --watch' --interval 1
bad "--watch --json" '--watch shows rates as text: it does not go with --json' --watch --json
bad "an extra word" 'unexpected argument "now"' --watch now

echo "# an offline takes the counts with it"
check "vif1.0 offline" hotplug vif-bridge 1 0 offline
check_fails "status: vif1.0 has no counts left" grep -q "dropped" <<<"$(vif_status vif1.0)"
check "vif1.0 online again" hotplug vif-bridge 1 0 online
check "status: counted from zero again" status_has vif1.0 "  dropped: 0"

finish
