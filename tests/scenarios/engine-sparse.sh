# Engine: holes are data.  fs-verity hashes a hole as zero blocks; the
# direct path reads around holes and hashes them as zeroes (OUT_DIRECT, the
# page cache untouched), a data block after a hole that does not match is
# HASH_MISMATCH, and a corrupt leaf over holes is TREE_CORRUPT level 0 over
# exactly the data it covers.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/engine-lib.sh

vs_mkfs
size=$((8 * 1048576))
f=$VS_MNT/sparse
# data [0, 1M) and [4M, 5M); holes elsewhere
"$VS_BIN/dd" if=/dev/urandom of="$f" bs=1M count=1 status=none
"$VS_BIN/dd" if=/dev/urandom of="$f" bs=1M count=1 seek=4 conv=notrunc status=none
truncate -s $size "$f"
sync
vs_enable_verity "$f"
vs_drop_caches
"$VS_BIN/dd" if="$f" of=/dev/null bs=4096 count=64 status=none
cached=$(/opt/bin/mapper incore "$f")
vs_expect_eq some-cached 1 "$([ "$cached" -ge 64 ] && [ "$cached" -lt 2048 ] && echo 1)"

vs_expect_rc clean-rc 0 es_scrub "$f"
vs_expect_eq clean-ranges "" "$(es_ranges)"
vs_expect_eq clean-verified $size "$(es_field verified)"
vs_expect_eq clean-direct 8 "$(( $(es_field flags) & 8 ))"
vs_expect_eq clean-cache-unchanged "$cached" "$(/opt/bin/mapper incore "$f")"

# A data block after a hole.
vs_corrupt_file "$f" $((4 * 1048576 + 8192))
vs_expect_rc data-rc 0 es_scrub "$f"
vs_expect_eq data-ranges "RANGE 4202496 4096 HASH_MISMATCH NONE 0;" "$(es_ranges)"
vs_expect_eq data-verified $((size - 4096)) "$(es_field verified)"

# Leaf 4 (tree block 5: the root is block 0) covers data blocks 512-639,
# all holes.
tree=$(vs_tree_offset "$f")
vs_corrupt_file "$f" $((tree + 5 * 4096 + 7))
vs_expect_rc leaf-rc 0 es_scrub "$f"
vs_expect_eq leaf-ranges \
	"RANGE 2097152 524288 TREE_CORRUPT NONE 0;RANGE 4202496 4096 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
vs_expect_eq leaf-direct 8 "$(( $(es_field flags) & 8 ))"
