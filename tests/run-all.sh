#!/bin/bash
# Runs every suite against BUILD (unit tests, the xenstore fixture's own
# test, the namespace tests) and closes with one line of totals.
set -uo pipefail

BUILD=${1:?usage: run-all.sh BUILD_DIR}
here=$(dirname "$0")
passed=0
failed=0
log=$(mktemp)

# Adds a suite's counts from its closing line: cmocka's PASSED/FAILED lines
# or "NAME: N passed, M failed". A suite that fails without them counts once.
suite() {
	local p f rc
	echo "=== $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	if grep -q '^\[  PASSED  \]' "$log"; then
		# one PASSED (and maybe FAILED) line per cmocka group
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	else
		p=$(sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -n 1)
		f=$(sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -n 1)
	fi
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "suite exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# The real-Xen suites: every scenario on a Debian 13 host (Xen 4.20, kernel
# 6.12: what a new Xen host runs), then a named subset on a Debian 12 one
# (Xen 4.17, kernel 6.1: XEN12_SCENARIOS), each the release build's package
# installed into its dom0, images cached in build/xen/RELEASE; then make lab
# (two Debian 13 hosts and a migration between them, on the same images)
# and its Ctrl-C. They keep the cores busy for minutes with QEMU's
# emulation: they run one after the other beside the other suites, niced so
# that their bursts of calls come first, and are counted at the end. The
# release build is made first, so nothing builds it twice at once.
# On 12: what its kernel (6.1) and xl (4.17) could make differ: the
# bridge filter (6.1 hands BPDUs and LLDP to the bridge past its hooks), NAT
# with routing and DHCP, and the package against 4.17's scripts.
XEN12_SCENARIOS="05-package 10-bridge 30-nat 90-package-remove"
release=$(realpath -m "${BUILD%/san}")
# The rig's images hold the package (make deb): its build tools are installed
# now, so no apt runs beside the suites.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$here/.." deps-deb
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$here/.." BUILD="$release" SAN= FAULTS= all >/dev/null
xen_out=$(mktemp -d)
. "$here/procs.sh"
trap 'rm -f "$log"; rm -rf "$xen_out"; kill_own "${xen_pid:-}"' EXIT
# xen_run NAME CMD...: CMD niced, its output and status kept as NAME's
xen_run() {
	local name=$1 t0=$SECONDS
	shift
	nice -n 10 "$@" >"$xen_out/$name" 2>&1
	echo $? >"$xen_out/$name.rc"
	# the chain is make check's critical path: each part's share of it
	echo "# $name took $((SECONDS - t0)) s, ending $SECONDS s into make check" >>"$xen_out/$name"
}
(
	XNM_XEN_RELEASE=13 xen_run rig-13 "$here/xen/run.sh" "$release/xen/13"
	# the xenstore fixture against Debian 13's libxenstore, from the rig's root
	xen_run xenstored-13 "$here/xenstored/selftest.sh" "$BUILD" "$release/xen/13/sysroot"
	XNM_XEN_RELEASE=12 XNM_XEN_SCENARIOS=$XEN12_SCENARIOS xen_run rig-12 "$here/xen/run.sh" "$release/xen/12"
	XNM_XEN_RELEASE=13 XNM_LAB_IMAGES=keep xen_run lab "$here/xen/lab.sh" "$release/xen/13"
	XNM_XEN_RELEASE=13 xen_run lab-interrupt "$here/xen/lab_interrupt_test.sh" "$release/xen/13"
	xen_run lintian "$here/xen/lintian.sh" "$(ls -t "$release"/xen-netmodes_*.deb | head -n 1)" 12 13
) &
xen_pid=$!
xen_suite() { # NAME (suite runs it in a subshell: the wait is made before)
	cat "$xen_out/$1"
	return "$(cat "$xen_out/$1.rc" 2>/dev/null || echo 1)"
}

for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] && suite "$t"
done
suite "$here/xenstored/selftest.sh" "$BUILD"
suite "$here/docs_lint.sh"
suite "$here/lint.sh" "$BUILD"
suite "$here/install_test.sh" "$BUILD"
for t in "$here"/integration/*_test.sh; do
	suite "$t" "$BUILD"
done
# The per-vif suites once more, every call made by xen-netmodesd.
for t in vif_bridge vif_route vif_nat vif_openvswitch bad_input concurrency faults applets; do
	XNM_DAEMON=1 suite "$here/integration/${t}_test.sh" "$BUILD"
done
suite "$here/demo.sh" "$BUILD"
suite "$here/bench/bench.sh" "$BUILD" --smoke
suite "$here/fuzz/run.sh" "$BUILD" 5
# The same unit tests once more, built without sanitizers, under valgrind.
suite make --no-print-directory -C "$here/.." BUILD="$release" SAN= valgrind
wait "$xen_pid"
xen_pid=
for x in rig-13 xenstored-13 rig-12 lab lab-interrupt lintian; do
	suite xen_suite "$x"
done

echo
echo "make check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
