// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * module.c - the module engine: scrub one open file through
 * libverityscrub and the kernel module, as fallback.c does with pread;
 * the library fills the file's &struct verity_scrub_result itself
 *
 * The driver vf_scrub_file() (scrub.c) calls one of the two engines; an
 * engine calls only record.c, progress.c and state.c, never the driver.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "vf.h"

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

void vf_module_scrub(struct vf_run *run, struct verity_scrub_dev *dev,
		     int fd, struct vf_file *f)
{
	struct verity_scrub_opts opts;
	struct lib_ctx c = { .run = run, .f = f };
	int err;

	verity_scrub_opts_init(&opts);
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
	err = verity_scrub_fd(dev, fd, &opts, &f->res);
	if (err == -EINTR) {
		f->interrupted = 1;	/* f->res.cursor: where it resumes */
	} else if (err) {
		vf_set_error(f, "%s", verity_scrub_strerror(VERITY_SCRUB_OP_SCRUB,
							    err));
		/* nothing could be verified: say why, as corruption or I/O */
		f->descriptor_corrupt = err == -EUCLEAN;
		vf_file_set_flag(f, VERITY_SCRUB_OUT_DESC_UNREADABLE,
				 err == -EIO && !vf_have_info(f));
	}
}
