#!/bin/bash
# Build a guest initramfs (uncompressed cpio) for one bench kernel.
#
#   mkinitramfs.sh KERNEL MODDIR|- OUT.cpio FILE...
#
# KERNEL   6.1 or 6.12 (6.1 gets Debian's modules, 6.12 has them built in)
# MODDIR   the Debian kernel's /lib/modules/<ver> directory, or -
# FILE...  extra project files as SRC=DEST pairs (module, tools, tests)
#
# Real tools go to /opt/bin and are called by absolute path in the guest:
# busybox-static prefers its own applets when a name is called bare.
set -euo pipefail

kernel=$1 moddir=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,opt/bin,proc,sys,dev,mnt,tmp,run,etc,lib/vs,var/tmp}
cp /bin/busybox "$root/bin/busybox"

# Real tools, with their shared libraries at the same paths.
tools=(/sbin/mke2fs /usr/sbin/filefrag /sbin/e2fsck /usr/sbin/mkfs.f2fs
       /sbin/mkfs.btrfs /sbin/dmsetup /usr/bin/fsverity /usr/bin/dd
       /usr/bin/cmp /usr/bin/sha256sum /usr/bin/timeout /usr/bin/stat
       /sbin/tune2fs /usr/bin/chattr)
add_libs() {
	{ ldd "$1" 2>/dev/null || true; } | awk '/=> \//{print $3} /^\t\/lib/{print $1}' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for t in "${tools[@]}"; do
	cp -L "$t" "$root/opt/bin/$(basename "$t")"
	add_libs "$t"
done

# Debian 6.1: the modules the scenarios need, in dependency order.
if [ "$moddir" != - ]; then
	kver=$(basename "$moddir")
	base=$(dirname "$(dirname "$(dirname "$moddir")")")
	mkdir -p "$root/lib/modules/$kver"
	: > "$root/etc/vs-modules"
	for m in ext4 f2fs btrfs dm-mod dm-flakey dm-delay virtio_blk virtio_pci loop \
		 sha512_generic scsi_mod sd_mod; do
		modprobe -d "$base" -S "$kver" --show-depends "$m" |
			awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++' | while read -r ko; do
		cp "$ko" "$root/lib/modules/$kver/"
		echo "/lib/modules/$kver/$(basename "$ko")" >> "$root/etc/vs-modules"
	done
	# scsi_debug is loaded by the scenarios that need it, with parameters.
	ko=$(modprobe -d "$base" -S "$kver" --show-depends scsi_debug | awk '{print $2}' | tail -n1)
	cp "$ko" "$root/lib/modules/$kver/"
fi
echo "$kernel" > "$root/etc/vs-kernel"

cp "$top/tests/guest/init" "$root/init"
chmod +x "$root/init"
mkdir -p "$root/tests"
cp -r "$top/tests/guest" "$top/tests/demo" "$root/tests/"
for pair in "$@"; do
	src=${pair%%=*} dst=${pair#*=}
	mkdir -p "$root$(dirname "$dst")"
	cp -rL "$src" "$root$dst"
	if [ -f "$src" ] && [ -x "$src" ]; then
		add_libs "$src"
	fi
done

(cd "$root" && find . | cpio -o -H newc --quiet) > "$out"
