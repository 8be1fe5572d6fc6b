#!/bin/bash
# ovs-vsctl against the database of the pair tests/ovs/start.sh started in
# DIR: tests/ovs/vsctl.sh DIR ARGS... (the tests set up and inspect with it;
# the project's code never runs it).
dir=${1:?usage: $0 DIR ARGS...}
shift
exec ovs-vsctl --db="unix:$dir/db.sock" --timeout=10 "$@"
