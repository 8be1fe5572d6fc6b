#!/bin/bash
# Gives the rig's dom0 the dpkg a Debian host has, so that the project's
# package goes in and out there with dpkg -i / -r / -P as it would on one.
# The dom0 is not installed by dpkg but put together from unpacked
# packages: each of them is written into dpkg's database as installed, with
# its files and its conffiles, as dpkg itself would have recorded them.
# The libraries the package needs that the dom0 takes from this machine are
# recorded as this machine has them.
#
#   dpkg-db.sh ROOT DEBS_DIR DEB PACKAGE...
#     ROOT      the dom0 tree
#     DEBS_DIR  where the .debs of PACKAGE... are
#     DEB       the project's package (its Depends name what else to record)
set -euo pipefail
root=$1 debs=$2 deb=$3
shift 3
db=$root/var/lib/dpkg
rm -rf "$db"
mkdir -p "$db"/{info,updates,triggers,alternatives}
: >"$db/status"
: >"$db/available"
: >"$db/diversions"
: >"$db/statoverride"
recorded=" "

# info_name PACKAGE MULTI-ARCH ARCH: its files' name in dpkg's info
# directory (a Multi-Arch: same package's carries its architecture).
info_name() { if [ "$2" = same ]; then echo "$1:$3"; else echo "$1"; fi; }

# stanza DEB: its control fields with dpkg's Status, and its Conffiles with
# the md5sum each has in the package. The package is unpacked once: its
# files and, in DEBIAN/, its control area.
stanza() {
	local d=$1 tmp p f
	tmp=$(mktemp -d)
	dpkg-deb -R "$d" "$tmp"
	field() { sed -n "s/^$1: //p" "$tmp/DEBIAN/control"; }
	p=$(field Package)
	{
		echo "Package: $p"
		echo "Status: install ok installed"
		grep -v '^Package:' "$tmp/DEBIAN/control"
		if [ -s "$tmp/DEBIAN/conffiles" ]; then
			echo "Conffiles:"
			while read -r f; do
				[ -f "$tmp$f" ] && echo " $f $(md5sum <"$tmp$f" | cut -d' ' -f1)"
			done <"$tmp/DEBIAN/conffiles"
		fi
		echo
	} >>"$db/status"
	# its files, as dpkg lists them: every path, directories included
	f=$(info_name "$p" "$(field Multi-Arch)" "$(field Architecture)")
	(cd "$tmp" && find . -path ./DEBIAN -prune -o -print) | sed 's|^\.||; s|^$|/.|' >"$db/info/$f.list"
	[ -f "$tmp/DEBIAN/md5sums" ] && cp "$tmp/DEBIAN/md5sums" "$db/info/$f.md5sums"
	rm -rf "$tmp"
	recorded="$recorded$p "
}

for p in "$@"; do
	stanza "$(compgen -G "$debs/${p}_*.deb" | head -n 1)"
done
# The package's own dependencies not among them: as DEBS_DIR has them (a
# Debian 13 dom0 holds trixie's libraries), else this machine's packages
# (a Debian 12 dom0 has their libraries from here).
for p in $(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed 's/(.*//; s/:.*//; s/ //g' | sort -u); do
	case $recorded in *" $p "*) continue ;; esac
	if compgen -G "$debs/${p}_*.deb" >/dev/null; then
		stanza "$(compgen -G "$debs/${p}_*.deb" | head -n 1)"
		continue
	fi
	dpkg-query -s "$p" | grep -v '^Conffiles:\|^ /' >>"$db/status"
	echo >>"$db/status"
	dpkg-query -L "$p" >"$db/info/$(info_name "$p" "$(dpkg-query -W -f='${Multi-Arch}' "$p")" "$(dpkg-query -W -f='${Architecture}' "$p")").list"
	recorded="$recorded$p "
done
