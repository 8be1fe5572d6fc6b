#!/bin/bash
# The package as each supported release's lintian sees it, errors and
# warnings failing:
#   lintian.sh DEB [RELEASE...]     (default: 12 13)
# 12: this machine's own lintian (a Debian 12's, make deb's); 13: trixie's,
# unpacked with everything it depends on from trixie's packages (the rig's
# private apt, release.sh) into build/xen/13/lintian-root, and run there
# under chroot in a mount namespace of its own (its /dev, /proc and /tmp).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deb=$(realpath "${1:?usage: lintian.sh DEB [RELEASE...]}")
shift
[ $# -gt 0 ] || set -- 12 13
RESULTS_DIR=$(mktemp -d)
trap 'rm -rf "$RESULTS_DIR"' EXIT
RESULTS_NAME="lintian: "
. "$here/../lib/results.sh"

# trixie_root ROOT: trixie's lintian and all it needs (Depends and
# Pre-Depends, recursively, and the essential tools it runs), merged-/usr
# as trixie lays it out; made once.
trixie_root() {
	local root=$1 a deb p d
	[ -e "$root/.done" ] && return 0
	# shellcheck source=release.sh
	XNM_XEN_RELEASE=13 . "$here/release.sh"
	trixie_apt "$(dirname "$root")/apt" || return 1
	mkdir -p "$root.debs" && cd "$root.debs" || return 1
	apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances lintian bash dash coreutils diffutils findutils \
		grep sed tar gzip xz-utils bzip2 zstd dpkg libc-bin base-passwd base-files |
		grep -v '^[ <]' | sort -u >../lintian-packages || return 1
	mapfile -t pkgs <../lintian-packages
	apt-get "${apt_opts[@]}" download -q "${pkgs[@]}" >/dev/null || return 1
	rm -rf "$root"
	mkdir -p "$root/usr"/{bin,sbin,lib,lib64} "$root"/{dev,proc,tmp,etc}
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
	for deb in ./*.deb; do
		p=$(mktemp -d)
		dpkg-deb -x "$deb" "$p" || return 1
		merge_usr "$root" "$p"
		rm -rf "$p"
	done
	cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
	cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
	ln -sfn debian "$root/etc/dpkg/origins/default" # base-files' postinst's
	touch "$root/.done"
}

for release in "$@"; do
	log=$RESULTS_DIR/lintian-$release.log
	case $release in
	12)
		lintian --version >"$log.version" 2>&1
		lintian --fail-on error,warning "$deb" >"$log" 2>&1
		;;
	13)
		root=$(realpath -m "$here/../../build/xen/13/lintian-root")
		if ! (trixie_root "$root") >"$log" 2>&1; then
			not_ok "Debian 13's lintian: unpacked from trixie's packages"
			evidence <"$log"
			continue
		fi
		chroot "$root" lintian --version >"$log.version" 2>&1
		unshare -m sh -c 'r=$1
			mount --rbind /dev "$r/dev" && mount -t proc proc "$r/proc" && mount -t tmpfs tmpfs "$r/tmp" &&
			cp "$2" "$r/tmp/" && exec env -i PATH=/usr/sbin:/usr/bin HOME=/tmp LANG=C.UTF-8 \
			chroot "$r" lintian --fail-on error,warning "/tmp/${2##*/}"' - "$root" "$deb" >"$log" 2>&1
		;;
	*)
		not_ok "lintian of Debian $release: no such release here (12 or 13)"
		continue
		;;
	esac
	rc=$?
	grep -v '^running with root privileges' "$log" | evidence
	check "Debian $release's $(cat "$log.version"): no error, no warning on ${deb##*/}" test "$rc" -eq 0
done
summary lintian
