# Engine: a scrub changes nothing other readers of the file see.  A process
# maps a file and touches every page; the disk rots under a touched page;
# scrubs with every flag report it (or, where the file cannot be read raw,
# count it as skipped) and the process's next touch still succeeds: no
# mapped page is evicted.  Pages of the file and of its Merkle tree that
# were cached before a scrub are cached after it; pages the scrub read
# itself are not left behind.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs btrfs
# vs-timeout: 400
. /tests/guest/engine-lib.sh

vs_mkfs
size=$((8 * 1048576))
pages=$((size / 4096))
f=$VS_MNT/mapped
vs_verity_file "$f" $size
sync
if [ "$VS_FS" = btrfs ]; then
	phys=$(/opt/bin/findblock "$VS_DEV" "$f" $((3 * 4096)))
	meta=0
else
	phys=$(vs_phys "$f" $((3 * 4096)))
	# data, the 17 tree blocks and the descriptor block
	meta=$(( $(vs_tree_offset "$f") + 18 * 4096 ))
fi
vs_drop_caches

# em_touch NAME: ask the mapper to touch every page again; expect no SIGBUS.
em_touch() {
	_n=$(wc -l < /tmp/es-map)
	kill -USR1 $m
	while [ "$(wc -l < /tmp/es-map)" = "$_n" ]; do sleep 1; done
	vs_expect_eq "$1" "ok $pages" "$(tail -n 1 /tmp/es-map)"
}

rm -f /tmp/es-map
/opt/bin/mapper hold "$f" /tmp/es-map &
m=$!
while [ ! -s /tmp/es-map ]; do sleep 1; done
vs_expect_eq touched "touched $pages" "$(cat /tmp/es-map)"
vs_corrupt_dev $((phys + 100))
before=$(/opt/bin/mapper incore "$f" $meta)
for flags in 0 4 1; do
	vs_expect_rc "scrub-$flags-rc" 0 es_scrub -f $flags "$f"
	if [ "$VS_FS" = btrfs ] || [ $flags = 1 ]; then
		# nothing read raw (btrfs) or nothing proved (KEEP_CACHE)
		vs_expect_eq "scrub-$flags-ranges" "" "$(es_ranges)"
	else
		vs_expect_eq "scrub-$flags-ranges" \
			"RANGE 12288 4096 HASH_MISMATCH NONE 0;" "$(es_ranges)"
	fi
	if [ "$VS_FS" = btrfs ] && [ $flags != 1 ]; then
		vs_expect_eq "scrub-$flags-skipped" $size "$(es_field skipped)"
	else
		vs_expect_eq "scrub-$flags-skipped" 0 "$(es_field skipped)"
	fi
	em_touch "touch-after-$flags"
	vs_expect_eq "cached-after-$flags" "$before" \
		"$(/opt/bin/mapper incore "$f" $meta)"
done
kill $m
wait $m || true

# A clean file, partly cached (first half and its tree): every scrub leaves
# exactly that cached, the direct path, the page-cache walk, KEEP_CACHE,
# NO_CLASSIFY.
g=$VS_MNT/clean
vs_verity_file "$g" $size
vs_drop_caches
cat "$g" > /dev/null		# all of it, then the second half dropped
"$VS_BIN/dd" if="$g" of=/dev/null bs=4096 skip=$((pages / 2)) iflag=nocache status=none
gmeta=$size
[ "$VS_FS" = btrfs ] || gmeta=$(( $(vs_tree_offset "$g") + 18 * 4096 ))
gdata=$(/opt/bin/mapper incore "$g")
vs_expect_eq part-cached 1 "$([ "$gdata" -gt 0 ] && [ "$gdata" -lt $pages ] && echo 1)"
for flags in 0 4 1 2; do
	before=$(/opt/bin/mapper incore "$g" $gmeta)
	vs_expect_rc "clean-$flags-rc" 0 es_scrub -f $flags "$g"
	vs_expect_eq "clean-$flags-ranges" "" "$(es_ranges)"
	after=$(/opt/bin/mapper incore "$g" $gmeta)
	if [ "$VS_FS" = btrfs ]; then
		# not readable raw: clean, unmapped pages may be dropped and read
		# through the filesystem; those it keeps are skipped
		vs_expect_eq "clean-$flags-not-grown" 1 "$([ "$after" -le "$before" ] && echo 1)"
		vs_expect_eq "clean-$flags-all-counted" $size \
			$(( $(es_field verified) + $(es_field skipped) ))
	else
		vs_expect_eq "clean-$flags-cached" "$before" "$after"
	fi
done
