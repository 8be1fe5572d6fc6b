#!/bin/bash
# Starts a private Open vSwitch for a test: a fresh database, ovsdb-server
# listening on DIR/db.sock and ovs-vswitchd connected to it, every file of
# theirs (database, pidfiles, logs, control sockets) in DIR. Run it inside
# the test's own network namespace: ovs-vswitchd's devices (the userspace
# datapath's taps) appear there. The build machines' kernels have no
# openvswitch module, so the tests' bridges use datapath_type=netdev; the
# self-check below proves that this ovs-vswitchd applies what it is given
# (cur_cfg follows next_cfg, a port gets its OpenFlow number).
#
#   tests/ovs/start.sh DIR     start (DIR is created; it must not hold a running pair)
#   tests/ovs/stop.sh DIR      stop both (tests/ovs/stop.sh)
#   tests/ovs/vsctl.sh DIR ARGS...   ovs-vsctl against DIR's database
set -euo pipefail

dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
schema=/usr/share/openvswitch/vswitch.ovsschema

# Nothing of theirs outside DIR: the run, log, database and configuration
# directories all point there.
export OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir OVS_SYSCONFDIR=$dir

for d in ovsdb-server ovs-vswitchd; do
	if [ -s "$dir/$d.pid" ] && kill -0 "$(cat "$dir/$d.pid")" 2>/dev/null; then
		echo "$0: $d already runs for $dir (pid $(cat "$dir/$d.pid"))" >&2
		exit 1
	fi
done
rm -f "$dir/conf.db" "$dir/.conf.db.~lock~" "$dir/db.sock"
ovsdb-tool create "$dir/conf.db" "$schema"

# The Manager rows' remotes too, as Debian's ovs-ctl starts it: a test adds
# one with an inactivity probe, to see the server's echo requests answered.
ovsdb-server "$dir/conf.db" --remote="punix:$dir/db.sock" \
	--remote=db:Open_vSwitch,Open_vSwitch,manager_options --no-chdir --detach -vconsole:off \
	--pidfile="$dir/ovsdb-server.pid" --log-file="$dir/ovsdb-server.log" \
	--unixctl="$dir/ovsdb-server.ctl"
vsctl() { ovs-vsctl --db="unix:$dir/db.sock" --timeout=10 "$@"; }
vsctl --no-wait init

ovs-vswitchd "unix:$dir/db.sock" --no-chdir --detach -vconsole:off \
	--pidfile="$dir/ovs-vswitchd.pid" --log-file="$dir/ovs-vswitchd.log" \
	--unixctl="$dir/ovs-vswitchd.ctl"

# The self-check: a bridge on the userspace datapath, applied (ovs-vsctl
# waits for cur_cfg to reach next_cfg), its local port numbered.
vsctl add-br xnmprobe -- set bridge xnmprobe datapath_type=netdev
ofport=$(vsctl get interface xnmprobe ofport)
cur=$(vsctl get open_vswitch . cur_cfg)
next=$(vsctl get open_vswitch . next_cfg)
vsctl del-br xnmprobe
if [ "$ofport" != 65534 ] || [ "$cur" != "$next" ]; then
	echo "$0: ovs-vswitchd did not apply a bridge (ofport $ofport, cur_cfg $cur, next_cfg $next);" \
		"see $dir/ovs-vswitchd.log" >&2
	exit 1
fi
