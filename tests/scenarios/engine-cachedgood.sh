# Engine: the scrub says, per bad range, whether a verified copy of all its
# blocks is in the page cache (VERITY_SCRUB_RANGE_CACHED, "cached_good").
# A process maps a file and touches every page; the disk rots under two
# pages: both ranges are cached_good, verify-file says the file can be
# repaired from the cache now, and the process still reads every page (no
# SIGBUS).  A file of which only one of the two pages is cached: true and
# false; nothing cached: both false.  The page-cache reader of the repair
# (repair_cache.c, RWF_NOWAIT) returns the good bytes of a cached page that
# is corrupt on disk, and -ENODATA for an uncached one.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 400
. /tests/guest/engine-lib.sh
. /tests/guest/tool-lib.sh

vs_mkfs
size=$((1048576))
pages=$((size / 4096))
f=$VS_MNT/mapped
es_two_page_file "$f" $size /tmp/cg-good
p3=$es_p3 p200=$es_p200

es_map_hold "$f" /tmp/cg-map $pages
vs_corrupt_dev $((p3 + 100))
vs_corrupt_dev $((p200 + 7))
vs_expect_rc mapped-json-rc 1 vf_run --json "$f"
vs_expect_eq mapped-ranges '[{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":true},{"offset":819200,"length":4096,"kind":"hash_mismatch","cached_good":true}]' \
	"$(vf_ranges)"
vs_expect_rc mapped-text-rc 1 vf_run "$f"
vs_expect_eq mapped-text "$f: BAD: hash_mismatch at offset 12288 length 4096; hash_mismatch at offset 819200 length 4096
$f: every bad block is still in the page cache, verified: repair it now, from the cache, with 'verify-file --repair $f'" \
	"$(head -n 2 $VF_OUT)"
vs_expect_eq reader-mapped "rc 0" \
	"$(/opt/bin/cachereader "$f" $((200 * 4096)) 4096 /tmp/cg-out)"
"$VS_BIN/dd" if=/tmp/cg-good of=/tmp/cg-want bs=4096 skip=200 count=1 status=none
vs_expect_rc reader-mapped-good-bytes 0 cmp /tmp/cg-out /tmp/cg-want
es_map_release touch-after mapper-alive $pages

# cg_incore FILE PAGE: 1 if page PAGE of FILE is cached, else 0.
cg_incore() {
	echo $(( $(/opt/bin/mapper incore "$1" $((($2 + 1) * 4096))) - \
		 $(/opt/bin/mapper incore "$1" $(($2 * 4096))) ))
}

# Only one of the two pages cached: a fresh file read whole, no mapper,
# then page 200 dropped (POSIX_FADV_DONTNEED through dd iflag=nocache).
g=$VS_MNT/half
es_two_page_file "$g" $size /tmp/cg-good
q3=$es_p3 q200=$es_p200
es_half_cached "$g"
vs_expect_eq half-page3-cached 1 "$(cg_incore "$g" 3)"
vs_expect_eq half-page200-not 0 "$(cg_incore "$g" 200)"
vs_corrupt_dev $((q3 + 9))
vs_corrupt_dev $((q200 + 9))
vs_expect_rc half-json-rc 1 vf_run --json "$g"
vs_expect_eq half-ranges '[{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":true},{"offset":819200,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_rc half-text-rc 1 vf_run "$g"
vs_expect_eq half-text-no-claim 0 "$(grep -c 'page cache' $VF_OUT)"
vs_expect_eq half-page3-still 1 "$(cg_incore "$g" 3)"
vs_expect_eq half-page200-still-not 0 "$(cg_incore "$g" 200)"
vs_expect_eq reader-cached "rc 0" \
	"$(/opt/bin/cachereader "$g" $((3 * 4096)) 4096 /tmp/cg-out)"
"$VS_BIN/dd" if=/tmp/cg-good of=/tmp/cg-want bs=4096 skip=3 count=1 status=none
vs_expect_rc reader-cached-good-bytes 0 cmp /tmp/cg-out /tmp/cg-want
# cg_reads: read requests completed by VS_DEV so far.
cg_reads() {
	_mm=$(( 0x$(stat -L -c %t "$VS_DEV") )):$(( 0x$(stat -L -c %T "$VS_DEV") ))
	awk '{print $1}' "/sys/dev/block/$_mm/stat"
}
r0=$(cg_reads)
vs_expect_eq reader-uncached "rc -61" \
	"$(/opt/bin/cachereader "$g" $((200 * 4096)) 4096 /tmp/cg-out)"
sync
# Not asserted (asynchronous): 6.1 reads nothing for RWF_NOWAIT; 6.12
# starts a readahead of the uncached page (which then fails to verify).
echo "device reads during the RWF_NOWAIT read of an uncached page: $(( $(cg_reads) - r0 ))" > /dev/console

# Nothing cached: both false.
vs_drop_caches
vs_expect_rc none-json-rc 1 vf_run --json "$g"
vs_expect_eq none-ranges '[{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":false},{"offset":819200,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_eq reader-none "rc -61" \
	"$(/opt/bin/cachereader "$g" $((3 * 4096)) 4096 /tmp/cg-out)"
