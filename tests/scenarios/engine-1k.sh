# Engine with 1 KiB Merkle blocks (Linux 6.3+): sub-page blocks are reported
# exactly, on a 1K-block ext4 and with 4 blocks per page on 4K filesystems.
# vs-kernels: 6.12
# vs-fs: ext4-1k ext4 f2fs
. /tests/scenarios/helpers/engine-lib.sh

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
