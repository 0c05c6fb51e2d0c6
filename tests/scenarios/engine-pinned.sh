# Engine: a cached, verified page held by someone else (spliced into a
# pipe) is never evicted: it is checked from its raw copy on disk, so
# damage under it is found; on btrfs, which cannot be read raw, it is
# counted as skipped (checked only in the page cache).
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs btrfs
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/p
vs_verity_file "$f" $((256 * 4096))
sync
if [ "$VS_FS" = btrfs ]; then
	phys=$(/opt/bin/findblock "$VS_DEV" "$f" $((3 * 4096)))
else
	phys=$(vs_phys "$f" $((3 * 4096)))
fi
exec 3< "$f"
echo 1 > /proc/sys/vm/drop_caches
cat "$f" > /dev/null
/opt/bin/pinpage "$f" $((3 * 4096)) 60 > /tmp/es-pin &
pin=$!
while ! grep -q pinned /tmp/es-pin; do sleep 1; done
vs_corrupt_dev $((phys + 100))
vs_expect_rc pinned-still-reads 0 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=3 count=1 status=none
vs_expect_rc scrub-rc 0 es_scrub "$f"
if [ "$VS_FS" = btrfs ]; then
	vs_expect_eq not-evicted "" "$(es_ranges)"
	vs_expect_eq pinned-skipped 4096 "$(es_field skipped)"
else
	vs_expect_eq found "RANGE 12288 4096 HASH_MISMATCH NONE 0;" "$(es_ranges)"
	vs_expect_eq nothing-skipped 0 "$(es_field skipped)"
fi
vs_expect_rc pinned-reads-after 0 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=3 count=1 status=none
kill $pin
wait $pin || true
exec 3<&-
