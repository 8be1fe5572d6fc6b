#!/bin/bash
# Stops the Open vSwitch pair tests/ovs/start.sh started for DIR: the
# processes its pidfiles name, ovs-vswitchd first, each waited for (at most
# 5 s, then killed). A stopped process (SIGSTOP, as a test leaves it) is
# continued first. DIR stays, with the logs.
set -uo pipefail

dir=${1:?usage: $0 DIR}
for d in ovs-vswitchd ovsdb-server; do
	pidfile=$dir/$d.pid
	[ -s "$pidfile" ] || continue
	pid=$(cat "$pidfile")
	if kill -0 "$pid" 2>/dev/null && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$d" ]; then
		kill -TERM "$pid" 2>/dev/null
		kill -CONT "$pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$pidfile"
done
exit 0
