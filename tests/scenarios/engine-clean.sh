# Engine: a clean verity file scrubs clean, from disk, with the right
# statistics and digest.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/clean
size=$((3 * 1048576 + 123))
vs_verity_file "$f" $size
vs_drop_caches

vs_expect_rc scrub-rc 0 es_scrub "$f"
vs_expect_eq no-ranges "" "$(es_ranges)"
vs_expect_eq cursor-at-eof "$size" "$(es_field start)"
vs_expect_eq all-verified "$size" "$(es_field verified)"
vs_expect_eq block-size 4096 "$(es_field bs)"
vs_expect_eq digest "$(es_digest "$f")" "$(es_field digest)"
if [ "$VS_KERNEL" = 6.1 ]; then
	vs_expect_eq digest-not-checked 0 "$(( $(es_field flags) & 3 ))"
else
	vs_expect_eq digest-checked 2 "$(( $(es_field flags) & 3 ))"
fi
vs_expect_eq direct 8 "$(( $(es_field flags) & 8 ))"

# Cached and verified already: still read from disk again.
cat "$f" > /dev/null
vs_expect_rc cached-scrub-rc 0 es_scrub "$f"
vs_expect_eq cached-no-ranges "" "$(es_ranges)"
meta=$(es_meta_read "$f")
vs_expect_eq cached-read-from-disk $((size + meta)) "$(es_field read)"

# Garbage on the disk past EOF in the last block.  fs-verity hashes what
# the filesystem's read gives there, and the read does not zero it (ext4
# and f2fs, 6.1): the kernel's own read then fails.  The scrub agrees with
# the kernel: the direct path finds a mismatch and sends the block through
# the page-cache walk (123 more bytes read), which reports it clean if the
# kernel's read succeeds, or classifies it from its raw copy (4096 more):
# HASH_MISMATCH.
vs_corrupt_dev $(( $(vs_phys "$f" $((size + 100))) ))
vs_drop_caches
kernel_rc=0
cat "$f" > /dev/null 2>&1 || kernel_rc=$?
echo "tail garbage on $VS_FS: cat exited $kernel_rc" > /dev/console
vs_drop_caches
vs_expect_rc tail-garbage-rc 0 es_scrub "$f"
if [ $kernel_rc = 0 ]; then
	vs_expect_eq tail-garbage-clean "" "$(es_ranges)"
	# the data, the tree, and the tail again through the page cache
	vs_expect_eq tail-garbage-read 1 "$(( $(es_field read) >= size + 123 + meta ))"
else
	vs_expect_eq tail-garbage-mismatch "RANGE 3145728 123 HASH_MISMATCH NONE 0;" "$(es_ranges)"
	vs_expect_eq tail-garbage-read 1 "$(( $(es_field read) >= size + 123 + meta ))"
fi
vs_corrupt_dev $(( $(vs_phys "$f" $((size + 100))) ))	# undo
vs_drop_caches

# A sub-range, not block aligned: rounded outward.
vs_expect_rc subrange-rc 0 es_scrub -s 5000 -e 9000 "$f"
vs_expect_eq subrange-cursor 12288 "$(es_field start)"
vs_expect_eq subrange-verified 8192 "$(es_field verified)"

# Empty and one-byte files.
vs_verity_file "$VS_MNT/empty" 0
vs_expect_rc empty-rc 0 es_scrub "$VS_MNT/empty"
vs_expect_eq empty-no-ranges "" "$(es_ranges)"
vs_verity_file "$VS_MNT/one" 1
vs_expect_rc one-byte-rc 0 es_scrub "$VS_MNT/one"
vs_expect_eq one-byte-verified 1 "$(es_field verified)"
