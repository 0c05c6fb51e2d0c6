// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * module.c - the module engine: scrub one open file through
 * libverityscrub and the kernel module, as fallback.c does with pread
 *
 * The driver vf_scrub_file() (scrub.c) calls one of the two engines; an
 * engine calls only record.c, progress.c and state.c, never the driver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

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

void vf_module_scrub(struct vf_run *run, struct verity_scrub_dev *dev,
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
