# Engine: the descriptor is read from disk.  A root hash changed on disk
# while the kernel holds the old one is flagged DESCRIPTOR_CHANGED (where the
# kernel exports its digest, 6.5+); a malformed one fails with EUCLEAN.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/d
vs_verity_file "$f" 1048576
good=$(es_digest "$f")
# ext4: the descriptor follows the tree (3 blocks here) at the next block.
desc=$(( $(vs_tree_offset "$f") + 3 * 4096 ))
exec 3< "$f"
vs_corrupt_file "$f" $((desc + 16))
vs_expect_rc changed-rc 0 es_scrub "$f"
vs_expect_eq changed-no-ranges "" "$(es_ranges)"
vs_expect_eq changed-digest-differs 1 "$(( $(es_field digest | wc -c) > 60 ))"
if [ "$(es_field digest)" != "$good" ]; then vs_pass digest-from-disk; else vs_fail digest-from-disk "same digest"; fi
if [ "$VS_KERNEL" = 6.1 ]; then
	vs_expect_eq flags-6.1 0 "$(( $(es_field flags) & 3 ))"
else
	vs_expect_eq flags-changed 3 "$(( $(es_field flags) & 3 ))"
fi
vs_corrupt_file "$f" $((desc + 16))
vs_expect_rc restored-rc 0 es_scrub "$f"
vs_expect_eq restored-digest "$good" "$(es_field digest)"

# Rotten on disk while the copy every reader uses is cached: flagged on
# both kernels (the copy on disk is read raw and compared); the digest is
# that of the filesystem's copy, and the data still scrubs against it.
"$VS_BIN/fsverity" dump_metadata descriptor "$f" > /dev/null	# cached
dphys=$(vs_phys "$f" "$desc")
vs_corrupt_dev $((dphys + 16))
vs_expect_rc rotten-rc 0 es_scrub "$f"
vs_expect_eq rotten-flags 17 "$(( $(es_field flags) & 17 ))"
vs_expect_eq rotten-digest "$good" "$(es_field digest)"
vs_expect_eq rotten-no-ranges "" "$(es_ranges)"
vs_corrupt_dev $((dphys + 16))		# undo
vs_expect_rc undone-rc 0 es_scrub "$f"
vs_expect_eq undone-flags 16 "$(( $(es_field flags) & 49 ))"
# Unreadable on disk (the device fails its block), copy cached: flagged.
vs_dm_error $((dphys / 4096 * 4096)) 4096
vs_expect_rc unreadable-rc 0 es_scrub "$f"
vs_expect_eq unreadable-flags 32 "$(( $(es_field flags) & 49 ))"
vs_expect_eq unreadable-no-ranges "" "$(es_ranges)"
vs_dm_restore

vs_corrupt_file "$f" "$desc"		# version 1 -> 0xfe
vs_expect_rc malformed-rc 1 es_scrub "$f"
vs_expect_eq malformed-errno EUCLEAN "$(es_field rc)"
exec 3<&-
