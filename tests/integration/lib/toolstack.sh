# The toolstack's side: the script directory, the xenstore nodes libxl
# writes for a vif, and calls made the way libxl makes them (in_dom0).

SCRIPTS=$TMP/scripts

# make_script_dir: the script directory a toolstack would use, every name
# the binary installs (xen-netmodes --list) a link to it; with
# XNM_VALGRIND=DIR, a script that runs each call under valgrind memcheck,
# one log per process in DIR.
make_script_dir() {
	local a names
	names=$("$BUILD/xen-netmodes" --list)
	[ -n "$names" ] || { echo "xen-netmodes --list named no applet" >&2; return 1; }
	mkdir -p "$SCRIPTS"
	for a in $names; do
		if [ -n "${XNM_VALGRIND:-}" ]; then
			printf '#!/bin/sh\nexec valgrind -q --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 --log-file=%s/%s.%%p.log %s "$@"\n' \
				"$XNM_VALGRIND" "$a" "$BUILD/bin/$a" >"$SCRIPTS/$a"
			chmod +x "$SCRIPTS/$a"
		else
			ln -sf "$BUILD/xen-netmodes" "$SCRIPTS/$a"
		fi
	done
}

# xs_vif DOMID DEVID MAC [NODE=VALUE...]: the nodes libxl writes for a vif
# whose script is $VIF_SCRIPT (vif-bridge unless a test sets another).
xs_vif() {
	local domid=$1 devid=$2 mac=$3
	shift 3
	local be=/local/domain/0/backend/vif/$domid/$devid fe=/local/domain/$domid/device/vif/$devid
	xenstore-write "/local/domain/$domid/name" "guest$domid" "/local/domain/$domid/domid" "$domid"
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$domid" "$be/online" 1 \
		"$be/state" 1 "$be/script" "$SCRIPTS/${VIF_SCRIPT:-vif-bridge}" "$be/mac" "$mac" \
		"$be/handle" "$devid" "$be/type" vif "$be/hotplug-status" ""
	xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 \
		"$fe/handle" "$devid" "$fe/mac" "$mac"
	local kv
	for kv in "$@"; do
		xenstore-write "$be/${kv%%=*}" "${kv#*=}"
	done
}

be_path() {
	echo "/local/domain/0/backend/vif/$1/$2"
}

# hotplug SCRIPT DOMID DEVID COMMAND [ENV=VALUE...] [--flag...]: run as libxl
# runs it, in dom0; ENV=VALUE words go to the environment, flags to argv.
hotplug() {
	local script=$1 domid=$2 devid=$3 command=$4 a
	local env=() args=()
	shift 4
	for a in "$@"; do
		case $a in -*) args+=("$a") ;; *) env+=("$a") ;; esac
	done
	in_dom0 script="$SCRIPTS/$script" XENBUS_TYPE=vif XENBUS_PATH="backend/vif/$domid/$devid" \
		${XNM_DAEMON:+XEN_NETMODES_DAEMON=yes} \
		XENBUS_BASE_PATH=backend netdev= vif="vif$domid.$devid" "${env[@]}" \
		"$SCRIPTS/$script" "$command" type_if=vif "${args[@]}"
}

# close_other_fds: closes every descriptor of this shell but 0, 1 and 2.
close_other_fds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done
}

# only_std_fds CMD...: CMD with only 0, 1 and 2 open, as the toolstack
# starts a hotplug script: whatever else this shell holds is not passed on.
only_std_fds() (
	close_other_fds
	"$@"
)

# xen-netmodes status [--json] in dom0.
xnm_status() {
	in_dom0 "$BUILD/xen-netmodes" status "$@"
}

# xen-netmodes check VIF in dom0.
xnm_check() {
	in_dom0 "$BUILD/xen-netmodes" check "$@"
}

# xnm_verdict VIF: check's differences and verdict, without a filtered
# vif's drop counts after them ("VIF: dropped: ...").
xnm_verdict() {
	xnm_check "$@" | grep -v '^[^ ]*: dropped: ' || true
}
