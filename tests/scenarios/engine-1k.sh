# Engine with 1 KiB Merkle blocks (Linux 6.3+): sub-page blocks are reported
# exactly, on a 1K-block ext4 and with 4 blocks per page on 4K filesystems.
# vs-kernels: 6.12
# vs-fs: ext4-1k ext4 f2fs
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/k
# 257 blocks of 1K, SHA-256: level 0 has 9 blocks (tree blocks 1-9), the
# top level 1 block (tree block 0).
size=$((256 * 1024 + 300))
vs_verity_file "$f" $size --block-size=1024
tree=$(vs_tree_offset "$f")

vs_expect_rc clean-rc 0 es_scrub "$f"
vs_expect_eq clean-no-ranges "" "$(es_ranges)"
vs_expect_eq block-size 1024 "$(es_field bs)"
vs_expect_eq clean-verified "$size" "$(es_field verified)"

vs_corrupt_file "$f" $((5 * 1024 + 1))
vs_corrupt_file "$f" $((200 * 1024 + 1000))
vs_corrupt_file "$f" $((size - 1))
vs_expect_rc data-rc 0 es_scrub "$f"
vs_expect_eq data-ranges "RANGE 5120 1024 HASH_MISMATCH NONE 0;RANGE 204800 1024 HASH_MISMATCH NONE 0;RANGE 262144 300 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"

# leaf 3 (tree block 4) covers data blocks 96-127.
vs_corrupt_file "$f" $((tree + 4 * 1024 + 10))
vs_expect_rc tree-rc 0 es_scrub "$f"
vs_expect_eq tree-ranges "RANGE 5120 1024 HASH_MISMATCH NONE 0;RANGE 98304 32768 TREE_CORRUPT NONE 0;RANGE 204800 1024 HASH_MISMATCH NONE 0;RANGE 262144 300 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
vs_expect_rc sub-range-rc 0 es_scrub -s 5000 -e 6200 "$f"
vs_expect_eq sub-range "RANGE 5120 1024 HASH_MISMATCH NONE 0;" "$(es_ranges)"
vs_expect_eq sub-range-cursor 7168 "$(es_field start)"

# Blocks wholly past EOF in the page spanning EOF are not in the tree, but
# fs-verity refuses that page unless they are zero (verify_data_block()).
# Only where the filesystem block holding EOF reaches past them (4K
# blocks): the verdict is the kernel's, HASH_MISMATCH over that page's
# data, on every path; the byte before EOF's block end is not enough.
if [ "$VS_FS" != ext4-1k ]; then
	t=$VS_MNT/tail
	vs_verity_file "$t" $size --block-size=1024
	vs_corrupt_file "$t" $((size + 2000))
	vs_drop_caches
	vs_expect_rc tail-cat 1 cat "$t" > /dev/null
	vs_expect_eq tail-cat-reads $((256 * 1024)) "$(cat "$t" 2>/dev/null | wc -c)"
	for fl in 0 1 4; do
		vs_drop_caches
		vs_expect_rc "tail-$fl-rc" 0 es_scrub -f $fl "$t"
		vs_expect_eq "tail-$fl-ranges" "RANGE 262144 300 HASH_MISMATCH NONE 0;" \
			"$(es_ranges)"
		vs_expect_eq "tail-$fl-verified" $((size - 300)) "$(es_field verified)"
	done
	# Cached before (read through the kernel, which refused it): raw again.
	vs_expect_rc tail-cached-rc 0 es_scrub "$t"
	vs_expect_eq tail-cached-ranges "RANGE 262144 300 HASH_MISMATCH NONE 0;" \
		"$(es_ranges)"
fi
