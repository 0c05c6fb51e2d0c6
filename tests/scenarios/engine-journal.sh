# Engine on ext4 with data journalled: mount-wide (data=journal), the
# filesystem's default (tune2fs -o journal_data) and per file
# (chattr +j on a nodelalloc mount).  The journal may hold newer data than
# a block's home on the device, and on 6.1 bmap() of such a file flushes
# the whole journal, so these files are never read raw: no direct path,
# and a clean file is clean even before the journal is checkpointed.  A
# plain file of the same filesystem still is read raw.
# vs-fs: ext4
. /tests/guest/engine-lib.sh

size=$((2 * 1048576))
# ej_check NAME FILE DIRECT: scrub FILE, expect it clean, DIRECT 8 or 0.
ej_check() {
	vs_expect_rc "$1-rc" 0 es_scrub "$2"
	vs_expect_eq "$1-ranges" "" "$(es_ranges)"
	vs_expect_eq "$1-verified" $size "$(es_field verified)"
	vs_expect_eq "$1-direct" "$3" $(( $(es_field flags) & 8 ))
}

vs_mkfs
vs_umount
mount -t ext4 -o data=journal "$VS_DEV" "$VS_MNT"
vs_expect_eq mount-journal 1 "$(grep -c " $VS_MNT ext4 .*data=journal" /proc/mounts)"
# Written and scrubbed at once: the data may still be in the journal only.
vs_verity_file "$VS_MNT/j" $size
ej_check mount "$VS_MNT/j" 0
vs_drop_caches
ej_check mount-uncached "$VS_MNT/j" 0
vs_umount

# The filesystem's default mode: /proc/mounts shows no data= at all.
"$VS_BIN/tune2fs" -o journal_data "$VS_DEV" >/dev/null
vs_mount
vs_expect_eq default-no-option 0 "$(grep " $VS_MNT " /proc/mounts | grep -c 'data=' || true)"
vs_verity_file "$VS_MNT/d" $size
ej_check default "$VS_MNT/d" 0
vs_umount
"$VS_BIN/tune2fs" -o ^journal_data "$VS_DEV" >/dev/null

# Per file, on a nodelalloc mount; a plain file beside it is read raw.
mount -t ext4 -o nodelalloc "$VS_DEV" "$VS_MNT"
vs_make_file "$VS_MNT/f" $size
"$VS_BIN/chattr" +j "$VS_MNT/f"
vs_enable_verity "$VS_MNT/f"
ej_check file "$VS_MNT/f" 0
vs_verity_file "$VS_MNT/p" $size
ej_check plain "$VS_MNT/p" 8
