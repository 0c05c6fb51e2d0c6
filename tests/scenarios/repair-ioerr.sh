# verify-file --repair-from: a data block the device cannot read (dm
# "error" under it, left in place) is an io_error; it is repaired from a
# good copy on another filesystem (tmpfs): exactly its 4096 bytes come
# from the source, exit 64, and the new file scrubs clean from disk while
# the error target is still there, with the same digest and the source's
# bytes.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/guest/tool-lib.sh

vs_mkfs
size=$((16 * 4096 + 1000))		# 17 blocks, the last of 1000 bytes
vf_repair_setup $size
cp "$f" /mnt/src/data			# the good copy
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)
ino=$(stat -c %i "$f")
sync

# data block 5 fails on the device from now on
bad=$(vs_phys "$f" $((5 * 4096)))
vs_dm_error "$bad" 4096
vs_drop_caches
vs_expect_rc damaged-rc 2 vf_run --json "$f"
vs_expect_eq damaged-ranges '[{"offset":20480,"length":4096,"kind":"io_error","detail":"other","cached_good":false}]' \
	"$(vf_ranges)"

vs_expect_rc repair-rc 64 vf_run --json --repair-from /mnt/src/data "$f"
vf_expect_repaired /mnt/src/data 4096 1 $size
vs_expect_eq repair-summary '"repaired":1,"not_repaired":0' \
	"$(grep -o '"repaired":[0-9]*,"not_repaired":[0-9]*' $VF_OUT)"
vs_expect_rc repair-human-rc 0 vf_run "$f"

# the error target is still there, under none of the new file's blocks
vs_expect_eq error-target-kept "error" \
	"$("$VS_BIN/dmsetup" table "$VS_DM" | awk -v s=$((bad / 512)) '$1 == s {print $3}')"
hit=0 i=0
while [ $i -lt 17 ]; do
	[ "$(vs_phys "$f" $((i * 4096)))" = "$bad" ] && hit=1
	i=$((i + 1))
done
vs_expect_eq new-blocks-elsewhere 0 $hit
vf_expect_replaced "$f" "$ino" "$digest"
vs_expect_eq dir-listing "data" "$(vf_listing "$d")"
vf_expect_rescrub "$f"
vs_expect_eq rescrub-verified "$size" "$(vf_num bytes_verified)"
vs_dm_restore
umount /mnt/src
