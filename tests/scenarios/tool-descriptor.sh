# verify-file and the fs-verity descriptor: a root hash changed on disk while
# the kernel holds the old digest is corruption (flagged by the module from
# 6.5, found by comparing with FS_IOC_MEASURE_VERITY before); a malformed
# descriptor (EUCLEAN) is corruption too; one the device cannot read is an
# I/O finding.  --no-module finds the changed and the unreadable descriptor
# too (the data read, through libfsverity, against the kernel's digest).
# vs-kernels: 6.1 6.12
# vs-fs: ext4
. /tests/guest/tool-lib.sh

vs_mkfs
f=$VS_MNT/d
vs_verity_file "$f" 1048576
good=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)
# ext4: the descriptor follows the tree (3 blocks here) at the next block.
desc=$(( $(vs_tree_offset "$f") + 3 * 4096 ))
exec 3< "$f"		# keep the inode, and the digest the kernel holds
vs_corrupt_file "$f" $((desc + 16))
vs_expect_rc changed-rc 1 vf_run --json "$f"
vs_expect_eq changed-flag true "$(vf_num descriptor_changed)"
vs_expect_eq changed-status bad "$(vf_str status)"
vs_expect_eq changed-ranges "[]" "$(vf_ranges)"
vs_expect_eq changed-measured "$good" "$(vf_str measured_digest)"
if [ "$(vf_str digest)" != "$good" ]; then
	vs_pass changed-digest-from-disk
else
	vs_fail changed-digest-from-disk "verify-file reported the old digest"
fi
vs_expect_rc changed-human-rc 1 vf_run "$f"
vs_expect_eq changed-human 1 "$(grep -c "^$f: BAD: descriptor changed (on disk sha256:[0-9a-f]*, kernel holds $good)\$" $VF_OUT)"
vs_expect_rc changed-expect-rc 1 vf_run --json --expect-digest "$good" "$f"
vs_expect_eq changed-expect false "$(vf_num digest_matches)"
# without the module: the data gives the kernel's digest, the descriptor
# on disk does not describe it
vs_expect_rc nomodule-changed-rc 1 vf_run --json --no-module "$f"
vs_expect_eq nomodule-changed-flag true "$(vf_num descriptor_changed)"
vs_expect_eq nomodule-changed-differs true "$(vf_num descriptor_disk_differs)"
vs_expect_eq nomodule-changed-digest "$good" "$(vf_str digest)"
vs_expect_rc nomodule-changed-human-rc 1 vf_run --no-module "$f"
vs_expect_eq nomodule-changed-human "$f: BAD: descriptor changed (the descriptor on disk does not describe the data the kernel verified, $good)" \
	"$(head -n 1 $VF_OUT)"

vs_corrupt_file "$f" $((desc + 16))	# restored
vs_expect_rc restored-rc 0 vf_run --json "$f"
vs_expect_eq restored-flag false "$(vf_num descriptor_changed)"
vs_expect_rc nomodule-restored-rc 0 vf_run --json --no-module "$f"
vs_expect_eq nomodule-restored-checked true "$(vf_num descriptor_checked)"
vs_expect_eq nomodule-restored-flag false "$(vf_num descriptor_changed)"

# Unreadable on disk while the filesystem's copy is cached: an I/O
# finding (exit bit 2), not silence.
"$VS_BIN/fsverity" dump_metadata descriptor "$f" > /dev/null
dphys=$(vs_phys "$f" "$desc")
vs_dm_error $((dphys / 4096 * 4096)) 4096
vs_expect_rc unreadable-rc 2 vf_run --json "$f"
vs_expect_eq unreadable-flag true "$(vf_num descriptor_unreadable)"
vs_expect_eq unreadable-status bad "$(vf_str status)"
vs_expect_eq unreadable-ranges "[]" "$(vf_ranges)"
vs_expect_rc nomodule-unreadable-rc 2 vf_run --json --no-module "$f"
vs_expect_eq nomodule-unreadable-flag true "$(vf_num descriptor_unreadable)"
vs_dm_restore

vs_corrupt_file "$f" "$desc"		# version 1 -> 0xfe
vs_expect_rc malformed-rc 1 vf_run --json "$f"
vs_expect_eq malformed-flag true "$(vf_num descriptor_corrupt)"
vs_expect_eq malformed-error "the fs-verity descriptor on disk is malformed (corrupt)" \
	"$(vf_str error)"
exec 3<&-
