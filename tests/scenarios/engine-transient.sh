# Engine: reads that fail and then succeed on a retry are TRANSIENT
# (fail_make_request with a budget; the 6.12 test kernel only).
# vs-kernels: 6.12
# vs-fs: ext4 f2fs
. /tests/scenarios/helpers/engine-lib.sh

vs_mkfs
f=$VS_MNT/tr
vs_verity_file "$f" 1048576
exec 3< "$f"
echo 1 > /proc/sys/vm/drop_caches
"$VS_BIN/fsverity" dump_metadata descriptor "$f" > /dev/null
vs_fail_requests "$VS_SCRATCH" 4
vs_expect_rc scrub-rc 0 es_scrub "$f"
vs_fail_requests_off
exec 3<&-
# Budget of 4 failed requests: the descriptor re-read (the cached copy is
# used), the readahead of the window (collateral failure of every folio),
# block 0 read alone, its first retry; the second retry succeeds.
vs_expect_eq transient-block-0 "RANGE 0 4096 TRANSIENT NONE 0;" "$(es_ranges)"
vs_expect_eq retried-one 1 "$(es_field retried)"
vs_expect_eq all-verified 1048576 "$(es_field verified)"
