#!/bin/bash
# Downloads the Debian packages the real-Xen rig is built from into
# CACHE/debs (once) and unpacks each into CACHE/pkgs/NAME. Needs only the
# Debian archive: apt-get download, dpkg-deb -x.
set -euo pipefail
CACHE=$(realpath -m "${1:?usage: fetch.sh CACHE_DIR}")
mkdir -p "$CACHE/debs" "$CACHE/pkgs"
cd "$CACHE/debs"

# The kernel: whatever linux-image-amd64 points at today (a 6.1 on Debian 12).
kver_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.[0-9-]*-amd64\)$/\1/p' | head -n 1
}
kernel=$(kver_pkg)
if [ -z "$kernel" ]; then
	apt-get update -q >/dev/null
	kernel=$(kver_pkg)
fi
[ -n "$kernel" ] || { echo "fetch: no linux-image-6.1 in the archive" >&2; exit 1; }

# Xen's hypervisor, toolstack and their libraries, the shell scripts this
# project replaces (xen-utils-common), the kernel, busybox and kmod.
packages=(xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
	libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1
	libxengnttab1 libxenhypfs1 libxenmisc4.17 libxenstore4 libxentoolcore1
	libxentoollog1 libyajl2 "$kernel" busybox-static kmod)

need=()
for p in "${packages[@]}"; do
	compgen -G "${p}_*.deb" >/dev/null || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "fetch: downloading ${need[*]}"
	apt-get download -q "${need[@]}" >/dev/null 2>&1 || {
		apt-get update -q >/dev/null
		apt-get download "${need[@]}"
	}
fi
for p in "${packages[@]}"; do
	deb=$(compgen -G "${p}_*.deb" | head -n 1)
	[ -d "$CACHE/pkgs/$p" ] || { dpkg-deb -x "$deb" "$CACHE/pkgs/$p.tmp" && mv "$CACHE/pkgs/$p.tmp" "$CACHE/pkgs/$p"; }
done
echo "$kernel" >"$CACHE/kernel-package"
