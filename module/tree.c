// SPDX-License-Identifier: GPL-2.0
/*
 * tree.c - the tree blocks a sequential scrub needs, verified once each:
 * one block per level is held, checked against the block above it (the
 * root hash for the top level), and replaced when the walk moves past it.
 * Reads go through struct vs_io_ops, so KUnit fakes the device.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vs_private.h"

#define VS_NO_BLOCK	U64_MAX

/**
 * vs_tree_init() - prepare a cursor
 * @c: cursor
 * @geom: tree layout
 * @hasher: salted hashing
 * @root_hash: root hash of the descriptor
 * @ops: tree block reads (only ->read_tree is used)
 * @priv: argument of @ops
 *
 * Return: 0 or -ENOMEM.  vs_tree_destroy() must be called anyway.
 */
int vs_tree_init(struct vs_tree_cursor *c, const struct vs_geom *geom,
		 const struct vs_hasher *hasher, const u8 *root_hash,
		 const struct vs_io_ops *ops, void *priv)
{
	unsigned int level;

	memset(c, 0, sizeof(*c));
	c->geom = geom;
	c->hasher = hasher;
	c->root_hash = root_hash;
	c->ops = ops;
	c->priv = priv;
	for (level = 0; level < geom->num_levels; level++) {
		c->held[level] = VS_NO_BLOCK;
		c->block[level] = kmalloc(geom->block_size, GFP_KERNEL);
		if (!c->block[level])
			return -ENOMEM;
	}
	return 0;
}

/**
 * vs_tree_destroy() - free what vs_tree_init() allocated
 * @c: cursor
 */
void vs_tree_destroy(struct vs_tree_cursor *c)
{
	unsigned int level;

	for (level = 0; level < VS_MAX_LEVELS; level++) {
		kfree(c->block[level]);
		c->block[level] = NULL;
	}
}

/* Expected hash of the tree block at @level on the path of @blk. */
static const u8 *parent_hash(const struct vs_tree_cursor *c,
			     unsigned int level, u64 blk)
{
	if (level + 1 == c->geom->num_levels)
		return c->root_hash;
	return c->block[level + 1] +
	       vs_geom_hash_offset(c->geom, level + 1, blk);
}

/* Read tree block @tblk into level @level and check it. */
static int load(struct vs_tree_cursor *c, unsigned int level, u64 blk,
		u64 tblk)
{
	const struct vs_geom *g = c->geom;
	u8 got[VS_MAX_DIGEST_SIZE];
	u32 detail = 0;
	int err;

	c->held[level] = VS_NO_BLOCK;
	err = c->ops->read_tree(c->priv, tblk, c->block[level], &detail);
	if (err)
		return err;
	err = vs_hash_block(c->hasher, c->block[level], g->block_size, got);
	if (err)
		return err;
	if (memcmp(got, parent_hash(c, level, blk), g->digest_size))
		return -EBADMSG;
	c->held[level] = tblk;
	return 0;
}

/**
 * vs_tree_want() - expected hash of data block @blk
 * @c: cursor
 * @blk: data block index
 * @want: set to the expected hash (inside the cursor or the root hash),
 *	valid until the next call
 *
 * Loads and verifies the tree blocks on the path of @blk that are not held
 * yet, top level first.  A block that fails is not held: the next call
 * reads it again.
 *
 * Return: 0; -EBADMSG if a tree block does not match the level above; the
 * error of ->read_tree(); or a hashing error.
 */
int vs_tree_want(struct vs_tree_cursor *c, u64 blk, const u8 **want)
{
	const struct vs_geom *g = c->geom;
	int level, err;

	for (level = g->num_levels - 1; level >= 0; level--) {
		u64 tblk = vs_geom_tree_block(g, level, blk);

		if (c->held[level] == tblk)
			continue;
		err = load(c, level, blk, tblk);
		if (err)
			return err;
	}
	*want = g->num_levels ? c->block[0] + vs_geom_hash_offset(g, 0, blk) :
		c->root_hash;
	return 0;
}
