# verify-file --repair-from: --quarantine DIR keeps the damaged original
# (a hard link DIR/BASENAME.INODE: the old inode, its damaged bytes); the
# user-settable inode flags nodump, noatime and sync (chattr d A S) are
# carried over to the new file; an immutable or append-only file (chattr
# i, a) is refused: exit 1 (the damage is left; a refusal like a hard
# link, not an operational error), the original unchanged (same inode,
# same bytes on disk), nothing written.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-timeout: 300
. /tests/guest/tool-lib.sh

vs_mkfs
d=$VS_MNT/dir
q=$VS_MNT/quarantine
mkdir -p "$d" "$q" /mnt/src
mount -t tmpfs tmpfs /mnt/src
f=$d/data
size=$((16 * 4096 + 1000))
vs_make_file "$f" $size
cp "$f" /mnt/src/good
"$VS_BIN/chattr" +dAS "$f"
vs_enable_verity "$f"
oflags=$(/opt/bin/getflags "$f")
# FS_SYNC_FL 0x8 | FS_NODUMP_FL 0x40 | FS_NOATIME_FL 0x80
vs_expect_eq orig-flags c8 "$(printf %x $((0x$oflags & 0xff)))"
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)

# --quarantine: the damaged original kept as quarantine/data.INODE
vs_corrupt_file "$f" $((7 * 4096 + 300))
ino=$(stat -c %i "$f")
raw=$(vf_raw_sum "$f" 17)
vs_expect_rc q-rc 64 vf_run --json --repair-from /mnt/src/good --quarantine "$q" "$f"
vs_expect_eq q-status repaired "$(vf_repair_field status)"
vs_expect_eq q-field "$q/data.$ino" "$(vf_repair_field quarantine)"
vs_expect_eq q-sources '"sources":[{"source":"/mnt/src/good","bytes":4096,"rejected_blocks":0}]' \
	"$(vf_sources)"
vs_expect_eq q-new-scrub '"new_scrub":{"complete":true,"bytes_verified":'$size',"ranges":[]}' \
	"$(vf_new_scrub)"
vs_expect_eq q-listing "data.$ino" "$(vf_listing "$q")"
vs_expect_eq q-dir-listing data "$(vf_listing "$d")"
vs_expect_eq q-old-inode "$ino 1" "$(stat -c '%i %h' "$q/data.$ino")"
vs_expect_eq q-old-bytes "$raw" "$(vf_raw_sum "$q/data.$ino" 17)"
vs_expect_eq q-new-inode 1 "$([ "$(stat -c %i "$f")" != "$ino" ] && echo 1)"
vs_expect_eq q-same-digest "$digest" "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)"
# the kept original still scrubs bad, at the same block
vs_drop_caches
vs_expect_rc q-old-scrub-rc 1 vf_run --json "$q/data.$ino"
vs_expect_eq q-old-ranges '[{"offset":28672,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"
# nodump, noatime, sync carried over: the same flags as the original
vs_expect_eq flags-carried "$oflags" "$(/opt/bin/getflags "$f")"
vs_expect_eq flags-dAS c8 "$(printf %x $((0x$(/opt/bin/getflags "$f") & 0xff)))"
vs_drop_caches
vs_expect_rc q-new-bytes 0 cmp "$f" /mnt/src/good
rm -f "$q/data.$ino"

# immutable, then append-only: refused, nothing written
for attr in i a; do
	vs_corrupt_file "$f" $((2 * 4096 + 5))
	"$VS_BIN/chattr" +$attr "$f"
	ino=$(stat -c %i "$f")
	raw=$(vf_raw_sum "$f" 17)
	vs_expect_rc $attr-rc 1 vf_run --json --repair-from /mnt/src/good --quarantine "$q" "$f"
	vs_expect_eq $attr-status not_repaired "$(vf_repair_field status)"
	vs_expect_eq $attr-reason "the file is immutable or append-only: it cannot be replaced; nothing written" \
		"$(vf_repair_field reason)"
	vs_expect_eq $attr-replaced false "$(vf_repair_field replaced)"
	vs_expect_eq $attr-same-inode "$ino" "$(stat -c %i "$f")"
	vs_expect_eq $attr-same-bytes "$raw" "$(vf_raw_sum "$f" 17)"
	vs_expect_eq $attr-listing data "$(vf_listing "$d")"
	vs_expect_eq $attr-quarantine-empty "" "$(vf_listing "$q")"
	vs_expect_rc $attr-human-rc 1 vf_run --repair-from /mnt/src/good "$f"
	vs_expect_eq $attr-human "$f: NOT REPAIRED: the file is immutable or append-only: it cannot be replaced; nothing written" \
		"$(sed -n 2p $VF_OUT)"
	"$VS_BIN/chattr" -$attr "$f"
	# without the flag the same file repairs
	vs_expect_rc $attr-cleared-rc 64 vf_run --repair-from /mnt/src/good "$f"
done
umount /mnt/src
