# verify-file --repair-from: two hash_mismatch blocks repaired from a good
# copy on another filesystem (tmpfs): the new file scrubs clean from disk,
# has the same digest, owner, mode, xattr and mtime, and exactly 8192
# bytes came from the source; exit 64 (damage found and all repaired).
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/scenarios/helpers/tool-lib.sh

vs_mkfs
d=$VS_MNT/dir
mkdir -p "$d" /mnt/src
mount -t tmpfs tmpfs /mnt/src
f=$d/data
size=$((16 * 4096 + 1000))		# 17 blocks, the last of 1000 bytes
vs_verity_file "$f" $size
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
vs_expect_eq repair-status repaired \
	"$(grep -o '"repair":{"status":"[a-z_]*"' $VF_OUT | sed 's/.*:"//; s/"$//')"
vs_expect_eq repair-sources '"sources":[{"source":"/mnt/src/data","bytes":8192,"rejected_blocks":0}]' \
	"$(grep -o '"sources":\[[^]]*\]' $VF_OUT)"
vs_expect_eq repair-blocks 2 "$(grep -o '"blocks":[0-9]*' $VF_OUT | sed 's/.*://')"
vs_expect_eq repair-new-scrub '"new_scrub":{"complete":true,"bytes_verified":'$size',"ranges":[]}' \
	"$(grep -o '"new_scrub":{[^}]*}' $VF_OUT)"
vs_expect_eq repair-summary '"repaired":1,"not_repaired":0' \
	"$(grep -o '"repaired":[0-9]*,"not_repaired":[0-9]*' $VF_OUT)"

# the new file: another inode, same digest, same attributes, nothing left over
vs_expect_eq new-inode 1 "$([ "$(stat -c %i "$f")" != "$ino" ] && echo 1)"
vs_expect_eq same-digest "$digest" "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)"
vs_expect_eq same-attrs "640 1234 5678 1000000000" "$(stat -c '%a %u %g %Y' "$f")"
vs_expect_eq same-xattr kept "$(/opt/bin/xattrctl get "$f" user.vs)"
vs_expect_eq dir-listing "data" "$(ls -a "$d" | grep -v '^\.\.\?$' | tr '\n' ' ' | sed 's/ $//')"
vs_drop_caches
vs_expect_rc same-bytes 0 cmp "$f" /mnt/src/data
# a scrub of its own, from disk: clean
vs_drop_caches
vs_expect_rc rescrub-rc 0 vf_run --json "$f"
vs_expect_eq rescrub-ranges "[]" "$(vf_ranges)"
vs_expect_eq rescrub-whole-file true "$(vf_num whole_file_from_disk)"
# after a remount too (the new file and its tree are on disk)
vs_umount
vs_mount
vs_expect_rc remount-rc 0 vf_run "$f"
vs_expect_eq remount-line "$f: OK" "$(head -n 1 $VF_OUT)"
umount /mnt/src
