# Engine: a file larger than guest RAM scrubs; the page cache afterwards has
# not grown by more than 1% of the file.  The dd and scrub times are printed
# for information only (VS-MEASURE): speed is judged by make bench, never by
# a timed assertion here.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-mem: 384
# vs-disk: 1024
# vs-timeout: 900
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/large
size=$((512 * 1048576))
vs_verity_file "$f" $size
echo 1 > /proc/sys/vm/drop_caches
t0=$(es_now_cs)
"$VS_BIN/dd" if="$f" of=/dev/null bs=4M status=none
dd_cs=$(( $(es_now_cs) - t0 ))
vs_corrupt_file "$f" $((400 * 1048576 + 12345))
echo 1 > /proc/sys/vm/drop_caches
before=$(awk '/^Cached:/ {print $2}' /proc/meminfo)
t0=$(es_now_cs)
vs_expect_rc scrub-rc 0 es_scrub "$f"
scrub_cs=$(( $(es_now_cs) - t0 ))
after=$(awk '/^Cached:/ {print $2}' /proc/meminfo)
echo "VS-MEASURE $VS_KERNEL large 512MiB: dd bs=4M ${dd_cs}0 ms, scrub ${scrub_cs}0 ms, page cache ${before} -> ${after} KiB" > /dev/console
vs_expect_eq range "RANGE $((400 * 1048576 + 12288)) 4096 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
vs_expect_eq cache-growth-under-1pct 1 "$(( (after - before) * 1024 < size / 100 ))"
