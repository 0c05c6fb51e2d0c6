// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * record.c - what the scrub engines record about one file: its first
 * error, its bad ranges (merged by the library's vs_range_extend()), its
 * digest and flags in its &struct verity_scrub_result, and the --limit
 * throttle both engines call after the bytes they read
 *
 * Called by both engines (module.c, fallback.c), by the driver (scrub.c)
 * and by repair.c; it calls none of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The digest of @f's descriptor on disk, as its result holds it. */
struct vf_digest vf_file_digest(const struct vf_file *f)
{
	struct vf_digest d = { .alg = f->res.hash_algorithm,
			       .size = f->res.digest_size };

	if (d.size > sizeof(d.bytes))	/* never: both hold 64 bytes */
		d.size = sizeof(d.bytes);
	memcpy(d.bytes, f->res.digest, d.size);
	return d;
}

/* Store @d as the digest of @f's descriptor on disk. */
void vf_file_set_digest(struct vf_file *f, const struct vf_digest *d)
{
	uint32_t size = d->size < sizeof(f->res.digest) ? d->size :
			sizeof(f->res.digest);

	f->res.hash_algorithm = d->alg;
	f->res.digest_size = size;
	memcpy(f->res.digest, d->bytes, size);
}

/* Set (@on) or clear the VERITY_SCRUB_OUT_* @flag of @f's result. */
void vf_file_set_flag(struct vf_file *f, uint64_t flag, int on)
{
	if (on)
		f->res.out_flags |= flag;
	else
		f->res.out_flags &= ~flag;
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
