# verify-file --repair-from refuses what its digest does not vouch for: a
# source with one wrong byte in a needed block is refused (the original
# keeps its inode and its bytes on disk, exit 1: damage left), a dry run
# and a hard-linked file write nothing; a source wrong only in blocks that
# are not needed still repairs, and two sources each good for a different
# bad block repair together; a content-addressed store (--repair-store)
# is found by the file's digest.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 400
. /tests/guest/tool-lib.sh

# flip_byte FILE OFFSET: complement one byte of an ordinary file.
flip_byte() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %o $((255 - _b)))" |
		"$VS_BIN/dd" of="$1" bs=1 seek="$2" conv=notrunc status=none
}

vs_mkfs
d=$VS_MNT/dir
mkdir -p "$d" /mnt/src
mount -t tmpfs tmpfs /mnt/src
f=$d/data
size=$((16 * 4096 + 1000))
vs_verity_file "$f" $size
cp "$f" /mnt/src/good
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)
vs_corrupt_file "$f" $((3 * 4096 + 100))
vs_corrupt_file "$f" $((9 * 4096 + 7))
ino=$(stat -c %i "$f")
raw=$(vf_raw_sum "$f" 17)

# one wrong byte in a needed block (9): refused, nothing changed
cp /mnt/src/good /mnt/src/wrong9
flip_byte /mnt/src/wrong9 $((9 * 4096 + 2000))
vs_expect_rc wrong-rc 1 vf_run --json --repair-from /mnt/src/wrong9 "$f"
vs_expect_eq wrong-status not_repaired "$(vf_repair_field status)"
vs_expect_eq wrong-reason "no source has a copy of the block at offset 36864 that matches the file's Merkle tree" \
	"$(vf_repair_field reason)"
vs_expect_eq wrong-sources '"sources":[{"source":"/mnt/src/wrong9","bytes":4096,"rejected_blocks":1,"first_rejected_offset":36864}]' \
	"$(vf_sources)"
vs_expect_eq wrong-replaced false "$(vf_repair_field replaced)"
vs_expect_eq wrong-same-inode "$ino" "$(stat -c %i "$f")"
vs_expect_eq wrong-same-bytes "$raw" "$(vf_raw_sum "$f" 17)"
vs_expect_eq wrong-listing data "$(vf_listing "$d")"
vs_expect_rc wrong-human-rc 1 vf_run --repair-from /mnt/src/wrong9 "$f"
vs_expect_eq wrong-human "$f: NOT REPAIRED: no source has a copy of the block at offset 36864 that matches the file's Merkle tree; /mnt/src/wrong9: 1 blocks rejected, the first at offset 36864" \
	"$(sed -n 2p $VF_OUT)"

# a dry run authenticates and writes nothing
vs_expect_rc dry-rc 1 vf_run --json --repair-dry-run --repair-from /mnt/src/good "$f"
vs_expect_eq dry-status repairable "$(vf_repair_field status)"
vs_expect_eq dry-same-inode "$ino" "$(stat -c %i "$f")"
vs_expect_eq dry-same-bytes "$raw" "$(vf_raw_sum "$f" 17)"
vs_expect_eq dry-listing data "$(vf_listing "$d")"

# a hard-linked file is not replaced
ln "$f" "$d/link"
vs_expect_rc link-rc 1 vf_run --json --repair-from /mnt/src/good "$f"
vs_expect_eq link-reason "the file has 2 hard links: replacing it would split them; nothing written" \
	"$(vf_repair_field reason)"
vs_expect_eq link-same-inode "$ino" "$(stat -c %i "$f")"
vs_expect_eq link-same-bytes "$raw" "$(vf_raw_sum "$f" 17)"
vs_expect_eq link-listing "data link" "$(vf_listing "$d")"
rm "$d/link"

# wrong only in blocks that are not needed (0 and 5): repaired
cp /mnt/src/good /mnt/src/wrong05
flip_byte /mnt/src/wrong05 5
flip_byte /mnt/src/wrong05 $((5 * 4096 + 5))
vs_expect_rc unneeded-rc 64 vf_run --json --repair-from /mnt/src/wrong05 "$f"
vs_expect_eq unneeded-status repaired "$(vf_repair_field status)"
vs_expect_eq unneeded-sources '"sources":[{"source":"/mnt/src/wrong05","bytes":8192,"rejected_blocks":0}]' \
	"$(vf_sources)"
vs_expect_eq unneeded-digest "$digest" "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)"
vs_drop_caches
vs_expect_rc unneeded-bytes 0 cmp "$f" /mnt/src/good

# two sources, each good for a different bad block
vs_corrupt_file "$f" $((3 * 4096 + 100))
vs_corrupt_file "$f" $((9 * 4096 + 7))
cp /mnt/src/good /mnt/src/wrong3
flip_byte /mnt/src/wrong3 $((3 * 4096 + 9))
vs_expect_rc two-rc 64 vf_run --json --repair-from /mnt/src/wrong9 \
	--repair-from /mnt/src/wrong3 "$f"
vs_expect_eq two-sources '"sources":[{"source":"/mnt/src/wrong9","bytes":4096,"rejected_blocks":1,"first_rejected_offset":36864},{"source":"/mnt/src/wrong3","bytes":4096,"rejected_blocks":0}]' \
	"$(vf_sources)"
vs_drop_caches
vs_expect_rc two-bytes 0 cmp "$f" /mnt/src/good
vs_expect_rc two-rescrub-rc 0 vf_run "$f"
vs_expect_eq two-listing data "$(vf_listing "$d")"

# --repair-store: the composefs object XX/YYYY... named by the digest
vs_corrupt_file "$f" $((9 * 4096 + 7))
hex=${digest#*:}
mkdir -p /mnt/src/store/$(echo "$hex" | cut -c1-2)
obj=/mnt/src/store/$(echo "$hex" | cut -c1-2)/$(echo "$hex" | cut -c3-)
cp /mnt/src/good "$obj"
vs_expect_rc store-rc 64 vf_run --json --repair-store /mnt/src/store "$f"
vs_expect_eq store-sources "\"sources\":[{\"source\":\"$obj\",\"store\":\"/mnt/src/store\",\"bytes\":4096,\"rejected_blocks\":0}]" \
	"$(vf_sources)"
vs_drop_caches
vs_expect_rc store-bytes 0 cmp "$f" /mnt/src/good
vs_expect_eq store-digest "$digest" "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)"
umount /mnt/src
