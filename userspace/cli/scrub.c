// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scrub.c - scrub one file: open it, drive the library, check digests
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vf.h"
#include "../lib/lib_private.h"

volatile sig_atomic_t vf_cancel;

double vf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void vf_set_error(struct vf_file *f, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (f->error)	/* keep the first error */
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	f->error = msg ? msg : strdup("out of memory");
}

/*
 * The errnos that say the filesystem could not read what it needed from
 * the device (or found it corrupt) while looking up, opening or stating a
 * file: findings about the disk, not operational errors.
 */
const char *vf_io_errno_name(int err)
{
	switch (err) {
	case EIO: return "EIO";
	case EUCLEAN: return "EUCLEAN";
	case EBADMSG: return "EBADMSG";
	default: return NULL;
	}
}

/* "@what: strerror(@err)", and an I/O finding for EIO, EUCLEAN, EBADMSG. */
void vf_set_path_error(struct vf_file *f, const char *what, int err)
{
	const char *name = vf_io_errno_name(err);

	if (name && !f->error)
		f->io_errno = err;
	if (name)
		vf_set_error(f, "%s: %s (%s)", what, strerror(err), name);
	else
		vf_set_error(f, "%s: %s", what, strerror(err));
}

/* Append @r, merging it into the last range if it continues it. */
void vf_add_range(struct vf_file *f, const struct verity_scrub_range *r)
{
	struct verity_scrub_range *last =
		f->nranges ? &f->ranges[f->nranges - 1] : NULL;

	if (last && vs_range_extend(last, r))
		return;
	if (f->nranges == f->ranges_cap) {
		size_t cap = f->ranges_cap ? 2 * f->ranges_cap : 8;
		struct verity_scrub_range *n =
			realloc(f->ranges, cap * sizeof(*n));

		if (!n) {
			vf_set_error(f, "out of memory recording bad ranges");
			return;
		}
		f->ranges = n;
		f->ranges_cap = cap;
	}
	f->ranges[f->nranges++] = *r;
}

/*
 * --limit: after @delta more bytes, sleep until the run is back under the
 * rate.  The sleep is cut short by the signals that cancel the run.
 */
void vf_throttle(struct vf_run *run, uint64_t delta)
{
	uint64_t done = atomic_fetch_add(&run->bytes_done, delta) + delta;
	double due, now;
	struct timespec ts;

	if (!run->o->limit)
		return;
	due = run->start_time + (double)done / (double)run->o->limit;
	now = vf_now();
	if (due <= now || vf_cancel)
		return;
	ts.tv_sec = (time_t)(due - now);
	ts.tv_nsec = (long)((due - now - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

struct lib_ctx {
	struct vf_run *run;
	struct vf_file *f;
	uint64_t last_cursor;
};

static int on_range(const struct verity_scrub_range *r, void *priv)
{
	struct lib_ctx *c = priv;
	struct verity_scrub_range vr = *r;

	vr.flags &= VERITY_SCRUB_RANGE_CACHED;	/* the one flag kept */
	vf_add_range(c->f, &vr);
	return 0;
}

static int on_progress(const struct verity_scrub_progress *p, void *priv)
{
	struct lib_ctx *c = priv;
	uint64_t delta = p->cursor > c->last_cursor ?
			 p->cursor - c->last_cursor : 0;

	c->last_cursor = p->cursor;
	vf_throttle(c->run, delta);
	vf_state_progress(c->run, c->f, p->cursor);
	return 0;
}

static int digest_equal(const struct vf_digest *a, const struct vf_digest *b)
{
	return a->alg == b->alg && a->size == b->size &&
	       !memcmp(a->bytes, b->bytes, a->size);
}

#define VF_NOT_A_DIGEST "name is not a digest (expected XX/ and 62 or " \
	"126 lowercase hex digits, or 64 or 128)"

/*
 * Compare the digest of the descriptor on disk with the one the kernel
 * holds for the open file (FS_IOC_MEASURE_VERITY) and with --expect-digest,
 * --expect-digest-file or, with --digest-from-name, the file's name.
 */
static void check_digests(struct vf_run *run, int fd, struct vf_file *f)
{
	const struct vf_digest *want = vf_expected_for(run->o, f->path);
	struct vf_digest m, named;
	int err;

	/*
	 * Without the module the fallback measured and compared already:
	 * @f->measured is the kernel's digest if it differs from @f->digest.
	 */
	err = f->fallback ? 0 : vf_sys.measure(fd, &m);
	if (f->fallback) {
		m = f->measured.size ? f->measured : f->digest;
	} else if (err) {
		vf_set_error(f, "FS_IOC_MEASURE_VERITY failed: %s",
			     strerror(-err));
	} else {
		f->descriptor_checked = 1;
		if (!digest_equal(&m, &f->digest)) {
			f->descriptor_changed = 1;
			f->measured = m;
		}
	}
	if (run->o->nexpect && !want) {
		vf_set_error(f, "no expected digest for this path in "
			     "--expect-digest-file");
		return;
	}
	if (run->o->digest_from_name) {
		/* nothing to compare with: an operational error, as above */
		if (vf_digest_from_name(f->path, &named)) {
			vf_set_error(f, VF_NOT_A_DIGEST);
			return;
		}
		want = &named;
	}
	if (!want)
		return;
	f->expect_checked = 1;
	f->expected = *want;
	f->expect_match = digest_equal(want, &f->digest) &&
			  (err || digest_equal(want, &m));
}

static void copy_result(struct vf_file *f, const struct verity_scrub_result *res)
{
	int i;

	f->size = res->file_size;
	f->block_size = res->block_size;
	f->digest.alg = res->hash_algorithm;
	f->digest.size = res->digest_size;
	memcpy(f->digest.bytes, res->digest, res->digest_size);
	f->have_info = res->block_size != 0;
	if (res->out_flags & VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED)
		f->descriptor_changed = 1;
	if (res->out_flags & VERITY_SCRUB_OUT_DESC_UNREADABLE)
		f->descriptor_unreadable = 1;
	if (res->out_flags & VERITY_SCRUB_OUT_RETRIES_CUT)
		f->retries_cut = 1;
	f->direct = !!(res->out_flags & VERITY_SCRUB_OUT_DIRECT);
	f->bytes_verified = res->bytes_verified;
	f->bytes_read = res->bytes_read;
	f->blocks_retried = res->blocks_retried;
	f->bytes_skipped = res->bytes_skipped;
	for (i = 0; i < VERITY_SCRUB_KIND_COUNT; i++)
		f->kind_blocks[i] = res->kind_blocks[i];
}

static void scrub_module(struct vf_run *run, struct verity_scrub_dev *dev,
			 int fd, struct vf_file *f)
{
	struct verity_scrub_opts opts;
	struct verity_scrub_result res;
	struct lib_ctx c = { .run = run, .f = f };
	int err;

	verity_scrub_opts_init(&opts);
	verity_scrub_result_init(&res);
	if (run->o->have_range) {
		opts.start = run->o->range_start;
		opts.end = run->o->range_end;
	}
	if (f->start_offset > opts.start)	/* --state: resumed */
		opts.start = f->start_offset;
	c.last_cursor = opts.start;
	if (run->o->keep_cache)
		opts.flags |= VERITY_SCRUB_FLAG_KEEP_CACHE;
	if (run->o->page_cache)
		opts.flags |= VERITY_SCRUB_FLAG_PAGE_CACHE;
	opts.retries = run->o->retries;
	opts.step = vf_progress_step(run, vf_state_left(run->o, f));
	opts.on_range = on_range;
	opts.on_progress = on_progress;
	opts.cancel = &vf_cancel;
	opts.priv = &c;
	err = verity_scrub_fd(dev, fd, &opts, &res);
	copy_result(f, &res);
	if (err == -EINTR) {
		f->interrupted = 1;
		f->resume_offset = res.cursor;
	} else if (err) {
		vf_set_error(f, "%s", verity_scrub_strerror(VERITY_SCRUB_OP_SCRUB,
							    err));
		/* nothing could be verified: say why, as corruption or I/O */
		f->descriptor_corrupt = err == -EUCLEAN;
		f->descriptor_unreadable = err == -EIO && !f->have_info;
	}
}

static const char *type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "is a directory (use -r to scrub the verity files under it)";
	if (S_ISFIFO(mode))
		return "not a regular file (a FIFO)";
	if (S_ISSOCK(mode))
		return "not a regular file (a socket)";
	if (S_ISCHR(mode))
		return "not a regular file (a character device)";
	if (S_ISBLK(mode))
		return "not a regular file (a block device)";
	return "not a regular file";
}

/* Scrub @f with @dev, or with pread when the run uses the fallback. */
void vf_scrub_file(struct vf_run *run, struct verity_scrub_dev *dev,
		   struct vf_file *f)
{
	struct stat st;
	int fd;

	f->started = 1;
	/* O_NONBLOCK: never wait for a writer on a FIFO */
	fd = vf_sys.open(f->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		vf_set_path_error(f, "cannot open", errno);
		return;
	}
	if (vf_sys.fstat(fd, &st) < 0) {
		vf_set_path_error(f, "cannot stat", errno);
	} else if (!S_ISREG(st.st_mode)) {
		vf_set_error(f, "%s", type_name(st.st_mode));
	} else if (run->use_fallback) {
		vf_fallback_scrub(run, fd, f);
	} else if (!dev) {
		vf_set_error(f, "%s", verity_scrub_strerror(
				     VERITY_SCRUB_OP_OPEN_DEVICE, run->module_err));
		f->error_told = 1;	/* main() said it once for all files */
	} else {
		scrub_module(run, dev, fd, f);
	}
	if (f->have_info)
		check_digests(run, fd, f);
	vf_repair_file(run, dev, fd, f);
	close(fd);
}
