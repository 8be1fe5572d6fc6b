#!/bin/bash
# The toolstack's other paths: vif-setup choosing the script, the cleanup
# udev runs when a backend goes, and the udev rules themselves.
TEST_NAME="toolstack"
. "$(dirname "$0")/lib.sh"
lab_start

ROOT=$(realpath "$(dirname "$0")/../..")
make_dom0 xenbr0 10.78.0.1
make_guest 1 0 00:16:3e:00:78:01 10.78.0.11/24
xs_vif 1 0 00:16:3e:00:78:01 bridge=xenbr0

# vif_setup [ENV=VALUE...]: udev's call, with --dry-run so nothing changes.
vif_setup() {
	hotplug vif-setup 1 0 online --dry-run "$@"
}

echo "# vif-setup"
check "no script: vif-bridge, in-process" grep -q "^# vif-bridge online vif1.0" <<<"$(vif_setup script=)"
check "a bare name of ours: that mode (vif-route, which wants an ip)" grep -q \
	"vif-route online vif1.0: the backend has no ip" <<<"$(vif_setup script=vif-route 2>&1)"
check "an absolute path to our binary: that mode" grep -q "^# vif-bridge online" \
	<<<"$(vif_setup script="$SCRIPTS/vif-bridge")"
cat >"$SCRIPTS/custom-vif" <<EOF
#!/bin/sh
echo "\$0 \$* \$XENBUS_PATH" >"$TMP/custom.out"
EOF
chmod 0755 "$SCRIPTS/custom-vif"
check "a bare name of another script: run from the script directory" vif_setup script=custom-vif
check_eq "with the same arguments and environment" \
	"$SCRIPTS/custom-vif online type_if=vif --dry-run backend/vif/1/0" "$(cat "$TMP/custom.out")"
rm -f "$TMP/custom.out"
check "an absolute path to a root-owned script" vif_setup script="$SCRIPTS/custom-vif"
check "ran it" test -s "$TMP/custom.out"
chmod 0757 "$SCRIPTS/custom-vif"
rc=0
out=$(vif_setup script="$SCRIPTS/custom-vif" 2>&1) || rc=$?
check_eq "a world-writable script is refused: exit 1" 1 "$rc"
check "and says why" grep -q "must be root's and writable by no one else" <<<"$out"
rc=0
out=$(vif_setup script=some/where 2>&1) || rc=$?
check_eq "a relative path is refused: exit 1" 1 "$rc"
check "and says why" grep -q 'script "some/where": expected a name or an absolute path' <<<"$out"
rc=0
out=$(vif_setup script=nosuch 2>&1) || rc=$?
check_eq "a missing script: exit 1" 1 "$rc"
check "and says which" grep -q "script $SCRIPTS/nosuch: No such file or directory" <<<"$out"

echo "# cleanup when the backend is removed"
xenstore-write /local/domain/1/vm /vm/0b5c1a2e-1111-2222-3333-444455556666 \
	/vm/0b5c1a2e-1111-2222-3333-444455556666/device/vif/0/frontend /local/domain/1/device/vif/0 \
	"$(be_path 1 0)/hotplug-status" connected "$(be_path 1 0)/hotplug-error" "old"
cleanup_call() {
	in_dom0 UDEV_CALL=1 XENBUS_PATH="backend/vif/$1/0" "$SCRIPTS/xen-netmodes-cleanup"
}
check "cleanup" cleanup_call 1
check_eq "hotplug-status gone" "<absent>" "$(xs_read "$(be_path 1 0)/hotplug-status")"
check_eq "hotplug-error gone" "<absent>" "$(xs_read "$(be_path 1 0)/hotplug-error")"
check_eq "the /vm/UUID device entry gone" "<absent>" \
	"$(xs_read /vm/0b5c1a2e-1111-2222-3333-444455556666/device/vif/0/frontend)"
check "the rest of the backend stays for the toolstack" test "$(xs_read "$(be_path 1 0)/mac")" != "<absent>"
check "cleanup twice" cleanup_call 1
xs_vif 2 0 00:16:3e:00:78:02
xenstore-write /local/domain/2/vm "/vm/../local"
check_fails "a vm node that is no /vm/UUID path is left alone" cleanup_call 2
xenstore-write /libxl/3/type pv /local/domain/3/vm /vm/0b5c1a2e-1111-2222-3333-444455557777 \
	/vm/0b5c1a2e-1111-2222-3333-444455557777/device/vif/0/frontend /local/domain/3/device/vif/0 \
	"$(be_path 3 0)/hotplug-status" connected
check "udev's cleanup for a domain libxl manages (/libxl/3)" cleanup_call 3
check_eq "leaves hotplug-status to libxl" connected "$(xs_read "$(be_path 3 0)/hotplug-status")"
check "and the /vm/UUID entry" test "$(xs_read /vm/0b5c1a2e-1111-2222-3333-444455557777/device/vif/0/frontend)" != "<absent>"

echo "# udev rules"
RULES=/run/udev/rules.d/99-xnm-test-$ID.rules
mkdir -p /run/udev/rules.d
cp "$ROOT/udev/xen-netmodes.rules" "$RULES"
trap 'rm -f "$RULES"; cleanup' EXIT
ip -n "$D0" link add vif1.0-emu type veth peer name tap-peer
udev_runs() { # ACTION DEVICE: the RUN list udev would execute
	ip netns exec "$D0" udevadm test --action="$1" "/sys/class/net/$2" 2>&1 |
		sed -n "s/^run: '\(.*\)'$/\1/p"
}
check "add of vif1.0-emu runs vif-setup for a tap" grep -qx \
	"/etc/xen/scripts/vif-setup add type_if=tap" <<<"$(udev_runs add vif1.0-emu)"
check "remove of vif1.0-emu runs vif-setup remove" grep -qx \
	"/etc/xen/scripts/vif-setup remove type_if=tap" <<<"$(udev_runs remove vif1.0-emu)"
check "with UDEV_CALL=1" grep -q "^UDEV_CALL=1$" \
	<<<"$(ip netns exec "$D0" udevadm test --action=add /sys/class/net/vif1.0-emu 2>&1)"
check_fails "a vif that is no tap runs nothing of ours" grep -q "vif-setup" \
	<<<"$(udev_runs add vif1.0)"
# No xen-backend device exists without Xen, so those rules cannot be fired
# here; udev still parses every line, and flags any it cannot read.
check_eq "udev reads every rule of the file, xen-backend ones included" "" \
	"$(ip netns exec "$D0" udevadm test --action=add /sys/class/net/vif1.0-emu 2>&1 |
		grep "$RULES:[0-9]* " | grep -v " RUN '" || true)"

finish
