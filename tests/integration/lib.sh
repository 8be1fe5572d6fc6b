# Shared by the namespace tests; the parts, one job each, are in lib/.
# Source it after setting TEST_NAME, pass the build dir, then call
# lab_start: sourcing defines, and starts nothing.

set -euo pipefail

BUILD=$(realpath "${1:?usage: $0 BUILD_DIR}")
TMP=$(mktemp -d /tmp/xnm-test.XXXXXX)
LIB=$(dirname "${BASH_SOURCE[0]}")/lib

. "$LIB/../../procs.sh" # kill_own: signals only what the suite started; pids_gone
RESULTS_DIR=$TMP
. "$LIB/../../lib/results.sh" # ok, check*: every suite's results
. "$LIB/../../lib/nft_listing.sh" # no_droplog
. "$LIB/finish.sh"    # finish: the suite's last word
. "$LIB/wait.sh"      # eventually, settles
. "$LIB/cleanup.sh"   # cleanup: everything a suite leaves, on exit
. "$LIB/fixture.sh"   # the xenstore fixture; xs_read, xs_state
. "$LIB/topology.sh"  # dom0, guests behind vifD.N, in_ns, ping_ok
. "$LIB/dom0.sh"      # the calls' directories under $TMP; in_dom0
. "$LIB/toolstack.sh" # the script directory, xs_vif, hotplug: calls as libxl makes them
. "$LIB/daemon.sh"    # start_daemon, stop_daemon (XNM_DAEMON)
. "$LIB/state.sh"     # host_state, net_state, the anti-spoofing table
. "$LIB/steps.sh"     # every_step_fails: each step of a plan failed in turn
. "$LIB/packets.sh"   # dhcp_replies_dropped

trap cleanup EXIT

# lab_start: the xenstore fixture, the log's directory and the script
# directory; every suite's first act.
lab_start() {
	mkdir -p "$XEN_NETMODES_LOG_DIR"
	start_fixture
	make_script_dir
}
