#!/bin/bash
# The text of a corpus of calls, for a refactor that must change no
# behaviour: every mode's --dry-run (fresh, and over what a real call left),
# the rules the real calls generate, status and check. Run it on the build
# before and after, and diff the two outputs: they must be byte for byte
# the same.
#   dry_run_corpus.sh BUILD_DIR > OUT
TEST_NAME="dry-run-corpus"
. "$(dirname "$0")/../integration/lib.sh"
lab_start
export XEN_NETMODES_CONF=$TMP/xen-netmodes.conf
printf 'dhcp=dnsmasq\n' >"$XEN_NETMODES_CONF"

# names and paths that differ between two runs
mask() { sed -E -e "s/xnm$ID-/NS-/g" -e "s|$TMP|TMP|g" -e "s/fe80::[0-9a-f:]+/fe80::LL/g"; }
dry() { # TITLE CMD...: the call's output and status
	local t=$1 rc=0 out
	shift
	out=$("$@" 2>&1) || rc=$?
	printf '== %s (exit %s)\n%s\n' "$t" "$rc" "$out" | mask
}
dryhp() { # TITLE SCRIPT DOMID COMMAND [ARGS]
	local t=$1 rc=0 out
	shift
	out=$(hotplug "$@" XEN_NETMODES_DRY_RUN=1 2>&1) || rc=$?
	printf '== %s (exit %s)\n%s\n' "$t" "$rc" "$out" | mask
}
rules() { printf '== rules: %s\n' "$1"; in_ns "$D0" nft list ruleset | mask; }

lan_dom0 "xnm$ID-lan" 192.168.60
# a fixed MAC (network-bridge's text carries it), then the link-local made from it
ip -n "$D0" link set eth0 down
ip -n "$D0" link set eth0 address 02:00:00:00:60:01
ip -n "$D0" link set eth0 up
ip -n "$D0" route add default via 192.168.60.2
ip -n "$D0" addr add fd60::1/64 dev eth0 nodad
ip -n "$D0" link add xenbr0 type bridge stp_state 0 forward_delay 0
ip -n "$D0" link set xenbr0 up
make_guest 1 0 00:16:3e:00:00:01 10.1.0.11/24
make_guest 2 0 00:16:3e:00:00:02 192.168.60.77/24
make_guest 3 0 00:16:3e:00:00:03 10.0.3.1/8
make_guest 4 0 00:16:3e:00:00:04 10.1.0.14/24
xs_vif 1 0 00:16:3e:00:00:01 bridge=xenbr0 "ip=10.1.0.11 fd01::11" mtu=1400
VIF_SCRIPT=vif-route xs_vif 2 0 00:16:3e:00:00:02 ip=192.168.60.77
VIF_SCRIPT=vif-nat xs_vif 3 0 00:16:3e:00:00:03 ip=10.0.3.1
xs_vif 4 0 00:16:3e:00:00:04 bridge=xenbr0 vifname=guest4

for round in fresh again; do
	dryhp "vif-bridge online, $round" vif-bridge 1 0 online
	dryhp "vif-bridge online, no ip, vifname, $round" vif-bridge 4 0 online
	dryhp "vif-route online, $round" vif-route 2 0 online netdev=eth0
	dryhp "vif-nat online, $round" vif-nat 3 0 online netdev=eth0
	dry "network-route start, $round" in_dom0 "$SCRIPTS/network-route" start netdev=eth0 --dry-run
	dry "network-nat start, $round" in_dom0 "$SCRIPTS/network-nat" start netdev=eth0 --dry-run
	dry "network-bridge start, $round" in_dom0 "$SCRIPTS/network-bridge" start netdev=eth0 bridge=xenbr9 --dry-run
	[ $round = fresh ] || break
	in_dom0 "$SCRIPTS/network-route" start netdev=eth0 >/dev/null
	in_dom0 "$SCRIPTS/network-nat" start netdev=eth0 >/dev/null
	hotplug vif-bridge 1 0 online >/dev/null
	hotplug vif-bridge 4 0 online >/dev/null
	hotplug vif-route 2 0 online netdev=eth0 >/dev/null
	hotplug vif-nat 3 0 online netdev=eth0 >/dev/null
	rules "after every online"
done
dry "status" xnm_status
dry "status --json" xnm_status --json
dry "check vif1.0" xnm_check vif1.0
for s in "vif-bridge 1" "vif-bridge 4" "vif-route 2" "vif-nat 3"; do
	set -- $s
	dryhp "$1 offline" "$1" "$2" 0 offline
	hotplug "$1" "$2" 0 offline >/dev/null
done
dry "network-route stop" in_dom0 "$SCRIPTS/network-route" stop --dry-run
dry "network-nat stop" in_dom0 "$SCRIPTS/network-nat" stop --dry-run
in_dom0 "$SCRIPTS/network-route" stop >/dev/null
in_dom0 "$SCRIPTS/network-nat" stop >/dev/null
rules "after every offline and stop"
dry "--help" "$BUILD/xen-netmodes" --help
for a in $("$BUILD/xen-netmodes" --list); do dry "$a --help" "$BUILD/bin/$a" --help; done
dry "xen-netmodesd --help" "$BUILD/xen-netmodesd" --help
