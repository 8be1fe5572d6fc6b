#!/bin/bash
# Installs the Debian packages the build, the tests and the demo need, when
# any is missing. Idempotent and quiet when everything is there.
set -euo pipefail

# Extra package names on the command line are wanted too (make bench's).
packages=(
	"$@"
	gcc make pkg-config
	libnl-3-dev libnl-route-3-dev libmnl-dev libnftnl-dev libxen-dev libcmocka-dev libjansson-dev
	nftables iproute2 xenstore-utils iputils-ping iputils-arping procps strace mandoc dnsmasq busybox udev python3 clang libclang-rt-14-dev clang-tidy cppcheck valgrind
	qemu-system-x86 cpio kmod xz-utils
	openvswitch-switch openvswitch-common
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The tests start their own dnsmasq (in a namespace) and ovsdb-server and
# ovs-vswitchd (in a directory of their own): keep the packages'
# services from starting on the host while they install.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
