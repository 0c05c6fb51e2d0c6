# Engine: 100,000 random ioctl argument structs (ioctlfuzz): every error is
# a documented errno and changes nothing, nothing is written past
# ranges_cap entries, and the kernel logs nothing (the bench fails the
# scenario on any oops, KFENCE report, WARNING or BUG).  The verity file has
# three blocks rotten on disk under good cached pages, so successful calls
# do write ranges.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-timeout: 1200
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/fuzz
g=$VS_MNT/plain
vs_verity_file "$f" 65536
vs_make_file "$g" 8192
cat "$f" > /dev/null
for blk in 1 5 6; do
	vs_corrupt_dev $(( $(vs_phys "$f" $((blk * 4096))) + 3 ))
done
vs_expect_rc rotten-rc 0 es_scrub "$f"
vs_expect_eq rotten-ranges "RANGE 4096 4096 HASH_MISMATCH NONE 0;RANGE 20480 8192 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
t0=$(es_now)
vs_expect_rc fuzz-rc 0 sh -c "/opt/bin/ioctlfuzz 100000 $(es_now_cs) $f $g > /tmp/es-fuzz 2>&1"
cat /tmp/es-fuzz > /dev/console
echo "fuzz took $(( $(es_now) - t0 )) s" > /dev/console
vs_expect_eq fuzz-clean 1 "$(grep -c '^FUZZ calls=100000 .* bad=0$' /tmp/es-fuzz)"
# Still works, still exact.
vs_expect_rc after-rc 0 es_scrub "$f"
vs_expect_eq after-ranges "RANGE 4096 4096 HASH_MISMATCH NONE 0;RANGE 20480 8192 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
