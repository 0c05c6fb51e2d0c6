# Engine: a corrupted Merkle leaf, interior and top block are reported as
# TREE_CORRUPT over exactly the data each covers, with its level.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/tree
# 16385 blocks, SHA-256, 4K: levels of 129, 2 and 1 blocks, stored top
# first: tree block 0 = level 2, 1-2 = level 1, 3-131 = level 0.
size=$((16385 * 4096))
vs_verity_file "$f" $size
tree=$(vs_tree_offset "$f")

# leaf 5 (tree block 8) covers data blocks 640-767; level-1 block 1 (tree
# block 2) covers data block 16384 only.
vs_corrupt_file "$f" $((tree + 8 * 4096 + 100))
vs_corrupt_file "$f" $((tree + 2 * 4096 + 3))
vs_expect_rc leaf-interior-rc 0 es_scrub "$f"
vs_expect_eq leaf-interior-ranges "RANGE 2621440 524288 TREE_CORRUPT NONE 0;RANGE 67108864 4096 TREE_CORRUPT NONE 1;" \
	"$(es_ranges)"
vs_expect_eq leaf-interior-cursor "$size" "$(es_field start)"

# Undo those (vs_corrupt_dev complements), then break the top block: all
# the data is under it.
vs_corrupt_file "$f" $((tree + 8 * 4096 + 100))
vs_corrupt_file "$f" $((tree + 2 * 4096 + 3))
vs_expect_rc repaired-rc 0 es_scrub "$f"
vs_expect_eq repaired-clean "" "$(es_ranges)"
vs_corrupt_file "$f" $((tree + 40))
t0=$(es_now)
vs_expect_rc top-rc 0 es_scrub "$f"
vs_expect_eq top-range "RANGE 0 $size TREE_CORRUPT NONE 2;" "$(es_ranges)"
vs_expect_eq top-prompt 1 "$(( $(es_now) - t0 < 60 ))"
