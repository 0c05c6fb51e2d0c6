// SPDX-License-Identifier: GPL-2.0
/*
 * rawio.c - reading one block of a verity file straight from the
 * filesystem's block device: bmap() + a bio of our own, keeping the block
 * layer status.  Tree blocks too are read raw where the file can be read
 * raw (the scrub proves the disk and leaves the page cache alone), through
 * ->read_merkle_tree_page() where it cannot.  Nothing read here reaches
 * userspace.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vs_private.h"

#define VS_MAX_MOVES	3	/* a block that moves more is not judged */

/**
 * vs_map_block() - device block of the filesystem block holding byte @pos
 * @inode: the verity file
 * @limit: vs_raw_limit() of it, not 0
 * @pos: byte offset in its mapping
 * @phys: set to the block number, in filesystem blocks; 0 for a hole (or
 *	an unwritten extent), which reads as zeroes
 *
 * Return: 0, or -EOPNOTSUPP when the block cannot be read raw (at or past
 * @limit: another device of the filesystem).
 */
int vs_map_block(struct inode *inode, sector_t limit, u64 pos,
		 sector_t *phys)
{
	sector_t blk = pos >> inode->i_blkbits;

	if (bmap(inode, &blk) || blk >= limit)
		return -EOPNOTSUPP;
	*phys = blk;
	return 0;
}

/* One read of filesystem block @phys into s->raw_page. */
static blk_status_t read_fs_block(struct vs_scrub *s, sector_t phys)
{
	unsigned int blkbits = s->inode->i_blkbits;
	blk_status_t status;
	struct bio *bio;

	bio = bio_alloc(s->inode->i_sb->s_bdev, 1, REQ_OP_READ, GFP_NOIO);
	bio->bi_iter.bi_sector = phys << (blkbits - SECTOR_SHIFT);
	if (bio_add_page(bio, s->raw_page, 1U << blkbits, 0) != 1U << blkbits) {
		bio_put(bio);
		return BLK_STS_RESOURCE;
	}
	submit_bio_wait(bio);
	status = bio->bi_status;
	bio_put(bio);
	if (!status)
		s->args->bytes_read += 1U << blkbits;
	return status;
}

/*
 * Read filesystem block @phys into s->raw_page, retried while the retry
 * budget lasts.  Return: 0 or -EIO with *@detail set.
 */
static int read_retried(struct vs_scrub *s, sector_t phys, u32 *detail)
{
	unsigned int attempt = 0;
	blk_status_t status;
	unsigned long start;

	for (;;) {
		start = jiffies;
		status = read_fs_block(s, phys);
		if (attempt)
			vs_retry_spent(s, start);
		if (!status)
			return 0;
		*detail = vs_blk_status_detail(status);
		if (++attempt > s->args->retries)
			return -EIO;
		if (!vs_retry_allowed(s) || fatal_signal_pending(current)) {
			s->retries_cut = true;
			return -EIO;
		}
	}
}

/**
 * vs_raw_read() - read bytes of the mapping straight from the device
 * @s: the scrub
 * @pos: byte offset in the mapping (data or, past EOF, tree and
 *	descriptor)
 * @buf: @len bytes
 * @len: at most the rest of the filesystem block holding @pos
 * @detail: set to VERITY_SCRUB_DETAIL_* when the read failed
 *
 * A failed read is retried while the window's retry budget lasts.  A hole
 * reads as zeroes.  The block is mapped again after the read: if it moved
 * meanwhile (f2fs garbage collection), it is read again where it is now,
 * and if it keeps moving it is not judged.
 *
 * Return: 0, -EOPNOTSUPP when the file cannot be read raw (or the block
 * did not hold still), -EIO.
 */
int vs_raw_read(struct vs_scrub *s, u64 pos, u8 *buf, unsigned int len,
		u32 *detail)
{
	unsigned int off = pos & (i_blocksize(s->inode) - 1), moves;
	sector_t phys, again;
	void *kaddr;
	int err;

	if (!s->raw)
		return -EOPNOTSUPP;	/* btrfs (no ->bmap), encrypted, ... */
	err = vs_map_block(s->inode, s->raw, pos, &phys);
	for (moves = 0; !err && phys && moves < VS_MAX_MOVES; moves++) {
		err = read_retried(s, phys, detail);
		if (err)
			return err;
		err = vs_map_block(s->inode, s->raw, pos, &again);
		if (!err && again == phys)
			break;
		phys = again;
	}
	if (err)
		return err;
	if (moves == VS_MAX_MOVES)
		return -EOPNOTSUPP;
	if (!phys) {
		memset(buf, 0, len);
		return 0;
	}
	kaddr = kmap_local_page(s->raw_page);
	memcpy(buf, kaddr + off, len);
	kunmap_local(kaddr);
	return 0;
}

#define VS_TAIL_ZERO	1	/* s->tail: zero, or nothing can be claimed */
#define VS_TAIL_BAD	2	/* not zero on the device */

/* Read the blocks wholly past EOF in the page spanning EOF raw. */
static int check_tail(struct vs_scrub *s)
{
	u32 bs = i_blocksize(s->inode), detail, len;
	int ret = VS_TAIL_ZERO;
	u64 pos, end;
	u8 *buf;

	if (!vs_geom_tail(&s->geom, PAGE_SIZE, &pos, &end))
		return VS_TAIL_ZERO;
	buf = kmalloc(bs, VS_GFP);
	if (!buf)
		return VS_TAIL_ZERO;
	for (; pos < end; pos += len) {
		len = min_t(u64, end - pos, bs - (pos & (bs - 1)));
		if (vs_raw_read(s, pos, buf, len, &detail))
			break;		/* cannot tell: claim nothing */
		if (memchr_inv(buf, 0, len)) {
			ret = VS_TAIL_BAD;
			break;
		}
	}
	kfree(buf);
	return ret;
}

/**
 * vs_tail_bad() - does fs-verity refuse the page spanning EOF, which
 *	holds data of [@from, @to), for the blocks past EOF in it?
 * @s: the scrub
 * @from: first data byte of interest
 * @to: end of them, at most EOF
 *
 * With blocks smaller than a page the tree does not cover the blocks
 * wholly past EOF, yet the kernel's read of that page fails unless they
 * read as zeroes (vs_geom_tail()).  They are read raw once per scrub, when
 * first asked.
 *
 * Return: true if they were read and are not zero; then the data blocks
 * of that page are HASH_MISMATCH, as any reader of them finds.
 */
bool vs_tail_bad(struct vs_scrub *s, u64 from, u64 to)
{
	u64 tail, end;

	if (!vs_geom_tail(&s->geom, PAGE_SIZE, &tail, &end) ||
	    to <= end - PAGE_SIZE || from >= tail)
		return false;
	if (!s->tail)
		s->tail = check_tail(s);
	return s->tail == VS_TAIL_BAD;
}

/*
 * The last block is returned as the disk holds it, past EOF too: fs-verity
 * hashes what the filesystem's read gives, and ext4 and f2fs read the tail
 * from the disk (zeroes when it is healthy).  Garbage there fails the
 * kernel's own read, so it is the HASH_MISMATCH a reader gets.
 */
static int read_data(void *priv, u64 blk, u8 *buf, u32 *detail)
{
	struct vs_scrub *s = priv;

	return vs_raw_read(s, blk << s->geom.log_blocksize, buf,
			   s->geom.block_size, detail);
}

static int read_tree(void *priv, u64 blk, u8 *buf, u32 *detail)
{
	struct vs_scrub *s = priv;
	u64 pos = blk << s->geom.log_blocksize;
	struct page *page;
	void *kaddr;

	if (s->raw)
		return vs_raw_read(s, s->tree_pos + pos, buf,
				   s->geom.block_size, detail);
	page = vs_read_merkle_tree_page(s->inode, pos >> PAGE_SHIFT,
					s->tree_ra);
	if (IS_ERR(page))
		return -EOPNOTSUPP;	/* read failed, cannot tell why */
	kaddr = kmap_local_page(page);
	memcpy(buf, kaddr + offset_in_page(pos), s->geom.block_size);
	kunmap_local(kaddr);
	put_page(page);
	return 0;
}

const struct vs_io_ops vs_raw_ops = {
	.read_data = read_data,
	.read_tree = read_tree,
};
