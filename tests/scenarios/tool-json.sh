# verify-file --json through the module: clean file, corrupted data blocks
# (middle, first, last partial), a corrupted Merkle leaf and a device error,
# with exact ranges, kinds and exit bits; the human output line; --range.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/guest/tool-lib.sh

vs_mkfs
size=$((1048576 + 1000))		# 257 blocks, the last of 1000 bytes
vf_fresh_file $size			# $f

vf_expect_clean "$f"
vs_expect_eq clean-size "$size" "$(vf_num size)"
vs_expect_eq clean-verified "$size" "$(vf_num bytes_verified)"
vs_expect_eq clean-block-size 4096 "$(vf_num block_size)"
vs_expect_eq clean-alg sha256 "$(vf_str hash_algorithm)"
vs_expect_eq clean-digest "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)" \
	"$(vf_str digest)"
vs_expect_eq clean-summary-ok 1 "$(vf_sum ok)"
vs_expect_eq clean-whole-file true "$(vf_num whole_file_from_disk)"
vs_expect_rc keep-cache-rc 0 vf_run --json --keep-cache "$f"
vs_expect_eq keep-cache-option true "$(vf_num keep_cache)"
vs_expect_eq keep-cache-whole-file false "$(vf_num whole_file_from_disk)"
vs_expect_rc clean-human-rc 0 vf_run "$f"
vs_expect_eq clean-human "$f: OK" "$(head -n 1 $VF_OUT)"

vs_corrupt_file "$f" $((100 * 4096 + 7))
vs_expect_rc middle-rc 1 vf_run --json "$f"
vs_expect_eq middle-status bad "$(vf_str status)"
vs_expect_eq middle-ranges '[{"offset":409600,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_eq middle-verified $((size - 4096)) "$(vf_num bytes_verified)"
vs_expect_rc middle-human-rc 1 vf_run "$f"
vs_expect_eq middle-human "$f: BAD: hash_mismatch at offset 409600 length 4096" \
	"$(head -n 1 $VF_OUT)"

vs_corrupt_file "$f" 0
vs_corrupt_file "$f" $((size - 1))
vs_expect_rc three-rc 1 vf_run --json "$f"
vs_expect_eq three-ranges '[{"offset":0,"length":4096,"kind":"hash_mismatch","cached_good":false},{"offset":409600,"length":4096,"kind":"hash_mismatch","cached_good":false},{"offset":1048576,"length":1000,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"

# --range: only the blocks asked for (rounded outward to blocks)
vs_expect_rc range-rc 1 vf_run --json --range 409000:2000 "$f"
vs_expect_eq range-ranges '[{"offset":409600,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_eq range-verified 4096 "$(vf_num bytes_verified)"
vs_expect_rc range-clean-rc 0 vf_run --json --range 4096:8192 --retries 1 "$f"
vs_expect_eq range-clean "[]" "$(vf_ranges)"
vs_expect_eq range-clean-whole-file false "$(vf_num whole_file_from_disk)"
vs_expect_eq range-clean-range 1 "$(grep -c '"range":{"offset":4096,"length":8192}' $VF_OUT)"
# a range past the file's last block: nothing scrubbed, said so (one
# that starts in the last block scrubs that block)
vs_expect_rc range-eof-rc 0 vf_run --json --range "$((size + 4096)):4096" "$f"
vs_expect_eq range-eof-nothing true "$(vf_num nothing_scrubbed)"
vs_expect_rc range-eof-human-rc 0 vf_run --range "$((size + 4096)):4096" "$f"
vs_expect_eq range-eof-human "$f: nothing scrubbed: the range starts past the last block of the file ($size bytes)" \
	"$(head -n 1 $VF_OUT)"

# A corrupted Merkle leaf: tree block 0 is the level-1 root block, tree
# blocks 1-3 the leaves; leaf 1 (tree block 2) covers data blocks 128-255.
t=$VS_MNT/tree
vs_verity_file "$t" $size
vs_corrupt_file "$t" $(($(vs_tree_offset "$t") + 2 * 4096 + 5))
vs_expect_rc tree-rc 1 vf_run --json "$t"
vs_expect_eq tree-ranges '[{"offset":524288,"length":524288,"kind":"tree_corrupt","tree_level":0,"cached_good":false}]' \
	"$(vf_ranges)"

# A device error under data block 10: io_error (other: dm error target).
d=$VS_MNT/dm
vs_verity_file "$d" $size
vs_dm_error "$(vs_phys "$d" $((10 * 4096)))" 4096
echo 1 > /proc/sys/vm/drop_caches
vs_expect_rc dm-rc 2 vf_run --json "$d"
vs_expect_eq dm-ranges '[{"offset":40960,"length":4096,"kind":"io_error","detail":"other","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_eq dm-status bad "$(vf_str status)"
vs_dm_restore

# Several files at once: bits ORed, one summary.
vs_dm_error "$(vs_phys "$d" $((10 * 4096)))" 4096
echo 1 > /proc/sys/vm/drop_caches
vs_expect_rc all-rc 3 vf_run --json -j 2 "$f" "$t" "$d"
vs_expect_eq all-bad 3 "$(vf_sum bad)"
vs_dm_restore

# A non-verity file and a missing one: operational errors.
echo plain > "$VS_MNT"/plain
vs_expect_rc plain-rc 8 vf_run --json "$VS_MNT"/plain
vs_expect_eq plain-error "not an fs-verity file" "$(vf_str error)"
vs_expect_rc missing-rc 8 vf_run --json "$VS_MNT"/missing
vs_expect_eq missing-error "cannot open: No such file or directory" "$(vf_str error)"
