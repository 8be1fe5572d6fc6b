#!/bin/bash
# Concurrency: 64 online/offline calls at once over overlapping vifs on two
# bridges, three rounds. No call may fail on a lock or hang (each is bounded);
# every vif ends either fully online or fully offline, whatever the order the
# calls took; a last command per vif then decides its exact state, with no
# nftables element or address left behind by the vifs that went offline.
TEST_NAME="concurrency"
. "$(dirname "$0")/lib.sh"
lab_start

N=16 # vifs; four calls each per round
make_dom0 xenbr0 10.77.0.1
ip -n "$D0" link add xenbr1 type bridge stp_state 0 forward_delay 0
ip -n "$D0" link set xenbr1 up
for ((d = 1; d <= N; d++)); do
	ip -n "$D0" link add "vif$d.0" type veth peer name "g$d"
	mac=$(printf '00:16:3e:00:00:%02x' "$d")
	xs_vif "$d" 0 "$mac" bridge=xenbr$((d % 2)) ip=10.77.0.$((d + 10))
done

# state_of D: "online" or "offline" when the vif is wholly one or the other, else what is off.
state_of() {
	local d=$1 link elems status
	link=$(ip -n "$D0" -o link show "vif$d.0")
	elems=$(port_elements bridge "vif$d.0" | wc -l)
	status=$(xs_read "$(be_path "$d" 0)/hotplug-status")
	# ports, macs, addrs4, the link-local address in addrs6, two records, nine drop counts
	if grep -q "master xenbr$((d % 2)) state" <<<"$link" && grep -q ",UP" <<<"$link" &&
		[ "$elems" -eq 15 ] && [ "$status" = connected ]; then
		echo online
	elif ! grep -q "master" <<<"$link" && ! grep -q ",UP" <<<"$link" && [ "$elems" -eq 0 ]; then
		echo offline
	else
		echo "mixed: $link elements=$elems status=$status"
	fi
}

# run_all CMD...: one call per word "D:COMMAND", all at once; fails if any failed or took over 60 s.
run_all() {
	local pids=() spec rc=0 p
	for spec in "$@"; do
		timeout 60 bash -c 'hotplug vif-bridge "$1" 0 "$2"' _ "${spec%%:*}" "${spec#*:}" \
			>>"$TMP/calls.log" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	return $rc
}
export -f in_dom0 hotplug
export D0 XENSTORED_PATH XEN_NETMODES_RUN_DIR SCRIPTS

for round in 1 2 3; do
	calls=()
	for ((d = 1; d <= N; d++)); do
		for k in 1 2 3 4; do
			calls+=("$d:$([ $((RANDOM % 2)) -eq 0 ] && echo online || echo offline)")
		done
	done
	check "round $round: 64 concurrent calls all succeed, none hangs" run_all "${calls[@]}"
	bad=()
	for ((d = 1; d <= N; d++)); do
		s=$(state_of "$d")
		[ "$s" = online ] || [ "$s" = offline ] || bad+=("vif$d.0 $s")
	done
	check_eq "round $round: every vif wholly online or wholly offline" "" "${bad[*]:-}"
done

echo "# a last command per vif decides"
calls=()
want=()
for ((d = 1; d <= N; d++)); do
	c=$([ $((d % 3)) -eq 0 ] && echo offline || echo online)
	calls+=("$d:$c")
	want+=("$c")
done
check "the last commands, all at once" run_all "${calls[@]}"
got=()
for ((d = 1; d <= N; d++)); do got+=("$(state_of "$d")"); done
check_eq "each vif in the state of its last command" "${want[*]}" "${got[*]}"
leaked=$(for ((d = 3; d <= N; d += 3)); do port_elements bridge "vif$d.0"; done)
check_eq "no element left for the vifs that went offline" "" "$leaked"
check_eq "exactly the online vifs' elements in the table" "$((15 * (N - N / 3)))" \
	"$(ip netns exec "$D0" nft list table bridge xen-netmodes | grep -o '"vif[0-9]*\.0"' | wc -l)"
check_fails "no call waited on a lock in vain" grep -qi "lock" "$TMP/calls.log"

finish
