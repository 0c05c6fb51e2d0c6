// SPDX-License-Identifier: GPL-2.0
/*
 * scrub.c - the page-cache walk: read a window ahead in one large request
 * while the previous window is checked, wait for each folio, send failed
 * folios to classification, report ranges, drop the pages it read.  Pages
 * cached before are never evicted (other readers may map or pin them):
 * they are verified from their raw copies instead.  Only where the file
 * cannot be read raw are clean, unmapped, unpinned pages dropped first
 * (invalidate_mapping_pages()); what stays cached there is skipped.
 * Files the direct path (direct.c) can read go there; it sends back here
 * the pages it did not find clean.
 *
 * Transient: a folio whose first read failed (the readahead, or the
 * direct path's bio) and that then verifies was either hit by a transient
 * failure or collateral damage of a bad block read in the same request.
 * Adjacent such folios make a run.  If every folio of the run verifies,
 * the failure was transient: the run is TRANSIENT (its blocks count as
 * retried).  If a block of it fails for good, the others were collateral:
 * they count as verified, and only those that verified on a retry of
 * their own are TRANSIENT.
 *
 * Three ranges are involved, all in bytes of the file:
 *   [s->first, s->end)  the blocks to scrub (block aligned, clamped to EOF)
 *   [w, w + nr) pages    the window being checked; the next one is in flight
 *   s->cursor            everything before it has been checked and reported
 */
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vs_private.h"

#define VS_RETRY_BUDGET		(2 * HZ)	/* retry time per window */
#define VS_BACKOFF_MS		10		/* x attempt number */
#define VS_LOOKUP_TRIES		3

static bool keep_cache(const struct vs_scrub *s)
{
	return s->args->flags & VERITY_SCRUB_FLAG_KEEP_CACHE;
}

static void set_mark(struct vs_scrub *s, struct vs_mark *m, u64 pos)
{
	m->pos = pos;
	m->verified = s->args->bytes_verified;
	m->retried = s->args->blocks_retried;
	m->skipped = s->args->bytes_skipped;
}

/* Go back to @m: the next call scrubs again from there. */
static void rewind(struct vs_scrub *s, const struct vs_mark *m)
{
	s->cursor = m->pos;
	s->args->bytes_verified = m->verified;
	s->args->blocks_retried = m->retried;
	s->args->bytes_skipped = m->skipped;
}

/*
 * Copy one merged range to userspace.  -ENOSPC when the array is full:
 * the scrub then rewinds to @m, where the range's folio began.
 */
static int emit(struct vs_scrub *s, const struct verity_scrub_range *r,
		const struct vs_mark *m)
{
	struct verity_scrub_args *a = s->args;

	if (a->ranges_count >= a->ranges_cap) {
		s->full = true;
		rewind(s, m);
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

/* Report bytes [from, to) as @v; merged with the previous report. */
static int report(struct vs_scrub *s, u64 from, u64 to,
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
	return flushed ? emit(s, &done, &open) : 0;
}

static int report_kind(struct vs_scrub *s, u64 from, u64 to, u32 kind)
{
	struct vs_verdict v = { .kind = kind };

	return report(s, from, to, &v);
}

/* Report [from, to) TRANSIENT as found where the run began. */
static int report_run(struct vs_scrub *s, u64 from, u64 to)
{
	struct vs_mark here = s->folio_mark;
	int err;

	s->folio_mark = s->run.mark;
	err = report_kind(s, from, to, VERITY_SCRUB_KIND_TRANSIENT);
	s->folio_mark = here;
	return err;
}

static u64 blocks_of(const struct vs_scrub *s, u64 bytes)
{
	return DIV_ROUND_UP(bytes, s->geom.block_size);
}

/*
 * Folio [from, to) failed its first read and then verified: alone
 * (@retried false) or only on a retry.  It joins the run.
 */
static void run_open(struct vs_scrub *s, pgoff_t w, u64 from)
{
	struct vs_run *r = &s->run;

	r->open = true;
	r->broken = false;
	r->from = from;
	r->to = from;
	r->solo = 0;
	r->w = w;
	r->mark = s->folio_mark;
	bitmap_zero(r->retried, VS_WINDOW_PAGES);
}

static int run_add(struct vs_scrub *s, pgoff_t w, u64 from, u64 to,
		   bool retried)
{
	struct vs_run *r = &s->run;

	s->args->bytes_verified += to - from;
	if (!r->open)
		run_open(s, w, from);
	r->to = to;
	if (r->broken)
		return retried ? report_kind(s, from, to,
					     VERITY_SCRUB_KIND_TRANSIENT) : 0;
	if (retried)
		bitmap_set(r->retried, (from >> PAGE_SHIFT) - r->w,
			   DIV_ROUND_UP(to, PAGE_SIZE) - (from >> PAGE_SHIFT));
	else
		r->solo += blocks_of(s, to - from);
	return 0;
}

/*
 * Folio [from, to) failed for good (called before it is reported): the
 * folios of its run so far that verified alone were collateral, those
 * that verified on a retry are TRANSIENT; so are the next ones of the run.
 */
static int run_break(struct vs_scrub *s, pgoff_t w, u64 from, u64 to)
{
	struct vs_run *r = &s->run;
	unsigned long i = 0, j, n;
	int err;

	if (!r->open)
		run_open(s, w, from);
	r->to = max(r->to, to);
	if (r->broken)
		return 0;
	r->broken = true;
	n = DIV_ROUND_UP(r->to, PAGE_SIZE) - r->w;
	while ((i = find_next_bit(r->retried, n, i)) < n) {
		j = find_next_zero_bit(r->retried, n, i);
		err = report_run(s, max_t(u64, (u64)(r->w + i) << PAGE_SHIFT,
					  r->from),
				 min_t(u64, (u64)(r->w + j) << PAGE_SHIFT,
				       r->to));
		if (err)
			return err;
		i = j;
	}
	return 0;
}

/* The run ends: unbroken, it is TRANSIENT as a whole. */
static int run_end(struct vs_scrub *s)
{
	struct vs_run *r = &s->run;

	if (!r->open)
		return 0;
	r->open = false;
	if (r->broken)
		return 0;
	s->args->blocks_retried += r->solo;
	return report_run(s, r->from, r->to);
}

/*
 * Read folio @idx again, bypassing nothing but what failed: 1 if it is now
 * uptodate (verified by fs-verity), 0 if not, -EINTR on a fatal signal.
 */
static int reread_folio(struct vs_scrub *s, pgoff_t idx)
{
	struct folio *folio = vs_get_folio(s->mapping, idx);
	int err, ok;

	if (!folio) {
		folio = read_mapping_folio(s->mapping, idx, s->file);
		if (IS_ERR(folio))
			return 0;
		folio_put(folio);
		return 1;
	}
	if (folio_lock_killable(folio)) {
		folio_put(folio);
		return -EINTR;
	}
	if (folio->mapping != s->mapping || folio_test_uptodate(folio)) {
		ok = folio->mapping == s->mapping;
		folio_unlock(folio);
		folio_put(folio);
		return ok;
	}
	err = s->mapping->a_ops->read_folio(s->file, folio);
	if (!err)
		err = folio_wait_locked_killable(folio);
	ok = !err && folio_test_uptodate(folio);
	folio_put(folio);
	return err == -EINTR ? -EINTR : ok;
}

/*
 * Retry a failed folio with a short killable backoff, while the retry
 * budget lasts; *@tried says how many retries were made.  As
 * reread_folio().
 */
static int retry_folio(struct vs_scrub *s, pgoff_t idx, unsigned int *tried)
{
	unsigned long start;
	unsigned int i;
	int ret;

	*tried = 0;
	for (i = 1; i <= s->args->retries; i++) {
		if (!vs_retry_allowed(s)) {
			s->retries_cut = true;
			return 0;
		}
		*tried = i;
		start = jiffies;
		schedule_timeout_killable(msecs_to_jiffies(VS_BACKOFF_MS * i));
		ret = fatal_signal_pending(current) ? -EINTR :
						      reread_folio(s, idx);
		vs_retry_spent(s, start);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Classify blocks [from, to) one by one from their raw copies.  Good
 * blocks count as verified, except in the page spanning EOF when the
 * kernel refuses it (vs_tail_bad()).  With @cached (a folio that could not be
 * evicted) raw-impossible blocks count as skipped; otherwise, if nothing
 * is found wrong with a folio that failed, its blocks are UNKNOWN.
 */
static int classify_raw(struct vs_scrub *s, u64 from, u64 to, bool cached)
{
	u32 bs = s->geom.block_size;
	bool any_bad = false;
	struct vs_verdict v;
	u64 pos, next;
	int err;

	for (pos = from; pos < to; pos = next) {
		next = min(pos + bs, to);
		err = vs_classify_block(&s->walk, pos >> s->geom.log_blocksize,
					&v);
		if (err)
			return err;
		if (v.kind == VS_KIND_GOOD && vs_tail_bad(s, pos, next))
			v = (struct vs_verdict){
				.kind = VERITY_SCRUB_KIND_HASH_MISMATCH };
		if (v.kind == VS_KIND_GOOD) {
			s->args->bytes_verified += next - pos;
			continue;
		}
		if (cached && v.kind == VERITY_SCRUB_KIND_UNKNOWN) {
			s->args->bytes_skipped += next - pos;
			continue;
		}
		any_bad = true;
		err = report(s, pos, next, &v);
		if (err)
			return err;
	}
	if (any_bad || cached)
		return 0;
	s->args->bytes_verified -= to - from;
	return report_kind(s, from, to, VERITY_SCRUB_KIND_UNKNOWN);
}

/*
 * Folio @idx covering bytes [from, to) failed its page-cache read.  That
 * read may have been one large readahead bio failing because of another
 * block, so the folio is first read again on its own: only if that fails
 * too is it retried with backoff (success then means TRANSIENT) and
 * classified.  A folio under a corrupt tree block, or the page spanning EOF
 * with its blocks past EOF not zero, is classified at once.
 */
static int classify_failed(struct vs_scrub *s, pgoff_t w, pgoff_t idx,
			   u64 from, u64 to)
{
	bool known_bad = vs_walk_known_bad(&s->walk,
					   from >> s->geom.log_blocksize) ||
			 vs_tail_bad(s, from, to);
	unsigned int tried;
	int ret;

	if (!known_bad) {
		ret = reread_folio(s, idx);
		if (ret < 0)
			return ret;
		if (ret)
			return run_add(s, w, from, to, false);
	}
	if (s->args->flags & VERITY_SCRUB_FLAG_NO_CLASSIFY) {
		ret = run_break(s, w, from, to);
		return ret ?: report_kind(s, from, to,
					  VERITY_SCRUB_KIND_UNKNOWN);
	}
	if (!known_bad) {
		ret = retry_folio(s, idx, &tried);
		if (tried)
			s->args->blocks_retried += blocks_of(s, to - from);
		if (ret < 0)
			return ret;
		if (ret)
			return run_add(s, w, from, to, true);
	}
	ret = run_break(s, w, from, to);
	return ret ?: classify_raw(s, from, to, false);
}

/*
 * Wait for folio @idx to be read.  Return: 1 uptodate, 0 failed,
 * -EINTR.  *@folio_out is set to the folio, with a reference, or NULL if it
 * could not even be created (then it failed as one page).
 */
static int wait_folio(struct vs_scrub *s, pgoff_t idx, struct folio **out)
{
	struct folio *folio;
	int tries, ok;

	for (tries = 0; tries < VS_LOOKUP_TRIES; tries++) {
		folio = vs_get_folio(s->mapping, idx);
		if (!folio)
			break;
		if (folio_test_uptodate(folio))
			goto done;
		if (folio_lock_killable(folio)) {
			folio_put(folio);
			return -EINTR;
		}
		if (folio->mapping == s->mapping) {
			ok = folio_test_uptodate(folio);
			folio_unlock(folio);
			*out = folio;
			return ok;
		}
		folio_unlock(folio);	/* evicted by a racing scrub */
		folio_put(folio);
	}
	folio = read_mapping_folio(s->mapping, idx, s->file);
	if (IS_ERR(folio)) {
		*out = NULL;
		return 0;
	}
done:
	*out = folio;
	return 1;
}

static bool was_cached(const struct vs_scrub *s, unsigned int slot,
		       pgoff_t w, pgoff_t idx)
{
	return s->has_cached[slot] && test_bit(idx - w, s->cached[slot]);
}

static int count_verified(struct vs_scrub *s, u64 bytes)
{
	s->args->bytes_verified += bytes;
	return 0;
}

/* Whether the direct path's read of page @idx failed. */
static bool direct_failed(const struct vs_scrub *s, pgoff_t idx)
{
	return s->dfailed && test_bit(idx - s->dfailed_w, s->dfailed);
}

/* 1 if every block of [from, to) verifies from its raw copy, 0, -errno. */
static int raw_good(struct vs_scrub *s, u64 from, u64 to)
{
	struct vs_verdict v;
	u64 pos;
	int err;

	for (pos = from; pos < to; pos += s->geom.block_size) {
		err = vs_classify_block(&s->walk, pos >> s->geom.log_blocksize,
					&v);
		if (err)
			return err;
		if (v.kind != VS_KIND_GOOD)
			return 0;
	}
	return !vs_tail_bad(s, from, to);
}

/*
 * A folio that was cached before the scrub: checked from its raw copy.  If
 * the direct path failed to read it, it belongs to a run.
 */
static int check_cached(struct vs_scrub *s, pgoff_t w, u64 from, u64 to)
{
	int ret;

	if (!direct_failed(s, from >> PAGE_SHIFT))
		return run_end(s) ?: classify_raw(s, from, to, true);
	ret = raw_good(s, from, to);
	if (ret < 0)
		return ret;
	if (ret)
		return run_add(s, w, from, to, false);
	return run_break(s, w, from, to) ?: classify_raw(s, from, to, true);
}

/* Check the folio at *@idx and advance *@idx past it. */
static int check_folio(struct vs_scrub *s, unsigned int slot, pgoff_t w,
		       pgoff_t *idx)
{
	bool cached = was_cached(s, slot, w, *idx);
	struct folio *folio;
	u64 from, to;
	int ok, err;

	ok = wait_folio(s, *idx, &folio);
	if (ok < 0)
		return ok;
	from = (u64)*idx << PAGE_SHIFT;
	to = from + PAGE_SIZE;
	if (folio) {
		from = folio_pos(folio);
		to = from + folio_size(folio);
		folio_put(folio);
	}
	*idx = to >> PAGE_SHIFT;
	from = max(from, s->first);
	to = min(to, s->end);
	if (from >= to)
		return 0;
	set_mark(s, &s->folio_mark, from);
	s->args->bytes_read += cached ? 0 : to - from;
	if (!ok)
		err = classify_failed(s, w, from >> PAGE_SHIFT, from, to);
	else if (cached && !keep_cache(s))
		err = check_cached(s, w, from, to);
	else if (direct_failed(s, from >> PAGE_SHIFT))
		err = run_add(s, w, from, to, false);
	else
		err = run_end(s) ?: count_verified(s, to - from);
	if (!err)
		s->cursor = to;
	return err;
}

/* Note which pages of a window are cached before it is read ahead. */
static void note_cached(struct vs_scrub *s, unsigned int slot, pgoff_t w,
			unsigned long nr)
{
	unsigned long i;
	struct folio *folio;

	bitmap_zero(s->cached[slot], VS_WINDOW_PAGES);
	s->has_cached[slot] = false;
	for (i = 0; i < nr; i++) {
		folio = vs_get_folio(s->mapping, w + i);
		if (!folio)
			continue;
		if (folio_test_uptodate(folio)) {
			set_bit(i, s->cached[slot]);
			s->has_cached[slot] = true;
		}
		folio_put(folio);
	}
}

/*
 * Note which pages of window [w, w + nr) are cached and start reading the
 * others ahead as one request.
 */
static void start_window(struct vs_scrub *s, unsigned int slot, pgoff_t w,
			 unsigned long nr)
{
	DEFINE_READAHEAD(ractl, s->file, &s->ra, s->mapping, w);

	if (!s->raw && !keep_cache(s))
		invalidate_mapping_pages(s->mapping, w, w + nr - 1);
	note_cached(s, slot, w, nr);
	s->ra.ra_pages = nr;
	s->ra.prev_pos = (loff_t)w << PAGE_SHIFT;
	page_cache_sync_ra(&ractl, nr);
}

/* Drop the window's pages that were not cached before the scrub. */
static void drop_window(struct vs_scrub *s, unsigned int slot, pgoff_t w,
			unsigned long nr)
{
	unsigned long i = 0, j;

	if (!s->has_cached[slot]) {
		vs_drop_pages(s, w, nr);
		return;
	}
	while (i < nr) {
		i = find_next_zero_bit(s->cached[slot], nr, i);
		if (i >= nr)
			break;
		j = find_next_bit(s->cached[slot], nr, i);
		vs_drop_pages(s, w + i, j - i);
		i = j;
	}
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

static int check_window(struct vs_scrub *s, unsigned int slot, pgoff_t w,
			unsigned long nr)
{
	pgoff_t idx = w;
	int err;

	vs_retry_window(s);
	while (idx < w + nr) {
		err = check_folio(s, slot, w, &idx);
		if (err)
			return err;
		cond_resched();
	}
	return run_end(s);
}

/**
 * vs_scrub_cached() - scrub pages [w, w + nr) through the page cache
 * @s: scrub
 * @w: first page
 * @nr: number of pages, at most VS_WINDOW_PAGES
 * @failed: pages whose direct read failed (bit 0: page @failed_w)
 * @failed_w: see @failed
 *
 * The direct path sends here what it found not clean: read by the
 * filesystem and verified by fs-verity (cached pages from their raw
 * copies), failures classified, failed direct reads that now verify
 * judged transient or collateral.
 *
 * Return: as vs_scrub_file() while scrubbing.
 */
int vs_scrub_cached(struct vs_scrub *s, pgoff_t w, unsigned long nr,
		    const unsigned long *failed, pgoff_t failed_w)
{
	int err;

	s->dfailed = failed;
	s->dfailed_w = failed_w;
	start_window(s, 0, w, nr);
	err = check_window(s, 0, w, nr);
	drop_window(s, 0, w, nr);
	s->dfailed = NULL;
	return err;
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

/* Walk all windows; the next one is read ahead while one is checked. */
static int scrub_windows(struct vs_scrub *s)
{
	pgoff_t w = s->first >> PAGE_SHIFT;
	unsigned long nr = vs_window_len(s, w), next_nr;
	unsigned int slot = 0;
	int err = 0;

	if (nr)
		start_window(s, slot, w, nr);
	while (nr) {
		next_nr = vs_window_len(s, w + nr);
		if (next_nr)
			start_window(s, !slot, w + nr, next_nr);
		err = check_window(s, slot, w, nr);
		drop_window(s, slot, w, nr);
		if (!err && signal_pending(current))
			err = -EINTR;
		if (err) {
			if (next_nr)
				drop_window(s, !slot, w + nr, next_nr);
			break;
		}
		w += nr;
		nr = next_nr;
		slot = !slot;
	}
	return err;
}

/* Report the open range; the cursor moves back to it if it does not fit. */
static int finish(struct vs_scrub *s, int err)
{
	struct verity_scrub_range r;
	int ret = 0;

	if (!s->full && err != -EFAULT && vs_acc_flush(&s->acc, &r))
		ret = emit(s, &r, &s->range_mark);
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
			err = vs_direct_possible(s) ? vs_scrub_direct(s) :
						      scrub_windows(s);
		err = finish(s, err);
	}
	vs_scrub_teardown(s);
	kfree(s);
	return err;
}
