# Harness self-test, without the module: the dm "error" target fails exactly
# the sectors asked for, and restoring the table heals them.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-module: no

vs_mkfs
f=$VS_MNT/file
vs_verity_file "$f" $((256 * 1024))
phys=$(vs_phys "$f" $((5 * 4096)))
vs_dm_error "$phys" 4096
vs_drop_caches
vs_expect_rc error-block-eio 1 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=5 count=1 status=none
vs_expect_rc block-4-reads 0 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=4 count=1 status=none
vs_expect_rc block-6-reads 0 "$VS_BIN/dd" if="$f" of=/dev/null bs=4096 skip=6 count=1 status=none
vs_dm_restore
vs_drop_caches
vs_expect_rc restored-reads 0 cat "$f"
