// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fallback.c - --no-module: scrub with pread, without the kernel module
 *
 * fs-verity verifies every block it reads into the page cache, so reading
 * the whole file checks it.  Userspace only sees EIO, though, so a failing
 * block is reported as "unknown" (or "transient" if a retry read it).
 * Reads go in large chunks; a chunk that fails is narrowed down to
 * Merkle-block-sized ranges.  Cached pages are dropped first with
 * POSIX_FADV_DONTNEED (unless --keep-cache), which on ext4 and f2fs also
 * drops the Merkle tree pages kept past the end of the file; pages mapped
 * by another process stay cached and are checked only in memory.
 *
 * When the whole file is read, its data goes through
 * libfsverity_compute_digest() with the parameters of the descriptor on
 * disk (FS_IOC_READ_VERITY_METADATA): the digest that gives must be the one
 * the kernel holds (FS_IOC_MEASURE_VERITY), and the descriptor libfsverity
 * builds must be the one on disk.  The builtin signature is not part of
 * the digest (fs-verity hashes the descriptor with sig_size 0), so it is
 * not read.
 *
 * What it finds goes into the file's &struct verity_scrub_result, the type
 * the library fills for the module engine (module.c): the same fields mean
 * the same (calls, ranges and complete, which verify-file does not read,
 * stay 0; cursor is set when the scrub is interrupted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libfsverity.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf.h"

#define CHUNK_SIZE (4U << 20)

/* Reading one file without the module, chunk by chunk. */
struct feed {
	struct vf_run *run;
	struct vf_file *f;
	int fd;
	char *buf;
	uint64_t pos, end;		/* the next chunk starts at @pos */
	size_t len, used;		/* bytes in @buf, handed to libfsverity */
	int data_bad;			/* a block could not be read */
	struct fsverity_descriptor disk, built;
	int have_disk, have_built;
};

/* Learn the digest and geometry without the module, into @c->f->res. */
static int read_info(struct feed *c)
{
	struct vf_file *f = c->f;
	struct vf_digest d;
	int err = vf_sys.measure(c->fd, &d);
	off_t size;

	if (err == -ENODATA) {
		vf_set_error(f, "not an fs-verity file");
		return err;
	}
	if (err == -ENOTTY || err == -EOPNOTSUPP) {
		vf_set_error(f, "not an fs-verity file (the filesystem does not "
			     "support fs-verity)");
		return err;
	}
	if (err) {
		vf_set_error(f, "FS_IOC_MEASURE_VERITY failed: %s",
			     strerror(-err));
		return err;
	}
	vf_file_set_digest(f, &d);
	/* after the measure: files that cannot seek (procfs) are not verity */
	size = lseek(c->fd, 0, SEEK_END);
	if (size < 0) {
		err = -errno;
		vf_set_error(f, "cannot seek: %s", strerror(-err));
		return err;
	}
	f->res.file_size = (uint64_t)size;
	f->res.block_size = 4096;	/* before 5.12: always PAGE_SIZE */
	err = vf_sys.read_descriptor(c->fd, &c->disk);
	if (err == -EIO) {	/* as the module says it: an I/O finding */
		vf_file_set_flag(f, VERITY_SCRUB_OUT_DESC_UNREADABLE, 1);
	} else if (err == -ENOTTY || err == -EOPNOTSUPP) {	/* btrfs, < 5.12 */
		f->descriptor_unchecked = "the filesystem or the kernel cannot "
					  "read it (no FS_IOC_READ_VERITY_"
					  "METADATA)";
	} else if (err) {
		f->descriptor_unchecked = "it cannot be read (FS_IOC_READ_"
					  "VERITY_METADATA failed)";
	} else if (c->disk.log_blocksize >= 10 && c->disk.log_blocksize <= 16) {
		f->res.block_size = 1U << c->disk.log_blocksize;
		c->have_disk = 1;
	} else {
		f->descriptor_unchecked = "its block size is not one fs-verity "
					  "uses";
	}
	return 0;
}

static void drop_cache(struct vf_run *run, int fd, uint64_t off, uint64_t len)
{
	if (!run->o->keep_cache)
		posix_fadvise(fd, (off_t)off, (off_t)len, POSIX_FADV_DONTNEED);
}

/* The block at @pos failed: retry it, then record what it turned out to be. */
static void narrow_block(struct vf_run *run, int fd, struct vf_file *f,
			 char *buf, uint64_t pos, uint64_t len)
{
	unsigned int tries = run->o->retries ? run->o->retries :
			     VERITY_SCRUB_DEFAULT_RETRIES;
	struct verity_scrub_range r = { .offset = pos, .length = len,
			      .kind = VERITY_SCRUB_KIND_UNKNOWN };
	unsigned int i;

	for (i = 0; i < tries; i++) {
		f->res.blocks_retried += i == 0;
		drop_cache(run, fd, pos, len);
		if (vf_sys.pread(fd, buf, len, (off_t)pos) == (ssize_t)len) {
			r.kind = VERITY_SCRUB_KIND_TRANSIENT;
			f->res.bytes_verified += len;
			break;
		}
	}
	f->res.bytes_read += len * (i + 1);
	f->res.kind_blocks[r.kind]++;
	vf_add_range(f, &r);
}

/*
 * Read [pos, end) in one chunk; a short read or EIO marks the next block
 * as failing.  Return: bytes got through (good or recorded bad), or -errno.
 */
static int64_t scrub_chunk(struct vf_run *run, int fd, struct vf_file *f,
			   char *buf, uint64_t pos, uint64_t end)
{
	uint64_t done = 0, want = end - pos, bs = f->res.block_size, blen;
	ssize_t n;

	while (done < want) {
		n = vf_sys.pread(fd, buf + done, want - done, (off_t)(pos + done));
		if (n > 0) {
			done += (uint64_t)n;
			f->res.bytes_verified += (uint64_t)n;
			f->res.bytes_read += (uint64_t)n;
			continue;
		}
		if (n == 0)	/* the file ended early: nothing more to read */
			return (int64_t)want;
		if (errno == EINTR && !vf_cancel)
			continue;
		if (errno == EINTR) {	/* stopped: what was read counts */
			f->interrupted = 1;
			f->res.cursor = pos + done;
			return (int64_t)done;
		}
		if (errno != EIO)
			return -errno;
		/* a failing chunk: narrow it down to the failing block */
		blen = bs - (pos + done) % bs;
		if (blen > want - done)
			blen = want - done;
		narrow_block(run, fd, f, buf + done, pos + done, blen);
		done += blen;
	}
	return (int64_t)done;
}

static int bad_range_since(const struct vf_file *f, size_t first)
{
	size_t i;

	for (i = first; i < f->nranges; i++)
		if (f->ranges[i].kind != VERITY_SCRUB_KIND_TRANSIENT)
			return 1;
	return 0;
}

/*
 * Scrub the next chunk into @c->buf.
 * Return: 1, 0 at the end, -EINTR when stopped, or -errno.
 */
static int next_chunk(struct feed *c)
{
	struct vf_file *f = c->f;
	size_t first = f->nranges;
	uint64_t cend;
	int64_t got;

	if (c->pos >= c->end)
		return 0;
	if (vf_cancel) {
		f->interrupted = 1;
		f->res.cursor = c->pos;
	}
	if (f->interrupted)
		return -EINTR;
	cend = c->end - c->pos > CHUNK_SIZE ? c->pos + CHUNK_SIZE : c->end;
	got = scrub_chunk(c->run, c->fd, f, c->buf, c->pos, cend);
	if (got < 0) {
		vf_set_error(f, "read failed at offset %llu: %s",
			     (unsigned long long)c->pos, strerror((int)-got));
		return (int)got;
	}
	if (bad_range_since(f, first))
		c->data_bad = 1;
	drop_cache(c->run, c->fd, c->pos, cend - c->pos);
	vf_throttle(c->run, cend - c->pos);
	c->len = (size_t)(cend - c->pos);
	c->used = 0;
	c->pos = cend;
	return f->interrupted ? -EINTR : 1;
}

/* libfsverity_read_fn_t: the file's data, as the scrub reads it. */
static int feed_read(void *ctx, void *buf, size_t count)
{
	struct feed *c = ctx;
	size_t n;
	int ret;

	while (count) {
		if (c->used == c->len) {
			ret = next_chunk(c);
			if (ret <= 0)
				return ret ? ret : -EIO;
		}
		n = c->len - c->used < count ? c->len - c->used : count;
		memcpy(buf, c->buf + c->used, n);
		buf = (char *)buf + n;
		c->used += n;
		count -= n;
	}
	return 0;
}

static int feed_descriptor(void *ctx, const void *desc, size_t size)
{
	struct feed *c = ctx;

	if (size != sizeof(c->built))
		return 0;	/* not a layout we know: not compared */
	memcpy(&c->built, desc, size);
	c->have_built = 1;
	return 0;
}

static int same_descriptor(struct fsverity_descriptor *a,
			   struct fsverity_descriptor *b)
{
	/* the kernel's sig_size: not hashed into the digest */
	a->__reserved_0x04 = b->__reserved_0x04 = 0;
	return !memcmp(a, b, sizeof(*a));
}

/* Compare what the data and the descriptor on disk give with the kernel's. */
static void judge_descriptor(struct feed *c, const struct libfsverity_digest *d)
{
	struct vf_file *f = c->f;
	struct vf_digest disk = { .alg = d->digest_algorithm,
				  .size = d->digest_size };
	struct vf_digest kernel = vf_file_digest(f);

	if (c->data_bad || f->error || f->interrupted) {
		f->descriptor_unchecked = f->interrupted ? "interrupted" :
			"some data could not be read";
		return;
	}
	if (d->digest_size > VF_MAX_DIGEST || !c->have_built) {
		f->descriptor_unchecked = "libfsverity gave no descriptor";
		return;
	}
	memcpy(disk.bytes, d->digest, d->digest_size);
	f->descriptor_checked = 1;
	if (disk.alg != kernel.alg || disk.size != kernel.size ||
	    memcmp(disk.bytes, kernel.bytes, disk.size)) {
		/* as with the module: on disk in res, the kernel's @measured */
		vf_file_set_flag(f, VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED, 1);
		f->measured = kernel;
		vf_file_set_digest(f, &disk);
	} else if (!same_descriptor(&c->disk, &c->built)) {
		vf_file_set_flag(f, VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED, 1);
		f->descriptor_disk_differs = 1;
	}
}

/* Read all of @c's file through libfsverity and judge the descriptor. */
static void scrub_and_digest(struct feed *c)
{
	struct libfsverity_metadata_callbacks cb = {
		.ctx = c, .descriptor = feed_descriptor,
	};
	struct libfsverity_merkle_tree_params p = {
		.version = 1, .hash_algorithm = c->disk.hash_algorithm,
		.file_size = c->f->res.file_size,
		.block_size = c->f->res.block_size,
		.salt_size = c->disk.salt_size, .salt = c->disk.salt,
		.metadata_callbacks = &cb,
	};
	struct libfsverity_digest *d = NULL;
	int err;

	if (p.salt_size > sizeof(c->disk.salt)) {
		c->f->descriptor_unchecked = "its salt size is not one "
					     "fs-verity uses";
		return;
	}
	err = libfsverity_compute_digest(c, feed_read, &p, &d);
	if (!err)
		judge_descriptor(c, d);
	else if (c->f->interrupted)
		c->f->descriptor_unchecked = "interrupted";
	else if (c->f->error)
		c->f->descriptor_unchecked = "some data could not be read";
	else
		c->f->descriptor_unchecked = "libfsverity cannot compute its "
					     "digest";
	free(d);
}

int vf_fallback_scrub(struct vf_run *run, int fd, struct vf_file *f)
{
	struct feed c = { .run = run, .f = f, .fd = fd };
	uint64_t bs;
	int err;

	f->fallback = 1;
	/* data and, past EOF, the tree and descriptor: read from the disk */
	drop_cache(run, fd, 0, 0);
	err = read_info(&c);
	if (err)
		return err;
	bs = f->res.block_size;
	c.end = f->res.file_size;
	if (run->o->have_range) {
		c.pos = run->o->range_start / bs * bs;
		if (run->o->range_end < c.end)	/* round up, clamp to EOF */
			c.end = (run->o->range_end + bs - 1) / bs * bs;
		if (c.end > f->res.file_size)
			c.end = f->res.file_size;
	}
	c.buf = malloc(CHUNK_SIZE);
	if (!c.buf) {
		vf_set_error(f, "out of memory");
		return -ENOMEM;
	}
	if (c.have_disk && c.pos == 0 && c.end == f->res.file_size)
		scrub_and_digest(&c);
	else if (c.have_disk)
		f->descriptor_unchecked = "only part of the file was read";
	/* what is left after libfsverity stopped early, or all of it */
	while (next_chunk(&c) > 0)
		;
	free(c.buf);
	return 0;
}
