// SPDX-License-Identifier: GPL-2.0
/*
 * cachemark.c - where the metadata lives in the file's mapping, and
 * leaving its page cache as the scrub found it: which pages of the
 * descriptor and of the Merkle tree (past EOF on ext4, f2fs and btrfs)
 * are cached is noted before the scrub reads anything, and those that
 * were not are dropped afterwards.  The filesystem brings descriptor pages
 * in when the descriptor is read through it; fs-verity brings tree pages
 * in when the page-cache walk verifies data.
 */
#include <linux/fadvise.h>
#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include "vs_private.h"

/* Pages a descriptor (and ext4's size field after it) can span. */
#define VS_DESC_PAGES	(DIV_ROUND_UP(VS_MAX_DESC_SIZE + 4, PAGE_SIZE) + 1)
/* Tree pages noted at most (a tree of 256 MiB: files of 32 GiB). */
#define VS_TREE_MARK_PAGES	65536

/**
 * vs_desc_pos() - byte offset of the descriptor in the mapping
 * @inode: the verity file
 * @tree_pos: where its tree starts
 * @g: its tree layout
 *
 * Right after the tree: on ext4 at the next filesystem block
 * (ext4_write_verity_descriptor()), on f2fs at once
 * (f2fs_end_enable_verity()).
 *
 * Return: the offset.
 */
u64 vs_desc_pos(const struct inode *inode, u64 tree_pos,
		const struct vs_geom *g)
{
	u64 pos = tree_pos + (g->tree_blocks << g->log_blocksize);

	if (!strcmp(inode->i_sb->s_type->name, "ext4"))
		pos = round_up(pos, i_blocksize(inode));
	return pos;
}

static bool is_cached(struct address_space *mapping, pgoff_t idx)
{
	struct folio *folio = vs_get_folio(mapping, idx);

	if (!folio)
		return false;
	folio_put(folio);
	return true;
}

/**
 * vs_drop_pages() - drop @count pages from @first that the scrub read
 * @s: scrub
 * @first: first page
 * @count: number of pages
 *
 * POSIX_FADV_DONTNEED, which also drains the per-CPU LRU batches that
 * would keep just-read pages from being dropped.  Only clean, unmapped,
 * unpinned pages go.
 */
void vs_drop_pages(struct vs_scrub *s, pgoff_t first, pgoff_t count)
{
	vfs_fadvise(s->file, (loff_t)first << PAGE_SHIFT,
		    (loff_t)count << PAGE_SHIFT, POSIX_FADV_DONTNEED);
}

static void note_desc(struct vs_scrub *s, pgoff_t idx)
{
	struct vs_cachemark *m = &s->mark;

	if (m->nr_desc == VS_DESC_MARKS)
		return;
	m->desc[m->nr_desc].idx = idx;
	m->desc[m->nr_desc++].cached = is_cached(s->mapping, idx);
}

/**
 * vs_mark_desc() - note the pages the descriptor may be in, before it is
 *	read: one set per tree layout the file may have
 * @s: scrub, @tree_pos set
 */
void vs_mark_desc(struct vs_scrub *s)
{
	unsigned int max_log = min_t(unsigned int, PAGE_SHIFT,
				     s->inode->i_blkbits);
	unsigned int log, dsize, i;
	struct vs_geom g;
	pgoff_t first;

	for (log = 10; log <= max_log; log++) {
		for (dsize = 32; dsize <= VS_MAX_DIGEST_SIZE; dsize *= 2) {
			if (vs_geom_init(&g, i_size_read(s->inode), log, dsize))
				continue;
			first = vs_desc_pos(s->inode, s->tree_pos, &g) >>
				PAGE_SHIFT;
			for (i = 0; i < VS_DESC_PAGES; i++)
				note_desc(s, first + i);
		}
	}
}

/**
 * vs_mark_tree() - note which pages of the tree are cached
 * @s: scrub, tree layout known
 */
void vs_mark_tree(struct vs_scrub *s)
{
	struct vs_cachemark *m = &s->mark;
	pgoff_t first = s->tree_pos >> PAGE_SHIFT, i, n;

	m->layout = true;
	n = DIV_ROUND_UP(s->geom.tree_blocks << s->geom.log_blocksize,
			 PAGE_SIZE);
	if (!n || n > VS_TREE_MARK_PAGES)
		return;		/* too large: nothing is dropped */
	m->tree = bitmap_zalloc(n, VS_GFP);
	if (!m->tree)
		return;
	m->tree_pages = n;
	for (i = 0; i < n; i++)
		if (is_cached(s->mapping, first + i))
			set_bit(i, m->tree);
}

static bool desc_was_cached(const struct vs_cachemark *m, pgoff_t idx)
{
	unsigned int i;

	for (i = 0; i < m->nr_desc; i++)
		if (m->desc[i].idx == idx)
			return m->desc[i].cached;
	return true;	/* not noted: leave it */
}

/**
 * vs_mark_restore() - drop the metadata pages that were not cached before
 * @s: scrub
 */
void vs_mark_restore(struct vs_scrub *s)
{
	struct vs_cachemark *m = &s->mark;
	pgoff_t first = s->tree_pos >> PAGE_SHIFT, i = 0, j, idx, last;
	u64 pos;

	if (m->layout) {
		pos = vs_desc_pos(s->inode, s->tree_pos, &s->geom);
		last = (pos + s->desc_size + 4 - 1) >> PAGE_SHIFT;
		for (idx = pos >> PAGE_SHIFT; idx <= last; idx++)
			if (!desc_was_cached(m, idx))
				vs_drop_pages(s, idx, 1);
	}
	while (m->tree && i < m->tree_pages) {
		i = find_next_zero_bit(m->tree, m->tree_pages, i);
		if (i >= m->tree_pages)
			break;
		j = find_next_bit(m->tree, m->tree_pages, i);
		vs_drop_pages(s, first + i, j - i);
		i = j;
	}
	bitmap_free(m->tree);
	m->tree = NULL;
}
