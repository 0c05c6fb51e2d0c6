# Engine on btrfs: a clean file scrubs clean; a damaged block fails every
# read, and without raw access (no bmap) it is reported as UNKNOWN.
# vs-kernels: 6.1 6.12
# vs-fs: btrfs
# vs-timeout: 300
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/b
size=$((1048576 + 100))
vs_verity_file "$f" $size
vs_expect_rc clean-rc 0 es_scrub "$f"
vs_expect_eq clean-no-ranges "" "$(es_ranges)"
vs_expect_eq clean-cursor "$size" "$(es_field start)"
vs_expect_eq digest "$(es_digest "$f")" "$(es_field digest)"
vs_expect_eq not-direct 0 "$(( $(es_field flags) & 8 ))"

sync
phys=$(/opt/bin/findblock "$VS_DEV" "$f" $((30 * 4096)))
vs_corrupt_dev $((phys + 9))
vs_drop_caches
vs_expect_rc damaged-eio 1 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=30 count=1 status=none
vs_expect_rc damaged-rc 0 es_scrub "$f"
vs_expect_eq damaged-unknown "RANGE 122880 4096 UNKNOWN NONE 0;" "$(es_ranges)"
