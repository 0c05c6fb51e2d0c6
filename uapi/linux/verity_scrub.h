/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * verity_scrub.h - ioctl interface of the verity-scrub module
 *
 * The module registers the misc device /dev/verity-scrub.  One ioctl,
 * VERITY_SCRUB_IOC_SCRUB, scrubs an fs-verity file from disk in kernel
 * space and reports every bad byte range with what went wrong.
 *
 * The layout is identical on 32- and 64-bit ABIs (only __u32/__u64 fields,
 * user pointers in __aligned_u64), so compat_ptr_ioctl() serves 32-bit
 * callers.  The argument is an extensible struct, as for openat2() and
 * clone3(): callers set @size to the size of the struct they were built
 * with; the kernel accepts smaller structs (down to
 * VERITY_SCRUB_ARGS_SIZE_VER0) and larger ones whose unknown tail is zero.
 */
#ifndef _UAPI_LINUX_VERITY_SCRUB_H
#define _UAPI_LINUX_VERITY_SCRUB_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * enum verity_scrub_kind - what is wrong with a bad range
 * @VERITY_SCRUB_KIND_HASH_MISMATCH: the data blocks read from the device
 *	without error, but do not match their hash in a Merkle tree that
 *	itself verifies up to the root: the data is wrong (permanent).
 *	Also the data of the page spanning EOF when, with Merkle blocks
 *	smaller than a page, a block wholly past EOF in it is not zero on
 *	the device: fs-verity then fails every read of that page.
 * @VERITY_SCRUB_KIND_TREE_CORRUPT: a Merkle tree block does not match its
 *	parent (or, at the top, the root hash in the descriptor).  The range
 *	is all the data that tree block covers; &verity_scrub_range.tree_level
 *	says which level (0 = leaves).
 * @VERITY_SCRUB_KIND_IO_ERROR: the device failed the read on every retry
 *	(all those asked for, unless VERITY_SCRUB_OUT_RETRIES_CUT says the
 *	time budget or a fatal signal cut them short);
 *	&verity_scrub_range.detail says what the block layer reported.
 * @VERITY_SCRUB_KIND_TRANSIENT: the read failed, then succeeded and
 *	verified on a retry.  The data is good; the device is suspect.  When
 *	a request of several blocks failed, all its blocks that then verify
 *	are TRANSIENT, unless a block next to them failed for good: they were
 *	then collateral of that failure, and count as verified.
 * @VERITY_SCRUB_KIND_UNKNOWN: the read failed on every retry and the cause
 *	cannot be determined for this file, because its blocks cannot be read
 *	raw (btrfs, encrypted, compressed or inline data, multi-device).
 * @VERITY_SCRUB_KIND_COUNT: number of kinds; sizes
 *	&verity_scrub_args.kind_blocks.
 */
enum verity_scrub_kind {
	VERITY_SCRUB_KIND_HASH_MISMATCH = 1,
	VERITY_SCRUB_KIND_TREE_CORRUPT = 2,
	VERITY_SCRUB_KIND_IO_ERROR = 3,
	VERITY_SCRUB_KIND_TRANSIENT = 4,
	VERITY_SCRUB_KIND_UNKNOWN = 5,
	VERITY_SCRUB_KIND_COUNT = 8,
};

/**
 * enum verity_scrub_detail - block layer status behind an I/O error
 * @VERITY_SCRUB_DETAIL_NONE: no detail (every kind but IO_ERROR).
 * @VERITY_SCRUB_DETAIL_MEDIUM: medium error (BLK_STS_MEDIUM): the sectors
 *	are unreadable.
 * @VERITY_SCRUB_DETAIL_TIMEOUT: the command timed out (BLK_STS_TIMEOUT).
 * @VERITY_SCRUB_DETAIL_TRANSPORT: the path to the device or the target
 *	failed (BLK_STS_TRANSPORT, BLK_STS_TARGET, BLK_STS_OFFLINE, ...).
 * @VERITY_SCRUB_DETAIL_OTHER: any other status (BLK_STS_IOERR, ...).
 */
enum verity_scrub_detail {
	VERITY_SCRUB_DETAIL_NONE = 0,
	VERITY_SCRUB_DETAIL_MEDIUM = 1,
	VERITY_SCRUB_DETAIL_TIMEOUT = 2,
	VERITY_SCRUB_DETAIL_TRANSPORT = 3,
	VERITY_SCRUB_DETAIL_OTHER = 4,
};

/**
 * struct verity_scrub_range - one bad byte range of the file
 * @offset: first byte of the range in the file; a multiple of the Merkle
 *	tree block size.
 * @length: length in bytes; a multiple of the Merkle block size, except
 *	that the range ends at most at the end of the file (the last block may
 *	be partial).
 * @kind: an &enum verity_scrub_kind.
 * @detail: an &enum verity_scrub_detail for IO_ERROR, else 0.
 * @tree_level: for TREE_CORRUPT, the level of the bad tree block
 *	(0 = leaf level, which hashes data blocks); else 0.
 * @flags: VERITY_SCRUB_RANGE_*.  Set only for callers whose
 *	&verity_scrub_args.size is at least VERITY_SCRUB_ARGS_SIZE_VER1; 0
 *	for older callers (it was a reserved field, always 0, before).
 *
 * Adjacent blocks of the same kind, detail, level and flags are merged
 * into one range.
 */
struct verity_scrub_range {
	__u64 offset;
	__u64 length;
	__u32 kind;
	__u32 detail;
	__u32 tree_level;
	__u32 flags;
};

/* Flags for verity_scrub_range.flags */
/*
 * Every page of the range is in the page cache, up to date, as the scrub
 * reported it: fs-verity verified those pages when they were read (ext4
 * and f2fs mark a page of a verity file up to date only once it verified),
 * so the cache holds a good copy of data that is bad on the device, until
 * the pages are evicted.  The scrub looked without reading or changing
 * the cache.  Never set on TRANSIENT ranges (their data read good from
 * the device).
 */
#define VERITY_SCRUB_RANGE_CACHED	_BITUL(0)
#define VERITY_SCRUB_RANGE_FLAGS_ALL	VERITY_SCRUB_RANGE_CACHED

/* Flags for verity_scrub_args.flags */
/*
 * Trust the page cache: cached pages count as verified without a read from
 * the device, and the descriptor is not read raw.  Faster, but does not
 * prove the disk.
 */
#define VERITY_SCRUB_FLAG_KEEP_CACHE	_BITULL(0)
/* Do not classify failed blocks: report them all as UNKNOWN (benchmarks). */
#define VERITY_SCRUB_FLAG_NO_CLASSIFY	_BITULL(1)
/*
 * Read all data through the page cache, verified by fs-verity as read()
 * does, instead of straight from the device (see VERITY_SCRUB_OUT_DIRECT).
 */
#define VERITY_SCRUB_FLAG_PAGE_CACHE	_BITULL(2)
#define VERITY_SCRUB_FLAGS_ALL \
	(VERITY_SCRUB_FLAG_KEEP_CACHE | VERITY_SCRUB_FLAG_NO_CLASSIFY | \
	 VERITY_SCRUB_FLAG_PAGE_CACHE)

/* Flags for verity_scrub_args.out_flags */
/*
 * The descriptor on disk does not match the one the filesystem gives for
 * the open file (its copy read raw from the device differs, see
 * VERITY_SCRUB_OUT_DESC_FROM_DISK), or its digest does not match the
 * digest the kernel holds (checked where the kernel exports it, from Linux
 * 6.5): the descriptor has rotted or was replaced.  The scrub goes on with
 * the filesystem's copy, the one every reader uses; @digest is its digest.
 */
#define VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED	_BITULL(0)
/* The kernel-held digest was available and compared with the disk copy. */
#define VERITY_SCRUB_OUT_DIGEST_CHECKED		_BITULL(1)
/* The range buffer filled; @start is where the first unreported block is. */
#define VERITY_SCRUB_OUT_RANGES_FULL		_BITULL(2)
/*
 * The data was read straight from the device in large requests, bypassing
 * the page cache, and hashed by the module on the caller's CPUs; pages not
 * found clean that way were checked again, through the page cache where
 * they were not cached and raw where they were, and classified.  Not set
 * with KEEP_CACHE or PAGE_CACHE, nor for files that cannot be read raw
 * (btrfs, encrypted, compressed, data journalled, multi-device).
 */
#define VERITY_SCRUB_OUT_DIRECT			_BITULL(3)
/*
 * The descriptor's copy on the device was read raw and compared with the
 * filesystem's (not with KEEP_CACHE, nor for files that cannot be read
 * raw).
 */
#define VERITY_SCRUB_OUT_DESC_FROM_DISK		_BITULL(4)
/*
 * The descriptor's copy on the device could not be read (the device failed
 * it on every retry): it is lost once the filesystem's copy is dropped
 * from memory.  The data was still scrubbed against the filesystem's copy.
 */
#define VERITY_SCRUB_OUT_DESC_UNREADABLE	_BITULL(5)
/*
 * Some failed read was judged (IO_ERROR, UNKNOWN) with fewer retries than
 * @retries asked for: the call's retry budget (10 s spent retrying; 2 s in
 * a 4 MiB window) ran out or a fatal signal came.  @blocks_retried counts only retries made.
 */
#define VERITY_SCRUB_OUT_RETRIES_CUT		_BITULL(6)

/* Default for verity_scrub_args.retries when 0 is passed, and the cap. */
#define VERITY_SCRUB_DEFAULT_RETRIES	3
#define VERITY_SCRUB_MAX_RETRIES	16

/**
 * struct verity_scrub_args - argument of VERITY_SCRUB_IOC_SCRUB
 * @size: in: sizeof(struct verity_scrub_args) as the caller knows it.
 * @fd: in: file descriptor of the fs-verity file, open for reading.
 * @flags: in: VERITY_SCRUB_FLAG_*; unknown bits fail with -EINVAL.
 * @start: in/out: first byte to scrub.  Rounded down to a Merkle block
 *	boundary.  On return, where to resume: equal to @file_size (or the
 *	rounded @end) when the range is done; less when the range buffer
 *	filled or a signal interrupted the scrub (-EINTR).
 * @end: in: end of the range to scrub, exclusive; rounded up to a Merkle
 *	block boundary and clamped to the file size.  A range starting at or
 *	past the end of the file is not an error: nothing is done.
 * @ranges: in: user pointer to an array of &struct verity_scrub_range.
 * @ranges_cap: in: number of entries @ranges can hold (may be 0 only if
 *	nothing is bad; a bad block then stops the scrub there).
 * @ranges_count: out: number of entries filled.
 * @retries: in: how many times a failed read is retried before it is
 *	classified; 0 means VERITY_SCRUB_DEFAULT_RETRIES; values above
 *	VERITY_SCRUB_MAX_RETRIES fail with -EINVAL.
 * @hash_algorithm: out: FS_VERITY_HASH_ALG_* of the file.
 * @block_size: out: Merkle tree block size in bytes.
 * @digest_size: out: bytes used in @digest.
 * @file_size: out: size of the file in bytes.
 * @out_flags: out: VERITY_SCRUB_OUT_*.
 * @digest: out: fs-verity file digest computed from the descriptor on
 *	disk, as FS_IOC_MEASURE_VERITY would report it.
 * @bytes_verified: out: bytes of data read and verified good this call
 *	(TRANSIENT blocks included).
 * @bytes_read: out: bytes the scrub read from the device, data, tree and
 *	descriptor.  Not additive over resumed calls: a call reads ahead of
 *	where it stops, and the next one reads from @start again.
 * @blocks_retried: out: data blocks whose read was retried (at least one
 *	retry made).
 * @bytes_skipped: out: bytes of a file that cannot be read raw (btrfs,
 *	encrypted, ...) that were cached and could not be dropped (mapped,
 *	pinned or dirty: a scrub never evicts those); they were checked only
 *	in the page cache.
 * @kind_blocks: out: number of Merkle-block-sized data blocks of each kind
 *	found this call, indexed by &enum verity_scrub_kind.
 * @bytes_cached: out: bytes of the ranges reported with
 *	VERITY_SCRUB_RANGE_CACHED this call (from VERITY_SCRUB_ARGS_SIZE_VER1).
 *
 * All out fields report on this call only; a caller resuming over
 * several calls adds them up: @bytes_verified, @blocks_retried,
 * @bytes_skipped, @kind_blocks and @bytes_cached summed over the calls
 * equal those of one uninterrupted call exactly (a call whose range buffer filled counts only
 * what lies before the @start it returns).
 */
struct verity_scrub_args {
	__u32 size;
	__u32 fd;
	__u64 flags;
	__u64 start;
	__u64 end;
	__aligned_u64 ranges;
	__u32 ranges_cap;
	__u32 ranges_count;
	__u32 retries;
	__u32 hash_algorithm;
	__u32 block_size;
	__u32 digest_size;
	__u64 file_size;
	__u64 out_flags;
	__u8 digest[64];
	__u64 bytes_verified;
	__u64 bytes_read;
	__u64 blocks_retried;
	__u64 bytes_skipped;
	__u64 kind_blocks[VERITY_SCRUB_KIND_COUNT];
	__u64 bytes_cached;
};

/* The first published size of struct verity_scrub_args. */
#define VERITY_SCRUB_ARGS_SIZE_VER0	240
/* With @bytes_cached: the ranges' VERITY_SCRUB_RANGE_CACHED is reported. */
#define VERITY_SCRUB_ARGS_SIZE_VER1	248

/*
 * VERITY_SCRUB_IOC_SCRUB - scrub the file @fd over [@start, @end)
 *
 * Returns 0 when the call ended normally: the range is done, or the range
 * buffer filled (VERITY_SCRUB_OUT_RANGES_FULL); bad ranges are results,
 * not errors.  The call dispatches on the ioctl's type and number only, so
 * callers built with a larger struct use the same command.  Errors (nothing
 * is changed on any of them but -EINTR):
 *   -EBADF    @fd is not open, or not open for reading
 *   -EINVAL   not a regular file; unknown @flags; @size below
 *             VERITY_SCRUB_ARGS_SIZE_VER0; @retries above the maximum
 *   -E2BIG    @size larger than the kernel knows, with a non-zero tail
 *   -ENODATA  a regular file without fs-verity
 *   -EFAULT   bad argument or range array pointer
 *   -EUCLEAN  the verity descriptor on disk is malformed (corruption)
 *   -EIO      the verity descriptor cannot be read
 *   -EINTR    a signal arrived: the out fields, the ranges found so far
 *             and the @start cursor are copied out; call again to resume.
 *             The call returns once the reads it already issued have
 *             completed (at most four 4 MiB windows, as for direct I/O):
 *             nothing of the scrub outlives it.
 *   -ENOMEM   the caller's memory cgroup limit was reached
 * At most max_scrubs calls (a module parameter, default 8) scrub at once;
 * the others wait, killably.  A call's memory is charged to the caller's
 * memory cgroup; its hashing runs on the caller's CPUs, never above the
 * caller's priority.
 * Access: whoever can open /dev/verity-scrub (mode 0600 by default; see the
 * project's udev rule) may scrub any file they can open for reading.
 */
#define VERITY_SCRUB_IOC_SCRUB	_IOWR('v', 0xa0, struct verity_scrub_args)

#endif /* _UAPI_LINUX_VERITY_SCRUB_H */
