# Waiting for state that settles a little after a call: the kernel's own
# follow-ups (an IPv6 link-local address, a bridge's carrier) come later.

# eventually TRIES COMMAND...: COMMAND succeeds now or within TRIES tenths of a second.
eventually() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# settles STATEFN STATE [TRIES]: STATEFN prints STATE now, or does within TRIES
# tenths of a second (30: a link brought back up gets its IPv6 link-local
# address from the kernel a little later).
settles() {
	eventually "${3:-30}" prints "$1" "$2"
}
prints() { # FN TEXT: FN prints TEXT
	[ "$2" == "$("$1")" ]
}
