#!/bin/bash
# The xenstore fixture against Debian's unmodified xenstore-* tools (and so
# libxenstore): the protocol operations the project and its tests rely on.
#   selftest.sh BUILD_DIR [SYSROOT]
# SYSROOT: the tools and libraries of another Debian release's root, run
# with its own loader (the real-Xen rig's build/xen/13/sysroot: Debian 13's
# libxenstore, which sends a request's header and payload in one write).
set -euo pipefail

BUILD=$(realpath "${1:?usage: selftest.sh BUILD_DIR [SYSROOT]}")
TMP=$(mktemp -d /tmp/xs-selftest.XXXXXX)
name="xenstored fixture"
if [ -n "${2:-}" ]; then
	root=$(realpath "$2")
	mkdir "$TMP/bin"
	for t in chmod exists list ls read rm watch write; do
		printf '#!/bin/sh\nexec %s --library-path %s %s "$@"\n' "$root/usr/lib64/ld-linux-x86-64.so.2" \
			"$root/usr/lib/x86_64-linux-gnu" "$root/usr/bin/xenstore-$t" >"$TMP/bin/xenstore-$t"
		chmod +x "$TMP/bin/xenstore-$t"
	done
	export PATH=$TMP/bin:$PATH
	name="$name (the libxenstore of $2)"
fi
export XENSTORED_PATH=$TMP/sock
PASS=0
FAIL=0

"$BUILD/xs-fixture" --socket "$XENSTORED_PATH" --pidfile "$TMP/pid" --dump "$TMP/dump" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/pid" ] && break; sleep 0.02; done

result() {
	if [ "$1" = "$2" ]; then
		PASS=$((PASS + 1))
		echo "ok $((PASS + FAIL)) - $3"
	else
		FAIL=$((FAIL + 1))
		echo "not ok $((PASS + FAIL)) - $3"
		echo "#   expected: $1"
		echo "#   actual:   $2"
	fi
}

xenstore-write /local/domain/0/backend/vif/1/0/mac 00:16:3e:00:00:01
result 00:16:3e:00:00:01 "$(xenstore-read /local/domain/0/backend/vif/1/0/mac)" "write and read, absolute"
result 00:16:3e:00:00:01 "$(xenstore-read backend/vif/1/0/mac)" "relative paths resolve under /local/domain/0"
xenstore-write backend/vif/1/0/bridge xenbr0 backend/vif/1/0/ip "10.0.0.1 10.0.0.2"
result "bridge
ip
mac" "$(xenstore-list /local/domain/0/backend/vif/1/0)" "list children, sorted"
result '/local/domain/0/backend/vif/1/0/bridge = "xenbr0"
/local/domain/0/backend/vif/1/0/ip = "10.0.0.1 10.0.0.2"
/local/domain/0/backend/vif/1/0/mac = "00:16:3e:00:00:01"' \
	"$(xenstore-ls -f /local/domain/0/backend/vif/1/0)" "xenstore-ls -f with values"
result 1 "$(xenstore-exists /nope; echo $?)" "exists fails for a missing node"
result 0 "$(xenstore-exists /local/domain/0/backend; echo $?)" "exists succeeds for a node"
result 1 "$(xenstore-read /local/domain/0/nope >/dev/null 2>&1; echo $?)" "read of a missing node fails"

xenstore-write /local/domain/5/x 1
xenstore-chmod /local/domain/5 n5 r0
xenstore-write /local/domain/5/y 2
result 'x = "1"  (n0)
y = "2"  (n5,r0)' "$(xenstore-ls -p /local/domain/5 | sed 's/ \.[ .]*/ /')" \
	"permissions stored, and inherited by new nodes"
result 1 "$(xenstore-chmod /local/domain/5 q5 >/dev/null 2>&1; echo $?)" "bad permission rejected"

xenstore-rm /local/domain/5
result 1 "$(xenstore-read /local/domain/5/y >/dev/null 2>&1; echo $?)" "rm removes the subtree"
result 0 "$(xenstore-rm /local/domain/0/backend/nope; echo $?)" "rm of a missing leaf is fine"
result 1 "$(xenstore-write 'bad//path' 1 >/dev/null 2>&1; echo $?)" "invalid path rejected"

timeout 5 xenstore-watch -n 3 /local/domain/0/backend/vif >"$TMP/watch" &
WATCH=$!
for _ in $(seq 100); do [ -s "$TMP/watch" ] && break; sleep 0.02; done
xenstore-write backend/vif/1/0/state 4
xenstore-rm backend/vif/1
wait $WATCH || true
result "/local/domain/0/backend/vif
/local/domain/0/backend/vif/1/0/state
/local/domain/0/backend/vif/1" "$(cat "$TMP/watch")" "watch: initial event, a write below, an rm below"

# A client that breaks the protocol is dropped; the server goes on.
timeout 5 perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die;
	print $s pack("LLLL", 2, 0, 0, 100000);
	my $buf; sysread($s, $buf, 16);' "$XENSTORED_PATH" >/dev/null 2>&1 || true
xenstore-write /tool/alive yes
result yes "$(xenstore-read /tool/alive)" "server still answers after a malformed client"

# A directory too large for one message: xs_directory gets E2BIG, then reads
# it in parts, each within XENSTORE_PAYLOAD_MAX (a larger one ends libxenstore's connection).
args=()
for ((d = 1000; d < 3000; d++)); do args+=("/big/$d" x); done
xenstore-write "${args[@]}"
result 2000 "$(xenstore-list /big | wc -l)" "a directory of 2000 children (9 KiB of names), listed whole"
result "1000 2999" "$(xenstore-list /big | sed -n '1p;$p' | tr '\n' ' ' | sed 's/ $//')" "in order, first to last"

kill -USR1 $PID
for _ in $(seq 100); do [ -s "$TMP/dump" ] && break; sleep 0.02; done
result '/tool/alive = "yes"' "$(grep '^/tool/alive' "$TMP/dump")" "dump on SIGUSR1"

echo "$name: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
