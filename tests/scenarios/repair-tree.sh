# verify-file --repair-from: a corrupted Merkle leaf block on disk is a
# tree_corrupt range over exactly the data it covers; it is repaired from
# a good copy (those blocks have no verified leaf: only the whole-file
# digest vouches for them), and the new file's tree verifies: scrub clean
# from disk, its tree the original's, on disk too, after a remount too.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/guest/tool-lib.sh

vs_mkfs
# 200 blocks, the last of 1000 bytes; SHA-256, 4K: two leaf blocks under
# one top block, stored top first: tree block 0 = the top, 1-2 = leaves.
# Leaf 1 (tree block 2) covers data blocks 128-199.
size=$((199 * 4096 + 1000))
vf_repair_setup $size
cp "$f" /mnt/src/data
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)
"$VS_BIN/fsverity" dump_metadata merkle_tree "$f" > /tmp/tree.good
vs_expect_eq tree-size $((3 * 4096)) "$(stat -c %s /tmp/tree.good)"
tree=$(vs_tree_offset "$f")
ino=$(stat -c %i "$f")

# raw_leaf FILE: tree block 2 of FILE as it is on the device
raw_leaf() {
	vs_drop_caches
	"$VS_BIN/dd" if="$VS_DEV" bs=4096 count=1 iflag=direct status=none \
		skip=$(( $(vs_phys "$1" $((tree + 2 * 4096))) / 4096 )) | md5sum
}
good_leaf=$("$VS_BIN/dd" if=/tmp/tree.good bs=4096 skip=2 count=1 status=none | md5sum)
vs_expect_eq leaf-on-disk "$good_leaf" "$(raw_leaf "$f")"

vs_corrupt_file "$f" $((tree + 2 * 4096 + 100))
vs_expect_eq leaf-damaged 1 "$([ "$(raw_leaf "$f")" != "$good_leaf" ] && echo 1)"
vs_expect_rc damaged-rc 1 vf_run --json "$f"
vs_expect_eq damaged-ranges "[{\"offset\":524288,\"length\":$((size - 524288)),\"kind\":\"tree_corrupt\",\"tree_level\":0,\"cached_good\":false}]" \
	"$(vf_ranges)"

vs_expect_rc repair-rc 64 vf_run --json --repair-from /mnt/src/data "$f"
vf_expect_repaired /mnt/src/data $((size - 524288)) 72 $size

# the new file: same digest, its tree the original's, on disk too
vf_expect_replaced "$f" "$ino" "$digest"
vs_expect_eq dir-listing "data" "$(vf_listing "$d")"
vs_drop_caches
"$VS_BIN/fsverity" dump_metadata merkle_tree "$f" > /tmp/tree.new
vs_expect_rc same-tree 0 cmp /tmp/tree.good /tmp/tree.new
vs_expect_eq new-leaf-on-disk "$good_leaf" "$(raw_leaf "$f")"
vf_expect_rescrub "$f"
vs_umount
vs_mount
vs_expect_rc remount-rc 0 vf_run "$f"
vs_expect_eq remount-line "$f: OK" "$(head -n 1 $VF_OUT)"
vs_expect_eq remount-leaf-on-disk "$good_leaf" "$(raw_leaf "$f")"
umount /mnt/src
