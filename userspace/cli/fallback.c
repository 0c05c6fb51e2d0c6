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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf.h"

#define CHUNK_SIZE (4U << 20)

/* Learn the digest and geometry without the module. */
static int read_info(int fd, struct vf_file *f)
{
	struct fsverity_descriptor desc;
	int err = vf_sys.measure(fd, &f->digest);
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
	/* after the measure: files that cannot seek (procfs) are not verity */
	size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		err = -errno;
		vf_set_error(f, "cannot seek: %s", strerror(-err));
		return err;
	}
	f->size = (uint64_t)size;
	f->block_size = 4096;	/* before Linux 5.12: always PAGE_SIZE */
	if (vf_sys.read_descriptor(fd, &desc) == 0 &&
	    desc.log_blocksize >= 10 && desc.log_blocksize <= 16)
		f->block_size = 1U << desc.log_blocksize;
	f->have_info = 1;
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
	struct vf_range r = { .offset = pos, .length = len,
			      .kind = VERITY_SCRUB_KIND_UNKNOWN };
	unsigned int i;

	for (i = 0; i < tries; i++) {
		f->blocks_retried += i == 0;
		drop_cache(run, fd, pos, len);
		if (vf_sys.pread(fd, buf, len, (off_t)pos) == (ssize_t)len) {
			r.kind = VERITY_SCRUB_KIND_TRANSIENT;
			f->bytes_verified += len;
			break;
		}
	}
	f->bytes_read += len * (i + 1);
	f->kind_blocks[r.kind]++;
	vf_add_range(f, &r);
}

/*
 * Read [pos, end) in one chunk; a short read or EIO marks the next block
 * as failing.  Return: bytes got through (good or recorded bad), or -errno.
 */
static int64_t scrub_chunk(struct vf_run *run, int fd, struct vf_file *f,
			   char *buf, uint64_t pos, uint64_t end)
{
	uint64_t done = 0, want = end - pos, bs = f->block_size, blen;
	ssize_t n;

	while (done < want) {
		n = vf_sys.pread(fd, buf + done, want - done, (off_t)(pos + done));
		if (n > 0) {
			done += (uint64_t)n;
			f->bytes_verified += (uint64_t)n;
			f->bytes_read += (uint64_t)n;
			continue;
		}
		if (n == 0)	/* the file ended early: nothing more to read */
			return (int64_t)want;
		if (errno == EINTR && !vf_cancel)
			continue;
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

int vf_fallback_scrub(struct vf_run *run, int fd, struct vf_file *f)
{
	uint64_t start = 0, end, pos, cend, bs;
	int64_t got;
	char *buf;
	int err;

	f->fallback = 1;
	err = read_info(fd, f);
	if (err)
		return err;
	bs = f->block_size;
	end = f->size;
	if (run->o->have_range) {
		start = run->o->range_start / bs * bs;
		if (run->o->range_end < end)	/* round up, clamp to EOF */
			end = (run->o->range_end + bs - 1) / bs * bs;
		if (end > f->size)
			end = f->size;
	}
	buf = malloc(CHUNK_SIZE);
	if (!buf) {
		vf_set_error(f, "out of memory");
		return -ENOMEM;
	}
	drop_cache(run, fd, 0, 0);	/* data and, past EOF, the tree */
	for (pos = start; pos < end; pos = cend) {
		if (vf_cancel) {
			f->interrupted = 1;
			f->resume_offset = pos;
			break;
		}
		cend = end - pos > CHUNK_SIZE ? pos + CHUNK_SIZE : end;
		got = scrub_chunk(run, fd, f, buf, pos, cend);
		if (got < 0) {
			vf_set_error(f, "read failed at offset %llu: %s",
				     (unsigned long long)pos, strerror((int)-got));
			break;
		}
		drop_cache(run, fd, pos, cend - pos);
		vf_throttle(run, cend - pos);
	}
	free(buf);
	return 0;
}
