# Every step of a call's plan failed in turn (XEN_NETMODES_FAIL_AT, test
# builds): each failure exits 1 and leaves the host as it was.

# steps_fail DESC STATEFN TRIES CALLFN ARGS...: CALLFN ARGS is a call that fails at
# step $step of its plan. For step 0, 1...
# until the call succeeds, each failure must exit 1 and STATEFN's output settle
# back to what it was (within TRIES, as settles); then the call succeeds.
steps_fail() {
	local desc=$1 statefn=$2 tries=$3 step rc st
	shift 3
	st=$("$statefn")
	for ((step = 0; step < 40; step++)); do
		rc=0
		"$@" >/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 0 ] && break
		if [ "$rc" -eq 1 ] && settles "$statefn" "$st" "$tries"; then
			ok "$desc, failing at step $step: exit 1, host unchanged"
		else
			not_ok "$desc, failing at step $step (exit $rc)"
			{ diff <(echo "$st") <("$statefn") || true; } | head -n 10 | sed 's/^/#   /'
		fi
	done
	check_eq "$desc succeeds past its last step, after $step" 0 "$rc"
	[ "$step" -gt 0 ] || not_ok "$desc: no step failed"
}

# The state a vif call may not change: dom0 and xenstore, less the backend's hotplug nodes.
vif_call_state() {
	host_state
	xs_state | grep -v "^$STEPS_BE/hotplug-"
}

# A vif call failing at $step; a failure without hotplug-status=error exits 2.
vif_call_failing() {
	local rc=0
	hotplug "$@" XEN_NETMODES_FAIL_AT="$step" || rc=$?
	[ "$rc" -ne 1 ] || [ "$(xs_read "$STEPS_BE/hotplug-status")" = error ] || rc=2
	return "$rc"
}

# every_step_fails SCRIPT DOMID DEVID COMMAND [ENV=VALUE...]: steps_fail for a vif
# call: each failure also sets hotplug-status error.
every_step_fails() {
	STEPS_BE=$(be_path "$2" "$3") steps_fail "$1 $4 vif$2.$3" vif_call_state 30 vif_call_failing "$@"
}

# A per-host script (network-*) call failing at $step.
net_call_failing() {
	in_dom0 XEN_NETMODES_FAIL_AT="$step" "$SCRIPTS/$1" "${@:2}"
}

# every_step_fails_net SCRIPT ARGS...: steps_fail for a per-host script, whose
# state includes its sysctls and state files, compared at once.
every_step_fails_net() {
	steps_fail "$*" net_state 1 net_call_failing "$@"
}
