/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * repair.h - libverityscrub's authenticated repair (private for now)
 *
 * A damaged fs-verity file is rebuilt from its own good blocks and blocks
 * read from sources (other copies, however untrusted).  Nothing from a
 * source is used unless it is authenticated:
 *
 *  - the expected digest is given by the caller (FS_IOC_MEASURE_VERITY of
 *    the open file, or a digest the user supplied), never taken from the
 *    descriptor on disk;
 *  - the descriptor on disk must hash to the expected digest, which makes
 *    its root hash, salt, block size and size trustworthy;
 *  - the Merkle tree read from disk is verified level by level from that
 *    root (the paths to the bad blocks' leaves only); a block from a source is accepted if it hashes to its leaf and
 *    that leaf was verified;
 *  - blocks whose leaf cannot be verified (under a corrupt tree block) are
 *    taken from the first source that can read them, and
 *  - the fs-verity digest of the whole assembled content
 *    (libfsverity_compute_digest) must equal the expected digest.
 *
 * This is the core, internal to libverityscrub (not exported from the
 * .so): verify-file links it from the archive, and the public interface
 * of verityscrub.h (verity_scrub_repair_path(), lib/repair_api.c) is a
 * thin layer over it.
 */
#ifndef VERITYSCRUB_REPAIR_H
#define VERITYSCRUB_REPAIR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/fsverity.h>

#define VS_REPAIR_MAX_DIGEST 64

/**
 * typedef vs_repair_read_fn - read bytes of a file or of its Merkle tree
 * @priv: the reader's context.
 * @off: first byte.
 * @buf: where to put exactly @len bytes.
 * @len: bytes wanted.
 *
 * Return: 0 when all @len bytes were read, else a negative errno
 * (-ENODATA for a short read).
 */
typedef int (*vs_repair_read_fn)(void *priv, uint64_t off, void *buf,
				 size_t len);

/**
 * struct vs_repair_digest - an fs-verity file digest
 * @alg: FS_VERITY_HASH_ALG_*.
 * @size: bytes used in @bytes.
 * @bytes: the digest.
 */
struct vs_repair_digest {
	uint32_t alg, size;
	uint8_t bytes[VS_REPAIR_MAX_DIGEST];
};

/**
 * struct vs_repair_source - a copy of the good file
 * @read: reads bytes of the copy at the same offsets as the file.
 * @priv: passed to @read.
 */
struct vs_repair_source {
	vs_repair_read_fn read;
	void *priv;
};

/**
 * struct vs_repair_bad - a bad byte range found by a scrub
 * @offset: first byte (a multiple of the Merkle block size).
 * @length: bytes.
 * @kind: enum verity_scrub_kind; TRANSIENT ranges are not repaired.
 */
struct vs_repair_bad {
	uint64_t offset, length;
	uint32_t kind;
};

/**
 * struct vs_repair_input - what a repair is built from
 * @desc: the fs-verity descriptor as read from disk (untrusted).
 * @expected: the digest the repaired file must have.
 * @read_tree: reads the Merkle tree as the kernel stores it
 *	(FS_IOC_READ_VERITY_METADATA, FS_VERITY_METADATA_TYPE_MERKLE_TREE).
 * @tree_priv: passed to @read_tree.
 * @read_orig: reads the damaged file (through fs-verity, so bad blocks
 *	fail).
 * @orig_priv: passed to @read_orig.
 * @bad: bad ranges from the scrub, in any order.
 * @nbad: entries in @bad.
 * @sources: copies, tried in this order for each bad block.
 * @nsources: entries in @sources.
 */
struct vs_repair_input {
	struct fsverity_descriptor desc;
	struct vs_repair_digest expected;
	vs_repair_read_fn read_tree;
	void *tree_priv;
	vs_repair_read_fn read_orig;
	void *orig_priv;
	const struct vs_repair_bad *bad;
	size_t nbad;
	const struct vs_repair_source *sources;
	size_t nsources;
};

/**
 * enum vs_repair_verdict - outcome of vs_repair_plan()
 * @VS_REPAIR_AUTHENTICATED: every bad block has authenticated bytes and
 *	the assembled content has the expected digest.
 * @VS_REPAIR_BAD_DESCRIPTOR: the descriptor on disk is malformed or does
 *	not hash to the expected digest: nothing can be authenticated.
 * @VS_REPAIR_NO_SOURCE: no source gave bytes for the block at
 *	&vs_repair_plan.fail_offset that hash to its verified leaf.
 * @VS_REPAIR_DIGEST_MISMATCH: the assembled content does not have the
 *	expected digest (a block under a corrupt tree block was wrong).
 * @VS_REPAIR_ORIG_UNREADABLE: a block the scrub found good could not be
 *	read from the file (at &vs_repair_plan.fail_offset).
 */
enum vs_repair_verdict {
	VS_REPAIR_AUTHENTICATED,
	VS_REPAIR_BAD_DESCRIPTOR,
	VS_REPAIR_NO_SOURCE,
	VS_REPAIR_DIGEST_MISMATCH,
	VS_REPAIR_ORIG_UNREADABLE,
};

/**
 * struct vs_repair_block - one block to replace
 * @index: block number in the file.
 * @source: index into &vs_repair_input.sources of the accepted bytes, or
 *	-1 if none was accepted.
 * @leaf_verified: 1 if the bytes were checked against a verified leaf, 0
 *	if only the whole-file digest vouches for them.
 * @data: the accepted bytes (a full block; past the end of the file, 0).
 */
struct vs_repair_block {
	uint64_t index;
	int source;
	int leaf_verified;
	uint8_t *data;
};

/**
 * struct vs_repair_plan - an authenticated (or refused) repair
 * @verdict: enum vs_repair_verdict.
 * @fail_offset: for NO_SOURCE and ORIG_UNREADABLE, the block's offset.
 * @fail_errno: for ORIG_UNREADABLE, the read's errno.
 * @hash_algorithm: from the authenticated descriptor.
 * @block_size: Merkle block size.
 * @salt_size: bytes used in @salt.
 * @salt: the salt.
 * @data_size: size of the file.
 * @nblocks: entries in @blocks, in ascending @index.
 * @blocks: the blocks to replace.
 * @nsources: entries in the per-source arrays.
 * @source_bytes: bytes accepted from each source.
 * @source_rejected: blocks each source offered that did not hash to the
 *	leaf (or could not be read).
 * @source_first_reject: offset of the first such block (UINT64_MAX: none).
 */
struct vs_repair_plan {
	enum vs_repair_verdict verdict;
	uint64_t fail_offset;
	int fail_errno;
	uint32_t hash_algorithm, block_size, salt_size;
	uint8_t salt[32];
	uint64_t data_size;
	size_t nblocks;
	struct vs_repair_block *blocks;
	size_t nsources;
	uint64_t *source_bytes;
	uint64_t *source_rejected;
	uint64_t *source_first_reject;
};

/**
 * vs_repair_plan() - find and authenticate replacements for the bad blocks
 * @in: the damaged file, its bad ranges and the sources.
 * @planp: set to the new plan (free with vs_repair_plan_free()) when 0 is
 *	returned; see &vs_repair_plan.verdict for whether it may be written.
 *
 * Reads only: nothing is written anywhere.
 *
 * Return: 0, -EINVAL for an invalid @in (no bad range, a source without a
 * reader), -ENOMEM.
 */
int vs_repair_plan(const struct vs_repair_input *in,
		   struct vs_repair_plan **planp);

/**
 * vs_repair_read() - read the repaired content
 * @plan: an AUTHENTICATED plan.
 * @in: the input it was made from.
 * @off: first byte.
 * @buf: where to put @len bytes.
 * @len: bytes wanted (@off + @len at most the file size).
 *
 * Good blocks come from the damaged file, bad ones from the plan.
 *
 * Return: 0, or the errno of reading the damaged file.
 */
int vs_repair_read(const struct vs_repair_plan *plan,
		   const struct vs_repair_input *in, uint64_t off, void *buf,
		   size_t len);

/** vs_repair_plan_free() - free a plan; NULL is ignored. */
void vs_repair_plan_free(struct vs_repair_plan *plan);

/** vs_repair_verdict_name() - short name of a verdict, for reports. */
const char *vs_repair_verdict_name(enum vs_repair_verdict v);

/**
 * vs_repair_measure() - FS_IOC_MEASURE_VERITY of an open file
 * @fd: the file.
 * @d: the digest, zeroed past its @size.
 *
 * The real measure of &struct vs_repair_sys; verify-file's sys.c uses it too.
 *
 * Return: 0, -EOVERFLOW for a digest longer than VS_REPAIR_MAX_DIGEST, or
 * the -errno of the ioctl.
 */
int vs_repair_measure(int fd, struct vs_repair_digest *d);

/*
 * System calls of vs_repair_install(), in a table so that the host tests
 * can put a fake fs-verity behind them.  Each returns 0 or -errno.
 */
struct vs_repair_sys {
	/* FS_IOC_READ_VERITY_METADATA: bytes read, or -errno */
	int (*read_metadata)(int fd, uint64_t type, uint64_t off, void *buf,
			     size_t len);
	int (*enable_verity)(int fd, const struct fsverity_enable_arg *arg);
	int (*measure)(int fd, struct vs_repair_digest *d);
	/* FS_IOC_GETFLAGS, FS_IOC_SETFLAGS; NULL: the real ioctls */
	int (*getflags)(int fd, int *flags);
	int (*setflags)(int fd, int flags);
	/* renameat(2) of the new file over the original; NULL: the real one */
	int (*rename)(int olddirfd, const char *oldname, int newdirfd,
		      const char *newname);
};
extern const struct vs_repair_sys *vs_repair_sys;

/**
 * struct vs_repair_fd - an open file, for the readers below
 * @fd: the file.
 */
struct vs_repair_fd {
	int fd;
};

/*
 * vs_repair_read_tree_fd() - a vs_repair_read_fn over the Merkle tree of
 * the fs-verity file &vs_repair_fd.fd (@priv).
 */
int vs_repair_read_tree_fd(void *priv, uint64_t off, void *buf, size_t len);

/* vs_repair_read_fd() - a vs_repair_read_fn over pread(2) of @priv's fd. */
int vs_repair_read_fd(void *priv, uint64_t off, void *buf, size_t len);

/**
 * vs_repair_read_descriptor() - read the descriptor of an fs-verity file
 * @fd: the file.
 * @desc: filled (sig_size 0); untrusted until vs_repair_plan() checks it.
 *
 * Return: 0, -EBADMSG if it is short, or the ioctl's -errno.
 */
int vs_repair_read_descriptor(int fd, struct fsverity_descriptor *desc);

/**
 * enum vs_repair_step - where vs_repair_install() failed
 * @VS_REPAIR_STEP_NONE: it did not fail.
 * @VS_REPAIR_STEP_CHECK: the original may not be replaced (hard links,
 *	not a regular file, changed since it was opened).
 * @VS_REPAIR_STEP_CREATE: creating the new file.
 * @VS_REPAIR_STEP_WRITE: writing the content.
 * @VS_REPAIR_STEP_ATTRS: carrying over owner, mode, xattrs, timestamps.
 * @VS_REPAIR_STEP_SYNC: fsync of the new file.
 * @VS_REPAIR_STEP_ENABLE: FS_IOC_ENABLE_VERITY.
 * @VS_REPAIR_STEP_MEASURE: FS_IOC_MEASURE_VERITY failed or differs.
 * @VS_REPAIR_STEP_QUARANTINE: linking the original into the quarantine
 *	directory (nothing replaced).
 * @VS_REPAIR_STEP_RENAME: linking or renaming over the original.
 * @VS_REPAIR_STEP_DIRSYNC: fsync of the directory (after the rename: the
 *	file is replaced, but durability is not assured).
 */
enum vs_repair_step {
	VS_REPAIR_STEP_NONE,
	VS_REPAIR_STEP_CHECK,
	VS_REPAIR_STEP_CREATE,
	VS_REPAIR_STEP_WRITE,
	VS_REPAIR_STEP_ATTRS,
	VS_REPAIR_STEP_SYNC,
	VS_REPAIR_STEP_ENABLE,
	VS_REPAIR_STEP_MEASURE,
	VS_REPAIR_STEP_QUARANTINE,
	VS_REPAIR_STEP_RENAME,
	VS_REPAIR_STEP_DIRSYNC,
};

/** vs_repair_step_name() - what was being done, for reports. */
const char *vs_repair_step_name(enum vs_repair_step s);

/* Inode flags carried over to the new file: FS_NODUMP_FL, FS_NOATIME_FL,
 * FS_SYNC_FL (linux/fs.h). */
#define VS_REPAIR_CARRIED_FLAGS (0x00000040 | 0x00000080 | 0x00000008)

/* Largest builtin signature carried over (the kernel's limit is 16128). */
#define VS_REPAIR_MAX_SIGNATURE 16384

/* Tests set this to take the named temp file path even with O_TMPFILE. */
extern int vs_repair_force_named;

/* Prefix of the named temporary files (".NAME" VS_REPAIR_TMP_TAG "XXXXXX"). */
#define VS_REPAIR_TMP_TAG ".vs-repair."

/**
 * vs_repair_install() - write the repaired file and rename it over @path
 * @plan: an AUTHENTICATED plan.
 * @in: the input it was made from.
 * @path: the damaged file.
 * @orig_fd: the damaged file, open (its inode is the one replaced).
 * @stepp: set to the step that failed.
 *
 * The content goes into a new file in the same directory (O_TMPFILE, or
 * a name ".BASENAME.vs-repair.XXXXXX" where the filesystem has no
 * O_TMPFILE), gets the original's owner, mode, xattrs and timestamps, is
 * synced, made an fs-verity file with the same parameters, and must
 * measure as &vs_repair_input.expected before it is renamed over @path.
 * Until the rename, any failure removes the new file and leaves @path as
 * it was.  The times carried over are the original's when it is replaced
 * (reading it for the plan may already have moved its atime).
 *
 * The original's builtin signature, if it has one, is read with
 * FS_IOC_READ_VERITY_METADATA and given to FS_IOC_ENABLE_VERITY of the new
 * file (same digest, so it verifies).  Of its inode flags
 * (FS_IOC_GETFLAGS), the user-settable %VS_REPAIR_CARRIED_FLAGS are set
 * on the new file after its content is written and before verity is
 * enabled; the rest are the filesystem's (EXTENTS, VERITY, INLINE_DATA,
 * ...), only take effect on an empty file (COMPR, NOCOMP, NOCOW: the new
 * file gets the directory's), or would forbid the rename (IMMUTABLE,
 * APPEND: such an original is refused, -EPERM, as the kernel would refuse
 * to rename over it).
 *
 * Return: 0, or -errno with *@stepp saying where (-EMLINK: hard links;
 * -ESTALE: @path is no longer @orig_fd's inode; -EPERM at CHECK: the
 * original is immutable or append-only; -EFBIG: its signature is larger
 * than %VS_REPAIR_MAX_SIGNATURE; -EBADMSG: the new file measured
 * differently).
 */
int vs_repair_install(const struct vs_repair_plan *plan,
		      const struct vs_repair_input *in, const char *path,
		      int orig_fd, enum vs_repair_step *stepp);

/* Longest base name kept in a quarantine name (room for ".INO.N"). */
#define VS_REPAIR_QUARANTINE_BASE_MAX 200

/**
 * vs_repair_install_keep() - vs_repair_install(), keeping the original
 * @plan: an AUTHENTICATED plan.
 * @in: the input it was made from.
 * @path: the damaged file.
 * @orig_fd: the damaged file, open.
 * @qdirfd: a directory on the same filesystem (and mount) as @path, or -1
 *	for none (then this is vs_repair_install()).
 * @qname: set to the original's name in @qdirfd (at least NAME_MAX + 1
 *	bytes) when it was kept; "" otherwise.
 * @stepp: set to the step that failed.
 *
 * As vs_repair_install(), but just before the rename the original is
 * hard-linked into @qdirfd as "BASE.INO" (BASE its base name, cut to
 * %VS_REPAIR_QUARANTINE_BASE_MAX bytes, INO its inode number in decimal),
 * or "BASE.INO.N" (N = 1, 2, ...) when that name is taken, never over an
 * existing name.  The path is never missing: the link is made first, then
 * the new file is renamed over the path; if the rename fails, the link is
 * removed again.  After the rename both directories are synced.
 *
 * Return: as vs_repair_install(); -EXDEV (step CHECK, nothing written)
 * when @qdirfd is on another filesystem; a failed link is step QUARANTINE.
 */
int vs_repair_install_keep(const struct vs_repair_plan *plan,
			   const struct vs_repair_input *in, const char *path,
			   int orig_fd, int qdirfd, char *qname,
			   enum vs_repair_step *stepp);

/**
 * vs_repair_remove_stale() - remove leftover named temporary files
 * @path: a file; ".BASENAME.vs-repair.??????" beside it are removed.
 *
 * Return: the number removed, or -errno.
 */
int vs_repair_remove_stale(const char *path);

/* repair_cache.c: read @fd only from the page cache, only in @cached */
struct vs_repair_cache {
	int fd;
	const struct vs_repair_bad *cached;	/* ranges flagged cached */
	size_t ncached;
};
int vs_repair_read_cache(void *priv, uint64_t off, void *buf, size_t len);

#endif /* VERITYSCRUB_REPAIR_H */
