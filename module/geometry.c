// SPDX-License-Identifier: GPL-2.0
/*
 * geometry.c - Merkle tree layout: levels, where each hash lives, and
 * which data a tree block covers (pure; mirrors fs/verity/open.c)
 */
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vs_private.h"

/**
 * vs_geom_init() - compute the tree layout of a file
 * @g: filled in
 * @data_size: file size in bytes
 * @log_blocksize: log2 of the Merkle block size, 10..16
 * @digest_size: hash size, a power of 2
 *
 * Return: 0, or -EINVAL for impossible parameters, -EFBIG when the tree
 * would need more than VS_MAX_LEVELS levels.
 */
int vs_geom_init(struct vs_geom *g, u64 data_size, unsigned int log_blocksize,
		 unsigned int digest_size)
{
	u64 blocks_in_level[VS_MAX_LEVELS];
	u64 blocks, offset;
	int level;

	memset(g, 0, sizeof(*g));
	if (log_blocksize < 10 || log_blocksize > 16 ||
	    !is_power_of_2(digest_size) ||
	    digest_size > VS_MAX_DIGEST_SIZE ||
	    (1U << log_blocksize) < 2 * digest_size)
		return -EINVAL;

	g->data_size = data_size;
	g->block_size = 1U << log_blocksize;
	g->log_blocksize = log_blocksize;
	g->digest_size = digest_size;
	g->log_arity = log_blocksize - ilog2(digest_size);
	g->data_blocks = (data_size >> log_blocksize) +
			 !!(data_size & (g->block_size - 1));

	blocks = g->data_blocks;
	while (blocks > 1) {
		if (g->num_levels >= VS_MAX_LEVELS)
			return -EFBIG;
		blocks = (blocks + (1ULL << g->log_arity) - 1) >> g->log_arity;
		blocks_in_level[g->num_levels++] = blocks;
	}

	offset = 0;
	for (level = g->num_levels - 1; level >= 0; level--) {
		g->level_start[level] = offset;
		g->level_blocks[level] = blocks_in_level[level];
		offset += blocks_in_level[level];
	}
	g->tree_blocks = offset;
	return 0;
}

/**
 * vs_geom_tree_block() - tree block holding the hash of a data block's
 *	ancestor at @level
 * @g: layout
 * @level: 0 for the leaf holding the data block's own hash
 * @data_block: data block index
 *
 * Return: index of the tree block, counted from the start of the tree.
 */
u64 vs_geom_tree_block(const struct vs_geom *g, unsigned int level,
		       u64 data_block)
{
	return g->level_start[level] +
	       (data_block >> ((level + 1) * g->log_arity));
}

/**
 * vs_geom_hash_offset() - byte offset of the hash within that tree block
 * @g: layout
 * @level: as for vs_geom_tree_block()
 * @data_block: data block index
 *
 * Return: offset in bytes inside the tree block.
 */
unsigned int vs_geom_hash_offset(const struct vs_geom *g, unsigned int level,
				 u64 data_block)
{
	u64 idx = data_block >> (level * g->log_arity);

	return (idx & ((1ULL << g->log_arity) - 1)) * g->digest_size;
}

/**
 * vs_geom_covered() - data blocks covered by a tree block
 * @g: layout
 * @level: level of the tree block
 * @data_block: any data block under it
 * @first: first data block covered
 * @count: number of data blocks covered (clamped to the file)
 */
void vs_geom_covered(const struct vs_geom *g, unsigned int level,
		     u64 data_block, u64 *first, u64 *count)
{
	unsigned int shift = (level + 1) * g->log_arity;
	u64 start = (data_block >> shift) << shift;
	u64 span = shift >= 64 ? U64_MAX : 1ULL << shift;

	*first = start;
	*count = min(span, g->data_blocks - start);
}

/**
 * vs_geom_tail() - data blocks wholly past EOF in the page spanning EOF
 * @g: layout
 * @page_size: the page size (a parameter for the KUnit tests)
 * @from: set to the byte offset of the first of them
 * @to: set to the end of that page
 *
 * The tree does not cover them, but a reader of the page sees them, so
 * fs-verity fails the page unless they are zero (verify_data_block(),
 * since 6.3: the first kernel with blocks smaller than a page).
 *
 * Return: true if there are any (blocks smaller than a page, EOF not on a
 * page boundary).
 */
bool vs_geom_tail(const struct vs_geom *g, u32 page_size, u64 *from, u64 *to)
{
	*from = g->data_blocks << g->log_blocksize;
	*to = round_up(g->data_size, (u64)page_size);
	return *from < *to;
}
