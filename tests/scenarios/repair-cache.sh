# verify-file --repair: self-healing from the page cache (issue 16).  A
# process maps a file and touches every page; the disk rots under two
# pages; `verify-file --repair` rebuilds the file from its own cached,
# verified pages, with no copy anywhere: the new file scrubs clean from
# disk, has the same digest, and the process still reads every page of
# its mapping (no SIGBUS).  Only one of two bad pages cached: refused
# with the uncached block named (original unchanged), then repaired with
# the cache plus a copy.  Nothing cached: refused, original unchanged.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 400
. /tests/guest/engine-lib.sh
. /tests/guest/tool-lib.sh

vs_mkfs
size=1048576
pages=$((size / 4096))
f=$VS_MNT/mapped
es_two_page_file "$f" $size /tmp/rc-good
p3=$es_p3 p200=$es_p200
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)

es_map_hold "$f" /tmp/rc-map $pages
ino=$(stat -c %i "$f")
vs_corrupt_dev $((p3 + 100))
vs_corrupt_dev $((p200 + 7))
vs_expect_rc mapped-repair-rc 64 vf_run --json --repair "$f"
vs_expect_eq mapped-ranges '[{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":true},{"offset":819200,"length":4096,"kind":"hash_mismatch","cached_good":true}]' \
	"$(vf_ranges)"
vs_expect_eq mapped-sources '"sources":[{"source":"page cache","bytes":8192,"rejected_blocks":0}]' \
	"$(grep -o '"sources":\[[^]]*\]' $VF_OUT)"
vs_expect_eq mapped-new-scrub '"new_scrub":{"complete":true,"bytes_verified":'$size',"ranges":[]}' \
	"$(grep -o '"new_scrub":{[^}]*}' $VF_OUT)"
vs_expect_eq mapped-new-inode 1 "$([ "$(stat -c %i "$f")" != "$ino" ] && echo 1)"
vs_expect_eq mapped-same-digest "$digest" \
	"$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)"
vs_expect_rc mapped-same-bytes 0 cmp "$f" /tmp/rc-good
vs_expect_eq mapped-listing "mapped" "$(ls -a $VS_MNT | grep -v '^\.\.\?$' | grep -v lost+found | tr '\n' ' ' | sed 's/ $//')"
# the mapping of the old inode still reads every page
es_map_release mapped-touch-after mapped-mapper-alive $pages
# the new file, from the disk
vs_drop_caches
vs_expect_rc mapped-rescrub-rc 0 vf_run --json "$f"
vs_expect_eq mapped-rescrub-whole true "$(vf_num whole_file_from_disk)"

# Only page 3 of two bad pages cached: a fresh file read whole, page 200
# dropped (POSIX_FADV_DONTNEED through dd iflag=nocache).
g=$VS_MNT/half
es_two_page_file "$g" $size /tmp/rc-good
q3=$es_p3 q200=$es_p200
es_half_cached "$g"
vs_corrupt_dev $((q3 + 9))
vs_corrupt_dev $((q200 + 9))
ino=$(stat -c %i "$g")
vs_expect_rc half-repair-rc 1 vf_run --json --repair "$g"
vs_expect_eq half-status not_repaired "$(grep -o '"status":"not_repaired"' $VF_OUT | head -n 1 | cut -d'"' -f4)"
vs_expect_eq half-reason '"reason":"no source has a copy of the block at offset 819200 that matches the file'"'"'s Merkle tree"' \
	"$(grep -o '"reason":"[^"]*"' $VF_OUT | head -n 1)"
vs_expect_eq half-sources '"sources":[{"source":"page cache","bytes":4096,"rejected_blocks":1,"first_rejected_offset":819200}]' \
	"$(grep -o '"sources":\[[^]]*\]' $VF_OUT)"
vs_expect_eq half-same-inode "$ino" "$(stat -c %i "$g")"
vs_expect_eq half-listing "half mapped" "$(ls -a $VS_MNT | grep -v '^\.\.\?$' | grep -v lost+found | tr '\n' ' ' | sed 's/ $//')"
# the cache for page 3, a copy for page 200
mkdir -p /tmp/rc-src
cp /tmp/rc-good /tmp/rc-src/half
vs_expect_rc half-both-rc 64 vf_run --json --repair-from-cache \
	--repair-from /tmp/rc-src/half "$g"
vs_expect_eq half-both-sources '"sources":[{"source":"page cache","bytes":4096,"rejected_blocks":1,"first_rejected_offset":819200},{"source":"/tmp/rc-src/half","bytes":4096,"rejected_blocks":0}]' \
	"$(grep -o '"sources":\[[^]]*\]' $VF_OUT)"
vs_expect_rc half-both-bytes 0 cmp "$g" /tmp/rc-good

# Nothing cached: refused, the file unchanged.
h=$VS_MNT/cold
vs_verity_file "$h" $size
sync
r3=$(vs_phys "$h" $((3 * 4096)))
vs_corrupt_dev $((r3 + 1))
vs_drop_caches
ino=$(stat -c %i "$h")
vs_expect_rc cold-repair-rc 1 vf_run --json --repair "$h"
vs_expect_eq cold-ranges '[{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_eq cold-sources '"sources":[{"source":"page cache","bytes":0,"rejected_blocks":1,"first_rejected_offset":12288}]' \
	"$(grep -o '"sources":\[[^]]*\]' $VF_OUT)"
vs_expect_eq cold-same-inode "$ino" "$(stat -c %i "$h")"
