# Engine: counters of resumed calls add up.  A scrub whose range array
# (capacity 1) fills stops at the first unreported block and counts only
# what lies before it, so the out counters summed over the resumed calls
# equal those of one uninterrupted call, exactly.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/resume
size=$((12 * 1048576))
vs_verity_file "$f" $size
# Three bad blocks (two in one 4 MiB window) and one the device fails.
for off in 8192 $((3 * 1048576)) $((9 * 1048576 + 4096)); do
	vs_corrupt_file "$f" $((off + 9))
done
p=$(vs_phys "$f" $((6 * 1048576)))
vs_dm_error "$p" 4096
want="RANGE 8192 4096 HASH_MISMATCH NONE 0;RANGE 3145728 4096 HASH_MISMATCH NONE 0;RANGE 6291456 4096 IO_ERROR OTHER 0;RANGE 9441280 4096 HASH_MISMATCH NONE 0;"
sums="calls=1 verified=$((size - 4 * 4096)) retried=4 skipped=0 kinds=3,0,1,0,0,0,0"

for path in 0 4; do	# direct, page cache
	vs_drop_caches
	vs_expect_rc "one-$path-rc" 0 es_scrub -R -f $path "$f"
	vs_expect_eq "one-$path-ranges" "$want" "$(es_ranges)"
	vs_expect_eq "one-$path-sums" "SUM $sums" "$(grep '^SUM' $ES_OUT)"
	vs_drop_caches
	vs_expect_rc "cap1-$path-rc" 0 es_scrub -c 1 -R -f $path "$f"
	vs_expect_eq "cap1-$path-ranges" "$want" "$(es_ranges)"
	vs_expect_eq "cap1-$path-sums" "SUM ${sums#calls=1 }" \
		"$(grep '^SUM' $ES_OUT | sed 's/calls=[0-9]* //')"
	vs_expect_eq "cap1-$path-calls" 4 "$(grep -c '^DONE' $ES_OUT)"
done
vs_dm_restore
