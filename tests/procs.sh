# Killing what a test started, and nothing else. A background job that has
# ended was reaped by bash at once, and its PID may belong to any new
# process by the time a cleanup runs (PIDs wrap at 32768 within minutes of
# make check's suites): a stored PID is signalled only while it is still a
# child of the shell that started it.

# own_child PID: whether PID is alive and this shell's child.
own_child() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) } # the fields after the command's name: state, ppid, ...
	# shellcheck disable=SC2086
	set -- $stat
	[ "${2:-}" = "$BASHPID" ]
}

# kill_own [-SIG] PID...: signals (TERM by default) those PIDs that are still this shell's children.
kill_own() {
	local sig=-TERM p
	case ${1:-} in -*) sig=$1; shift ;; esac
	for p in "$@"; do
		# it may end between the look and the signal: not an error (nor, under set -e, fatal)
		if [ -n "$p" ] && own_child "$p"; then
			kill "$sig" "$p" 2>/dev/null || true
		fi
	done
}

# pids_gone FILE: every PID listed in FILE (one line, space-separated) is
# gone; a zombie, left to whoever reaps orphans, counts as gone.
pids_gone() {
	local p state pids
	read -r -a pids <"$1"
	for p in "${pids[@]}"; do
		state=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1) || true
		[ -z "$state" ] || [ "$state" = Z ] || return 1
	done
}
