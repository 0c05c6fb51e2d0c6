# Engine: what a scrub of a small file asks of the device (issue 14).  A
# file of one window, its metadata cached by an open (and the filesystem's
# superblock, as after a run's first file): the device gets one
# read for the tree and the descriptor's block together (checked raw; the
# filesystems put them next to each other), one for the data, and nothing
# else -- no re-read of a block to wait on.  Counted
# at the dm device (reads completed and sectors: /sys/dev/block/M:N/stat),
# the same on ext4 and f2fs.  A bad block of such a file is still found,
# and a file of two windows still scrubs whole.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/engine-lib.sh

# dev_reads: "READS SECTORS" the dm device completed so far.
dev_reads() {
	_mm=$(stat -L -c '%t %T' "$VS_DEV")
	awk '{ print $1, $3 }' \
		"/sys/dev/block/$((0x${_mm% *})):$((0x${_mm#* }))/stat"
}

# scrub_reads FILE: scrub FILE (metadata cached, data not); print the
# reads and sectors it took.
scrub_reads() {
	vs_drop_caches
	: < "$1"		# fs-verity's open: inode and descriptor cached
	# f2fs: the scrub reads the superblock (blocks 0-1) through the
	# device's cache (cached after the first file of a run); cache it.
	"$VS_BIN/dd" if="$VS_DEV" of=/dev/null bs=4096 count=2 status=none
	_r0=$(dev_reads)
	es_scrub "$1" > /dev/null
	_r1=$(dev_reads)
	echo "${_r0% *} ${_r0#* } ${_r1% *} ${_r1#* }" |
		awk '{ print $3 - $1, $4 - $2 }'
}

vs_mkfs
f=$VS_MNT/small
vs_verity_file "$f" 32768

got=$(scrub_reads "$f")
vs_expect_eq small-clean "" "$(es_ranges)"
vs_expect_eq small-verified 32768 "$(es_field verified)"
vs_expect_eq small-read $((32768 + 4096 + 4096)) "$(es_field read)"
# tree block + descriptor block in one read, 8 data blocks in another:
# 2 reads, 80 sectors
vs_expect_eq small-device-reads "2 80" "$got"

# The same file with a bad block: found, classified from its raw copy.
vs_corrupt_file "$f" 5000
got=$(scrub_reads "$f")
vs_expect_eq small-bad-range "RANGE 4096 4096 HASH_MISMATCH NONE 0;" "$(es_ranges)"
vs_expect_eq small-bad-verified 28672 "$(es_field verified)"
vs_corrupt_file "$f" 5000	# undo

# Two windows (4 MiB + 4 KiB): both read, the second one not lazy.
g=$VS_MNT/two
vs_verity_file "$g" $((4194304 + 4096))
vs_drop_caches
vs_expect_rc two-rc 0 es_scrub "$g"
vs_expect_eq two-clean "" "$(es_ranges)"
vs_expect_eq two-verified $((4194304 + 4096)) "$(es_field verified)"

vs_pass done
