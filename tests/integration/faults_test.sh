#!/bin/bash
# Faults in the middle of a call: SIGKILL at random points of online and
# offline (the next online converges to exactly the online state and the next
# offline to exactly the state before, nothing leaked); xenstore hanging up
# at each request of a call; a vif vanishing between two steps of its online.
TEST_NAME="faults"
. "$(dirname "$0")/lib.sh"
lab_start

ROUNDS=${KILL_ROUNDS:-25}
BR=xenbr0
make_dom0 $BR 10.77.0.1
# A port that stays, so the bridge's carrier does not come and go with vif1.0's.
ip -n "$D0" link add keep0 type veth peer name keep1
ip -n "$D0" link set keep0 master $BR up
ip -n "$D0" link set keep1 up
make_guest 1 0 00:16:3e:00:00:01 10.77.0.11/24
xs_vif 1 0 00:16:3e:00:00:01 bridge=$BR "ip=10.77.0.11 fd77::11"
be=$(be_path 1 0)
# an uplink and network-route, for a routed guest
ip -n "$D0" link add eth0 type veth peer name lan0
ip -n "$D0" addr add 192.168.50.1/24 dev eth0
ip -n "$D0" link set eth0 up
ip -n "$D0" link set lan0 up
in_dom0 "$SCRIPTS/network-route" start netdev=eth0 >/dev/null
make_guest 2 0 00:16:3e:00:00:02 192.168.50.77/24
VIF_SCRIPT=vif-route xs_vif 2 0 00:16:3e:00:00:02 "ip=192.168.50.77 fd50::77" gatewaydev=eth0

# The state, less the hotplug nodes (an interrupted call may not have written its status).
state() {
	host_state
	xs_state | grep -v "^$be/hotplug-"
	{ find "$XEN_NETMODES_RUN_DIR" -type f 2>/dev/null || true; } | sort
}

# Reference states, from calls left to finish (after a first cycle: the
# table, once created, stays; the bridge's carrier follows its first port).
hotplug vif-bridge 1 0 online >/dev/null
hotplug vif-bridge 1 0 offline >/dev/null
sleep 0.5
offline_state=$(state)
hotplug vif-bridge 1 0 online >/dev/null
sleep 0.5
online_state=$(state)
hotplug vif-bridge 1 0 offline >/dev/null
check "online then offline leaves the host as it was" settles state "$offline_state"

# kernel_of STATE: the kernel's part of a state() (a call that lost xenstore
# cannot put xenstore back).
kernel_of() {
	sed -n '/^\/local\//q;p' <<<"$1"
}

# killed COMMAND: starts the call and kills it after a random 0-40 ms (its whole span).
killed() {
	hotplug vif-bridge 1 0 "$1" >/dev/null 2>&1 &
	local pid=$!
	sleep "$(printf "0.%03d" $((RANDOM % 40)))"
	kill_own -KILL "$pid"
	wait "$pid" 2>/dev/null || true
}

bad_on=0 bad_off=0
for ((i = 0; i < ROUNDS; i++)); do
	killed online
	hotplug vif-bridge 1 0 online >/dev/null 2>&1 || true
	settles state "$online_state" || { bad_on=$((bad_on + 1)); diff <(echo "$online_state") <(state) | head -n 6 | sed 's/^/#   /'; }
	killed offline
	hotplug vif-bridge 1 0 offline >/dev/null 2>&1 || true
	settles state "$offline_state" || { bad_off=$((bad_off + 1)); diff <(echo "$offline_state") <(state) | head -n 6 | sed 's/^/#   /'; }
done
check_eq "$ROUNDS onlines killed at random: the next online converges every time" 0 "$bad_on"
check_eq "$ROUNDS offlines killed at random: the next offline converges every time" 0 "$bad_off"
echo "# xenstore hangs up in the middle of a call"
# The fixture closes each connection at its (N+1)th request: every N up to the
# call's own count of requests makes the call lose xenstore at a later point.
bad=() n=1
while [ $n -le 40 ]; do
	xenstore-write /tool/xs-fixture/drop-after $n
	rc=0
	out=$(hotplug vif-bridge 1 0 online 2>&1) || rc=$?
	xenstore-write /tool/xs-fixture/drop-after 0
	[ $rc -eq 0 ] && break
	if [ $rc -ne 1 ] || ! grep -qi "xenstore" <<<"$out"; then
		bad+=("after $n requests: exit $rc, \"$(head -n 1 <<<"$out")\"")
	elif ! settles host_state "$(kernel_of "$offline_state")"; then
		bad+=("after $n requests: the host changed")
	fi
	n=$((n + 1))
done
check "losing xenstore at any of the call's $((n - 1)) requests: exit 1, a clear error, host unchanged" \
	test ${#bad[@]} -eq 0 -a $n -gt 1
[ ${#bad[@]} -eq 0 ] || printf '#   %s\n' "${bad[@]:0:5}"
check "then, with xenstore back, online completes" settles state "$online_state"
hotplug vif-bridge 1 0 offline >/dev/null

echo "# a vif vanishing between two steps of its online"
# regrow DOMID MAC ADDR: the vif again, its guest end in the guest's namespace.
regrow() {
	ip -n "$D0" link add "vif$1.0" type veth peer name eth0 netns "$(guest_ns "$1")"
	ip -n "$(guest_ns "$1")" link set eth0 address "$2"
	ip -n "$(guest_ns "$1")" addr add "$3" dev eth0
	ip -n "$(guest_ns "$1")" link set eth0 up
}
# leftovers FAMILY DOMID: what an online that failed could leak.
leftovers() {
	port_elements "$1" "vif$2.0"
	ip -n "$D0" route show proto 88
	ip -n "$D0" -6 route show proto 88
	ip -n "$D0" -6 neigh show proxy
}
# vanishes SCRIPT FAMILY DOMID MAC ADDR: the vif deleted before each step in turn.
vanishes() {
	local n rc out failed=0 bad=()
	for ((n = 0; n < 30; n++)); do
		rc=0
		out=$(hotplug "$1" "$3" 0 online XEN_NETMODES_EVENT_AT=$n \
			"XEN_NETMODES_EVENT_CMD=ip link del vif$3.0" 2>&1) || rc=$?
		if ip -n "$D0" link show "vif$3.0" >/dev/null 2>&1; then
			break # past the plan's last step: the vif stayed
		fi
		if [ $rc -ne 0 ]; then
			failed=$((failed + 1))
			[ $rc -eq 1 ] || bad+=("before step $n: exit $rc")
			[ -z "$(leftovers "$2" "$3")" ] || bad+=("before step $n: left $(leftovers "$2" "$3" | head -n 1)")
		else
			# done before it vanished: the toolstack's offline will clean up
			hotplug "$1" "$3" 0 offline >/dev/null 2>&1 || true
		fi
		regrow "$3" "$4" "$5"
	done
	check "$1: the vif vanishing before each of $n steps: exit 1 and nothing left when it failed" \
		test ${#bad[@]} -eq 0 -a $failed -ge 2
	[ ${#bad[@]} -eq 0 ] || printf '#   %s\n' "${bad[@]:0:5}"
	hotplug "$1" "$3" 0 offline >/dev/null 2>&1 || true
}
vanishes vif-bridge bridge 1 00:16:3e:00:00:01 10.77.0.11/24
vanishes vif-route inet 2 00:16:3e:00:00:02 192.168.50.77/24

check "the calls locked in the suite's lock directory" test -d "$XEN_NETMODES_LOCK_DIR"
check_eq "no lock file left behind" "" "$(ls "$XEN_NETMODES_LOCK_DIR" 2>/dev/null | grep 'vif1\.0' || true)"

finish
