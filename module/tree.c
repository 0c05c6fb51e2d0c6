// SPDX-License-Identifier: GPL-2.0
/*
 * tree.c - the tree blocks a sequential scrub needs, verified once each:
 * one block per level is held, checked by the Merkle-path verifier
 * (merkle.c) against the block above it, and replaced when the walk moves
 * past it.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vs_private.h"

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
	struct vs_merkle *m = &c->path;
	unsigned int level;

	vs_merkle_init(m, geom, hasher, root_hash, ops, priv);
	m->keep = true;
	for (level = 0; level < geom->num_levels; level++) {
		m->block[level] = kmalloc(geom->block_size, VS_GFP);
		if (!m->block[level])
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
		kfree(c->path.block[level]);
		c->path.block[level] = NULL;
	}
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
	struct vs_merkle_fault fault;

	return vs_merkle_verify_path(&c->path, blk, want, &fault);
}
