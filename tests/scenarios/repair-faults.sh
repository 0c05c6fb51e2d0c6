# verify-file --repair-from never loses data.  SIGKILLed at six points of
# a repair (deterministically: helpers/preload-kill.c, an LD_PRELOAD shim
# that kills the process right before or after the Nth call of a libc
# function; no timing, no dm "delay"), the original is exactly as it was
# (same inode, same bytes on the device) or has been replaced by a
# complete, verified file; a temporary left behind is removed by the next
# run, which completes the repair.  On a read-only filesystem, on a
# full one and over quota (EDQUOT injected) the repair fails with a clear reason, exit bit 8 besides the
# damage bit, the original unchanged and nothing left; a source that
# cannot be read (a dm "error" under it, or cut short) is refused.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 500
. /tests/guest/tool-lib.sh

# A small filesystem (96 MiB), so that filling it is quick.
vs_dm_dev vssmall "0 $((96 * 2048)) linear $VS_SCRATCH 0"
vs_mkfs /dev/mapper/vssmall
size=$((16 * 4096 + 1000))		# 17 blocks, the last of 1000 bytes
vf_repair_setup $size
cp "$f" /mnt/src/data
digest=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)

# raw_sum FILE: md5 of the file's 17 blocks as they are on the device
# (read extent by extent, as FIEMAP maps them now).
raw_sum() {
	vs_drop_caches
	"$VS_BIN/filefrag" -b4096 -v "$1" |
		awk '/^ *[0-9]+:/ { gsub(/[.:]/, " ")
			if ($2 > 16) next
			e = $3 > 16 ? 16 : $3
			print $4, e - $2 + 1 }' |
	while read -r _p _n; do
		"$VS_BIN/dd" if="$VS_DEV" bs=4096 skip="$_p" count="$_n" \
			iflag=direct status=none
	done | md5sum | cut -d' ' -f1
}

# listing: the entries of $d, a temporary's random suffix as XXXXXX.
listing() {
	ls -a "$d" | grep -v '^\.\.\?$' |
		sed 's/\.vs-repair\.[a-z0-9]\{6\}$/.vs-repair.XXXXXX/' |
		tr '\n' ' ' | sed 's/ $//'
}

# free_inodes: the filesystem's free inodes (an unnamed temporary still
# open would hold one).
free_inodes() {
	sync
	"$VS_BIN/stat" -f -c %d "$VS_MNT"
}

# damage: hash_mismatch in blocks 3 and 9 on disk; remembers the inode,
# the raw bytes and the free inodes.
damage() {
	vs_corrupt_file "$f" $((3 * 4096 + 100))
	vs_corrupt_file "$f" $((9 * 4096 + 7))
	ino=$(stat -c %i "$f")
	raw=$(raw_sum "$f")
	ifree=$(free_inodes)
}

# intact NAME [LISTING [INODES]]: the damaged original is exactly as it
# was; LISTING in the directory, INODES (default 0) more in use.
intact() {
	vs_expect_eq "$1-same-inode" "$ino" "$(stat -c %i "$f")"
	vs_expect_eq "$1-same-bytes" "$raw" "$(raw_sum "$f")"
	vs_expect_eq "$1-listing" "${2:-data}" "$(listing)"
	# (f2fs's free inodes follow its free blocks: ext4 only)
	if [ "$VS_FS" = ext4 ]; then
		vs_expect_eq "$1-inodes" $((ifree - ${3:-0})) "$(free_inodes)"
	fi
}

# kill_run AT FN NTH [MATCH]: a repair SIGKILLed by preload-kill.
kill_run() {
	_rc=0
	env LD_PRELOAD=/opt/bin/preload-kill.so VS_KILL_AT="$1" \
		VS_KILL_FN="$2" VS_KILL_NTH="$3" VS_KILL_MATCH="${4:-}" \
		"$VF" --json --repair-from /mnt/src/data "$f" \
		> $VF_OUT 2> /tmp/vf.err || _rc=$?
	cat $VF_OUT /tmp/vf.err > /dev/console
	return $_rc
}

# killed NAME AT FN NTH [MATCH]: run kill_run, check that it died there.
killed() {
	_k=$1
	shift
	vs_expect_rc "$_k-killed" 137 kill_run "$@"
	vs_expect_eq "$_k-where" "preload-kill: SIGKILL $1 $2 #$3" \
		"$(grep preload-kill /tmp/vf.err)"
}

# next_run NAME RC: the next repair run; afterwards one file, the good one.
next_run() {
	vs_expect_rc "$1-next-rc" "$2" vf_run --json --repair-from /mnt/src/data "$f"
	vs_expect_eq "$1-next-listing" data "$(listing)"
	vs_drop_caches
	vs_expect_rc "$1-next-bytes" 0 cmp "$f" /mnt/src/data
}

# killed before anything is written, while the new file is unnamed
# (O_TMPFILE), and before it is linked: the damaged original as it was,
# nothing left (the same file damaged once for the four)
damage
killed src-read before pread 1 /mnt/src/data
intact src-read
killed write after pwrite 1 "$d/*"
intact write
killed enable before ioctl 1 FS_IOC_ENABLE_VERITY
intact enable
killed link before linkat 1
intact link

# killed with the new file linked under its temporary name: left behind,
# complete and verified; the next run removes it
killed rename before renameat 1 data
intact rename ".data.vs-repair.XXXXXX data" 1
vs_expect_eq rename-temp-digest "$digest" \
	"$("$VS_BIN/fsverity" measure "$d"/.data.vs-repair.* | cut -d' ' -f1)"
next_run rename 64

# killed after the rename, before the directory's fsync: replaced by a
# complete, verified file
damage
killed dirsync after renameat 1 data
vs_expect_eq dirsync-new-inode 1 "$([ "$(stat -c %i "$f")" != "$ino" ] && echo 1)"
vs_expect_eq dirsync-digest "$digest" "$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)"
vs_expect_eq dirsync-listing data "$(listing)"
vs_drop_caches
vs_expect_rc dirsync-scrub-rc 0 vf_run --json "$f"
vs_expect_eq dirsync-scrub-ranges "[]" "$(vf_ranges)"
next_run dirsync 0

# sectors written to the filesystem's device so far
dev_writes() {
	for _b in /sys/block/dm-*; do
		[ "$(cat "$_b/dm/name")" = "$VS_DM" ] && awk '{print $7}' "$_b/stat"
	done
	return 0
}

# a read-only filesystem: nothing written
damage
mount -o remount,ro "$VS_MNT"
w0=$(dev_writes)
vs_expect_rc ro-rc 9 vf_run --json --repair-from /mnt/src/data "$f"
vs_expect_eq ro-status not_repaired "$(vf_repair_field status)"
vs_expect_eq ro-reason "create failed: Read-only file system; nothing replaced" \
	"$(vf_repair_field reason)"
vs_expect_eq ro-replaced false "$(vf_repair_field replaced)"
vs_expect_rc ro-human-rc 9 vf_run --repair-from /mnt/src/data "$f"
vs_expect_eq ro-human "$f: NOT REPAIRED: create failed: Read-only file system; nothing replaced" \
	"$(sed -n 2p $VF_OUT)"
vs_expect_eq ro-nothing-written "$w0" "$(dev_writes)"
intact ro
mount -o remount,rw "$VS_MNT"

# a source the device cannot read in the needed block 9: refused
mkdir "$VS_MNT/src"
cp /mnt/src/data "$VS_MNT/src/data"
sync
vs_dm_error "$(vs_phys "$VS_MNT/src/data" $((9 * 4096)))" 4096
vs_drop_caches
ifree=$(free_inodes)
vs_expect_rc eio-src-rc 1 vf_run --json --repair-from "$VS_MNT/src/data" "$f"
vs_expect_eq eio-src-status not_repaired "$(vf_repair_field status)"
vs_expect_eq eio-src-reason "no source has a copy of the block at offset 36864 that matches the file's Merkle tree" \
	"$(vf_repair_field reason)"
vs_expect_eq eio-src-sources "\"sources\":[{\"source\":\"$VS_MNT/src/data\",\"bytes\":4096,\"rejected_blocks\":1,\"first_rejected_offset\":36864}]" \
	"$(vf_sources)"
intact eio-src
vs_dm_restore
rm -r "$VS_MNT/src"
ifree=$(free_inodes)

# a source cut short in block 9: refused
head -c $((9 * 4096 + 100)) /mnt/src/data > /mnt/src/short
vs_expect_rc short-src-rc 1 vf_run --json --repair-from /mnt/src/short "$f"
vs_expect_eq short-src-reason "no source has a copy of the block at offset 36864 that matches the file's Merkle tree" \
	"$(vf_repair_field reason)"
vs_expect_eq short-src-sources '"sources":[{"source":"/mnt/src/short","bytes":4096,"rejected_blocks":1,"first_rejected_offset":36864}]' \
	"$(vf_sources)"
intact short-src

# a full filesystem: zeroes until ENOSPC
"$VS_BIN/dd" if=/dev/zero of="$VS_MNT/fill" bs=1M 2> /tmp/fill.err || true
"$VS_BIN/dd" if=/dev/zero of="$VS_MNT/fill" bs=4096 oflag=append \
	conv=notrunc 2>> /tmp/fill.err || true
sync
ifree=$(free_inodes)
vs_expect_eq fill-enospc 2 "$(grep -c 'No space left on device' /tmp/fill.err)"
vs_expect_rc full-rc 9 vf_run --json --repair-from /mnt/src/data "$f"
vs_expect_eq full-status not_repaired "$(vf_repair_field status)"
# ext4 allocates the inode and fails the write; f2fs has no node block
# left for the inode
step=write
[ "$VS_FS" = f2fs ] && step=create
vs_expect_eq full-reason "$step failed: No space left on device; nothing replaced" \
	"$(vf_repair_field reason)"
vs_expect_eq full-replaced false "$(vf_repair_field replaced)"
intact full
rm "$VS_MNT/fill"
next_run full 64

# over quota: one call on the new file fails with EDQUOT (preload-kill's
# VS_FAIL_ERRNO, deterministic, no quota setup): its first write, its
# fsync before verity is enabled, its fsync after.  A clear reason, exit
# bit 8, the original unchanged, nothing left.
# quota_run FN NTH: the NTH call of FN on a file in $d fails with EDQUOT.
quota_run() {
	_rc=0
	env LD_PRELOAD=/opt/bin/preload-kill.so VS_KILL_FN="$1" \
		VS_KILL_NTH="$2" VS_KILL_MATCH="$d/*" VS_FAIL_ERRNO=122 \
		"$VF" --json --repair-from /mnt/src/data "$f" \
		> $VF_OUT 2> /tmp/vf.err || _rc=$?
	cat $VF_OUT /tmp/vf.err > /dev/console
	return $_rc
}
for q in "write pwrite 1" "fsync fsync 1" "fsync fsync 2"; do
	set -- $q
	n=quota-$2-$3
	damage
	vs_expect_rc "$n-rc" 9 quota_run "$2" "$3"
	vs_expect_eq "$n-where" "preload-kill: errno 122 at $2 #$3" \
		"$(grep preload-kill /tmp/vf.err)"
	vs_expect_eq "$n-status" not_repaired "$(vf_repair_field status)"
	vs_expect_eq "$n-reason" "$1 failed: Disk quota exceeded; nothing replaced" \
		"$(vf_repair_field reason)"
	vs_expect_eq "$n-replaced" false "$(vf_repair_field replaced)"
	intact "$n"
	next_run "$n" 64
done
umount /mnt/src
