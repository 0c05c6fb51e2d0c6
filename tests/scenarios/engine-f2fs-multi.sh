# Engine on an f2fs spread over two devices.  bmap() gives addresses over
# both and s_bdev is only the first, whose part here ends at 512 MiB,
# before s_bdev (1 GiB) does.  Blocks on the first device are read raw;
# blocks on the second are not (their addresses, below 1 GiB, would read
# unrelated blocks of s_bdev), so a clean file there is clean, not a
# HASH_MISMATCH of garbage.
# vs-fs: f2fs
# vs-disk2: 256
. /tests/guest/engine-lib.sh

# mkfs on the first 512 MiB of the scratch disk, then let the device
# grow to all of it (mkfs.f2fs takes no size with several devices).
vs_dm_linear "$VS_SCRATCH"
vs_dm_table "0 $((512 * 2048)) linear $VS_SCRATCH 0"
"$VS_BIN/mkfs.f2fs" -f -q -O extra_attr,verity -c /dev/vdb "$VS_DEV" >/dev/null
vs_dm_table "0 $(vs_dev_sectors "$VS_SCRATCH") linear $VS_SCRATCH 0"
vs_mount
vs_expect_eq s-bdev-size $((1024 * 2048)) "$(vs_dev_sectors "$VS_DEV")"
size=$((4 * 1048576))
mib=1048576
# em_where FILE: which devices hold the file's first and last data blocks.
em_dev() {
	_p=$(vs_phys "$1" "$2")
	if [ "$_p" -lt $((512 * mib)) ]; then echo first
	elif [ "$_p" -lt $((1024 * mib)) ]; then echo second
	else echo beyond; fi
}
em_where() {
	echo "$(em_dev "$1" 0) $(em_dev "$1" $((size - 1)))"
}
# em_fill MIB: a plain file, to move where the next file goes.
em_fill() {
	"$VS_BIN/dd" if=/dev/zero of="$VS_MNT/fill$1" bs=1M count="$1" status=none
	sync
}

# Data is written from about 390 MiB on: past the first device's end
# after 122 MiB.
em_fill 130
a=$VS_MNT/on-second
vs_verity_file "$a" $size
vs_expect_eq a-on-second "second second" "$(em_where "$a")"
vs_drop_caches
vs_expect_rc a-rc 0 es_scrub "$a"
vs_expect_eq a-ranges "" "$(es_ranges)"
vs_expect_eq a-verified $size "$(es_field verified)"
# A bad block there cannot be read raw: UNKNOWN, not a verdict on an
# unrelated block of s_bdev.  The second device's blocks start after the
# first's segments (superblock: segment0_blkaddr, devs[0].total_segments,
# log_blocks_per_seg).
"$VS_BIN/dd" if="$VS_DEV" of=/tmp/em-sb bs=4096 count=1 status=none
em_u32() { od -An -tu4 -j $((1024 + $1)) -N4 /tmp/em-sb | tr -d ' '; }
dev2=$(( ($(em_u32 72) + ($(em_u32 2265) << $(em_u32 20))) * 4096 ))
vs_expect_eq second-starts $((512 * mib)) $dev2
( VS_DEV=/dev/vdb; vs_corrupt_dev $(( $(vs_phys "$a" $((100 * 4096 + 5))) - dev2 )) )
vs_drop_caches
vs_expect_rc a-bad-rc 0 es_scrub "$a"
vs_expect_eq a-bad-ranges "RANGE 409600 4096 UNKNOWN NONE 0;" "$(es_ranges)"

# Fill the second device: the next file lies on the first, read raw.
em_fill 260
b=$VS_MNT/on-first
vs_verity_file "$b" $size
vs_expect_eq b-on-first "first first" "$(em_where "$b")"
vs_corrupt_file "$b" $((100 * 4096 + 5))
vs_expect_rc b-rc 0 es_scrub "$b"
vs_expect_eq b-ranges "RANGE 409600 4096 HASH_MISMATCH NONE 0;" "$(es_ranges)"
vs_expect_eq b-direct-desc-from-disk 24 $(( $(es_field flags) & 57 ))
