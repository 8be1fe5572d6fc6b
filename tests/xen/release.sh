# The Debian release the real-Xen rig boots (sourced by fetch.sh, images.sh,
# run.sh, lab.sh and lintian.sh): XNM_XEN_RELEASE=13 (the default, Debian's stable:
# trixie, Xen 4.20, kernel 6.12, every program and library of the dom0 and
# the guests from trixie's packages) or 12 (bookworm: Xen 4.17, kernel 6.1,
# the dom0's userland from this build machine, itself a Debian 12). Each release has its own cache
# directory (build/xen/12, build/xen/13: under build/xen, which the
# Makefile's search for dependency files skips).
XNM_XEN_RELEASE=${XNM_XEN_RELEASE:-13}
case $XNM_XEN_RELEASE in
12) XEN_SUITE=bookworm XEN_VER=4.17 ;;
13) XEN_SUITE=trixie XEN_VER=4.20 ;;
*)
	echo "real-xen: XNM_XEN_RELEASE must be 12 or 13, not $XNM_XEN_RELEASE" >&2
	exit 1
	;;
esac
export XNM_XEN_RELEASE

# release_cache DIR: DIR, or build/xen/RELEASE; a cache holds one release's
# packages and images, never the other's.
release_cache() {
	local c
	c=$(realpath -m "${1:-$here/../../build/xen/$XNM_XEN_RELEASE}")
	if [ -s "$c/release" ] && [ "$(cat "$c/release")" != "$XNM_XEN_RELEASE" ]; then
		echo "real-xen: $c holds Debian $(cat "$c/release")'s rig, not $XNM_XEN_RELEASE's" >&2
		return 1
	fi
	echo "$c"
}

# trixie_apt DIR: apt_opts, the options that make apt-get and apt-cache
# read trixie's archive through DIR alone (its sources list, lists, package
# cache and an empty status); the machine's apt configuration is never
# touched. Reads the lists the first time.
trixie_apt() {
	local a=$1
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$a/sources.list"
	apt_opts=(-o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State=$a" -o "Dir::State::Lists=$a/lists" -o Dir::State::status=/dev/null
		-o "Dir::Cache=$a/cache" -o Debug::NoLocking=1
		-o APT::Architecture=amd64 -o APT::Architectures=amd64)
	compgen -G "$a/lists/*_Packages" >/dev/null || apt-get "${apt_opts[@]}" update -q >/dev/null
}

# merge_usr ROOT PKGDIR: an unpacked package's files into ROOT. Where ROOT's
# /bin, /sbin, /lib or /lib64 is a link into /usr (a merged-/usr tree, as
# trixie's are), that directory's files go into ROOT/usr, never over the
# link.
merge_usr() {
	local root=$1 pkg=$2 d
	for d in "$pkg"/* "$pkg"/.[!.]*; do
		[ -e "$d" ] || continue
		case ${d##*/} in
		bin | sbin | lib | lib64)
			[ -L "$root/${d##*/}" ] && { mkdir -p "$root/usr/${d##*/}" && cp -a "$d/." "$root/usr/${d##*/}/"; continue; }
			cp -a "$d" "$root/"
			;;
		*) cp -a "$d" "$root/" ;;
		esac
	done
}

# Measured on 2026-12-06/07 (the 2-core build machine, QEMU TCG, the whole
# scenario set, run.sh under /usr/bin/time; another make check with its own
# QEMU ran beside each, so these are the figures of a busy machine):
#   13: 440 passed, 0 failed; dom0 up at 12 s; 23 min 39 s wall, 1275 s CPU
#       (05-package 2 s, 10-bridge 200, 20-route 24, 30-nat 22,
#       40-udev-daemon 66, 60-vlan 794, 70-strict 122, 80-uplinks 74,
#       90-package-remove 61); first fetch 147 MB, ~10 s, images ~40 s.
#   12: dom0 up at 24 s; 10-bridge 567 s, 20-route 60, 30-nat 58,
#       40-udev-daemon 102; 60-vlan ran out of its 900 s (its counting
#       windows closed before the senders, loaded, were done), 70-strict
#       after it failed on what 60-vlan left, and run.sh's 2700 s ended it:
#       45 min 53 s wall, 2637 s CPU.
# On the machine alone (nothing else running), 12's 60-vlan 70-strict
# 80-uplinks 90-package-remove: 248 passed, 0 failed, dom0 up at 14 s, 60-vlan
# 216 s, 70-strict 62, 80-uplinks 34, 90-package-remove 30: 6 min 49 s wall,
# 360 s CPU. 13's whole set alone: 440 passed, 0 failed, dom0 up at 12 s,
# 05-package 2 s, 10-bridge 170, 20-route 13, 30-nat 19, 40-udev-daemon 22,
# 60-vlan 182, 70-strict 58, 80-uplinks 32, 90-package-remove 23: 9 min 28 s
# wall, 484 s CPU. A second QEMU on the 2 cores makes a run 3 to 4 times longer.
