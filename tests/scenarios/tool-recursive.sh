# verify-file -r over a tree of verity and other files: every verity file is
# scrubbed, the rest skipped (and listed with -v); mount points are not
# crossed without --cross-mounts; -j 2 gives the same report.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
. /tests/guest/tool-lib.sh

vs_mkfs
top=$VS_MNT/tree
mkdir -p "$top"/sub/deeper "$top"/mnt
vs_verity_file "$top"/a $((64 * 1024))
vs_verity_file "$top"/sub/b $((256 * 1024 + 17))
vs_verity_file "$top"/sub/deeper/c 4096
echo plain > "$top"/plain.txt
echo notes > "$top"/sub/notes
ln -s a "$top"/link
mkfifo "$top"/sub/fifo
mount -t tmpfs tmpfs "$top"/mnt
echo other-fs > "$top"/mnt/x
vs_corrupt_file "$top"/sub/b $((3 * 4096))

vs_expect_rc tree-rc 1 vf_run --json -r -v "$top"
vs_expect_eq tree-files 3 "$(vf_sum files)"
vs_expect_eq tree-bad 1 "$(vf_sum bad)"
vs_expect_eq tree-ok 2 "$(vf_sum ok)"
vs_expect_eq tree-skipped 5 "$(vf_sum skipped)"
vs_expect_eq tree-order "$top/a $top/sub/b $top/sub/deeper/c" \
	"$(grep -o '"path":"[^"]*","status"' $VF_OUT | sed 's/"path":"//; s/","status"//' | tr '\n' ' ' | sed 's/ $//')"
vs_expect_eq tree-b-range '{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":false}' \
	"$(grep -o '{"offset":[^}]*}' $VF_OUT)"
vs_expect_eq tree-mount-skipped 1 \
	"$(grep -c '"path":"'"$top"'/mnt","reason":"mount point (use --cross-mounts)"' $VF_OUT)"
vs_expect_eq tree-fifo-skipped 1 \
	"$(grep -c '"path":"'"$top"'/sub/fifo","reason":"not a regular file"' $VF_OUT)"

vs_expect_rc human-rc 1 vf_run -r -v "$top"
vs_expect_eq human-skipped-line 1 "$(grep -cx "$top/plain.txt: skipped (not an fs-verity file)" $VF_OUT)"
vs_expect_eq human-bad-line 1 "$(grep -c "^$top/sub/b: BAD: hash_mismatch at offset 12288 length 4096 \[sha256:[0-9a-f]*, block size 4096, " $VF_OUT)"
vs_expect_rc human-quiet-rc 1 vf_run -r -q "$top"
vs_expect_eq human-quiet "$top/sub/b: BAD: hash_mismatch at offset 12288 length 4096" "$(cat $VF_OUT)"

vs_expect_rc cross-rc 1 vf_run --json -r -v --cross-mounts "$top"
vs_expect_eq cross-walked 1 \
	"$(grep -c '"path":"'"$top"'/mnt/x","reason":"not an fs-verity file"' $VF_OUT)"

vs_expect_rc jobs-rc 1 vf_run --json -r -j 2 "$top"
vs_expect_eq jobs-files 3 "$(vf_sum files)"
vs_expect_eq jobs-bad 1 "$(vf_sum bad)"

vs_expect_rc no-r-rc 8 vf_run --json "$top"
vs_expect_eq no-r-error "is a directory (use -r to scrub the verity files under it)" \
	"$(vf_str error)"
vs_expect_rc fifo-rc 8 vf_run --json "$top"/sub/fifo
vs_expect_eq fifo-error "not a regular file (a FIFO)" "$(vf_str error)"
umount "$top"/mnt
