// SPDX-License-Identifier: GPL-2.0
/*
 * dwin.c - the windows of the direct path: a buffer of pages, filled
 * straight from the filesystem's block device by bios of our own built
 * from bmap(), as few as the file's layout allows.  A window lives until
 * its last bio completes, so a killed scrub need not wait for its I/O.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/slab.h>

#include "vs_private.h"

static void dwin_free(struct vs_dwin *dw)
{
	unsigned int i;

	for (i = 0; i < VS_WINDOW_PAGES; i++)
		if (dw->pages[i])
			__free_page(dw->pages[i]);
	kfree(dw);
}

/**
 * vs_dwin_put() - drop the scrub's reference to a window
 * @dw: window, or NULL
 */
void vs_dwin_put(struct vs_dwin *dw)
{
	if (dw && refcount_dec_and_test(&dw->ref))
		dwin_free(dw);
}

/**
 * vs_dwin_alloc() - a window of @nr_pages pages
 * @nr_pages: at most VS_WINDOW_PAGES
 *
 * Return: the window, or NULL.
 */
struct vs_dwin *vs_dwin_alloc(unsigned long nr_pages)
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
	vs_dwin_put(dw);
}

static void submit(struct vs_dwin *dw, struct bio *bio)
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
		submit(b->dw, b->bio);
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

/**
 * vs_dwin_start() - read pages [@w, @w + @nr) of the file into @dw
 * @dw: an idle window of at least @nr pages
 * @inode: the verity file
 * @w: first page
 * @nr: number of pages
 *
 * Every filesystem block is mapped and the reads are submitted; blocks
 * past EOF are zeroes.  If a block cannot be mapped, nothing more is read
 * and the window is marked unmapped.
 *
 * Return: bytes of the file submitted for reading.
 */
u64 vs_dwin_start(struct vs_dwin *dw, struct inode *inode, pgoff_t w,
		  unsigned long nr)
{
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
		submit(dw, b.bio);
	if (atomic_dec_and_test(&dw->pending))
		complete(&dw->done);
	if (dw->unmapped)
		return 0;
	return min_t(u64, (u64)nr << PAGE_SHIFT, size - ((u64)w << PAGE_SHIFT));
}

/**
 * vs_dwin_wait() - wait until window @dw is read
 * @dw: a started window
 *
 * The last block is left as the disk holds it past EOF: zeroes on a
 * healthy disk.  If not, it does not match, and the page-cache walk gives
 * the filesystem's own verdict.
 *
 * Return: 0, or -EINTR on a fatal signal (the bios go on; the window is
 * freed by the last of them if the scrub drops it).
 */
int vs_dwin_wait(struct vs_dwin *dw)
{
	if (wait_for_completion_killable(&dw->done))
		return -EINTR;
	return 0;
}
