# verify-file --repair-from: two hash_mismatch blocks repaired from a good
# copy on another filesystem (tmpfs): the new file scrubs clean from disk,
# has the same digest, owner, mode, xattr and mtime, and exactly 8192
# bytes came from the source; exit 64 (damage found and all repaired).
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/guest/tool-lib.sh

vs_mkfs
size=$((16 * 4096 + 1000))		# 17 blocks, the last of 1000 bytes
vf_repair_setup $size
chown 1234:5678 "$f"
chmod 640 "$f"
/opt/bin/xattrctl set "$f" user.vs kept
touch -d "2001-09-09 01:46:40" "$f"
cp "$f" /mnt/src/data			# the good copy, before the damage
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)
ino=$(stat -c %i "$f")

vs_corrupt_file "$f" $((3 * 4096 + 100))
vs_corrupt_file "$f" $((9 * 4096 + 4095))
vs_expect_rc damaged-rc 1 vf_run --json "$f"
vs_expect_eq damaged-ranges '[{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":false},{"offset":36864,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"

vs_expect_rc repair-rc 64 vf_run --json --repair-from /mnt/src/data "$f"
vf_expect_repaired /mnt/src/data 8192 2 $size
vs_expect_eq repair-summary '"repaired":1,"not_repaired":0' \
	"$(grep -o '"repaired":[0-9]*,"not_repaired":[0-9]*' $VF_OUT)"

# the new file: another inode, same digest, same attributes, nothing left over
vf_expect_replaced "$f" "$ino" "$digest"
vs_expect_eq same-attrs "640 1234 5678 1000000000" "$(stat -c '%a %u %g %Y' "$f")"
vs_expect_eq same-xattr kept "$(/opt/bin/xattrctl get "$f" user.vs)"
vs_expect_eq dir-listing "data" "$(vf_listing "$d")"
# the source's bytes and a scrub of its own, from disk: clean
vf_expect_rescrub "$f"
# after a remount too (the new file and its tree are on disk)
vs_umount
vs_mount
vs_expect_rc remount-rc 0 vf_run "$f"
vs_expect_eq remount-line "$f: OK" "$(head -n 1 $VF_OUT)"
umount /mnt/src
