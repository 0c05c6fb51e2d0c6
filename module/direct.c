// SPDX-License-Identifier: GPL-2.0
/*
 * direct.c - the direct clean path: read the file in windows straight from
 * the block device (dwin.c), hash each window's blocks with the module's
 * own code, check them against the tree (tree.c).  A ring of windows is in
 * flight; a window is hashed while the one before it is compared and
 * accounted.  The page cache is not touched; pages not found clean here (a
 * failed bio, a block that does not match, a tree block that cannot be
 * used) go through the page-cache walk, which classifies them.
 *
 * The ring: win[] holds VS_DIRECT_DEPTH windows in file order.  While
 * check_slot() finishes slot k, all in pages of the file:
 *   [s->first, s->cursor)   checked and reported (s->cursor is moved by
 *                           account_window() and the page-cache walk)
 *   win[k]                  hashed (all its pages bad if a block could
 *                           not be mapped); being compared with the tree
 *                           and accounted, its bad pages handed to the
 *                           page-cache walk; idle (nr 0) afterwards
 *   win[k + 1]              read; being hashed by the helpers (the
 *                           caller joins in at the next check_slot())
 *   win[k + 2 .. k - 1]     reads in flight (win[k - 1] refilled by this
 *                           check_slot(), from @next)
 *   [next, s->end)          not read yet
 * A file of fewer windows has fewer slots (d->win[i] NULL past them).
 *
 * Hashing runs on the caller's CPUs at no more than the caller's priority
 * and is charged to its cgroups: the calling thread hashes, helped by
 * threads made to match it (hashpool.c) once the file spans a whole
 * window.
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "vs_private.h"

#define VS_HASH_BATCH	16	/* blocks a hashing job claims at a time */
/*
 * Windows in flight.  Under load the device may serve a window later than
 * the CPUs hash one; a deeper queue lets it catch up in bursts.
 */
#define VS_DIRECT_DEPTH	4

/**
 * struct vs_direct - state of the direct path of one scrub
 * @s: the scrub
 * @tree: the tree blocks on the path of the block being compared
 * @win: the windows, a ring in file order
 * @digests: two buffers of block hashes: the window being hashed and the
 *	one being compared
 * @flip: which buffer the next window hashed uses
 * @hashing: the window being hashed, or NULL
 * @claimed: blocks of it claimed so far, by the caller and the helpers
 * @bad: pages of the window being accounted left to the page-cache walk
 * @pool: the helpers, started with the first whole window (then @pool.fn
 *	is set)
 */
struct vs_direct {
	struct vs_scrub *s;
	struct vs_tree_cursor tree;
	struct vs_dwin *win[VS_DIRECT_DEPTH];
	u8 *digests[2];
	unsigned int flip;
	struct vs_dwin *hashing;
	atomic_t claimed;
	DECLARE_BITMAP(bad, VS_WINDOW_PAGES);
	struct vs_pool pool;
};

static int hash_batch(struct vs_direct *d, struct vs_dwin *dw,
		      unsigned int first, unsigned int end)
{
	const struct vs_geom *g = &d->s->geom;
	unsigned int per_page = PAGE_SIZE >> g->log_blocksize;
	unsigned int i, p = dw->base - (u64)dw->w * per_page + first;
	void *kaddr;
	int err;

	for (i = first; i < end; i++, p++) {
		kaddr = kmap_local_page(dw->pages[p / per_page]);
		err = vs_hash_block(&d->s->hasher,
				    kaddr + (p % per_page) * g->block_size,
				    g->block_size,
				    dw->digests + (size_t)i * g->digest_size);
		kunmap_local(kaddr);
		if (err)
			return err;
	}
	return 0;
}

/* Hash batches of window @dw until none is left to claim. */
static int hash_claim(struct vs_direct *d, struct vs_dwin *dw)
{
	unsigned int first;
	int err;

	for (;;) {
		first = atomic_fetch_add(VS_HASH_BATCH, &d->claimed);
		if (first >= dw->count)
			return 0;
		err = hash_batch(d, dw, first,
				 min(first + VS_HASH_BATCH, dw->count));
		if (err)
			return err;
		cond_resched();
	}
}

static int hash_help(void *arg)
{
	struct vs_direct *d = arg;

	return hash_claim(d, d->hashing);
}

/*
 * Finish hashing the window being hashed, the caller taking its share
 * (none if @help is false), and wait for the helpers: nothing is hashed
 * after this.
 */
static int hash_wait(struct vs_direct *d, bool help)
{
	int err = 0;

	if (!d->hashing)
		return 0;
	if (help)
		err = hash_claim(d, d->hashing);
	else
		atomic_set(&d->claimed, INT_MAX);
	err = vs_pool_wait(&d->pool) ?: err;
	d->hashing = NULL;
	return err;
}

/*
 * Wait for window @dw to be read, then start hashing it on the helpers
 * unless a block could not be mapped (pages of failed bios are hashed
 * too, and marked bad in check_slot()); the caller joins in hash_wait().
 * The helpers must be idle (hash_wait()).  They are started with the
 * first whole window: a smaller file is hashed by the caller alone.
 */
static void start_hashing(struct vs_direct *d, struct vs_dwin *dw)
{
	struct vs_scrub *s = d->s;
	u32 lbs = s->geom.log_blocksize;
	u64 from = max_t(u64, (u64)dw->w << PAGE_SHIFT, s->first);
	u64 to = min_t(u64, (u64)(dw->w + dw->nr) << PAGE_SHIFT, s->end);

	vs_dwin_wait(dw);
	dw->hashed = !dw->unmapped;
	if (!dw->hashed)
		return;
	dw->base = from >> lbs;
	dw->count = ((to - 1) >> lbs) - dw->base + 1;
	dw->digests = d->digests[d->flip];
	d->flip ^= 1;
	atomic_set(&d->claimed, 0);
	d->hashing = dw;
	if (!d->pool.fn && dw->nr == VS_WINDOW_PAGES)
		vs_pool_start(&d->pool, hash_help, d);
	vs_pool_run(&d->pool);
}

/* Mark the pages of window @dw holding data blocks [blk, blk + count). */
static void mark_bad(struct vs_direct *d, struct vs_dwin *dw, u64 blk,
		     u64 count)
{
	unsigned int shift = PAGE_SHIFT - d->s->geom.log_blocksize;
	pgoff_t first = blk >> shift, last = (blk + count - 1) >> shift;

	first = max(first, dw->w);
	last = min(last, dw->w + dw->nr - 1);
	if (first <= last)
		bitmap_set(d->bad, first - dw->w, last - first + 1);
}

/*
 * Check the hashes of window @dw against the tree.  A tree block that
 * cannot be used marks all the blocks it covers; blocks past EOF that are
 * not zero mark the page spanning EOF.
 */
static void compare_with_tree(struct vs_direct *d, struct vs_dwin *dw)
{
	const struct vs_geom *g = &d->s->geom;
	u64 blk, first, n, end = dw->base + dw->count;
	const u8 *want;

	for (blk = dw->base; blk < end; blk++) {
		if (vs_tree_want(&d->tree, blk, &want)) {
			vs_geom_covered(g, 0, blk, &first, &n);
			mark_bad(d, dw, blk, first + n - blk);
			blk = first + n - 1;
			continue;
		}
		if (memcmp(want, dw->digests + (blk - dw->base) * g->digest_size,
			   g->digest_size))
			mark_bad(d, dw, blk, 1);
	}
	if (vs_tail_bad(d->s, dw->base << g->log_blocksize,
			end << g->log_blocksize))
		mark_bad(d, dw, g->data_blocks - 1, 1);
}

/*
 * Account the clean pages of window @dw and send the runs of bad pages to
 * the page-cache walk, in file order.
 */
static int account_window(struct vs_direct *d, struct vs_dwin *dw)
{
	struct vs_scrub *s = d->s;
	unsigned long i = 0, j;
	u64 from, to;
	int err;

	while (i < dw->nr) {
		bool bad = test_bit(i, d->bad);

		j = bad ? find_next_zero_bit(d->bad, dw->nr, i) :
			  find_next_bit(d->bad, dw->nr, i);
		if (bad) {
			err = vs_cachewalk_pages(s, dw->w + i, j - i,
						 dw->failed_pages, dw->w);
			if (err)
				return err;
		} else {
			from = max_t(u64, (u64)(dw->w + i) << PAGE_SHIFT,
				     s->first);
			to = min_t(u64, (u64)(dw->w + j) << PAGE_SHIFT, s->end);
			if (from < to) {
				s->args->bytes_verified += to - from;
				vs_checked_to(s, to);
			}
		}
		i = j;
	}
	return 0;
}

/*
 * Read the next window of the file into @slot if that slot is idle.  The
 * window of a scrub that has only one (direct_setup() allocated one) is
 * lazy: it is waited for at once.
 */
static void refill(struct vs_direct *d, unsigned int slot, pgoff_t *next)
{
	struct vs_dwin *dw = d->win[slot];
	unsigned long nr;

	if (!dw || dw->nr)
		return;
	nr = vs_window_len(d->s, *next);
	if (nr) {
		d->s->args->bytes_read += vs_dwin_start(dw, d->s->inode,
							d->s->raw, *next, nr,
							!d->win[1]);
		*next += nr;
	}
}

/*
 * Finish the window in @slot, being hashed (or failed): once its hashes
 * are in, start hashing the next window, refill the slot before it (idle
 * since the last call), compare with the tree, account the window.  The
 * slot is idle afterwards.
 */
static int check_slot(struct vs_direct *d, unsigned int slot, pgoff_t *next)
{
	struct vs_dwin *dw = d->win[slot];
	struct vs_dwin *nx = d->win[(slot + 1) % VS_DIRECT_DEPTH];
	int err = 0;

	if (dw->hashed)
		err = hash_wait(d, true);
	if (!err && nx && nx->nr)
		start_hashing(d, nx);
	refill(d, (slot + VS_DIRECT_DEPTH - 1) % VS_DIRECT_DEPTH, next);
	if (err)
		return err;
	bitmap_zero(d->bad, VS_WINDOW_PAGES);
	if (dw->hashed) {
		compare_with_tree(d, dw);
		bitmap_or(d->bad, d->bad, dw->failed_pages, dw->nr);
	} else {
		bitmap_set(d->bad, 0, dw->nr);
	}
	err = account_window(d, dw);
	dw->nr = 0;
	return err;
}

static int direct_setup(struct vs_direct *d, struct vs_scrub *s)
{
	u64 pages = ((s->end - 1) >> PAGE_SHIFT) - (s->first >> PAGE_SHIFT) + 1;
	unsigned int per_page = PAGE_SIZE >> s->geom.log_blocksize;
	unsigned int i, win = min_t(u64, pages, VS_WINDOW_PAGES);

	d->s = s;
	s->tree_ra = VS_TREE_RA_PAGES;
	if (vs_tree_init(&d->tree, &s->geom, &s->hasher, s->desc->root_hash,
			 &vs_raw_ops, s))
		return -ENOMEM;
	/* windows, and the hashes of one, as large as the file needs */
	for (i = 0; i < 2; i++) {
		d->digests[i] = kvmalloc_array(win * per_page,
					       s->geom.digest_size, VS_GFP);
		if (!d->digests[i])
			return -ENOMEM;
	}
	for (i = 0; i < VS_DIRECT_DEPTH; i++) {
		if ((u64)i * VS_WINDOW_PAGES >= pages)
			break;
		d->win[i] = vs_dwin_alloc(win, s->inode->i_blkbits);
		if (!d->win[i])
			return -ENOMEM;
	}
	return 0;
}

/*
 * Stop hashing and the helpers, wait for every read still in flight, free
 * the windows.
 */
static void direct_teardown(struct vs_direct *d)
{
	unsigned int i;

	hash_wait(d, false);
	vs_pool_stop(&d->pool);
	for (i = 0; i < VS_DIRECT_DEPTH; i++) {
		if (d->win[i])
			vs_dwin_wait(d->win[i]);
		vs_dwin_free(d->win[i]);
	}
	kvfree(d->digests[0]);
	kvfree(d->digests[1]);
	vs_tree_destroy(&d->tree);
}

/**
 * vs_scrub_direct() - scrub [s->first, s->end) through the direct path
 * @s: scrub, set up; vs_direct_possible() is true
 *
 * Return: 0, -EINTR (s->cursor says where to resume), -ENOSPC when the
 * range array filled, -EFAULT, -ENOMEM.
 */
int vs_scrub_direct(struct vs_scrub *s)
{
	struct vs_direct *d = kzalloc(sizeof(*d), VS_GFP);
	pgoff_t next = s->first >> PAGE_SHIFT;
	unsigned int slot;
	int err;

	if (!d)
		return -ENOMEM;
	err = direct_setup(d, s);
	if (err)
		goto out;
	s->args->out_flags |= VERITY_SCRUB_OUT_DIRECT;
	for (slot = 0; slot < VS_DIRECT_DEPTH; slot++)
		refill(d, slot, &next);
	start_hashing(d, d->win[0]);
	for (slot = 0; !err && d->win[slot] && d->win[slot]->nr;
	     slot = (slot + 1) % VS_DIRECT_DEPTH) {
		vs_retry_window(s);
		err = check_slot(d, slot, &next);
		if (!err && signal_pending(current))
			err = -EINTR;
	}
out:
	direct_teardown(d);
	kfree(d);
	return err;
}
