#!/bin/bash
# Downloads the Debian packages the real-Xen rig is built from into
# CACHE/debs (once) and unpacks each into CACHE/pkgs/NAME. Needs only the
# Debian archive: apt-get download, dpkg-deb -x.
#
# XNM_XEN_RELEASE=12 (release.sh): this machine's own archive (Debian 12).
# XNM_XEN_RELEASE=13: trixie, through an apt of the cache's own (its sources
# list, lists, package cache and an empty status under CACHE/apt: the
# machine's apt configuration is never touched); besides Xen, the kernel,
# busybox and kmod, the dom0's userland and every library it needs, from
# trixie's packages, unpacked together into CACHE/sysroot as a merged-/usr
# trixie system would hold them (images.sh takes the dom0's programs and
# libraries from there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/release.sh"
CACHE=$(release_cache "${1:?usage: fetch.sh CACHE_DIR}")
mkdir -p "$CACHE/debs" "$CACHE/pkgs"
echo "$XNM_XEN_RELEASE" >"$CACHE/release"
cd "$CACHE/debs"

apt_opts=()
[ "$XNM_XEN_RELEASE" = 13 ] && trixie_apt "$CACHE/apt"
acache() { apt-cache "${apt_opts[@]}" "$@"; }
aget() { apt-get "${apt_opts[@]}" "$@"; }

# The kernel: whatever linux-image-amd64 points at today (a 6.1 on Debian
# 12, a 6.12 on 13).
kmajor=6.1
[ "$XNM_XEN_RELEASE" = 13 ] && kmajor=6.12
kver_pkg() {
	acache depends linux-image-amd64 2>/dev/null |
		sed -n "s/^ *Depends: \(linux-image-${kmajor//./\\.}\.[0-9a-z+.-]*-amd64\)$/\1/p" | head -n 1
}
kernel=$(kver_pkg)
if [ -z "$kernel" ]; then
	aget update -q >/dev/null
	kernel=$(kver_pkg)
fi
[ -n "$kernel" ] || { echo "fetch: no linux-image-$kmajor in the archive" >&2; exit 1; }

# Xen's hypervisor, toolstack and their libraries, the shell scripts this
# project replaces (xen-utils-common), the kernel, busybox and kmod.
packages=("xen-hypervisor-$XEN_VER-amd64" "xen-utils-$XEN_VER" xen-utils-common
	libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1
	libxengnttab1 libxenhypfs1 "libxenmisc$XEN_VER" libxenstore4 libxentoolcore1
	libxentoollog1 libyajl2 "$kernel" busybox-static kmod)
# libvirt's libxl driver, its daemon and virsh (15-libvirt): images.sh
# takes only libvirtd, the driver's module and virsh from these, and
# libvirt0's libraries (on Debian 12 with libssh, which this machine
# lacks; on 13 through the userland's list below, with what they need).
libvirt=(libvirt-daemon libvirt-daemon-driver-xen libvirt-clients libvirt0)
packages+=("${libvirt[@]}")
[ "$XNM_XEN_RELEASE" = 12 ] && packages+=(libssh-4)

# Debian 13's dom0 userland: the programs images.sh puts there (on 12 they
# come from this machine), the libraries the project's package depends on,
# and everything they depend on (Depends and Pre-Depends), but for what no
# file of the dom0 comes from (python, perl, debconf, systemd itself,
# time zones).
userland=(bash dash iproute2 nftables xenstore-utils dnsmasq-base udev util-linux grep
	coreutils dpkg tar libc-bin libc6 libgcc-s1 libnl-3-200 libnl-route-3-200 libnftnl11
	libmnl0 init-system-helpers openvswitch-switch openvswitch-common libvirt0 libreadline8t64)
if [ "$XNM_XEN_RELEASE" = 13 ]; then
	# made again when the list asked for changed, and the sysroot with it
	if [ ! -s "$CACHE/userland-packages" ] || [ "$(cat "$CACHE/userland-asked" 2>/dev/null)" != "${userland[*]} ${libvirt[*]}" ]; then
		acache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
			--no-replaces --no-enhances "xen-utils-$XEN_VER" "${userland[@]}" |
			grep -v '^[ <]' | sort -u |
			grep -vx 'python3.*\|libpython3.*\|perl-base\|libtext-.*-perl\|debconf\|cdebconf\|tzdata\|systemd\|systemd-standalone-sysusers\|opensysusers\|ucf\|libdebian-installer4\|libdebconfclient0\|libnewt0.52\|libslang2\|base-files\|base-passwd\|media-types\|sensible-utils\|passwd\|login.defs\|libpam-.*\|gawk\|original-awk\|mawk\|readline-common\|libsigsegv2\|libmpfr6' \
				>"$CACHE/userland-packages.tmp"
		mv "$CACHE/userland-packages.tmp" "$CACHE/userland-packages"
		echo "${userland[*]} ${libvirt[*]}" >"$CACHE/userland-asked"
		rm -f "$CACHE/sysroot/.done"
	fi
	mapfile -t more <"$CACHE/userland-packages"
	for p in "${more[@]}"; do
		case " ${packages[*]} " in *" $p "*) ;; *) packages+=("$p") ;; esac
	done
fi

need=()
for p in "${packages[@]}"; do
	compgen -G "${p}_*.deb" >/dev/null || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "fetch: downloading ${need[*]}"
	aget download -q "${need[@]}" >/dev/null 2>&1 || {
		aget update -q >/dev/null
		aget download "${need[@]}"
	}
fi
for p in "${packages[@]}"; do
	deb=$(compgen -G "${p}_*.deb" | head -n 1)
	[ -d "$CACHE/pkgs/$p" ] || { dpkg-deb -x "$deb" "$CACHE/pkgs/$p.tmp" && mv "$CACHE/pkgs/$p.tmp" "$CACHE/pkgs/$p"; }
done
echo "$kernel" >"$CACHE/kernel-package"

# the sysroot: merge_usr (release.sh) lays each package out as trixie's
# merged /usr has it
if [ "$XNM_XEN_RELEASE" = 13 ] && [ ! -e "$CACHE/sysroot/.done" ]; then
	rm -rf "$CACHE/sysroot"
	mkdir -p "$CACHE/sysroot/usr"/{bin,sbin,lib,lib64}
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$CACHE/sysroot/$d"; done
	for p in "${packages[@]}"; do
		case $p in linux-image-* | xen-hypervisor-*) continue ;; esac
		merge_usr "$CACHE/sysroot" "$CACHE/pkgs/$p"
	done
	touch "$CACHE/sysroot/.done"
fi
