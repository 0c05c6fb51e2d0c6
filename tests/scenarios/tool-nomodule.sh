# Without the module: verify-file says how to load it (exit 8); --fallback
# warns and reads with pread; --no-module reports failing ranges as
# 'unknown', narrowed down to the failing blocks; the descriptor on disk is
# checked against the data read (libfsverity) when all of it was read.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs btrfs
# vs-module: no
. /tests/guest/tool-lib.sh

# an earlier scenario in the same guest may have loaded it
vs_unload_module
vs_expect_eq module-unloaded 0 "$(grep -c '^verity_scrub ' /proc/modules || true)"

vs_mkfs
f=$VS_MNT/data
size=$((5 * 1048576 + 1000))	# two pread chunks; last block of 1000 bytes
vs_verity_file "$f" $size
vs_drop_caches

vs_expect_rc no-module-rc 8 vf_run --json "$f"
vs_expect_eq no-module-hint 1 "$(grep -c "modprobe verity_scrub" /tmp/vf.err)"
vs_expect_eq no-module-status error "$(vf_str status)"
vs_expect_rc fallback-rc 0 vf_run --json --fallback "$f"
vs_expect_eq fallback-warning 1 "$(grep -c 'warning: .*falling back' /tmp/vf.err)"
vs_expect_eq fallback-method pread "$(vf_str method)"
vs_expect_eq fallback-verified "$size" "$(vf_num bytes_verified)"
vs_expect_eq fallback-digest "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)" "$(vf_str digest)"
# the data read and the descriptor on disk give the kernel's digest
# (libfsverity): the descriptor is checked.  btrfs has no
# FS_IOC_READ_VERITY_METADATA: not checked, and said why.
nometa="the filesystem or the kernel cannot read it (no FS_IOC_READ_VERITY_METADATA)"
if [ "$VS_FS" = btrfs ]; then
	vs_expect_eq fallback-descriptor-checked false "$(vf_num descriptor_checked)"
	vs_expect_eq fallback-descriptor-unchecked "$nometa" \
		"$(vf_str descriptor_unchecked_reason)"
	why_part=$nometa
	why_data=$nometa
else
	vs_expect_eq fallback-descriptor-checked true "$(vf_num descriptor_checked)"
	vs_expect_eq fallback-descriptor-changed false "$(vf_num descriptor_changed)"
	why_part="only part of the file was read"
	why_data="some data could not be read"
fi
vs_expect_rc no-module-human-rc 0 vf_run --no-module "$f"
vs_expect_eq no-module-human "$f: OK" "$(head -n 1 $VF_OUT)"
if [ "$VS_FS" = btrfs ]; then
	vs_expect_eq no-module-note "$f: note: the fs-verity descriptor on disk was not checked ($nometa)" \
		"$(sed -n 2p $VF_OUT)"
else
	vs_expect_eq no-module-no-note 0 "$(grep -c 'note:' $VF_OUT || true)"
fi
vs_expect_rc no-module-range-rc 0 vf_run --json --no-module --range 0:4096 "$f"
vs_expect_eq no-module-range-unchecked "$why_part" \
	"$(vf_str descriptor_unchecked_reason)"
vs_expect_rc quiet-fallback-rc 0 vf_run -q --json --fallback "$f"
vs_expect_eq quiet-fallback-warning 1 "$(grep -c 'warning: .*falling back' /tmp/vf.err)"
vs_expect_eq quiet-fallback-json 1 "$(grep -c '"fallback":"/dev/verity-scrub is not available: ' $VF_OUT)"
vs_expect_rc proc-rc 8 vf_run --json --no-module /proc/version
vs_expect_eq proc-error "not an fs-verity file (the filesystem does not support fs-verity)" "$(vf_str error)"

# data blocks: one in the middle of the second chunk, the first, the last
vs_corrupt_file "$f" $((1100 * 4096 + 9))
vs_corrupt_file "$f" 0
vs_corrupt_file "$f" $((size - 1))
vs_expect_rc data-rc 2 vf_run --json --no-module "$f"
vs_expect_eq data-ranges '[{"offset":0,"length":4096,"kind":"unknown","cached_good":false},{"offset":4505600,"length":4096,"kind":"unknown","cached_good":false},{"offset":5242880,"length":1000,"kind":"unknown","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_eq data-verified $((size - 2 * 4096 - 1000)) "$(vf_num bytes_verified)"
vs_expect_eq data-descriptor-unchecked "$why_data" \
	"$(vf_str descriptor_unchecked_reason)"
vs_expect_rc data-human-rc 2 vf_run --no-module "$f"
vs_expect_eq data-human "$f: BAD: unknown at offset 0 length 4096; unknown at offset 4505600 length 4096; unknown at offset 5242880 length 1000" \
	"$(head -n 1 $VF_OUT)"

if [ "$VS_FS" != btrfs ]; then
	# A corrupted Merkle leaf: every data block under it fails.  257
	# blocks: tree block 0 is the root, 1-3 the leaves; leaf 1 covers data
	# blocks 128-255.
	t=$VS_MNT/tree
	vs_verity_file "$t" $((1048576 + 1000))
	vs_corrupt_file "$t" $(($(vs_tree_offset "$t") + 2 * 4096 + 5))
	vs_expect_rc tree-rc 2 vf_run --json --no-module "$t"
	vs_expect_eq tree-ranges '[{"offset":524288,"length":524288,"kind":"unknown","cached_good":false}]' \
		"$(vf_ranges)"
fi
