# What a suite leaves behind, removed on exit however it ends: the servers
# it started, its namespaces, the fixture, and $TMP with every directory a
# call wrote (state, locks, log).

BACKGROUND=() # servers a test starts, stopped on exit (those still running)

cleanup() {
	local rc=$? ns report
	kill_own "${BACKGROUND[@]}"
	# A suite that failed shows what its daemon said: CI keeps nothing else.
	if [ "$rc" -ne 0 ] && [ -s "$TMP/daemon.log" ]; then
		echo "# xen-netmodesd's log, its last lines:"
		tail -n 40 "$TMP/daemon.log" | sed 's/^/#   /'
		if report=$(sanitizer_report "$TMP/daemon.log"); then
			echo "# its sanitizer report, its first lines:"
			sed 's/^/#   /' <<<"$report"
		fi
	fi
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	stop_fixture
	rm -rf "$TMP"
}
