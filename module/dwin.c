// SPDX-License-Identifier: GPL-2.0
/*
 * dwin.c - the windows of the direct path: a buffer of pages, filled
 * straight from the filesystem's block device by bios of our own built
 * from bmap(), as few as the file's layout allows.  Holes are zeroes, as
 * fs-verity hashes them.
 *
 * Lifetime: no code of this module ever runs as a bio completion.  The
 * bios of a window are chained (bio_chain()) to one small parent bio, a
 * re-read of the window's first block into a scratch page, which
 * vs_dwin_wait() submits and waits for with submit_bio_wait(): every
 * completion is the block layer's own code, and once the wait returns no
 * bio of the window is in flight.  A lazy window (one the caller waits
 * for before it needs any other: a scrub of one window) that needs a
 * single bio has no parent of its own: that bio is the one vs_dwin_wait()
 * submits and waits for, which saves a small file a read.  Each bio is
 * held (bio_get()) until then, so that its own status says which pages
 * failed.  The scrub waits for every window it started before it returns
 * (direct I/O does the same), so nothing of it outlives the ioctl, which
 * holds the module.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/slab.h>

#include "vs_private.h"

/**
 * vs_dwin_free() - free a window that is idle or waited for
 * @dw: window, or NULL; nothing of it may be in flight (vs_dwin_wait())
 */
void vs_dwin_free(struct vs_dwin *dw)
{
	unsigned int i;

	if (!dw)
		return;
	kvfree(dw->bios);
	for (i = 0; i < dw->nr_pages; i++)
		if (dw->pages[i])
			__free_page(dw->pages[i]);
	if (dw->scratch)
		__free_page(dw->scratch);
	kfree(dw);
}

/**
 * vs_dwin_alloc() - a window of @nr_pages pages, charged to the caller
 * @nr_pages: at most VS_WINDOW_PAGES
 * @blkbits: log2 of the filesystem block size (bounds the bios a window
 *	needs: one per block at worst)
 *
 * Return: the window, or NULL.
 */
struct vs_dwin *vs_dwin_alloc(unsigned long nr_pages, unsigned int blkbits)
{
	struct vs_dwin *dw;
	unsigned long i;

	if (nr_pages > VS_WINDOW_PAGES)
		return NULL;
	dw = kzalloc(struct_size(dw, pages, nr_pages), VS_GFP);
	if (!dw)
		return NULL;
	dw->nr_pages = nr_pages;
	dw->max_bios = nr_pages << (PAGE_SHIFT - blkbits);
	dw->bios = kvmalloc_array(dw->max_bios, sizeof(*dw->bios), VS_GFP);
	if (!dw->bios)
		goto fail;
	dw->scratch = alloc_page(VS_GFP);
	if (!dw->scratch)
		goto fail;
	for (i = 0; i < nr_pages; i++) {
		dw->pages[i] = alloc_page(VS_GFP);
		if (!dw->pages[i])
			goto fail;
	}
	return dw;
fail:
	vs_dwin_free(dw);
	return NULL;
}

/**
 * struct vs_bio_build - building the bios of one window
 * @dw: the window
 * @bdev: the filesystem's device
 * @limit: vs_raw_limit() of the file: blocks at or past it are not on @bdev
 * @bio: the bio being filled, or NULL
 * @next: the device block that would extend @bio
 * @first: the first device block read, for the parent bio
 * @blkbits: log2 of the filesystem block size
 * @first_page: page of the window where @bio starts
 * @last_page: page of the window where @bio ends
 * @lazy: the window is lazy (see above)
 * @held: a lazy window's first bio, not submitted yet
 */
struct vs_bio_build {
	struct vs_dwin *dw;
	struct block_device *bdev;
	sector_t limit;
	struct bio *bio;
	sector_t next;
	sector_t first;
	unsigned int blkbits;
	unsigned int first_page;
	unsigned int last_page;
	bool lazy;
	struct bio *held;
};

static struct bio *new_bio(struct vs_bio_build *b, sector_t phys,
			   unsigned short vecs)
{
	struct bio *bio = bio_alloc(b->bdev, vecs, REQ_OP_READ, GFP_NOIO);

	bio->bi_iter.bi_sector = phys << (b->blkbits - SECTOR_SHIFT);
	return bio;
}

/* The parent every bio of the window is chained to (made on first use). */
static struct bio *parent_bio(struct vs_bio_build *b)
{
	struct vs_dwin *dw = b->dw;

	if (!dw->parent) {
		dw->parent = new_bio(b, b->first, 1);
		__bio_add_page(dw->parent, dw->scratch, 1U << b->blkbits, 0);
	}
	return dw->parent;
}

static void submit_chained(struct vs_bio_build *b, struct bio *bio)
{
	bio_chain(bio, parent_bio(b));
	submit_bio(bio);
}

/*
 * Queue the bio being built: submitted, chained to the parent, except the
 * first bio of a lazy window, held back until a second one is needed.
 */
static void queue_bio(struct vs_bio_build *b)
{
	struct vs_dwin *dw = b->dw;
	struct vs_dwin_bio *db = &dw->bios[dw->nr_bios++];

	db->bio = b->bio;
	db->first = b->first_page;
	db->last = b->last_page;
	bio_get(b->bio);	/* its status is read in vs_dwin_wait() */
	if (b->lazy && dw->nr_bios == 1) {
		b->held = b->bio;
	} else {
		if (b->held)
			submit_chained(b, b->held);
		b->held = NULL;
		submit_chained(b, b->bio);
	}
	b->bio = NULL;
}

/*
 * Add filesystem block @phys to the bio being built, or submit that bio
 * and start another when @phys does not follow on the device or the bio
 * is full.
 */
static void add_block(struct vs_bio_build *b, sector_t phys,
		      unsigned int i, unsigned int off)
{
	struct vs_dwin *dw = b->dw;
	unsigned int len = 1U << b->blkbits;

	if (b->bio && (phys != b->next ||
		       bio_add_page(b->bio, dw->pages[i], len, off) != len))
		queue_bio(b);
	if (!b->bio) {
		if (!dw->nr_bios) {	/* the window's first bio */
			b->first = phys;
			dw->parent_page = i;
		}
		b->bio = new_bio(b, phys, min_t(unsigned long, dw->nr - i,
						BIO_MAX_VECS));
		__bio_add_page(b->bio, dw->pages[i], len, off);
		b->first_page = i;
	}
	b->last_page = i;
	b->next = phys + 1;
}

/*
 * Map and queue the filesystem block at byte @pos, at offset @off of page
 * @i of the window; 1 if it was read.
 */
static int add_pos(struct vs_bio_build *b, struct inode *inode, u64 pos,
		   unsigned int i, unsigned int off)
{
	sector_t phys;

	if (vs_map_block(inode, b->limit, pos, &phys)) {
		b->dw->unmapped = true;
		return 0;
	}
	if (!phys) {		/* a hole: zeroes, as fs-verity hashes it */
		zero_user_segment(b->dw->pages[i], off,
				  off + (1U << b->blkbits));
		return 0;
	}
	add_block(b, phys, i, off);
	return 1;
}

/**
 * vs_dwin_start() - read pages [@w, @w + @nr) of the file into @dw
 * @dw: an idle window of at least @nr pages
 * @inode: the verity file
 * @limit: its vs_raw_limit()
 * @w: first page
 * @nr: number of pages
 * @lazy: the caller waits for @dw before it needs any other window
 *
 * Every filesystem block is mapped and the reads are submitted (but for a
 * lazy window read by one bio: that bio is submitted by vs_dwin_wait());
 * blocks past EOF and holes are zeroes.  If a block cannot be mapped,
 * nothing more is read and the window is marked unmapped.
 *
 * Return: bytes of the file submitted for reading (holes excluded).
 */
u64 vs_dwin_start(struct vs_dwin *dw, struct inode *inode, sector_t limit,
		  pgoff_t w, unsigned long nr, bool lazy)
{
	struct vs_bio_build b = {
		.dw = dw, .bdev = inode->i_sb->s_bdev, .limit = limit,
		.blkbits = inode->i_blkbits, .lazy = lazy,
	};
	unsigned int off, bs = i_blocksize(inode);
	u64 pos, size = i_size_read(inode), read = 0;
	unsigned long i;

	dw->w = w;
	dw->nr = nr;
	dw->unmapped = false;
	dw->nr_bios = 0;
	bitmap_zero(dw->failed_pages, VS_WINDOW_PAGES);
	for (i = 0; i < nr && !dw->unmapped; i++) {
		for (off = 0; off < PAGE_SIZE && !dw->unmapped; off += bs) {
			pos = ((u64)(w + i) << PAGE_SHIFT) + off;
			if (pos >= size) {
				zero_user_segment(dw->pages[i], off, PAGE_SIZE);
				break;
			}
			read += min_t(u64, bs, size - pos) *
				add_pos(&b, inode, pos, i, off);
		}
	}
	if (b.bio)
		queue_bio(&b);
	if (b.held)		/* a lazy window of one bio: its own parent */
		dw->parent = b.held;
	return read;
}

/**
 * vs_dwin_wait() - wait until window @dw is read
 * @dw: a started window
 *
 * Not interruptible, as for direct I/O: the pages are the window's own.
 * Afterwards @dw->failed_pages has the pages of every bio that failed.
 * Bounded by the device: at most one window of reads is waited for.  The
 * last block is left as the disk holds it past EOF: zeroes on a healthy
 * disk.  If not, it does not match, and the page-cache walk gives the
 * filesystem's own verdict.
 */
void vs_dwin_wait(struct vs_dwin *dw)
{
	struct bio *bio = dw->parent;
	struct vs_dwin_bio *db;
	bool child_failed = false;
	unsigned int i;
	int err;

	if (!bio)
		return;
	dw->parent = NULL;
	err = submit_bio_wait(bio);	/* the first error of any of them */
	bio_put(bio);
	for (i = 0; i < dw->nr_bios; i++) {
		db = &dw->bios[i];
		if (db->bio->bi_status) {
			child_failed = true;
			bitmap_set(dw->failed_pages, db->first,
				   db->last - db->first + 1);
		}
		bio_put(db->bio);
	}
	dw->nr_bios = 0;
	if (err && !child_failed)	/* the parent's own re-read failed */
		set_bit(dw->parent_page, dw->failed_pages);
}
