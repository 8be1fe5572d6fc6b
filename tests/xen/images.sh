#!/bin/bash
# Builds the real-Xen rig's boot images under CACHE from Debian packages
# only: the hypervisor (gunzipped for QEMU's multiboot loader), Debian's
# kernel, a dom0 initramfs holding the toolstack and dpkg, this project's
# Debian package (make deb, installed at boot: the way a user installs it),
# the guests' kernel and initramfs. Downloads are kept; the initramfs images are rebuilt each
# run, so they always hold the tree's current build.
#
#   images.sh CACHE   ->  CACHE/xen, CACHE/vmlinuz, CACHE/dom0.cpio.gz
#
# XNM_XEN_RELEASE=12|13 (release.sh): Debian 12's Xen 4.17 and 6.1 kernel,
# the dom0's programs and libraries taken from this machine; or Debian 13's
# Xen 4.20 and 6.12 kernel, every program and library of the dom0 and the
# guests taken from trixie's packages (CACHE/sysroot, fetch.sh), the roots
# merged-/usr as trixie's are, the kernel's .ko.xz modules unpacked. The
# project's package and binaries are this machine's build in both.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/release.sh"
CACHE=$(release_cache "${1:?usage: images.sh CACHE_DIR}")
"$here/fetch.sh" "$CACHE"
pkgs=$CACHE/pkgs
sysroot=$CACHE/sysroot
kpkg=$(cat "$CACHE/kernel-package")
kver=${kpkg#linux-image-}
kroot=$pkgs/$kpkg
# trixie's kernel keeps its modules under /usr/lib/modules: depmod -b and
# modprobe -d look under ROOT/lib/modules
[ -e "$kroot/lib" ] || ln -s usr/lib "$kroot/lib"

[ -s "$CACHE/xen" ] || gunzip -c "$pkgs/xen-hypervisor-$XEN_VER-amd64/boot/xen-$XEN_VER-amd64.gz" >"$CACHE/xen"
cp "$kroot/boot/vmlinuz-$kver" "$CACHE/vmlinuz"
# The figures' guests boot the same kernel uncompressed (its ELF vmlinux,
# the XZ payload of the bzImage): Xen's builder then unpacks nothing in xl,
# which under the emulation failed ("unable to XZ decompress kernel") for
# every other create when 20 ran at once. The checks' guests keep the
# bzImage: with the vmlinux, one CI run saw a guest's init crash at boot.
# Debian 13's bzImage holds a zstd payload, 12's an XZ one.
if [ ! -s "$CACHE/vmlinux" ] || [ "$CACHE/vmlinuz" -nt "$CACHE/vmlinux" ]; then
	if [ "$XNM_XEN_RELEASE" = 13 ]; then
		magic=$'\x28\xb5\x2f\xfd' unpack=zstd
	else
		magic=$'\xfd7zXZ\x00' unpack=xz
	fi
	at=$(LC_ALL=C grep -abo "$magic" "$CACHE/vmlinuz" | LC_ALL=C sed -n '1s/:.*//p')
	# the unpacker stops at the stream's end, before the bzImage's: the rest is not read
	{ $unpack -dc 2>/dev/null || true; } < <(tail -c +$((at + 1)) "$CACHE/vmlinuz") >"$CACHE/vmlinux"
	[ "$(head -c 4 "$CACHE/vmlinux")" = $'\x7fELF' ] || { echo "images: no vmlinux in $CACHE/vmlinuz" >&2; exit 1; }
fi

# Module dependencies of the whole tree, once.
[ -s "$kroot/lib/modules/$kver/modules.dep" ] || depmod -b "$kroot" "$kver"

# copy_modules ROOT MODULE...: the modules with everything they depend on.
copy_modules() {
	local root=$1 m f
	shift
	for m in "$@"; do
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
	done | sort -u | while read -r f; do
		mkdir -p "$root$(dirname "${f#"$kroot"}")"
		# Debian 13's are .ko.xz: unpacked here, so that neither busybox's
		# modprobe nor kmod needs to (kmod 34 would dlopen liblzma)
		case $f in
		*.ko.xz) f=${f#"$kroot"} && xz -dc "$kroot$f" >"$root${f%.xz}" ;;
		*) cp "$f" "$root${f#"$kroot"}" ;;
		esac
	done
	cp "$kroot/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$kver/"
	depmod -b "$root" "$kver"
}

# busybox ROOT: busybox and a link for every applet the root lacks.
busybox() {
	local root=$1 a
	# /bin/busybox on Debian 12, /usr/bin/busybox on 13
	install -D -m 0755 "$(ls "$pkgs"/busybox-static/{bin,usr/bin}/busybox 2>/dev/null | head -n 1)" "$root/bin/busybox"
	for a in $("$root/bin/busybox" --list-full); do
		[ -e "$root/$a" ] || [ -L "$root/$a" ] || { mkdir -p "$root/$(dirname "$a")" && ln -s /bin/busybox "$root/$a"; }
	done
}

# with_libs ROOT: copies from the build machine every shared library an ELF
# file in ROOT needs that ROOT lacks, until nothing is missing.
with_libs() {
	local root=$1 f lib changed=1
	local path=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu
	while [ $changed = 1 ]; do
		changed=0
		while read -r lib; do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
			changed=1
		done < <(find "$root" -type f -perm -u+x -o -type f -name '*.so*' | while read -r f; do
			[[ $(head -c 4 "$f") == $'\x7fELF' ]] || continue
			LD_LIBRARY_PATH=$path ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' || true
		done | sed "s|^$root||" | sort -u)
	done
}

# host_files ROOT PATH...: files of the build machine's own Debian packages.
host_files() {
	local root=$1 p
	shift
	for p in "$@"; do
		mkdir -p "$root$(dirname "$p")"
		# never through a link already there (a busybox applet's points
		# at /bin/busybox: this machine's, seen from here)
		cp -a --remove-destination "$p" "$root$p"
	done
}

# Debian 13: the same from trixie's packages (CACHE/sysroot), a link's
# target copied in its place.
if [ "$XNM_XEN_RELEASE" = 13 ]; then
	host_files() {
		local root=$1 p
		shift
		for p in "$@"; do
			mkdir -p "$root$(dirname "$p")"
			if [ -d "$sysroot$p" ]; then
				cp -a --remove-destination "$sysroot$p/." "$root$p/"
			else
				cp -L --preserve=mode,timestamps --remove-destination "$sysroot$p" "$root$p"
			fi
		done
	}
	# with_libs ROOT: every library an ELF file in ROOT needs (its
	# DT_NEEDED, and its loader), from ROOT itself or else from trixie's,
	# until nothing is missing. Read with readelf: this machine's ldd cannot
	# load trixie's libc.
	with_libs() {
		local root=$1 f lib dir changed=1
		# (and the RUNPATHs of Xen's and systemd-udevd's programs)
		local dirs="/usr/lib/x86_64-linux-gnu /usr/lib /usr/lib/xen-$XEN_VER/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/systemd"
		while [ $changed = 1 ]; do
			changed=0
			while read -r lib; do
				case $lib in
				/*) [ -e "$root$lib" ] || { host_files "$root" "$lib"; changed=1; } ;;
				*)
					for dir in $dirs; do [ -e "$root$dir/$lib" ] && continue 2; done
					for dir in $dirs; do
						[ -e "$sysroot$dir/$lib" ] || continue
						host_files "$root" "$dir/$lib"
						changed=1
						continue 2
					done
					echo "images: no $lib in Debian $XNM_XEN_RELEASE's packages" >&2
					return 1
					;;
				esac
			done < <(find "$root" -type f -perm -u+x -o -type f -name '*.so*' | while read -r f; do
				[[ $(head -c 4 "$f") == $'\x7fELF' ]] || continue
				LC_ALL=C readelf -dl "$f" 2>/dev/null |
					sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p; s/.*Requesting program interpreter: \(.*\)\]$/\1/p'
			done | sort -u)
		done
	}
fi

# new_root DIR: an empty root; merged-/usr on Debian 13 (/bin, /sbin, /lib,
# /lib64 links into /usr), as trixie's own.
new_root() {
	rm -rf "$1"
	mkdir -p "$1"
	if [ "$XNM_XEN_RELEASE" = 13 ]; then
		mkdir -p "$1/usr"/{bin,sbin,lib,lib64}
		for d in bin sbin lib lib64; do ln -s "usr/$d" "$1/$d"; done
	fi
}

gzip_cpio() {
	(cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) >"$2"
}

cc_static() {
	mkdir -p "$(dirname "$1")"
	gcc -O2 -static -Wall -Wextra -Werror -D_GNU_SOURCE -o "$1" "$2"
}

# --- the guests: busybox, netfront, the probe
guest=$CACHE/guest-root
new_root "$guest"
mkdir -p "$guest"/{proc,sys,dev,tmp,lib/modules/"$kver"}
busybox "$guest"
copy_modules "$guest" xen-netfront 8021q
cc_static "$guest/bin/probe" "$here/probe.c"
# xenstore-read: what a guest learns from its frontend's nodes (the MTU)
host_files "$guest" /usr/bin/xenstore-read /etc/ld.so.conf /etc/ld.so.conf.d
with_libs "$guest"
ldconfig -r "$guest"
install -m 0755 "$here/guest-init" "$guest/init"
gzip_cpio "$guest" "$CACHE/guest.cpio.gz"

# --- dom0
dom0=$CACHE/dom0-root
new_root "$dom0"
mkdir -p "$dom0"/{proc,sys,dev,tmp,run,root,var/log/xen,var/lib/xen,lib/modules/"$kver"}
# As on Debian: /var/run is /run, so the locks locking.sh takes there are on the tmpfs.
ln -sfn ../run "$dom0/var/run"
xen_pkgs=("xen-utils-$XEN_VER" xen-utils-common libxencall1 libxendevicemodel1 libxenevtchn1
	libxenforeignmemory1 libxengnttab1 libxenhypfs1 "libxenmisc$XEN_VER" libxenstore4
	libxentoolcore1 libxentoollog1 libyajl2 kmod)
for p in "${xen_pkgs[@]}"; do
	merge_usr "$dom0" "$pkgs/$p"
done
rm -rf "$dom0/usr/share/doc" "$dom0/usr/share/man" "$dom0/usr/lib/python3"*
# what the guests and the dom0 need, by module name
copy_modules "$dom0" xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-netback \
	bridge veth dummy 8021q bonding tun virtio_net virtio_pci openvswitch \
	$(cd "$kroot/lib/modules/$kver/kernel" && find net/netfilter net/ipv4/netfilter \
		net/ipv6/netfilter net/bridge -name '*.ko*' -printf '%f\n' | sed 's/\.ko\(\.xz\)\{0,1\}$//')
# loading dummy or bonding must not create dummy0 or bond0
mkdir -p "$dom0/etc/modprobe.d"
printf 'options dummy numdummies=0\noptions bonding max_bonds=0\n' >"$dom0/etc/modprobe.d/xnm.conf"
# Debian's own userland, taken from the build machine (on Debian 13 from
# trixie's packages, host_files above): a real /bin/sh (the
# scripts' dash) and bash, iproute2, nftables, xenstore-utils (Debian's
# shell scripts call them), udev, dnsmasq, and libgcc_s (xl aborts at exit
# without it).
host_files "$dom0" /bin/bash /bin/dash /bin/ip /sbin/bridge /usr/sbin/nft \
	/usr/bin/xenstore-read /usr/bin/xenstore-write /usr/bin/xenstore-rm /usr/bin/xenstore-exists \
	/usr/bin/xenstore-list /usr/bin/xenstore-ls /usr/bin/xenstore-watch /usr/bin/xenstore-chmod /usr/bin/xenstore \
	/usr/sbin/dnsmasq /lib/systemd/systemd-udevd /bin/udevadm /lib/udev/rules.d/80-net-setup-link.rules \
	/lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/bin/flock /bin/grep /usr/bin/timeout
# Open vSwitch: its database server and switch daemon (a scenario starts
# them, with the openvswitch module of Debian's kernel), ovs-vsctl and
# ovsdb-tool for the scenario's own setup and reading, the schema. The
# switch is an alternative (/usr/sbin/ovs-vswitchd, a link its package's
# postinst makes) of the plain build's own path.
host_files "$dom0" /usr/sbin/ovsdb-server /usr/lib/openvswitch-switch/ovs-vswitchd /usr/bin/ovs-vsctl \
	/usr/bin/ovsdb-tool /usr/share/openvswitch/vswitch.ovsschema
ln -sf /usr/lib/openvswitch-switch/ovs-vswitchd "$dom0/usr/sbin/ovs-vswitchd"
# libvirt (15-libvirt): libvirtd with its libxl driver only (the module it
# loads; it starts without its other drivers), virsh, the CPU map the
# driver reads the host's CPU with. Debian's libvirt-daemon,
# libvirt-daemon-driver-xen, libvirt-clients, libvirt0 (on 13 the sysroot
# holds them; on 12 they are unpacked together here, with libssh, and
# libvirt0's libraries and libssh's copied as this machine has neither).
lvroot=$sysroot
if [ "$XNM_XEN_RELEASE" = 12 ]; then
	lvroot=$CACHE/libvirt-root
	rm -rf "$lvroot"
	mkdir -p "$lvroot"
	for p in libvirt-daemon libvirt-daemon-driver-xen libvirt-clients libvirt0 libssh-4; do
		merge_usr "$lvroot" "$pkgs/$p"
	done
	mkdir -p "$dom0/usr/lib/x86_64-linux-gnu"
	cp -a "$lvroot"/usr/lib/x86_64-linux-gnu/lib{virt,virt-lxc,virt-qemu,ssh}.so.* "$dom0/usr/lib/x86_64-linux-gnu/"
fi
for p in /usr/sbin/libvirtd /usr/bin/virsh /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_libxl.so \
	/usr/share/libvirt/cpu_map; do
	mkdir -p "$dom0$(dirname "$p")"
	cp -a --remove-destination "$lvroot$p" "$dom0$p"
done
# The emulated CPU matches none of libvirt's CPU models: each x86 model
# needs SEP or VME, and the hw_caps Xen reports here have neither (no VME
# under QEMU's TCG, no SEP on its AMD-vendor CPU). libvirt 11's libxl
# driver then refuses to start ("Cannot find suitable CPU model for given
# data ... cannot create capabilities for libxenlight"). One model more,
# for decoding the host's CPU only, of two features every x86 CPU has.
cat >"$dom0/usr/share/libvirt/cpu_map/x86_xnm-emulated.xml" <<'MODEL'
<cpus>
  <model name='xnm-emulated'>
    <decode host='on' guest='off'/>
    <feature name='fpu'/>
    <feature name='pse'/>
  </model>
</cpus>
MODEL
sed -i "s|^\( *\)<include filename='x86_486.xml'/>|&\n\1<include filename='x86_xnm-emulated.xml'/>|" \
	"$dom0/usr/share/libvirt/cpu_map/index.xml"
grep -q x86_xnm-emulated "$dom0/usr/share/libvirt/cpu_map/index.xml"
ln -sf dash "$dom0/bin/sh"
# dpkg (and the GNU tar dpkg-deb runs), before busybox's applets take their names
host_files "$dom0" /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/dpkg-divert /usr/bin/dpkg-query \
	/usr/bin/dpkg-split /usr/bin/dpkg-trigger /usr/bin/dpkg-maintscript-helper /usr/bin/dpkg-realpath \
	/sbin/ldconfig /sbin/start-stop-daemon /etc/dpkg/dpkg.cfg /bin/tar
# the users dnsmasq and the scripts look up
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dom0/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$dom0/etc/group"
# ip and bridge in both /bin and /sbin, beside the real one (never over it)
for t in ip bridge; do
	[ -e "$dom0/bin/$t" ] || ln -s /sbin/$t "$dom0/bin/$t"
	[ -e "$dom0/sbin/$t" ] || ln -s /bin/$t "$dom0/sbin/$t"
done
busybox "$dom0"
cc_static "$dom0/usr/local/bin/probe" "$here/probe.c"
mkdir -p "$dom0/var/lib/xnm"
cp "$CACHE/vmlinuz" "$CACHE/vmlinux" "$CACHE/guest.cpio.gz" "$dom0/var/lib/xnm/"
# This project, the way a Debian administrator installs it: its package,
# which dom0-init installs with dpkg -i at boot (so the install itself runs
# on the Xen host, with dpkg's diversions of Debian's scripts). Not the test
# build make check may be running in: its SAN=1 reaches here through
# MAKEFLAGS.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$top/build" SAN= FAULTS= deb >/dev/null
deb=$(ls -t "$top"/build/xen-netmodes_*.deb | head -n 1)
cp "$deb" "$dom0/var/lib/xnm/xen-netmodes.deb"
# a database that records what the dom0 holds, for its dpkg (dpkg-db.sh)
"$here/dpkg-db.sh" "$dom0" "$CACHE/debs" "$deb" "${xen_pkgs[@]}"
# Debian's scripts as xen-utils-common ships them: what dpkg -r must give back
(cd "$pkgs/xen-utils-common" && sha256sum etc/xen/scripts/{vif-bridge,vif-route,vif-nat,vif-openvswitch,vif-setup} |
	sed 's| etc/| /etc/|') >"$dom0/var/lib/xnm/debian-scripts.sha256"
# the libraries the package's programs need, with everything else's
mkdir -p "$dom0/var/lib/xnm/deb-tree"
dpkg-deb -x "$deb" "$dom0/var/lib/xnm/deb-tree"
# Beside it, off every path the toolstack uses, the fault-injection build
# (FAULTS=1: XEN_NETMODES_FAIL_AT fails a plan's step N), for the
# scenarios that prove a rollback on Debian's kernel by hand.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$top/build/faults" SAN= FAULTS=1 \
	all >/dev/null
install -D -m 0755 "$top/build/faults/xen-netmodes" "$dom0/var/lib/xnm/faults/xen-netmodes"
with_libs "$dom0"
rm -rf "$dom0/var/lib/xnm/deb-tree"
# the loader finds the multiarch directories through its cache
host_files "$dom0" /etc/ld.so.conf /etc/ld.so.conf.d
ldconfig -r "$dom0"
install -m 0755 "$here/dom0-init" "$dom0/init"
install -d "$dom0/xnm"
cp "$here"/scenarios/*.sh "$dom0/xnm/"
cp "$top/tests/lib/results.sh" "$top/tests/lib/nft_listing.sh" "$dom0/xnm/"
# make lab's two hosts: their scripts, the seed's guest and the xl.conf and
# xend-config.sxp lines it uses.
install -d "$dom0/xnm/lab"
cp "$here"/lab/*.sh "$here/lab/lab-ssh" "$top/conf/vm1.cfg" "$top/conf/xl.conf" \
	"$top/conf/xend-config-bridge.sxp" "$dom0/xnm/lab/"
# The scenarios' xl: Debian's, bounded in time (it has hung under the emulation).
install -D -m 0755 /dev/stdin "$dom0/xnm/bin/xl" <<'XL'
#!/bin/sh
exec timeout -k 10 300 /usr/sbin/xl "$@"
XL
gzip_cpio "$dom0" "$CACHE/dom0.cpio.gz"
echo "images: $(du -h "$CACHE/dom0.cpio.gz" | cut -f1) dom0 initramfs, kernel $kver"
