/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verityscrub.h - public interface of libverityscrub
 *
 * libverityscrub drives the VERITY_SCRUB_IOC_SCRUB ioctl of the
 * verity_scrub kernel module (/dev/verity-scrub) so that scrub tools do not
 * re-implement the resume cursor, the range buffer and EINTR handling.
 *
 * Typical use:
 *
 *	struct verity_scrub_dev *dev;
 *	struct verity_scrub_opts opts;
 *	struct verity_scrub_result res;
 *	int err = verity_scrub_open(&dev);
 *	if (err)
 *		fprintf(stderr, "%s\n", verity_scrub_strerror(VERITY_SCRUB_OP_OPEN_DEVICE, err));
 *	verity_scrub_opts_init(&opts);
 *	verity_scrub_result_init(&res);
 *	opts.on_range = print_range;
 *	err = verity_scrub_path(dev, "/data/file", &opts, &res);
 *	verity_scrub_close(dev);
 *
 * Every function returns 0 or a negative errno value; the library never
 * prints.  verity_scrub_strerror() turns an errno into a message that says
 * what to do about it.
 *
 * Thread safety: one struct verity_scrub_dev may be used by several threads
 * at once, each scrubbing a different file (each call keeps its own state).
 * Scrubbing the same file from two threads at once is safe for the kernel
 * but delivers two independent reports.
 */
#ifndef VERITYSCRUB_H
#define VERITYSCRUB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/verity_scrub.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Path of the device the kernel module registers. */
#define VERITY_SCRUB_DEVICE "/dev/verity-scrub"

/**
 * struct verity_scrub_dev - an open handle on /dev/verity-scrub
 *
 * Opaque; see verity_scrub_open().
 */
struct verity_scrub_dev;

/**
 * struct verity_scrub_progress - where a scrub has got to
 * @cursor: next byte to scrub (the kernel's resume cursor).
 * @end: end of the range being scrubbed, clamped to @file_size.
 * @file_size: size of the file.
 * @bytes_verified: bytes verified good so far in this scrub.
 *
 * Owned by the library and handed to &verity_scrub_opts.on_progress; it may
 * grow at the end in later versions, so callbacks read the fields they know
 * in place and never copy it whole.
 */
struct verity_scrub_progress {
	uint64_t cursor;
	uint64_t end;
	uint64_t file_size;
	uint64_t bytes_verified;
};

/**
 * struct verity_scrub_opts - how to scrub one file
 * @size: sizeof(struct verity_scrub_opts) as the caller was compiled with;
 *	verity_scrub_opts_init() sets it (see "Extensible structs" below).
 * @retries: retries of a failed read before it is classified; 0 means the
 *	kernel's default (VERITY_SCRUB_DEFAULT_RETRIES), at most
 *	VERITY_SCRUB_MAX_RETRIES.
 * @start: first byte to scrub (rounded down to a Merkle block by the kernel).
 * @end: end of the range, exclusive; UINT64_MAX (the default) means to
 *	the end of the file.  Rounded up to a Merkle block, clamped to the
 *	file size.  A range past the end of the file scrubs nothing.
 * @flags: VERITY_SCRUB_FLAG_* from <linux/verity_scrub.h>.
 * @step: bytes to scrub per ioctl call (0: the whole range in one call
 *	unless the range buffer fills).  A smaller step gives more frequent
 *	@on_progress calls, which callers use for progress lines and rate
 *	limits.
 * @on_range: called once for each bad range, in file order, as soon as it
 *	is known.  Adjacent ranges of the same kind, detail, level and flags
 *	(VERITY_SCRUB_RANGE_CACHED) that the
 *	kernel returned in separate calls are merged before delivery, so a
 *	range is delivered when the next, non-adjacent one is found or the
 *	scrub ends.  Return 0 to continue, non-zero to stop the scrub (the
 *	scrub then returns -ECANCELED).  May be NULL.
 * @on_progress: called after every ioctl call that made progress.  Return
 *	0 to continue, non-zero to stop (-ECANCELED).  May be NULL.
 * @cancel: if not NULL, checked before each ioctl call and after each
 *	-EINTR; when it is non-zero the scrub stops and returns -EINTR with
 *	&verity_scrub_result.cursor saying where to resume.  Set it from a
 *	signal handler: the kernel returns -EINTR when a signal is pending, so
 *	an installed handler (without SA_RESTART semantics mattering) makes
 *	the ioctl return promptly.  Without a cancel flag, or with the flag
 *	clear, ordinary signals are absorbed and the scrub resumes.
 * @priv: passed to the callbacks.
 *
 * Extensible structs: &struct verity_scrub_opts and &struct
 * verity_scrub_result only ever grow at the end, and both begin with @size,
 * the size of the struct the caller was compiled with, as &struct
 * verity_scrub_args does for the ioctl.  Set it with
 * verity_scrub_opts_init() and verity_scrub_result_init() (macros that
 * pass sizeof() of the caller's struct), never by hand.  The library reads
 * and writes only @size bytes of either struct:
 *
 * - @size below VERITY_SCRUB_OPTS_SIZE_VER0 (or
 *   VERITY_SCRUB_RESULT_SIZE_VER0), 0 included, fails with -EINVAL and
 *   nothing is written;
 * - options the caller's struct is too small to hold take their defaults,
 *   and results it cannot hold are not stored;
 * - options past what the library knows (a newer header with an older
 *   library) must be zero, else the call fails with -E2BIG; results past
 *   what it knows are set to zero.
 *
 * A new field's zero value always means what the library did before the
 * field existed.
 */
struct verity_scrub_opts {
	uint32_t size;
	uint32_t retries;
	uint64_t start;
	uint64_t end;
	uint64_t flags;
	uint64_t step;
	int (*on_range)(const struct verity_scrub_range *range, void *priv);
	int (*on_progress)(const struct verity_scrub_progress *progress,
			   void *priv);
	volatile sig_atomic_t *cancel;
	void *priv;
};

/* The first published size of struct verity_scrub_opts (ends at @priv). */
#define VERITY_SCRUB_OPTS_SIZE_VER0 \
	(offsetof(struct verity_scrub_opts, priv) + sizeof(void *))

/**
 * struct verity_scrub_result - totals of one scrub, summed over all calls
 * @size: sizeof(struct verity_scrub_result) as the caller was compiled
 *	with; set it with verity_scrub_result_init() before the first scrub.
 *	The library keeps it; every other field is rewritten by each scrub.
 *	See &struct verity_scrub_opts for the rules.
 * @file_size: size of the file.
 * @cursor: where the scrub stopped: the end of the range when it finished,
 *	else where to resume (pass it as &verity_scrub_opts.start).
 * @complete: 1 if the whole range was scrubbed.
 * @hash_algorithm: FS_VERITY_HASH_ALG_* of the file (0 if no call returned).
 * @block_size: Merkle tree block size.
 * @digest_size: bytes used in @digest.
 * @digest: fs-verity file digest computed from the descriptor on disk.
 * @out_flags: VERITY_SCRUB_OUT_* ORed over all calls (except RANGES_FULL).
 * @bytes_verified: bytes read and verified good (TRANSIENT included).
 * @bytes_read: bytes read from the device, data and tree.
 * @blocks_retried: data blocks whose read was retried.
 * @bytes_skipped: bytes checked only in the page cache (see the uapi).
 * @kind_blocks: blocks of each kind, indexed by enum verity_scrub_kind.
 * @ranges: bad ranges delivered (after merging).
 * @calls: ioctl calls made (including those interrupted by EINTR).
 */
struct verity_scrub_result {
	uint32_t size;
	uint64_t file_size;
	uint64_t cursor;
	int complete;
	uint32_t hash_algorithm;
	uint32_t block_size;
	uint32_t digest_size;
	uint8_t digest[64];
	uint64_t out_flags;
	uint64_t bytes_verified;
	uint64_t bytes_read;
	uint64_t blocks_retried;
	uint64_t bytes_skipped;
	uint64_t kind_blocks[VERITY_SCRUB_KIND_COUNT];
	uint64_t ranges;
	uint64_t calls;
};

/* The first published size of struct verity_scrub_result (ends at @calls). */
#define VERITY_SCRUB_RESULT_SIZE_VER0 \
	(offsetof(struct verity_scrub_result, calls) + sizeof(uint64_t))

/**
 * enum verity_scrub_op - what failed, for verity_scrub_strerror()
 * @VERITY_SCRUB_OP_OPEN_DEVICE: verity_scrub_open().
 * @VERITY_SCRUB_OP_OPEN_FILE: opening the file in verity_scrub_path().
 * @VERITY_SCRUB_OP_SCRUB: the scrub ioctl.
 */
enum verity_scrub_op {
	VERITY_SCRUB_OP_OPEN_DEVICE,
	VERITY_SCRUB_OP_OPEN_FILE,
	VERITY_SCRUB_OP_SCRUB,
};

/**
 * verity_scrub_open() - open /dev/verity-scrub
 * @devp: set to the new handle on success.
 *
 * Return: 0, or -ENOENT/-ENODEV/-ENXIO if the module is not loaded,
 * -EACCES if the device may not be opened, -ENOMEM, or another -errno.
 */
int verity_scrub_open(struct verity_scrub_dev **devp);

/**
 * verity_scrub_close() - close a handle from verity_scrub_open()
 * @dev: the handle, or NULL.
 */
void verity_scrub_close(struct verity_scrub_dev *dev);

/**
 * verity_scrub_opts_init_size() - set options to their defaults
 * @opts: options to initialise: whole file, no flags, default retries,
 *	one step, no callbacks.
 * @size: sizeof(*@opts) as the caller was compiled with; the first @size
 *	bytes of @opts are written, and @opts->size is set to @size.
 *
 * Call it through verity_scrub_opts_init(), which passes the size.
 *
 * Return: 0, or -EINVAL (nothing written) if @size is below
 * VERITY_SCRUB_OPTS_SIZE_VER0 or above UINT32_MAX.
 */
int verity_scrub_opts_init_size(struct verity_scrub_opts *opts, size_t size);

/**
 * verity_scrub_opts_init() - set options to their defaults
 * @opts: a &struct verity_scrub_opts of the caller's own size.
 *
 * Return: as verity_scrub_opts_init_size().
 */
#define verity_scrub_opts_init(opts) \
	verity_scrub_opts_init_size((opts), sizeof(*(opts)))

/**
 * verity_scrub_result_init_size() - prepare a result for verity_scrub_fd()
 * @res: the result to clear.
 * @size: sizeof(*@res) as the caller was compiled with; the first @size
 *	bytes are zeroed and @res->size is set to @size.
 *
 * Call it through verity_scrub_result_init(), once per result (the
 * library keeps @res->size; a result may be reused for many scrubs).
 *
 * Return: 0, or -EINVAL (nothing written) if @size is below
 * VERITY_SCRUB_RESULT_SIZE_VER0 or above UINT32_MAX.
 */
int verity_scrub_result_init_size(struct verity_scrub_result *res,
				  size_t size);

/**
 * verity_scrub_result_init() - prepare a result for verity_scrub_fd()
 * @res: a &struct verity_scrub_result of the caller's own size.
 *
 * Return: as verity_scrub_result_init_size().
 */
#define verity_scrub_result_init(res) \
	verity_scrub_result_init_size((res), sizeof(*(res)))

/**
 * verity_scrub_fd() - scrub an open fs-verity file
 * @dev: handle from verity_scrub_open().
 * @fd: the file, open for reading.
 * @opts: what to scrub and how; NULL for the defaults.  Its @size must be
 *	set (verity_scrub_opts_init()).
 * @res: totals; filled on success and on failure (as far as the scrub
 *	got), except when @res->size is invalid.  Its @size must be set
 *	(verity_scrub_result_init()).
 *
 * Loops over the kernel's resume cursor until the range is done: when the
 * range buffer fills, and when a signal interrupts the call (unless
 * @opts->cancel is set).
 *
 * Return: 0 when the range was scrubbed (bad ranges are not an error: see
 * @res and the callback); -EINVAL (@res untouched) if @res->size is below
 * VERITY_SCRUB_RESULT_SIZE_VER0; -EINVAL if @opts->size is below
 * VERITY_SCRUB_OPTS_SIZE_VER0; -E2BIG if @opts holds non-zero options
 * this library does not know (it is older than the caller's header);
 * -EINTR when cancelled through @opts->cancel; -ECANCELED when a callback
 * asked to stop; -ENODATA if the file is not an fs-verity file; -EINVAL if
 * the file is not a regular file; -EOPNOTSUPP if the kernel rejected a
 * call with flags on a regular file (a module older than the header, that
 * does not know a flag in @opts->flags); -EBADF if @fd is
 * not open for reading; -EUCLEAN if the fs-verity descriptor on disk is
 * malformed (corruption); -EIO if it cannot be read; -EPROTO if the kernel
 * made no progress (a module bug); other -errno from the kernel.
 */
int verity_scrub_fd(struct verity_scrub_dev *dev, int fd,
		    const struct verity_scrub_opts *opts,
		    struct verity_scrub_result *res);

/**
 * verity_scrub_path() - open a file read-only and scrub it
 * @dev: handle from verity_scrub_open().
 * @path: the file.  FIFOs are not waited on: a directory fails with
 *	-EISDIR and any other path that is not a regular file with -EINVAL,
 *	before anything is read.
 * @opts: as for verity_scrub_fd().
 * @res: as for verity_scrub_fd().
 *
 * Return: as verity_scrub_fd(), plus the errors of open(2).
 */
int verity_scrub_path(struct verity_scrub_dev *dev, const char *path,
		      const struct verity_scrub_opts *opts,
		      struct verity_scrub_result *res);

/**
 * verity_scrub_strerror() - explain an error returned by this library
 * @op: what was being done.
 * @err: the negative (or positive) errno value returned.
 *
 * Return: a static, constant message (thread-safe); for example, for
 * VERITY_SCRUB_OP_OPEN_DEVICE and -ENOENT it says how to load the module.
 */
const char *verity_scrub_strerror(enum verity_scrub_op op, int err);

/**
 * verity_scrub_kind_name() - short name of a range kind
 * @kind: an enum verity_scrub_kind.
 *
 * Return: "hash_mismatch", "tree_corrupt", "io_error", "transient",
 * "unknown", or "invalid" for other values.
 */
const char *verity_scrub_kind_name(uint32_t kind);

/**
 * verity_scrub_detail_name() - short name of an I/O error detail
 * @detail: an enum verity_scrub_detail.
 *
 * Return: "none", "medium", "timeout", "transport", "other", or "invalid".
 */
const char *verity_scrub_detail_name(uint32_t detail);

/**
 * verity_scrub_version() - library version
 *
 * Return: the version string, e.g. "0.1.0".
 */
const char *verity_scrub_version(void);

/*
 * Authenticated repair (since 0.2, symbol version VERITYSCRUB_0.2)
 *
 * A file a scrub found bad is rebuilt from its own good blocks and bytes
 * that sources supply (other copies, a content-addressed store, the
 * network: anything), and nothing a source supplies is written unless the
 * file's own fs-verity metadata vouches for it: the digest the kernel
 * holds for the open file (or one the caller gives) authenticates the
 * descriptor, the descriptor the Merkle tree, the tree each block; the
 * digest of the whole assembled content must be the expected one.  Then a
 * new file replaces the damaged one atomically (same directory, owner,
 * mode, xattrs, times, user inode flags, fs-verity parameters and builtin
 * signature), or, in a dry run, nothing is written.
 */

/**
 * typedef verity_scrub_repair_read_fn - supply bytes of a copy of the file
 * @priv: &verity_scrub_repair_source.priv.
 * @offset: first byte, at the file's own offsets (a multiple of the
 *	Merkle block size).
 * @buf: where to put exactly @len bytes.
 * @len: bytes wanted (a block, or less at the end of the file).
 *
 * Called from the calling thread only, for each bad block in file order,
 * until a source's bytes authenticate.  Nothing it returns is trusted.
 *
 * Return: 0 when all @len bytes were supplied, else a negative errno (the
 * block is then sought in the next source).
 */
typedef int (*verity_scrub_repair_read_fn)(void *priv, uint64_t offset,
					   void *buf, size_t len);

/**
 * struct verity_scrub_repair_source - a copy of the good file
 * @read: supplies the copy's bytes.
 * @priv: passed to @read.
 * @bytes: set by the library: bytes taken from this source.
 * @rejected_blocks: set: blocks it supplied that did not authenticate,
 *	or could not supply.
 * @first_rejected_offset: set: offset of the first of them (UINT64_MAX:
 *	none).
 * @reserved: must be zero.  Sources are passed as an array, so this
 *	struct never grows; later fields take the place of @reserved.
 */
struct verity_scrub_repair_source {
	verity_scrub_repair_read_fn read;
	void *priv;
	uint64_t bytes;
	uint64_t rejected_blocks;
	uint64_t first_rejected_offset;
	uint64_t reserved[4];
};

/* &verity_scrub_repair_opts.flags: authenticate and report, write nothing. */
#define VERITY_SCRUB_REPAIR_DRY_RUN	(1u << 0)

/**
 * struct verity_scrub_repair_opts - what to repair and from what
 * @size: sizeof(struct verity_scrub_repair_opts) as the caller was
 *	compiled with; set by verity_scrub_repair_opts_init() (the rules of
 *	&struct verity_scrub_opts apply).
 * @flags: VERITY_SCRUB_REPAIR_*.
 * @ranges: the bad ranges a scrub reported (&verity_scrub_opts.on_range);
 *	TRANSIENT ones are ignored.  At least one other is needed.
 * @nranges: entries in @ranges.
 * @sources: the copies, tried in this order for each bad block; their
 *	counters are set.
 * @nsources: entries in @sources (at least one).
 * @expected_hash_algorithm: with @expected_digest_size not 0: the
 *	FS_VERITY_HASH_ALG_* of @expected_digest.
 * @expected_digest_size: 0: the repaired file must have the digest the
 *	kernel holds for the file (FS_IOC_MEASURE_VERITY); else the bytes
 *	used in @expected_digest, the digest it must have.
 * @expected_digest: see @expected_digest_size.
 * @quarantine_dir: NULL, or a directory on the file's filesystem where
 *	the damaged original is kept (hard-linked as BASENAME.INODE, or
 *	BASENAME.INODE.N when that name is taken) instead of being dropped.
 */
struct verity_scrub_repair_opts {
	uint32_t size;
	uint32_t flags;
	const struct verity_scrub_range *ranges;
	size_t nranges;
	struct verity_scrub_repair_source *sources;
	size_t nsources;
	uint32_t expected_hash_algorithm;
	uint32_t expected_digest_size;
	uint8_t expected_digest[64];
	const char *quarantine_dir;
};

/* The first published size of struct verity_scrub_repair_opts. */
#define VERITY_SCRUB_REPAIR_OPTS_SIZE_VER0 \
	(offsetof(struct verity_scrub_repair_opts, quarantine_dir) + \
	 sizeof(const char *))

/**
 * enum verity_scrub_repair_status - outcome of a repair
 * @VERITY_SCRUB_REPAIR_REPLACED: authenticated, written, and renamed
 *	over the damaged file (scrub it again to see it clean from disk).
 * @VERITY_SCRUB_REPAIR_REPAIRABLE: a dry run: authenticated, nothing
 *	written.
 * @VERITY_SCRUB_REPAIR_BAD_DESCRIPTOR: the descriptor on disk does not
 *	hash to the expected digest: nothing can be authenticated.
 * @VERITY_SCRUB_REPAIR_NO_SOURCE: no source supplied bytes for the block
 *	at &verity_scrub_repair_result.fail_offset that match the tree.
 * @VERITY_SCRUB_REPAIR_DIGEST_MISMATCH: the assembled content does not
 *	have the expected digest.
 * @VERITY_SCRUB_REPAIR_ORIG_UNREADABLE: a block the scrub found good
 *	(at fail_offset) cannot be read now.
 * @VERITY_SCRUB_REPAIR_NOT_INSTALLED: authenticated, but writing or
 *	replacing failed at &verity_scrub_repair_result.step with
 *	&verity_scrub_repair_result.error; the original is as it was.
 */
enum verity_scrub_repair_status {
	VERITY_SCRUB_REPAIR_REPLACED,
	VERITY_SCRUB_REPAIR_REPAIRABLE,
	VERITY_SCRUB_REPAIR_BAD_DESCRIPTOR,
	VERITY_SCRUB_REPAIR_NO_SOURCE,
	VERITY_SCRUB_REPAIR_DIGEST_MISMATCH,
	VERITY_SCRUB_REPAIR_ORIG_UNREADABLE,
	VERITY_SCRUB_REPAIR_NOT_INSTALLED,
};

/**
 * struct verity_scrub_repair_result - what a repair did
 * @size: sizeof(struct verity_scrub_repair_result) as the caller was
 *	compiled with; set by verity_scrub_repair_result_init().
 * @status: enum verity_scrub_repair_status.
 * @step: for NOT_INSTALLED, where it failed: a name from
 *	verity_scrub_repair_step_name() ("check": the file may not be
 *	replaced, e.g. -EMLINK hard links, -EPERM immutable, -EXDEV
 *	quarantine on another filesystem; "create", "write", "attributes",
 *	"fsync", "enable-verity", "measure", "quarantine", "rename";
 *	"directory-fsync": replaced, but not known to be durable).
 * @error: for NOT_INSTALLED, the negative errno.
 * @fail_offset: for NO_SOURCE and ORIG_UNREADABLE, the block's offset.
 * @blocks: the bad blocks to replace (replaced when REPLACED).
 * @quarantine_name: with &verity_scrub_repair_opts.quarantine_dir, the
 *	original's name there once kept; else "".
 */
struct verity_scrub_repair_result {
	uint32_t size;
	uint32_t status;
	uint32_t step;
	int error;
	uint64_t fail_offset;
	uint64_t blocks;
	char quarantine_name[256];
};

/* The first published size of struct verity_scrub_repair_result. */
#define VERITY_SCRUB_REPAIR_RESULT_SIZE_VER0 \
	(offsetof(struct verity_scrub_repair_result, quarantine_name) + 256)

/**
 * verity_scrub_repair_opts_init_size() - set repair options to defaults
 * @opts: no flags, no ranges, no sources, the kernel's digest, no
 *	quarantine.
 * @size: sizeof(*@opts) as the caller was compiled with.
 *
 * Call it through verity_scrub_repair_opts_init().
 *
 * Return: 0, or -EINVAL (nothing written) if @size is below
 * VERITY_SCRUB_REPAIR_OPTS_SIZE_VER0 or above UINT32_MAX.
 */
int verity_scrub_repair_opts_init_size(struct verity_scrub_repair_opts *opts,
				       size_t size);

/** verity_scrub_repair_opts_init() - verity_scrub_repair_opts_init_size()
 * with sizeof(*@opts). */
#define verity_scrub_repair_opts_init(opts) \
	verity_scrub_repair_opts_init_size((opts), sizeof(*(opts)))

/**
 * verity_scrub_repair_result_init_size() - prepare a repair result
 * @res: the result to clear.
 * @size: sizeof(*@res) as the caller was compiled with.
 *
 * Return: 0, or -EINVAL (nothing written) if @size is below
 * VERITY_SCRUB_REPAIR_RESULT_SIZE_VER0 or above UINT32_MAX.
 */
int verity_scrub_repair_result_init_size(struct verity_scrub_repair_result *res,
					 size_t size);

/** verity_scrub_repair_result_init() - verity_scrub_repair_result_init_size()
 * with sizeof(*@res). */
#define verity_scrub_repair_result_init(res) \
	verity_scrub_repair_result_init_size((res), sizeof(*(res)))

/**
 * verity_scrub_repair_path() - repair a damaged fs-verity file
 * @path: the file a scrub found bad.
 * @opts: its bad ranges and the sources (their counters are set).
 * @res: what was done; its @size must be set.
 *
 * Reads the file (through fs-verity), its descriptor and Merkle tree
 * (FS_IOC_READ_VERITY_METADATA), asks the sources for the bad blocks
 * only, and replaces @path only with content that authenticates (see
 * above).  Until the rename any failure leaves @path as it was; a new
 * file that is left over after a crash is unnamed (O_TMPFILE) or named
 * ".BASENAME.vs-repair.XXXXXX".  The caller scrubs the new file again.
 *
 * Return: 0 when the repair ran to a verdict (&res->status: refusals and
 * failed writes included); -EINVAL for invalid @opts (no non-transient
 * range, no source, a source without @read or with non-zero @reserved,
 * @size too small) or @res; -E2BIG for options this library does not
 * know; -ENODATA if @path is not an fs-verity file; -EINVAL if it is not a
 * regular file; -ENOMEM; the errors of open(2) and of
 * FS_IOC_MEASURE_VERITY and FS_IOC_READ_VERITY_METADATA.
 */
int verity_scrub_repair_path(const char *path,
			     const struct verity_scrub_repair_opts *opts,
			     struct verity_scrub_repair_result *res);

/**
 * verity_scrub_repair_status_name() - short name of a repair status
 * @status: an enum verity_scrub_repair_status.
 *
 * Return: "replaced", "repairable", "bad_descriptor", "no_source",
 * "digest_mismatch", "orig_unreadable", "not_installed", or "invalid".
 */
const char *verity_scrub_repair_status_name(uint32_t status);

/**
 * verity_scrub_repair_step_name() - short name of a repair step
 * @step: &verity_scrub_repair_result.step.
 *
 * Return: "none", "check", "create", "write", "attributes", "fsync",
 * "enable-verity", "measure", "quarantine", "rename", "directory-fsync",
 * or "invalid".
 */
const char *verity_scrub_repair_step_name(uint32_t step);

#ifdef __cplusplus
}
#endif

#endif /* VERITYSCRUB_H */
