# The Debian release the real-Xen rig boots (sourced by fetch.sh, images.sh,
# run.sh and lab.sh): XNM_XEN_RELEASE=12 (bookworm: Xen 4.17, kernel 6.1,
# the dom0's userland from this build machine, itself a Debian 12) or 13
# (trixie: Xen 4.20, kernel 6.12, every program and library of the dom0 and
# the guests from trixie's packages). Each release has its own cache
# directory (build/xen/12, build/xen/13: under build/xen, which the
# Makefile's search for dependency files skips).
XNM_XEN_RELEASE=${XNM_XEN_RELEASE:-12}
case $XNM_XEN_RELEASE in
12) XEN_SUITE=bookworm XEN_VER=4.17 ;;
13) XEN_SUITE=trixie XEN_VER=4.20 ;;
*)
	echo "real-xen: XNM_XEN_RELEASE must be 12 or 13, not $XNM_XEN_RELEASE" >&2
	exit 1
	;;
esac
export XNM_XEN_RELEASE

# release_cache DIR: DIR, or build/xen-RELEASE; a cache holds one release's
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
