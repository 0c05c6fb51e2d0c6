# Engine: the direct path (raw bios, the module's own hashing) and the
# page-cache walk (PAGE_CACHE flag) report exactly the same ranges for the
# same damage; the direct path is used on ext4/f2fs and leaves the page
# cache alone, the page-cache walk drops what it read.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 200
. /tests/guest/engine-lib.sh

DIRECT=8		# VERITY_SCRUB_OUT_DIRECT
PAGE_CACHE=4		# VERITY_SCRUB_FLAG_PAGE_CACHE

vs_mkfs
f=$VS_MNT/paths
# 3073 blocks (three 4 MiB windows and 5 bytes): leaf k (tree block 1 + k)
# covers data blocks 128k .. 128k + 127.
size=$((12 * 1048576 + 5))
vs_verity_file "$f" $size
tree=$(vs_tree_offset "$f")
vs_corrupt_file "$f" $((1500 * 4096 + 9))		# window 1
vs_corrupt_file "$f" $((tree + 17 * 4096 + 64))		# leaf 16: window 2
vs_corrupt_file "$f" $((size - 1))			# last, partial block
want="RANGE 6144000 4096 HASH_MISMATCH NONE 0;RANGE 8388608 524288 TREE_CORRUPT NONE 0;RANGE 12582912 5 HASH_MISMATCH NONE 0;"
good=$((size - 4096 - 524288 - 5))

vs_expect_rc direct-rc 0 es_scrub "$f"
vs_expect_eq direct-ranges "$want" "$(es_ranges)"
vs_expect_eq direct-verified "$good" "$(es_field verified)"
vs_expect_eq direct-cursor "$size" "$(es_field start)"
vs_expect_eq direct-used "$DIRECT" "$(( $(es_field flags) & DIRECT ))"
vs_expect_rc pagecache-rc 0 es_scrub -f $PAGE_CACHE "$f"
vs_expect_eq pagecache-ranges "$want" "$(es_ranges)"
vs_expect_eq pagecache-verified "$good" "$(es_field verified)"
vs_expect_eq pagecache-not-direct 0 "$(( $(es_field flags) & DIRECT ))"
# KEEP_CACHE trusts the cache, so it is never direct either.
vs_expect_rc keep-rc 0 es_scrub -f 1 -e 4096 "$f"
vs_expect_eq keep-not-direct 0 "$(( $(es_field flags) & DIRECT ))"

# A device error under one block, in the middle of a window and of a bio:
# IO_ERROR for exactly that block on both paths.
vs_corrupt_file "$f" $((1500 * 4096 + 9))		# undo
vs_corrupt_file "$f" $((tree + 17 * 4096 + 64))
vs_corrupt_file "$f" $((size - 1))
vs_dm_error "$(vs_phys "$f" $((2000 * 4096)))" 4096
vs_drop_caches
want="RANGE 8192000 4096 IO_ERROR OTHER 0;"
vs_expect_rc direct-eio-rc 0 es_scrub "$f"
vs_expect_eq direct-eio-ranges "$want" "$(es_ranges)"
vs_expect_eq direct-eio-verified $((size - 4096)) "$(es_field verified)"
vs_drop_caches
vs_expect_rc pagecache-eio-rc 0 es_scrub -f $PAGE_CACHE "$f"
vs_expect_eq pagecache-eio-ranges "$want" "$(es_ranges)"
vs_expect_eq pagecache-eio-verified $((size - 4096)) "$(es_field verified)"
vs_dm_restore

# The page cache: the direct path reads everything from the disk but
# leaves a cached file cached; so does the page-cache walk, which checks
# the cached pages against their raw copies instead of evicting them.
cat "$f" > /dev/null
before=$(awk '/^Cached:/ {print $2}' /proc/meminfo)
vs_expect_rc cached-direct-rc 0 es_scrub "$f"
after=$(awk '/^Cached:/ {print $2}' /proc/meminfo)
vs_expect_eq cached-direct-read $((size + $(es_meta_read "$f"))) "$(es_field read)"
vs_expect_eq cache-left-alone 1 "$(( after - before > -1024 ))"
vs_expect_rc cached-pagecache-rc 0 es_scrub -f $PAGE_CACHE "$f"
kept=$(awk '/^Cached:/ {print $2}' /proc/meminfo)
vs_expect_eq cache-kept-pagecache 1 "$(( kept - after > -1024 ))"
vs_expect_eq cached-pagecache-ranges "" "$(es_ranges)"
echo "Cached: ${before} KiB before, ${after} after direct, ${dropped} after page-cache walk" > /dev/console
