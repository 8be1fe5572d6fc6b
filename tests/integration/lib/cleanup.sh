# What a suite leaves behind, removed on exit however it ends: the servers
# it started, its namespaces, the fixture, and $TMP with every directory a
# call wrote (state, locks, log).

BACKGROUND=() # servers a test starts, stopped on exit

cleanup() {
	local ns pid
	for pid in "${BACKGROUND[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	stop_fixture
	rm -rf "$TMP"
}
