#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/systemd/make-image.sh ROOT.tar KO MODDIR OUTDIR: this run's systemd
# guest (root only), from the cached root (build-root.sh):
#   OUTDIR/root.img   ext4 image of the root with the project installed as
#                     an administrator would: make install DESTDIR=
#                     (PREFIX=/usr/local), the module KO in
#                     lib/modules/KVER/extra + depmod, the Debian kernel's
#                     modules the root needs, the test unit enabled
#   OUTDIR/initrd     busybox: loads virtio and ext4, mounts /dev/vda,
#                     switch_root to /lib/systemd/systemd
set -euo pipefail

tar=$1 ko=$2 moddir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kver=$(basename "$moddir")
kbase=$(dirname "$(dirname "$(dirname "$moddir")")")	# .../root of lib/modules/KVER
mkdir -p "$out"
root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf --one-file-system "$root"' EXIT

tar --numeric-owner -C "$root" -xpf "$tar"
make -s -C "$top" install DESTDIR="$root" > "$out/make-install.log" 2>&1 ||
	{ tail -n 20 "$out/make-install.log" >&2; exit 1; }
ldconfig -r "$root"

# Kernel modules: what the root's disk needs (also in the initramfs), the
# device-mapper targets of the transient test's gate (dm "delay", "error",
# "linear": guest-test.sh), and the project's module.
mods="virtio_blk virtio_pci ext4"
rootmods="dm_mod dm_delay"
m=$root/lib/modules/$kver
mkdir -p "$m/extra"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -e "$moddir/$f" ] && cp "$moddir/$f" "$m/"
done
deps() {	# deps MODULE...: their .ko files and those they need, in load order
	for x; do
		modprobe -d "$kbase" -S "$kver" --show-depends "$x" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++'
}
list=$(deps $mods)
for k in $(deps $mods $rootmods); do
	install -D -m 0644 "$k" "$m/${k#"$moddir/"}"
done
install -m 0644 "$ko" "$m/extra/verity_scrub.ko"
depmod -b "$root" "$kver"

# The test: a oneshot unit after multi-user.target; a sendmail that keeps
# the mail; no getty on the console.
install -D -m 0755 "$here/guest-test.sh" "$root/usr/local/lib/vs-systemd/guest-test.sh"
install -m 0644 "$here/vs-systemd-test.service" "$root/etc/systemd/system/"
ln -sf ../vs-systemd-test.service "$root/etc/systemd/system/multi-user.target.wants/"
install -m 0755 "$here/fake-sendmail" "$root/usr/sbin/sendmail"
for u in serial-getty@ttyS0.service getty@tty1.service getty-static.service \
	e2scrub_reap.service apt-daily.timer apt-daily-upgrade.timer; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done
echo vs-systemd > "$root/etc/hostname"
echo "/dev/vda / ext4 rw 0 0" > "$root/etc/fstab"
# What a first boot would do slowly under TCG (ConditionNeedsUpdate=,
# ConditionFirstBoot=): done here, once per image.
systemd-machine-id-setup --root="$root" > /dev/null
chroot "$root" systemd-hwdb update
chroot "$root" journalctl --update-catalog
touch "$root/etc/.updated" "$root/var/.updated"

mke2fs -q -F -t ext4 -L vsroot -d "$root" "$out/root.img" 1G

# The initramfs.
ir=$root.initrd
rm -rf "$ir"
mkdir -p "$ir"/{bin,dev,proc,sys,newroot,mods}
cp /bin/busybox "$ir/bin/busybox"
: > "$ir/mods.list"
for k in $list; do
	cp "$k" "$ir/mods/"
	echo "/mods/$(basename "$k")" >> "$ir/mods.list"
done
cat > "$ir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r k; do insmod "$k"; done < /mods.list
n=0
while [ ! -b /dev/vda ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
mount -t ext4 -o rw /dev/vda /newroot || { echo "VS-HOST-INITRD cannot mount /dev/vda"; poweroff -f; }
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /lib/systemd/systemd
INIT
chmod +x "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet) > "$out/initrd"
rm -rf "$ir"
