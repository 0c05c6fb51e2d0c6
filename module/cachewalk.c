// SPDX-License-Identifier: GPL-2.0
/*
 * cachewalk.c - the page-cache walk: read a window ahead in one large request
 * while the previous window is checked, wait for each folio, send failed
 * folios to classification, report ranges, drop the pages it read.  Pages
 * cached before are never evicted (other readers may map or pin them):
 * they are verified from their raw copies instead.  Only where the file
 * cannot be read raw are clean, unmapped, unpinned pages dropped first
 * (invalidate_mapping_pages()); what stays cached there is skipped.
 * Files the direct path (direct.c) can read go there; it sends here only
 * the pages it did not find clean (vs_cachewalk_pages()).  Its state is
 * s->cw (struct vs_cachewalk): no other file reads or writes it.
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
 *                        (moved by vs_checked_to() after each folio)
 *
 * The two slots of s->cw.cached double-buffer the window being checked
 * and the one read ahead; a hand-over of the direct path uses slot 0.
 */
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>

#include "vs_private.h"

#define VS_BACKOFF_MS		10		/* x attempt number */
#define VS_LOOKUP_TRIES		3

static bool keep_cache(const struct vs_scrub *s)
{
	return s->args->flags & VERITY_SCRUB_FLAG_KEEP_CACHE;
}

/* Report [from, to) TRANSIENT as found where the run began. */
static int report_run(struct vs_scrub *s, u64 from, u64 to)
{
	struct vs_mark here = s->folio_mark;
	int err;

	s->folio_mark = s->cw.run.mark;
	err = vs_report_kind(s, from, to, VERITY_SCRUB_KIND_TRANSIENT);
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
	struct vs_run *r = &s->cw.run;

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
	struct vs_run *r = &s->cw.run;

	s->args->bytes_verified += to - from;
	if (!r->open)
		run_open(s, w, from);
	r->to = to;
	if (r->broken)
		return retried ? vs_report_kind(s, from, to,
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
	struct vs_run *r = &s->cw.run;
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
	struct vs_run *r = &s->cw.run;

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
		err = vs_report_range(s, pos, next, &v);
		if (err)
			return err;
	}
	if (any_bad || cached)
		return 0;
	s->args->bytes_verified -= to - from;
	return vs_report_kind(s, from, to, VERITY_SCRUB_KIND_UNKNOWN);
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
		return ret ?: vs_report_kind(s, from, to,
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
	return s->cw.has_cached[slot] && test_bit(idx - w, s->cw.cached[slot]);
}

static int count_verified(struct vs_scrub *s, u64 bytes)
{
	s->args->bytes_verified += bytes;
	return 0;
}

/* Whether the direct path's read of page @idx failed. */
static bool direct_failed(const struct vs_scrub *s, pgoff_t idx)
{
	return s->cw.dfailed && test_bit(idx - s->cw.dfailed_w, s->cw.dfailed);
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
	vs_mark_here(s, &s->folio_mark, from);
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
		vs_checked_to(s, to);
	return err;
}

/* Note which pages of a window are cached before it is read ahead. */
static void note_cached(struct vs_scrub *s, unsigned int slot, pgoff_t w,
			unsigned long nr)
{
	unsigned long i;
	struct folio *folio;

	bitmap_zero(s->cw.cached[slot], VS_WINDOW_PAGES);
	s->cw.has_cached[slot] = false;
	for (i = 0; i < nr; i++) {
		folio = vs_get_folio(s->mapping, w + i);
		if (!folio)
			continue;
		if (folio_test_uptodate(folio)) {
			set_bit(i, s->cw.cached[slot]);
			s->cw.has_cached[slot] = true;
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
	DEFINE_READAHEAD(ractl, s->file, &s->cw.ra, s->mapping, w);

	if (!s->raw && !keep_cache(s))
		invalidate_mapping_pages(s->mapping, w, w + nr - 1);
	note_cached(s, slot, w, nr);
	s->cw.ra.ra_pages = nr;
	s->cw.ra.prev_pos = (loff_t)w << PAGE_SHIFT;
	page_cache_sync_ra(&ractl, nr);
}

/* Drop the window's pages that were not cached before the scrub. */
static void drop_window(struct vs_scrub *s, unsigned int slot, pgoff_t w,
			unsigned long nr)
{
	unsigned long i = 0, j;

	if (!s->cw.has_cached[slot]) {
		vs_drop_pages(s, w, nr);
		return;
	}
	while (i < nr) {
		i = find_next_zero_bit(s->cw.cached[slot], nr, i);
		if (i >= nr)
			break;
		j = find_next_bit(s->cw.cached[slot], nr, i);
		vs_drop_pages(s, w + i, j - i);
		i = j;
	}
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
 * vs_cachewalk_pages() - scrub pages [w, w + nr) through the page cache
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
 * Return: 0, -EINTR on a signal (s->cursor says where to resume), -ENOSPC
 * when the range array filled, -EFAULT, or the error of a classification
 * (vs_classify_block()).
 */
int vs_cachewalk_pages(struct vs_scrub *s, pgoff_t w, unsigned long nr,
		       const unsigned long *failed, pgoff_t failed_w)
{
	int err;

	s->cw.dfailed = failed;
	s->cw.dfailed_w = failed_w;
	start_window(s, 0, w, nr);
	err = check_window(s, 0, w, nr);
	drop_window(s, 0, w, nr);
	s->cw.dfailed = NULL;
	return err;
}

/**
 * vs_cachewalk_all() - scrub [s->first, s->end) through the page cache
 * @s: scrub, set up
 * @failed: pages whose first read failed (bit 0: page 0), or NULL; set
 *	only for a file of one window (vs_meta_failed_pages())
 *
 * Walk all windows; the next one is read ahead while one is checked.
 *
 * Return: 0, -EINTR on a signal (s->cursor says where to resume), -ENOSPC
 * when the range array filled, -EFAULT, or the error of a classification
 * (vs_classify_block()).
 */
int vs_cachewalk_all(struct vs_scrub *s, const unsigned long *failed)
{
	pgoff_t w = s->first >> PAGE_SHIFT;
	unsigned long nr = vs_window_len(s, w), next_nr;
	unsigned int slot = 0;
	int err = 0;

	s->cw.dfailed = failed;
	s->cw.dfailed_w = 0;
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
	s->cw.dfailed = NULL;
	return err;
}

