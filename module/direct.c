// SPDX-License-Identifier: GPL-2.0
/*
 * direct.c - the direct clean path: read a window of the file straight
 * from the block device in large bios of our own (bmap()), hash its blocks
 * on every CPU with the module's own code, and check them against the
 * tree.  The next window is in flight while one is hashed.  The page
 * cache is left alone; pages of a window that are not clean here (a
 * failed bio, a block that does not match, a tree block that cannot be
 * used) go through the page-cache walk, which classifies them.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/fscrypt.h>
#include <linux/highmem.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "vs_private.h"

#define VS_MAX_HASHERS	8
#define VS_HASH_BATCH	16	/* blocks a hashing job claims at a time */
/*
 * Windows in flight.  Under load the device may serve a window later than
 * the CPUs hash one; a deeper queue lets it catch up in bursts.
 */
#define VS_DIRECT_DEPTH	4

/**
 * struct vs_dwin - one window's buffer and the bios reading it
 * @ref: the scrub's reference plus one per bio in flight; the last one
 *	frees the window, so a killed scrub does not wait for its bios
 * @pending: bios in flight, plus one while they are being submitted
 * @done: completed when @pending drops to zero
 * @failed: some bio failed
 * @unmapped: some block could not be mapped: nothing was read
 * @w: first page of the window (page index in the file)
 * @nr: number of pages; 0 when the window is not in use
 * @pages: VS_WINDOW_PAGES pages, allocated once
 */
struct vs_dwin {
	refcount_t ref;
	atomic_t pending;
	struct completion done;
	bool failed;
	bool unmapped;
	pgoff_t w;
	unsigned long nr;
	struct page *pages[VS_WINDOW_PAGES];
};

/**
 * struct vs_hash_job - one CPU hashing a window's blocks, claimed in
 *	batches so that no CPU waits for another
 * @work: queued on vs_hash_wq, on the job's CPU
 * @d: the scrub's direct state
 * @err: 0 or the hashing error
 */
struct vs_hash_job {
	struct work_struct work;
	struct vs_direct *d;
	int err;
};

/**
 * struct vs_direct - state of the direct path of one scrub
 * @s: the scrub
 * @win: the window being checked and those in flight, a ring
 * @digests: hash of each block of the window being checked
 * @cur: that window
 * @base: its first block (file block index)
 * @count: number of its blocks to hash
 * @claimed: blocks of it claimed by the hashing jobs so far
 * @bad: pages of that window left to the page-cache walk
 * @tree: the tree blocks on the path of the block being checked
 * @jobs: hashing jobs, one per CPU
 * @nr_jobs: number of jobs used
 */
struct vs_direct {
	struct vs_scrub *s;
	struct vs_tree_cursor tree;
	struct vs_dwin *win[VS_DIRECT_DEPTH];
	u8 *digests;
	struct vs_dwin *cur;
	u64 base;
	unsigned int count;
	atomic_t claimed;
	DECLARE_BITMAP(bad, VS_WINDOW_PAGES);
	struct vs_hash_job jobs[VS_MAX_HASHERS];
	unsigned int nr_jobs;
};

static struct workqueue_struct *vs_hash_wq;

static void dwin_free(struct vs_dwin *dw)
{
	unsigned int i;

	for (i = 0; i < VS_WINDOW_PAGES; i++)
		if (dw->pages[i])
			__free_page(dw->pages[i]);
	kfree(dw);
}

static void dwin_put(struct vs_dwin *dw)
{
	if (dw && refcount_dec_and_test(&dw->ref))
		dwin_free(dw);
}

static struct vs_dwin *dwin_alloc(unsigned long nr_pages)
{
	struct vs_dwin *dw = kzalloc(sizeof(*dw), GFP_KERNEL);
	unsigned long i;

	if (!dw)
		return NULL;
	refcount_set(&dw->ref, 1);
	init_completion(&dw->done);
	for (i = 0; i < nr_pages; i++) {
		dw->pages[i] = alloc_page(GFP_KERNEL);
		if (!dw->pages[i]) {
			dwin_free(dw);
			return NULL;
		}
	}
	return dw;
}

static void dwin_end_io(struct bio *bio)
{
	struct vs_dwin *dw = bio->bi_private;

	if (bio->bi_status)
		WRITE_ONCE(dw->failed, true);
	bio_put(bio);
	if (atomic_dec_and_test(&dw->pending))
		complete(&dw->done);
	dwin_put(dw);
}

static void dwin_submit_bio(struct vs_dwin *dw, struct bio *bio)
{
	refcount_inc(&dw->ref);
	atomic_inc(&dw->pending);
	bio->bi_private = dw;
	bio->bi_end_io = dwin_end_io;
	submit_bio(bio);
}

/**
 * struct vs_bio_build - building the bios of one window
 * @dw: the window
 * @bdev: the filesystem's device
 * @bio: the bio being filled, or NULL
 * @next: the device block that would extend @bio
 * @blkbits: log2 of the filesystem block size
 */
struct vs_bio_build {
	struct vs_dwin *dw;
	struct block_device *bdev;
	struct bio *bio;
	sector_t next;
	unsigned int blkbits;
};

/*
 * Add filesystem block @phys to the bio being built, or submit that bio
 * and start another when @phys does not follow on the device or the bio
 * is full.
 */
static void add_block(struct vs_bio_build *b, sector_t phys,
		      struct page *page, unsigned int off,
		      unsigned long pages_left)
{
	unsigned int len = 1U << b->blkbits;

	if (b->bio && (phys != b->next ||
		       bio_add_page(b->bio, page, len, off) != len)) {
		dwin_submit_bio(b->dw, b->bio);
		b->bio = NULL;
	}
	if (!b->bio) {
		b->bio = bio_alloc(b->bdev, min_t(unsigned long, pages_left,
						  BIO_MAX_VECS),
				   REQ_OP_READ, GFP_KERNEL);
		b->bio->bi_iter.bi_sector = phys << (b->blkbits - SECTOR_SHIFT);
		__bio_add_page(b->bio, page, len, off);
	}
	b->next = phys + 1;
}

/*
 * Map every filesystem block of pages [w, w + nr) and read them in as few
 * bios as the layout allows.  Blocks past EOF are zeroes.  If a block
 * cannot be mapped, nothing is read and the window is marked unmapped.
 */
static void start_dwin(struct vs_direct *d, struct vs_dwin *dw, pgoff_t w,
		       unsigned long nr)
{
	struct inode *inode = d->s->inode;
	struct vs_bio_build b = {
		.dw = dw, .bdev = inode->i_sb->s_bdev,
		.blkbits = inode->i_blkbits,
	};
	unsigned int off, bs = i_blocksize(inode);
	u64 pos, size = i_size_read(inode);
	unsigned long i;
	sector_t phys;

	dw->w = w;
	dw->nr = nr;
	dw->failed = false;
	dw->unmapped = false;
	atomic_set(&dw->pending, 1);
	reinit_completion(&dw->done);
	for (i = 0; i < nr && !dw->unmapped; i++) {
		for (off = 0; off < PAGE_SIZE; off += bs) {
			pos = ((u64)(w + i) << PAGE_SHIFT) + off;
			if (pos >= size) {
				zero_user_segment(dw->pages[i], off, PAGE_SIZE);
				break;
			}
			if (vs_map_block(inode, pos, &phys)) {
				dw->unmapped = true;
				break;
			}
			add_block(&b, phys, dw->pages[i], off, nr - i);
		}
	}
	if (b.bio)
		dwin_submit_bio(dw, b.bio);
	if (atomic_dec_and_test(&dw->pending))
		complete(&dw->done);
	if (!dw->unmapped)
		d->s->args->bytes_read += min_t(u64, (u64)nr << PAGE_SHIFT,
						size - ((u64)w << PAGE_SHIFT));
}

/*
 * fs-verity hashes the last block with zeroes past EOF, whatever the disk
 * holds there.
 */
static void zero_tail(struct vs_dwin *dw, u64 size)
{
	pgoff_t p = size >> PAGE_SHIFT;

	if (offset_in_page(size) && p >= dw->w && p < dw->w + dw->nr)
		zero_user_segment(dw->pages[p - dw->w], offset_in_page(size),
				  PAGE_SIZE);
}

static int hash_batch(struct vs_direct *d, unsigned int first,
		      unsigned int end)
{
	const struct vs_geom *g = &d->s->geom;
	unsigned int per_page = PAGE_SIZE >> g->log_blocksize;
	unsigned int i, p = d->base - (u64)d->cur->w * per_page + first;
	void *kaddr;
	int err;

	for (i = first; i < end; i++, p++) {
		kaddr = kmap_local_page(d->cur->pages[p / per_page]);
		err = vs_hash_block(&d->s->hasher,
				    kaddr + (p % per_page) * g->block_size,
				    g->block_size,
				    d->digests + (size_t)i * g->digest_size);
		kunmap_local(kaddr);
		if (err)
			return err;
	}
	return 0;
}

static void hash_work(struct work_struct *work)
{
	struct vs_hash_job *job = container_of(work, struct vs_hash_job, work);
	struct vs_direct *d = job->d;
	unsigned int first;

	for (;;) {
		first = atomic_fetch_add(VS_HASH_BATCH, &d->claimed);
		if (first >= d->count)
			break;
		job->err = hash_batch(d, first,
				      min(first + VS_HASH_BATCH, d->count));
		if (job->err)
			break;
		cond_resched();
	}
}

/* Start hashing the blocks of window @dw on every CPU. */
static void hash_start(struct vs_direct *d, struct vs_dwin *dw, u64 base,
		       unsigned int count)
{
	unsigned int i = 0;
	int cpu;

	d->cur = dw;
	d->base = base;
	d->count = count;
	atomic_set(&d->claimed, 0);
	for_each_online_cpu(cpu) {
		if (i == d->nr_jobs)
			break;
		d->jobs[i].err = 0;
		queue_work_on(cpu, vs_hash_wq, &d->jobs[i++].work);
	}
}

static int hash_wait(struct vs_direct *d)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < d->nr_jobs; i++) {
		flush_work(&d->jobs[i].work);
		err = err ?: d->jobs[i].err;
	}
	return err;
}

/* Mark the pages holding data blocks [blk, blk + count) of the window bad. */
static void mark_bad(struct vs_direct *d, u64 blk, u64 count)
{
	unsigned int shift = PAGE_SHIFT - d->s->geom.log_blocksize;
	pgoff_t first = blk >> shift, last = (blk + count - 1) >> shift;

	first = max(first, d->cur->w);
	last = min(last, d->cur->w + d->cur->nr - 1);
	if (first <= last)
		bitmap_set(d->bad, first - d->cur->w, last - first + 1);
}

/*
 * Check the hashes of blocks [d->base, d->base + count) against the tree.
 * A tree block that cannot be used marks all the blocks it covers.
 */
static int compare_blocks(struct vs_direct *d, unsigned int count)
{
	const struct vs_geom *g = &d->s->geom;
	u64 blk, end = d->base + count;
	const u8 *want;
	int err;

	for (blk = d->base; blk < end; blk++) {
		err = vs_tree_want(&d->tree, blk, &want);
		if (err == -EINTR)
			return err;
		if (err) {
			u64 first, n;

			vs_geom_covered(g, 0, blk, &first, &n);
			mark_bad(d, blk, first + n - blk);
			blk = first + n - 1;
			continue;
		}
		if (memcmp(want, d->digests + (blk - d->base) * g->digest_size,
			   g->digest_size))
			mark_bad(d, blk, 1);
	}
	return 0;
}

/*
 * Account the clean pages of the window and send the runs of bad pages to
 * the page-cache walk, in file order.
 */
static int settle(struct vs_direct *d)
{
	struct vs_scrub *s = d->s;
	struct vs_dwin *dw = d->cur;
	unsigned long i = 0, j;
	u64 from, to;
	int err;

	while (i < dw->nr) {
		bool bad = test_bit(i, d->bad);

		j = bad ? find_next_zero_bit(d->bad, dw->nr, i) :
			  find_next_bit(d->bad, dw->nr, i);
		if (bad) {
			err = vs_scrub_cached(s, dw->w + i, j - i);
			if (err)
				return err;
		} else {
			from = max_t(u64, (u64)(dw->w + i) << PAGE_SHIFT,
				     s->first);
			to = min_t(u64, (u64)(dw->w + j) << PAGE_SHIFT, s->end);
			if (from < to) {
				s->args->bytes_verified += to - from;
				s->cursor = to;
			}
		}
		i = j;
	}
	return 0;
}

static unsigned long window_len(const struct vs_scrub *s, pgoff_t w);

/* Read the next window of the file into @slot if it is free. */
static void refill(struct vs_direct *d, unsigned int slot, pgoff_t *next)
{
	struct vs_dwin *dw = d->win[slot];
	unsigned long nr;

	if (!dw || dw->nr)
		return;
	nr = window_len(d->s, *next);
	if (nr) {
		start_dwin(d, dw, *next, nr);
		*next += nr;
	}
}

/*
 * Check the window in @slot: wait for its bios; hash it on every CPU
 * while the window before it, settled already, is refilled with the next
 * one to read; compare with the tree; settle it.
 */
static int check_dwin(struct vs_direct *d, unsigned int slot, pgoff_t *next)
{
	struct vs_scrub *s = d->s;
	struct vs_dwin *dw = d->win[slot];
	u32 lbs = s->geom.log_blocksize;
	u64 from = max_t(u64, (u64)dw->w << PAGE_SHIFT, s->first);
	u64 to = min_t(u64, (u64)(dw->w + dw->nr) << PAGE_SHIFT, s->end);
	unsigned int count = ((to - 1) >> lbs) - (from >> lbs) + 1;
	bool failed;
	int err;

	if (wait_for_completion_killable(&dw->done))
		return -EINTR;
	zero_tail(dw, s->geom.data_size);
	d->cur = dw;
	bitmap_zero(d->bad, VS_WINDOW_PAGES);
	failed = dw->unmapped || READ_ONCE(dw->failed);
	if (!failed)
		hash_start(d, dw, from >> lbs, count);
	refill(d, (slot + VS_DIRECT_DEPTH - 1) % VS_DIRECT_DEPTH, next);
	if (failed) {
		bitmap_set(d->bad, 0, dw->nr);
		return settle(d);
	}
	err = hash_wait(d);
	if (!err)
		err = compare_blocks(d, count);
	if (!err)
		err = settle(d);
	return err;
}

static unsigned long window_len(const struct vs_scrub *s, pgoff_t w)
{
	pgoff_t last = (s->end - 1) >> PAGE_SHIFT;

	return w > last ? 0 : min_t(u64, VS_WINDOW_PAGES, last - w + 1);
}

static int direct_setup(struct vs_direct *d, struct vs_scrub *s)
{
	u64 pages = ((s->end - 1) >> PAGE_SHIFT) - (s->first >> PAGE_SHIFT) + 1;
	unsigned int per_page = PAGE_SIZE >> s->geom.log_blocksize;
	unsigned int i;

	d->s = s;
	if (vs_tree_init(&d->tree, &s->geom, &s->hasher, s->desc->root_hash,
			 &vs_raw_ops, s))
		return -ENOMEM;
	s->tree_ra = VS_TREE_RA_PAGES;
	d->nr_jobs = clamp(num_online_cpus(), 1U, (unsigned int)VS_MAX_HASHERS);
	for (i = 0; i < d->nr_jobs; i++) {
		INIT_WORK(&d->jobs[i].work, hash_work);
		d->jobs[i].d = d;
	}
	d->digests = kvmalloc_array(VS_WINDOW_PAGES * per_page,
				    s->geom.digest_size, GFP_KERNEL);
	if (!d->digests)
		return -ENOMEM;
	for (i = 0; i < VS_DIRECT_DEPTH &&
		    (u64)i * VS_WINDOW_PAGES < pages; i++) {
		d->win[i] = dwin_alloc(min_t(u64, pages, VS_WINDOW_PAGES));
		if (!d->win[i])
			return -ENOMEM;
	}
	return 0;
}

static void direct_teardown(struct vs_direct *d)
{
	unsigned int i;

	for (i = 0; i < VS_DIRECT_DEPTH; i++)
		dwin_put(d->win[i]);
	kvfree(d->digests);
	vs_tree_destroy(&d->tree);
}

/**
 * vs_direct_possible() - can this scrub read the file's blocks directly?
 * @s: scrub, set up
 *
 * Return: true for a file on one block device with ->bmap(), not
 * encrypted, whose blocks are at most a page, when the caller did not ask
 * for the page cache.
 */
bool vs_direct_possible(const struct vs_scrub *s)
{
	const struct inode *inode = s->inode;

	if (s->args->flags & (VERITY_SCRUB_FLAG_KEEP_CACHE |
			      VERITY_SCRUB_FLAG_PAGE_CACHE))
		return false;
	return inode->i_sb->s_bdev && inode->i_mapping->a_ops->bmap &&
	       !IS_ENCRYPTED(inode) && inode->i_blkbits <= PAGE_SHIFT &&
	       s->geom.log_blocksize <= PAGE_SHIFT;
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
	struct vs_direct *d = kzalloc(sizeof(*d), GFP_KERNEL);
	pgoff_t next = s->first >> PAGE_SHIFT;
	unsigned int slot;
	unsigned long nr;
	int err;

	if (!d)
		return -ENOMEM;
	err = direct_setup(d, s);
	if (err)
		goto out;
	s->args->out_flags |= VERITY_SCRUB_OUT_DIRECT;
	for (slot = 0; slot < VS_DIRECT_DEPTH && d->win[slot]; slot++) {
		nr = window_len(s, next);
		start_dwin(d, d->win[slot], next, nr);
		next += nr;
	}
	for (slot = 0; d->win[slot] && d->win[slot]->nr;
	     slot = (slot + 1) % VS_DIRECT_DEPTH) {
		vs_scrub_set_deadline(s);
		err = check_dwin(d, slot, &next);
		d->win[slot]->nr = 0;	/* free: the next check refills it */
		if (!err && signal_pending(current))
			err = -EINTR;
		if (err)
			break;
	}
out:
	direct_teardown(d);
	kfree(d);
	return err;
}

/**
 * vs_direct_init() - create the hashing workqueue (module load)
 *
 * Return: 0 or -ENOMEM.
 */
int vs_direct_init(void)
{
	vs_hash_wq = alloc_workqueue("verity_scrub_hash",
				     WQ_HIGHPRI | WQ_CPU_INTENSIVE, 0);
	return vs_hash_wq ? 0 : -ENOMEM;
}

/**
 * vs_direct_exit() - destroy it (module unload; no scrub is running)
 */
void vs_direct_exit(void)
{
	destroy_workqueue(vs_hash_wq);
}
