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

#include "meta.h"
#include "vs_private.h"

#define VS_MAX_MOVES	3	/* a block that moves more is not judged */

/**
 * struct vs_meta - a small file's whole tree and descriptor, read raw at
 *	once instead of block by block
 * @from: first byte of the file's mapping held (the tree's start)
 * @to: end of the bytes held, a multiple of the block size
 * @page: the bytes: 1 << @order pages
 * @order: order of @page
 * @ok: per filesystem block from @from: read, and still at the device
 *	address it was read from; only these are served from @page
 * @failed: per filesystem block from @from: its bio failed, and it then
 *	read alone, as did every other block of that bio (a transient
 *	failure)
 * @routed: the scrub goes through the page-cache walk with @failed_pages
 *	(vs_meta_route(), vs_meta_failed_pages())
 * @failed_pages: the data pages under a tree block of @failed: each failed
 *	its first read (handed to the page-cache walk when @routed)
 */
struct vs_meta {
	u64 from;
	u64 to;
	struct page *page;
	unsigned int order;
	DECLARE_BITMAP(ok, VS_META_MAX >> 10);
	DECLARE_BITMAP(failed, VS_META_MAX >> 10);
	bool routed;
	DECLARE_BITMAP(failed_pages, VS_WINDOW_PAGES);
};

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

/*
 * Copy [@pos, @pos + @len), within one block, from the prefetched tree and
 * descriptor if that block was read there; counted as the read it saves.
 */
static bool meta_served(struct vs_scrub *s, u64 pos, u8 *buf,
			unsigned int len)
{
	const struct vs_meta *m = s->meta;
	unsigned int blkbits = s->inode->i_blkbits;

	if (!m || pos < m->from || pos + len > m->to ||
	    !test_bit((pos - m->from) >> blkbits, m->ok))
		return false;
	memcpy(buf, page_address(m->page) + (pos - m->from), len);
	s->args->bytes_read += 1U << blkbits;
	return true;
}

/*
 * Read the @n blocks from block @first of @m, at device block @phys on,
 * with one bio; mark them ok if it succeeded.
 */
static void meta_read_run(struct vs_scrub *s, struct vs_meta *m,
			  unsigned int first, unsigned int n, sector_t phys)
{
	unsigned int blkbits = s->inode->i_blkbits, i;
	size_t off = (size_t)first << blkbits;
	struct bio *bio;

	bio = bio_alloc(s->inode->i_sb->s_bdev, n, REQ_OP_READ, GFP_NOIO);
	bio->bi_iter.bi_sector = phys << (blkbits - SECTOR_SHIFT);
	for (i = 0; i < n; i++, off += 1U << blkbits)
		__bio_add_page(bio, m->page + (off >> PAGE_SHIFT),
			       1U << blkbits, offset_in_page(off));
	if (!submit_bio_wait(bio))
		bitmap_set(m->ok, first, n);
	bio_put(bio);
}

/*
 * The bio of the @n blocks from block @first of @m (device block @phys on)
 * failed: read them again one by one, as vs_raw_read() would, with its
 * retries.  If all read, the bio's failure was transient: they are kept
 * (ok) and noted failed for vs_meta_route().  If one fails for good, the
 * others were collateral: none is kept, each is read and judged alone
 * later, as without @m.
 */
static void meta_reread_run(struct vs_scrub *s, struct vs_meta *m,
			    unsigned int first, unsigned int n, sector_t phys)
{
	unsigned int blkbits = s->inode->i_blkbits, i;
	u32 detail;
	void *kaddr;

	for (i = 0; i < n; i++) {
		if (read_retried(s, phys + i, &detail))
			return;
		kaddr = kmap_local_page(s->raw_page);
		memcpy(page_address(m->page) + ((size_t)(first + i) << blkbits),
		       kaddr, 1U << blkbits);
		kunmap_local(kaddr);
	}
	bitmap_set(m->ok, first, n);
	bitmap_set(m->failed, first, n);
}

/*
 * Read every block of @m whose device address is known, one bio per run
 * of consecutive device blocks, then keep only those still at the address
 * they were read from.  Holes and blocks that cannot be mapped are left
 * to vs_raw_read(), as are moved blocks; a failed bio's blocks are read
 * again one by one (meta_reread_run()).
 */
static void meta_read(struct vs_scrub *s, struct vs_meta *m)
{
	unsigned int blkbits = s->inode->i_blkbits;
	unsigned int n = (m->to - m->from) >> blkbits, i, start = 0;
	sector_t phys[VS_META_MAX >> 10], again;

	for (i = 0; i < n; i++)
		if (vs_map_block(s->inode, s->raw, m->from + ((u64)i << blkbits),
				 &phys[i]))
			phys[i] = 0;
	for (i = 1; i <= n; i++) {
		if (i < n && phys[i] && phys[i] == phys[i - 1] + 1)
			continue;
		if (phys[start]) {
			meta_read_run(s, m, start, i - start, phys[start]);
			if (!test_bit(start, m->ok))
				meta_reread_run(s, m, start, i - start,
						phys[start]);
		}
		start = i;
	}
	for (i = 0; i < n; i++)
		if (test_bit(i, m->ok) &&
		    (vs_map_block(s->inode, s->raw,
				  m->from + ((u64)i << blkbits), &again) ||
		     again != phys[i]))
			clear_bit(i, m->ok);
}

/**
 * vs_meta_prefetch() - read a small file's tree and descriptor at once
 * @s: scrub, its descriptor checked (geometry known), nothing read raw yet
 *
 * A small file's tree and descriptor are a few blocks, usually next to
 * each other on the device; read block by block they cost the scrub one
 * wait for the device each.  When the scrub covers the whole file, of at
 * most one window, through the direct path (which then reads every tree
 * block and, unless KEEP_CACHE, the descriptor), and all of it fits in
 * VS_META_MAX, they are read here together, into memory charged to the
 * caller, and vs_raw_read() serves them from it.  Best effort: without
 * memory nothing is read here.  A failed read is not hidden: see
 * vs_meta_route().
 */
void vs_meta_prefetch(struct vs_scrub *s)
{
	const struct verity_scrub_args *a = s->args;
	u64 desc_pos = vs_desc_pos(s->inode, s->tree_pos, &s->geom);
	u64 size = s->geom.data_size;
	struct vs_meta *m;
	u64 from, to;

	if (s->meta || !vs_direct_possible(s) || a->start || a->end < size ||
	    !size || DIV_ROUND_UP(size, PAGE_SIZE) > VS_WINDOW_PAGES ||
	    !vs_desc_meta_span(s->tree_pos,
			       s->geom.tree_blocks << s->geom.log_blocksize,
			       desc_pos, s->desc_size, i_blocksize(s->inode),
			       VS_META_MAX, &from, &to))
		return;
	m = kzalloc(sizeof(*m), VS_GFP);
	if (!m)
		return;
	m->from = from;
	m->to = to;
	m->order = get_order(to - from);
	m->page = alloc_pages(VS_GFP, m->order);
	if (!m->page) {
		kfree(m);
		return;
	}
	meta_read(s, m);
	s->meta = m;
}

/* Mark in @m the data pages under tree block @tblk (from the tree's start). */
static void meta_mark_covered(const struct vs_geom *g, struct vs_meta *m,
			      u64 tblk)
{
	unsigned int level, shift;
	u64 first, n;

	for (level = 0; level < g->num_levels; level++) {
		if (tblk < g->level_start[level] ||
		    tblk >= g->level_start[level] + g->level_blocks[level])
			continue;
		shift = (level + 1) * g->log_arity;
		first = tblk - g->level_start[level];
		first = shift >= 64 ? 0 : first << shift;
		if (first >= g->data_blocks)
			return;
		vs_geom_covered(g, level, first, &first, &n);
		first <<= g->log_blocksize;
		n <<= g->log_blocksize;
		bitmap_set(m->failed_pages, first >> PAGE_SHIFT,
			   DIV_ROUND_UP(first + n, PAGE_SIZE) -
			   (first >> PAGE_SHIFT));
		return;
	}
}

/**
 * vs_meta_route() - make a failed prefetch of tree blocks count as the
 *	failed first read it is
 * @s: scrub, set up (its range set)
 *
 * A bio of vs_meta_prefetch() failed, and each of its blocks then read
 * alone (@failed of struct vs_meta): a transient failure of a read of
 * tree blocks, on which the data blocks under them depend.  As for a
 * failed bio of the direct path, the file then goes through the page-cache
 * walk, those data pages as pages whose first read failed: read again by
 * the filesystem and verified by fs-verity they are TRANSIENT; one that
 * fails now is classified from the raw copies, with the block layer's
 * reason.  (A block of the bio that failed for good left it unrouted: its
 * error is found where it is read, as without the prefetch.)  The scrub
 * call asks vs_meta_failed_pages() which walk to take.  A descriptor
 * block alone changes nothing here: its raw
 * copy is only compared (check_desc_on_disk(); DESC_UNREADABLE if it
 * fails for good).
 */
void vs_meta_route(struct vs_scrub *s)
{
	const struct vs_geom *g = &s->geom;
	struct vs_meta *m = s->meta;
	unsigned int blkbits = s->inode->i_blkbits, n, i;
	u64 t, tend;

	if (!m || s->first >= s->end)
		return;
	n = (m->to - m->from) >> blkbits;
	for_each_set_bit(i, m->failed, n) {
		t = ((u64)i << blkbits) >> g->log_blocksize;
		tend = ((u64)(i + 1) << blkbits) >> g->log_blocksize;
		for (; t < tend && t < g->tree_blocks; t++)
			meta_mark_covered(g, m, t);
	}
	if (bitmap_empty(m->failed_pages, VS_WINDOW_PAGES))
		return;
	m->routed = true;
}

/**
 * vs_meta_failed_pages() - the data pages whose first read failed with a
 *	prefetch of their tree blocks
 * @s: scrub, set up
 *
 * Return: a bitmap of pages (bit 0: page 0; the file fits in one window)
 * that the page-cache walk must judge as failed first reads, or NULL when
 * no prefetch failed transiently (vs_meta_route()).  Valid until
 * vs_meta_free().
 */
const unsigned long *vs_meta_failed_pages(const struct vs_scrub *s)
{
	return s->meta && s->meta->routed ? s->meta->failed_pages : NULL;
}

/**
 * vs_meta_free() - free what vs_meta_prefetch() read
 * @s: scrub
 */
void vs_meta_free(struct vs_scrub *s)
{
	struct vs_meta *m = s->meta;

	if (!m)
		return;
	__free_pages(m->page, m->order);
	kfree(m);
	s->meta = NULL;
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
	if (s->args->flags & (VERITY_SCRUB_FLAG_KEEP_CACHE |
			      VERITY_SCRUB_FLAG_PAGE_CACHE))
		return false;
	return s->raw && s->geom.log_blocksize <= PAGE_SHIFT;
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
	if (meta_served(s, pos, buf, len))
		return 0;
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
