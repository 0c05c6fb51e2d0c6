# Engine: a device error under one data block is IO_ERROR for exactly that
# block, promptly; a device failing everywhere ends in bounded time, and
# says that the time budget cut its retries short.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 200
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/dm
size=$((1048576 + 512))
vs_verity_file "$f" $size
vs_dm_error "$(vs_phys "$f" $((10 * 4096)))" 4096
echo 1 > /proc/sys/vm/drop_caches
t0=$(es_now)
vs_expect_rc one-block-rc 0 es_scrub "$f"
vs_expect_eq one-block-range "RANGE 40960 4096 IO_ERROR OTHER 0;" \
	"$(es_ranges)"
vs_expect_eq one-block-prompt 1 "$(( $(es_now) - t0 < 20 ))"
vs_expect_eq one-block-cursor "$size" "$(es_field start)"
vs_expect_eq one-block-retried 1 "$(es_field retried)"
vs_expect_eq one-block-not-cut 0 "$(( $(es_field flags) & 64 ))"

vs_dm_restore
vs_expect_rc restored-rc 0 es_scrub "$f"
vs_expect_eq restored-clean "" "$(es_ranges)"

# Everything fails.  With the descriptor still cached, every block is an
# IO_ERROR; without it, the scrub fails with EIO.  Either way, promptly.
echo 1 > /proc/sys/vm/drop_caches
"$VS_BIN/fsverity" dump_metadata descriptor "$f" > /dev/null
vs_dm_error_all
t0=$(es_now)
vs_expect_rc all-rc 0 es_scrub "$f"
vs_expect_eq all-range "RANGE 0 $size IO_ERROR OTHER 0;" "$(es_ranges)"
# 257 failing blocks need 15 s of retry backoff at least, far past the
# window's 2 s budget: the report says the retries were cut short, and
# counts only the blocks that were retried.
vs_expect_eq all-retries-cut 64 "$(( $(es_field flags) & 64 ))"
vs_expect_eq all-retried-fewer 1 "$(( $(es_field retried) < 257 ))"
vs_expect_eq all-desc-unreadable 32 "$(( $(es_field flags) & 32 ))"
vs_expect_eq all-bounded 1 "$(( $(es_now) - t0 < 60 ))"
echo 1 > /proc/sys/vm/drop_caches
t0=$(es_now)
vs_expect_rc all-uncached-rc 1 es_scrub "$f"
# EIO from the ioctl (the descriptor cannot be read) or, when a journal
# commit failed meanwhile and ext4 shut itself down (6.12), from open().
rc=$(es_field rc)
[ -n "$rc" ] || rc=$(grep -q 'Input/output error' $ES_OUT && echo EIO)
vs_expect_eq all-uncached-eio EIO "$rc"
vs_expect_eq all-uncached-bounded 1 "$(( $(es_now) - t0 < 60 ))"
vs_dm_restore
