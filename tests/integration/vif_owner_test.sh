#!/bin/bash
# A call acts only on its own backend's device (Debian bug #658305): guest
# B asks for the vifname guest A's vif already carries; B's online is
# refused, and B's offline, as libxl makes it after the failed create, must
# leave A's device exactly as it was, in every mode: its bridge, addresses,
# routes, proxy entries, anti-spoofing and link state.
TEST_NAME="vif-owner"
. "$(dirname "$0")/lib.sh"
lab_start

LAN=xnm$ID-lan
BR=xenbr0
make_dom0 $BR 10.79.0.1
netns_add "$LAN"
ip -n "$D0" link add eth0 type veth peer name eth0 netns "$LAN"
ip -n "$D0" addr add 192.168.70.1/24 dev eth0
ip -n "$D0" link set eth0 up
ip -n "$D0" route add default via 192.168.70.2
ip -n "$LAN" addr add 192.168.70.2/24 dev eth0
ip -n "$LAN" link set eth0 up
export XEN_NETMODES_CONF=$TMP/xen-netmodes.conf
: >"$XEN_NETMODES_CONF"
net() { # SCRIPT ARGS...: a network-* call in dom0 (in_dom0 passes XEN_NETMODES_CONF)
	in_dom0 "$SCRIPTS/$1" "${@:2}"
}
check "network-route start" net network-route start netdev=eth0
check "network-nat start" net network-nat start netdev=eth0

log_count() { # TEXT: how many lines of the hotplug log hold TEXT
	grep -cF -- "$1" "$HOTPLUG_LOG" || true
}

# refused_vifname SCRIPT A B VIFNAME FAMILY: guest A's vif online as VIFNAME;
# guest B asking for VIFNAME is refused and its offline changes nothing.
refused_vifname() {
	local script=$1 a=$2 b=$3 name=$4 family=$5 before rc alias
	check "$script: guest $a's vif online as $name" hotplug "$script" "$a" 0 online \
		XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
	alias=$(ip -n "$D0" -d -o link show dev "$name" | grep -o 'alias [^ ]*' || true)
	check_eq "$script: $name carries guest $a's claim" "alias xen-netmodes:backend/vif/$a/0" "$alias"
	check "$script: $name is filtered" port_filtered "$family" "$name"
	before=$(host_state)

	rc=0
	hotplug "$script" "$b" 0 online XEN_NETMODES_CONF="$XEN_NETMODES_CONF" >/dev/null 2>&1 || rc=$?
	check_eq "$script: guest $b's online with vifname $name is refused" 1 "$rc"
	check "$script: and says why" grep -q "An interface with name $name already exists" \
		<<<"$(xs_read "$(be_path "$b" 0)/hotplug-error")"
	check_eq "$script: the refused online changed nothing" "$before" "$(host_state)"

	local successes
	successes=$(log_count "Successful $script offline for $name")
	rc=0
	hotplug "$script" "$b" 0 offline XEN_NETMODES_CONF="$XEN_NETMODES_CONF" >/dev/null 2>&1 || rc=$?
	check_eq "$script: guest $b's offline succeeds" 0 "$rc"
	check_eq "$script: and leaves guest $a's $name as it was (bridge, addresses, routes, proxies, anti-spoofing, link state)" \
		"$before" "$(host_state)"
	check_eq "$script: no offline logged for $name" "$successes" \
		"$(log_count "Successful $script offline for $name")"
	check "$script: the log says whose $name is" grep -qF \
		"$name belongs to backend/vif/$a/0" "$HOTPLUG_LOG"

	# Guest B's own device gone: its online must not adopt A's as "renamed before".
	ip -n "$D0" link del "vif$b.0"
	before=$(host_state)
	rc=0
	hotplug "$script" "$b" 0 online XEN_NETMODES_CONF="$XEN_NETMODES_CONF" >/dev/null 2>&1 || rc=$?
	check_eq "$script: with its own device gone, guest $b's online is refused" 1 "$rc"
	check_eq "$script: naming the owner" \
		"device $name belongs to backend/vif/$a/0, not to backend/vif/$b/0: left alone" \
		"$(xs_read "$(be_path "$b" 0)/hotplug-error")"
	check_eq "$script: and changed nothing" "$before" "$(host_state)"
	check "$script: guest $b's offline then succeeds" hotplug "$script" "$b" 0 offline \
		XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
	check_eq "$script: and changes nothing either" "$before" "$(host_state)"

	check "$script: guest $a's own offline acts on $name" hotplug "$script" "$a" 0 offline \
		XEN_NETMODES_CONF="$XEN_NETMODES_CONF"
	check_fails "$script: $name is filtered no more" port_filtered "$family" "$name"
	check_eq "$script: and its claim is given up" "" \
		"$(ip -n "$D0" -d -o link show dev "$name" | grep -o 'alias [^ ]*' || true)"
}

echo "# vif-bridge"
make_guest 1 0 00:16:3e:00:07:01 10.79.0.11/24
make_guest 2 0 00:16:3e:00:07:02 10.79.0.12/24
xs_vif 1 0 00:16:3e:00:07:01 bridge=$BR vifname=own0 ip=10.79.0.11
xs_vif 2 0 00:16:3e:00:07:02 bridge=$BR vifname=own0 ip=10.79.0.12
refused_vifname vif-bridge 1 2 own0 bridge

echo "# vif-route"
VIF_SCRIPT=vif-route
make_guest 3 0 00:16:3e:00:07:03 192.168.70.33/24
make_guest 4 0 00:16:3e:00:07:04 192.168.70.34/24
xs_vif 3 0 00:16:3e:00:07:03 vifname=own1 "ip=192.168.70.33 fd70::33"
xs_vif 4 0 00:16:3e:00:07:04 vifname=own1 "ip=192.168.70.34 fd70::34"
refused_vifname vif-route 3 4 own1 inet

echo "# vif-nat"
VIF_SCRIPT=vif-nat
make_guest 5 0 00:16:3e:00:07:05 10.0.5.1/24
make_guest 6 0 00:16:3e:00:07:06 10.0.6.1/24
xs_vif 5 0 00:16:3e:00:07:05 vifname=own2
xs_vif 6 0 00:16:3e:00:07:06 vifname=own2
refused_vifname vif-nat 5 6 own2 inet

echo "# a tap device (type_if=tap) claimed the same way"
VIF_SCRIPT=vif-bridge
ip -n "$D0" tuntap add dev vif1.0-emu mode tap
ip -n "$D0" tuntap add dev vif2.0-emu mode tap
tap() { # DOMID COMMAND: as libxl calls it for an emulated nic
	in_dom0 script="$SCRIPTS/vif-bridge" XENBUS_TYPE=vif XENBUS_PATH="backend/vif/$1/0" \
		XENBUS_BASE_PATH=backend vif="vif$1.0" INTERFACE="vif$1.0-emu" \
		"$SCRIPTS/vif-bridge" "$2" type_if=tap
}
xenstore-write "$(be_path 2 0)/vifname" own0 "$(be_path 1 0)/vifname" own0
check "tap of guest 1 added as own0-emu" tap 1 add
before=$(host_state)
check_fails "guest 2's tap add with the same vifname is refused" tap 2 add
check "guest 2's tap remove succeeds" tap 2 remove
check_eq "and leaves own0-emu as it was" "$before" "$(host_state)"
check "guest 1's tap remove acts on own0-emu" tap 1 remove
check "own0-emu is off the bridge" bash -c "! ip -n $D0 -o link show dev own0-emu | grep -q master"

finish
