# verify-file --repair-from on a file with a builtin fs-verity signature
# (CONFIG_FS_VERITY_BUILTIN_SIGNATURES: Debian's 6.1 has it, the 6.12 test
# kernel does not, so this runs on 6.1 only): the test certificate
# (helpers/sign/, a throwaway key made for this test) is loaded into the
# .fs-verity keyring, the file is enabled with its signature, one block is
# corrupted and repaired from a copy; the new file carries the same
# signature byte for byte (FS_IOC_READ_VERITY_METADATA type SIGNATURE),
# has the same digest, scrubs clean, and the JSON is exact.
# vs-kernels: 6.1
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/guest/tool-lib.sh

sign=/tests/guest/helpers/sign
vs_expect_rc key-loaded 0 /opt/bin/addkey $sign/cert.der

vs_mkfs
d=$VS_MNT/dir
mkdir -p "$d" /mnt/src
mount -t tmpfs tmpfs /mnt/src
f=$d/data
size=$((16 * 4096 + 1000))		# 17 blocks, the last of 1000 bytes
vs_make_file "$f" $size
cp "$f" /mnt/src/data			# the good copy (no verity needed)
"$VS_BIN/fsverity" sign "$f" /tmp/sig --key=$sign/key.pem --cert=$sign/cert.pem
vs_expect_rc enable-signed 0 "$VS_BIN/fsverity" enable "$f" --signature=/tmp/sig
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)
ino=$(stat -c %i "$f")
# the kernel gives back the signature it was given, byte for byte
"$VS_BIN/fsverity" dump_metadata signature "$f" > /tmp/sig.orig
vs_expect_rc orig-signature 0 cmp /tmp/sig /tmp/sig.orig

vs_corrupt_file "$f" $((5 * 4096 + 17))
vs_expect_rc damaged-rc 1 vf_run --json "$f"
vs_expect_eq damaged-ranges '[{"offset":20480,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"

vs_expect_rc repair-rc 64 vf_run --json --repair-from /mnt/src/data "$f"
vs_expect_eq repair-status repaired \
	"$(grep -o '"repair":{"status":"[a-z_]*"' $VF_OUT | sed 's/.*:"//; s/"$//')"
vs_expect_eq repair-sources '"sources":[{"source":"/mnt/src/data","bytes":4096,"rejected_blocks":0}]' \
	"$(grep -o '"sources":\[[^]]*\]' $VF_OUT)"
vs_expect_eq repair-blocks 1 "$(grep -o '"blocks":[0-9]*' $VF_OUT | sed 's/.*://')"
vs_expect_eq repair-new-scrub '"new_scrub":{"complete":true,"bytes_verified":'$size',"ranges":[]}' \
	"$(grep -o '"new_scrub":{[^}]*}' $VF_OUT)"
vs_expect_eq repair-summary '"repaired":1,"not_repaired":0' \
	"$(grep -o '"repaired":[0-9]*,"not_repaired":[0-9]*' $VF_OUT)"

# the new file: another inode, the same signature byte for byte, same digest
vs_expect_eq new-inode 1 "$([ "$(stat -c %i "$f")" != "$ino" ] && echo 1)"
rm -f /tmp/sig.new
sig_rc=0
"$VS_BIN/fsverity" dump_metadata signature "$f" > /tmp/sig.new || sig_rc=$?
vs_expect_eq new-has-signature 0 $sig_rc
vs_expect_eq new-signature-size "$(stat -c %s /tmp/sig)" "$(stat -c %s /tmp/sig.new)"
vs_expect_rc new-signature-bytes 0 cmp /tmp/sig /tmp/sig.new
vs_expect_eq same-digest "$digest" "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)"
vs_drop_caches
vs_expect_rc same-bytes 0 cmp "$f" /mnt/src/data
vs_drop_caches
vs_expect_rc rescrub-rc 0 vf_run --json "$f"
vs_expect_eq rescrub-ranges "[]" "$(vf_ranges)"
# after a remount the signature is read from disk again
vs_umount
vs_mount
"$VS_BIN/fsverity" dump_metadata signature "$f" > /tmp/sig.new || true
vs_expect_rc remount-signature-bytes 0 cmp /tmp/sig /tmp/sig.new
vs_expect_rc remount-rc 0 vf_run "$f"
vs_expect_eq remount-line "$f: OK" "$(head -n 1 $VF_OUT)"
umount /mnt/src
