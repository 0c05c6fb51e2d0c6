// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - what one scrub call has done so far, shared by both walks:
 * the cursor and the marks to rewind to, the ranges reported into the
 * user's array (merged, with their counters), the retry time budgets and
 * the windows the call is walked in.  It calls no walk.
 */
#include <linux/jiffies.h>
#include <linux/uaccess.h>

#include "vs_private.h"

#define VS_RETRY_BUDGET		(2 * HZ)	/* retry time per window */

/**
 * vs_mark_here() - note in @m the point @pos and the counters there
 * @s: scrub
 * @m: the mark
 * @pos: byte offset; everything before it was checked
 */
void vs_mark_here(struct vs_scrub *s, struct vs_mark *m, u64 pos)
{
	m->pos = pos;
	m->verified = s->args->bytes_verified;
	m->retried = s->args->blocks_retried;
	m->skipped = s->args->bytes_skipped;
}

/* Go back to @m: the next call scrubs again from there. */
static void rewind_to_mark(struct vs_scrub *s, const struct vs_mark *m)
{
	s->cursor = m->pos;
	s->args->bytes_verified = m->verified;
	s->args->blocks_retried = m->retried;
	s->args->bytes_skipped = m->skipped;
}

/**
 * vs_checked_to() - everything before byte @pos is checked and reported
 * @s: scrub
 * @pos: the new cursor
 */
void vs_checked_to(struct vs_scrub *s, u64 pos)
{
	s->cursor = pos;
}

/**
 * vs_emit_range() - copy one merged range to the user's array
 * @s: scrub
 * @r: the range
 * @m: where the scrub rewinds to if the array is full: where the range's
 *	folio began
 *
 * Return: 0, -ENOSPC when the array is full (@s->full is set), -EFAULT.
 */
int vs_emit_range(struct vs_scrub *s, const struct verity_scrub_range *r,
		  const struct vs_mark *m)
{
	struct verity_scrub_args *a = s->args;

	if (a->ranges_count >= a->ranges_cap) {
		s->full = true;
		rewind_to_mark(s, m);
		return -ENOSPC;
	}
	if (copy_to_user(&s->uranges[a->ranges_count], r, sizeof(*r)))
		return -EFAULT;
	a->ranges_count++;
	a->kind_blocks[r->kind] += DIV_ROUND_UP(r->length, s->geom.block_size);
	if (r->flags & VERITY_SCRUB_RANGE_CACHED)
		a->bytes_cached += r->length;
	return 0;
}

/*
 * The flags of bad bytes [from, to) of kind @kind: whether a verified copy
 * is cached, looked up only for callers that know the flag.
 */
static u32 range_flags(struct vs_scrub *s, u64 from, u64 to, u32 kind)
{
	u32 size = s->args->size;
	bool cached = vs_range_flags(kind, true, size) &&
		      vs_pages_cached(s->mapping, from, to);

	return vs_range_flags(kind, cached, size);
}

/**
 * vs_report_range() - report bytes [@from, @to) as @v
 * @s: scrub; @s->folio_mark is the start of the folio being checked
 * @from: first byte
 * @to: end, exclusive
 * @v: the verdict
 *
 * Merged with the previous report; a range that is complete is emitted.
 *
 * Return: as vs_emit_range().
 */
int vs_report_range(struct vs_scrub *s, u64 from, u64 to,
		    const struct vs_verdict *v)
{
	struct verity_scrub_range r = {
		.offset = from, .length = to - from, .kind = v->kind,
		.detail = v->detail, .tree_level = v->level,
		.flags = range_flags(s, from, to, v->kind),
	};
	struct vs_mark open = s->range_mark;
	struct verity_scrub_range done;
	bool flushed = vs_acc_add(&s->acc, &r, &done);

	if (s->acc.cur.offset == r.offset)	/* @r opened a range */
		s->range_mark = s->folio_mark;
	return flushed ? vs_emit_range(s, &done, &open) : 0;
}

/**
 * vs_report_kind() - report bytes [@from, @to) as @kind, no detail
 * @s: scrub
 * @from: first byte
 * @to: end, exclusive
 * @kind: VERITY_SCRUB_KIND_*
 *
 * Return: as vs_emit_range().
 */
int vs_report_kind(struct vs_scrub *s, u64 from, u64 to, u32 kind)
{
	struct vs_verdict v = { .kind = kind };

	return vs_report_range(s, from, to, &v);
}

/**
 * vs_retry_window() - start the retry budget of a window
 * @s: scrub
 */
void vs_retry_window(struct vs_scrub *s)
{
	s->retry_window = 0;
}

/**
 * vs_retry_allowed() - is there retry budget left?
 * @s: scrub
 *
 * The budgets count only the time spent retrying (backoff and re-reads),
 * so that how many retries a failure gets does not depend on how fast the
 * rest of the scrub went.
 *
 * Return: true while this window spent less than VS_RETRY_BUDGET and the
 * call less than VS_CALL_BUDGET retrying.
 */
bool vs_retry_allowed(const struct vs_scrub *s)
{
	return s->retry_window < VS_RETRY_BUDGET &&
	       s->retry_call < VS_CALL_BUDGET;
}

/**
 * vs_retry_spent() - charge the time since @since to the retry budgets
 * @s: scrub
 * @since: jiffies when the retry began
 */
void vs_retry_spent(struct vs_scrub *s, unsigned long since)
{
	unsigned long spent = jiffies - since;

	s->retry_window += spent;
	s->retry_call += spent;
}

/**
 * vs_window_len() - pages of the window starting at page @w
 * @s: scrub
 * @w: first page of the window
 *
 * Return: up to VS_WINDOW_PAGES, clamped to the end of the scrub; 0 past it.
 */
unsigned long vs_window_len(const struct vs_scrub *s, pgoff_t w)
{
	pgoff_t last = (s->end - 1) >> PAGE_SHIFT;

	return w > last ? 0 : min_t(u64, VS_WINDOW_PAGES, last - w + 1);
}
