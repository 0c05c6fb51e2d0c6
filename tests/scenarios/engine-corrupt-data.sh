# Engine: corrupted data blocks (first, middle, last partial; non-adjacent)
# are reported as exactly their blocks, as HASH_MISMATCH.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/data
size=$((1048576 + 1000))		# 257 blocks, the last of 1000 bytes
vs_verity_file "$f" $size

vs_corrupt_file "$f" $((100 * 4096 + 7))
vs_expect_rc middle-rc 0 es_scrub "$f"
vs_expect_eq middle-range "RANGE 409600 4096 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
vs_expect_eq middle-cursor "$size" "$(es_field start)"

vs_corrupt_file "$f" 0
vs_corrupt_file "$f" $((size - 1))
vs_expect_rc three-rc 0 es_scrub "$f"
vs_expect_eq three-ranges "RANGE 0 4096 HASH_MISMATCH NONE 0;RANGE 409600 4096 HASH_MISMATCH NONE 0;RANGE 1048576 1000 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
vs_expect_eq three-verified $((size - 2 * 4096 - 1000)) "$(es_field verified)"

# Two adjacent blocks merge into one range.
vs_corrupt_file "$f" $((101 * 4096 + 4000))
vs_expect_rc merge-rc 0 es_scrub -s 409600 -e 500000 "$f"
vs_expect_eq merged "RANGE 409600 8192 HASH_MISMATCH NONE 0;" "$(es_ranges)"

# A full range array stops the scrub at the first unreported block, and
# the scrub resumes from there.
vs_expect_rc cap1-rc 0 es_scrub -c 1 "$f"
vs_expect_eq cap1-range "RANGE 0 4096 HASH_MISMATCH NONE 0;" "$(es_ranges)"
vs_expect_eq cap1-cursor 409600 "$(es_field start)"
vs_expect_eq cap1-full-flag 4 "$(( $(es_field flags) & 4 ))"
vs_expect_rc resume-rc 0 es_scrub -c 1 -R "$f"
vs_expect_eq resume-count 3 "$(grep -c '^RANGE' $ES_OUT)"

# The kernel's own read still fails with EIO: nothing was "repaired".
vs_expect_rc still-eio 1 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=100 count=1 status=none
