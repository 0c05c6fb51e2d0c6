// SPDX-License-Identifier: GPL-2.0
/*
 * scrub.c - one scrub call: set the scrub up (setup.c), walk the range
 * through the direct path (direct.c) when the file can be read raw, else
 * through the page-cache walk (cachewalk.c), then report the open range
 * and the out flags and say where the next call resumes.
 */
#include <linux/fs.h>
#include <linux/slab.h>

#include "vs_private.h"
#include "meta.h"

/*
 * Report the open range (the cursor moves back to it if it does not fit),
 * the out flags, and where the next call starts.
 */
static int finish_call(struct vs_scrub *s, int err)
{
	struct verity_scrub_range r;
	int ret = 0;

	if (!s->full && err != -EFAULT && vs_acc_flush(&s->acc, &r))
		ret = vs_emit_range(s, &r, &s->range_mark);
	if (ret == -EFAULT)
		err = ret;
	if (s->retries_cut)
		s->args->out_flags |= VERITY_SCRUB_OUT_RETRIES_CUT;
	if (s->full) {
		s->args->out_flags |= VERITY_SCRUB_OUT_RANGES_FULL;
		if (err == -ENOSPC)
			err = 0;
	}
	s->args->start = s->cursor;
	return err;
}

/*
 * Walk [s->first, s->end): the direct path when the file can be read raw,
 * else the page cache; also the page cache when a prefetch of the tree
 * failed once (rawio.c), with the data pages under it as failed first
 * reads, as the direct path hands over its failed windows.
 */
static int walk_range(struct vs_scrub *s)
{
	const unsigned long *failed = vs_meta_failed_pages(s);

	if (!failed && vs_direct_possible(s))
		return vs_scrub_direct(s);
	return vs_cachewalk_all(s, failed);
}

/**
 * vs_scrub_file() - scrub a verity file and report its bad ranges
 * @file: the file, open for reading, verity enabled
 * @args: ioctl arguments; out fields are written
 * @uranges: user array of @args->ranges_cap ranges
 *
 * Return: 0 (also when the range array filled: see OUT_RANGES_FULL),
 * -EINTR on a signal (args->start says where to resume), -EFAULT,
 * -ENOMEM, -EIO or -EUCLEAN when the descriptor cannot be read or used.
 */
int vs_scrub_file(struct file *file, struct verity_scrub_args *args,
		  struct verity_scrub_range __user *uranges)
{
	struct vs_scrub *s;
	int err;

	s = kzalloc(sizeof(*s), VS_GFP);
	if (!s)
		return -ENOMEM;
	s->uranges = uranges;
	err = vs_scrub_setup(s, file, args);
	if (!err) {
		if (s->first < s->end)
			err = walk_range(s);
		err = finish_call(s, err);
	}
	vs_scrub_teardown(s);
	kfree(s);
	return err;
}
