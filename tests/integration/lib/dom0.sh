# What a call gets in dom0: the directories it writes, all under $TMP, and
# in_dom0, which runs a command there as the toolstack runs a hotplug.

# Exported, so that what runs outside in_dom0 (a bare xen-netmodesd, the
# bash -c of exported functions) keeps off the host's directories too.
export XEN_NETMODES_RUN_DIR=$TMP/run   # state files, the daemon's socket
export XEN_NETMODES_LOCK_DIR=$TMP/lock # the locks (else /var/run/xen-hotplug)
export XEN_NETMODES_LOG_DIR=$TMP/log   # xen-hotplug.log (else /var/log/xen)
HOTPLUG_LOG=$XEN_NETMODES_LOG_DIR/xen-hotplug.log

# in_dom0 [--exec] [NAME=VALUE...] CMD...: CMD in dom0's namespace with only
# what a hotplug gets (PATH, xenstore), the suite's directories, its
# XEN_NETMODES_CONF when it has one, and ASAN_OPTIONS; NAME=VALUE words come
# after these, so they win. --exec: in place of the shell that runs it, so
# that `in_dom0 --exec CMD &` leaves $! CMD's own pid (ip and env exec it).
in_dom0() {
	local exec=()
	if [ "${1:-}" = --exec ]; then
		exec=(exec)
		shift
	fi
	"${exec[@]}" ip netns exec "$D0" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		XENSTORED_PATH="$XENSTORED_PATH" XEN_NETMODES_RUN_DIR="$XEN_NETMODES_RUN_DIR" \
		XEN_NETMODES_LOCK_DIR="$XEN_NETMODES_LOCK_DIR" XEN_NETMODES_LOG_DIR="$XEN_NETMODES_LOG_DIR" \
		${XEN_NETMODES_CONF:+XEN_NETMODES_CONF="$XEN_NETMODES_CONF"} ASAN_OPTIONS="${ASAN_OPTIONS:-}" "$@"
}
