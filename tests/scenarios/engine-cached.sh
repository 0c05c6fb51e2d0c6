# Engine: a block cached and verified in memory but corrupt on disk is still
# found; folios the scrub read are not left in the page cache.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/cached
vs_verity_file "$f" $((1048576))
cat "$f" > /dev/null
vs_corrupt_dev $(( $(vs_phys "$f" $((20 * 4096))) + 5 ))
vs_expect_rc cache-still-reads 0 cat "$f"
vs_expect_rc scrub-rc 0 es_scrub "$f"
vs_expect_eq found-on-disk "RANGE 81920 4096 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
# KEEP_CACHE trusts the cache: same file, cached again (the good blocks).
"$VS_BIN/dd" if="$f" of=/dev/null bs=4096 count=20 status=none
vs_expect_rc keep-cache-rc 0 es_scrub -f 1 -e 81920 "$f"
vs_expect_eq keep-cache-read-nothing 0 "$(es_field read)"

# No cache pollution: the scrub of an uncached 32 MiB file leaves the page
# cache about where it was.
g=$VS_MNT/big
vs_verity_file "$g" $((32 * 1048576))
echo 1 > /proc/sys/vm/drop_caches
before=$(awk '/^Cached:/ {print $2}' /proc/meminfo)
vs_expect_rc big-rc 0 es_scrub "$g"
after=$(awk '/^Cached:/ {print $2}' /proc/meminfo)
echo "page cache before ${before} KiB, after ${after} KiB" > /dev/console
vs_expect_eq cache-not-grown 1 "$(( after - before < 1024 ))"
