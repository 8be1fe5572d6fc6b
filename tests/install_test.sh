#!/bin/bash
# make install: each variant built in its own directory, only the release
# build installed (a test build carries the fault-injection switch, which
# runs a command taken from the environment), and the install's layout,
# uninstall and the script swap.
#   install_test.sh BUILD   BUILD: a test build (make check's build/san)
set -uo pipefail
# Run from make check: the enclosing make's variables (BUILD, SAN) must not
# reach the makes run here (BUILD below is this script's own, not exported).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES BUILD SAN FAULTS
BUILD=$(realpath "${1:?usage: install_test.sh BUILD_DIR}")
ROOT=$(realpath "$(dirname "$0")/..")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RESULTS_DIR=$TMP
. "$ROOT/tests/lib/results.sh"
mk() { make -s --no-print-directory -C "$ROOT" "$@"; }
# built_into ARGS...: where make ARGS would link the binary (every command printed, none run)
built_into() {
	mk -nB V=1 "$@" all 2>/dev/null | sed -n 's/.* -o \([^ ]*\)xen-netmodes .*/\1/p' | head -n 1
}

echo "# each variant in its own directory"
check_eq "the release build goes to build/" "build/" "$(built_into)"
check_eq "SAN=1 goes to build/san/" "build/san/" "$(built_into SAN=1)"
check_eq "FAULTS=1 goes to build/faults/" "build/faults/" "$(built_into FAULTS=1)"
check "$BUILD is a test build" grep -qxF san "$BUILD/variant"
check_fails "a release build asked for in a test build's directory is refused" mk BUILD="$BUILD" all
check "and make says why" grep -q "holds a san build and this is a release one" "$RESULTS_DIR/last"

echo "# a test build is never installed"
DEST=$TMP/test-dest
check_fails "make install of the test build fails" mk BUILD="$BUILD" SAN=1 DESTDIR="$DEST" PREFIX=/usr install
check "and says why" grep -q "is a test build (XNM_FAULT_INJECTION" "$RESULTS_DIR/last"
check_fails "nothing was installed: no binary" test -e "$DEST/usr/lib/xen-netmodes/xen-netmodes"
check_fails "no script linked" test -e "$DEST/etc/xen/scripts/vif-bridge"

echo "# the release build: make install / uninstall into a DESTDIR"
DEST=$TMP/dest
mkdir -p "$DEST/etc/xen/scripts"
echo '#!/bin/sh' >"$DEST/etc/xen/scripts/vif-bridge"
check "make install (the release build)" mk DESTDIR="$DEST" PREFIX=/usr install
check "binary installed" test -x "$DEST/usr/lib/xen-netmodes/xen-netmodes"
check "the daemon installed" test -x "$DEST/usr/lib/xen-netmodes/xen-netmodesd"
check_fails "neither carries the fault-injection switch" grep -qF XNM_FAULT_INJECTION_BUILD \
	"$DEST/usr/lib/xen-netmodes/xen-netmodes" "$DEST/usr/lib/xen-netmodes/xen-netmodesd"
# Every name the binary says is installed as a link (its one table of applets).
applets=$("$BUILD/xen-netmodes" --list)
check "xen-netmodes --list names the applets" test -n "$applets"
for a in $applets; do
	check_eq "$a linked into the script dir" /usr/lib/xen-netmodes/xen-netmodes \
		"$(readlink "$DEST/etc/xen/scripts/$a")"
done
check_eq "xen-netmodes itself in sbin (status, check)" /usr/lib/xen-netmodes/xen-netmodes \
	"$(readlink "$DEST/usr/sbin/xen-netmodes")"
check "man pages installed" test -f "$DEST/usr/share/man/man8/vif-route.8"
check "the defaults file installed" cmp "$ROOT/conf/xen-netmodes.conf" "$DEST/etc/xen/xen-netmodes.conf"
check "the udev rules installed" grep -q "RUN+=\"/etc/xen/scripts/vif-setup online type_if=vif\"" \
	"$DEST/usr/lib/udev/rules.d/80-xen-netmodes.rules"
check "the shell script was kept aside" grep -q '^#!/bin/sh' "$DEST/etc/xen/scripts/vif-bridge.orig"
check "the defaults' dnsmasq directories created" \
	test -d "$DEST/var/lib/xen-netmodes/dnsmasq-hosts" -a -d "$DEST/var/lib/xen-netmodes/dnsmasq-opts"
# The daemon's unit. Debian has no xenstored.service: xenstored is started
# by xen-utils-common's /etc/init.d/xen, which systemd runs as xen.service
# (Debian 12: the unit systemd-sysv-generator makes of the script, as of
# xendomains; Debian 13: the package ships both units). Every service the
# unit is ordered against or pulls in must be one of these; 05-package
# checks the same on the real Debian 12 dom0.
UNIT=$DEST/usr/lib/systemd/system/xen-netmodesd.service
check "the unit installed, LIBEXECDIR filled in" \
	grep -qx 'ExecStart=/usr/lib/xen-netmodes/xen-netmodesd --foreground' "$UNIT"
check_eq "the unit's services are those Debian's Xen has" "xen.service xendomains.service" \
	"$(sed -n 's/^\(After\|Before\|Wants\|Requires\|BindsTo\|Requisite\)=//p' "$UNIT" |
		tr ' ' '\n' | grep '\.service$' | sort -u | xargs)"
check_fails "and it pulls none in (it never starts Xen)" grep -Eq '^(Wants|Requires|BindsTo)=' "$UNIT"
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=/usr/lib/xen-netmodes/|ExecStart=$DEST/usr/lib/xen-netmodes/|" "$UNIT" \
		>"$TMP/xen-netmodesd.service"
	check "systemd-analyze verify accepts the unit" \
		systemd-analyze verify --man=no "$TMP/xen-netmodesd.service"
fi
mk DESTDIR="$DEST" PREFIX=/usr uninstall >/dev/null
check "uninstall puts the shell script back" grep -q '^#!/bin/sh' "$DEST/etc/xen/scripts/vif-bridge"
check_fails "uninstall removes the links" test -L "$DEST/etc/xen/scripts/vif-route"
check_fails "uninstall removes the binary" test -e "$DEST/usr/lib/xen-netmodes/xen-netmodes"
check_fails "and its link in sbin" test -L "$DEST/usr/sbin/xen-netmodes"
check_fails "uninstall removes the man pages" test -e "$DEST/usr/share/man/man8/vif-route.8"
check_fails "uninstall removes the udev rules" test -e "$DEST/usr/lib/udev/rules.d/80-xen-netmodes.rules"
check_fails "and the empty dnsmasq directories" test -e "$DEST/var/lib/xen-netmodes"
echo '#!/bin/sh' >"$DEST/etc/xen/scripts/vif-route"
mk DESTDIR="$DEST" PREFIX=/usr install-scripts >/dev/null
check_eq "install-scripts replaces Xen's script" /usr/lib/xen-netmodes/xen-netmodes \
	"$(readlink "$DEST/etc/xen/scripts/vif-route")"
mk DESTDIR="$DEST" PREFIX=/usr uninstall-scripts >/dev/null
check "uninstall-scripts is the way back" grep -q '^#!/bin/sh' "$DEST/etc/xen/scripts/vif-route"

summary install
