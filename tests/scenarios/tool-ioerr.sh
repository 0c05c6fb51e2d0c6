# A file the filesystem cannot open because the device fails under its
# inode (not cached): an I/O finding (exit bit 2, status bad, counted as
# bad, errno EIO), not an operational error (8); also in a -r walk.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
. /tests/guest/tool-lib.sh

vs_mkfs
mkdir "$VS_MNT/dir"
f=$VS_MNT/dir/f
vs_verity_file "$f" $((64 * 1024))
vs_expect_rc clean-rc 0 vf_run --json "$f"
vs_remount	# nothing of it cached but the root directory
vs_dm_error_all
vs_expect_rc open-rc 2 vf_run --json "$f"
vs_expect_eq open-status bad "$(vf_str status)"
vs_expect_eq open-errno EIO "$(vf_str errno)"
vs_expect_eq open-error "cannot open: Input/output error (EIO)" "$(vf_str error)"
vs_expect_eq open-bad 1 "$(vf_sum bad)"
vs_expect_eq open-errors 0 "$(vf_sum errors)"
vs_expect_rc open-human-rc 2 vf_run "$f"
vs_expect_eq open-human "$f: BAD: cannot open: Input/output error (EIO)" \
	"$(head -n 1 $VF_OUT)"
# -r: whatever the walk could not read is a finding too
vs_dm_restore
vs_remount
vs_dm_error_all
vs_expect_rc walk-rc 2 vf_run --json -r "$VS_MNT/dir"
vs_expect_eq walk-errno EIO "$(vf_str errno)"
vs_expect_eq walk-errors 0 "$(vf_sum errors)"
vs_dm_restore
