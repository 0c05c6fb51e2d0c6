// SPDX-License-Identifier: GPL-2.0
/*
 * merkle.c - the one Merkle-path verifier: read each tree block on the path
 * of a data block, top level first, hash it and compare it with the hash
 * its parent holds (the root hash for the top level).  The direct path
 * (tree.c) keeps verified blocks across calls; classification (classify.c)
 * reads every level again.  Reads go through struct vs_io_ops, so KUnit
 * fakes the device.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vs_private.h"

/**
 * vs_merkle_init() - prepare a verifier; no buffers yet
 * @m: verifier; the caller then sets @m->block and @m->keep
 * @geom: tree layout
 * @hasher: salted hashing
 * @root_hash: root hash of the descriptor
 * @ops: block reads (only ->read_tree is used)
 * @priv: argument of @ops
 */
void vs_merkle_init(struct vs_merkle *m, const struct vs_geom *geom,
		    const struct vs_hasher *hasher, const u8 *root_hash,
		    const struct vs_io_ops *ops, void *priv)
{
	unsigned int level;

	memset(m, 0, sizeof(*m));
	m->geom = geom;
	m->hasher = hasher;
	m->root_hash = root_hash;
	m->ops = ops;
	m->priv = priv;
	for (level = 0; level < VS_MAX_LEVELS; level++)
		m->held[level] = VS_MERKLE_NONE;
}

/*
 * Read tree block @tblk of @level into its buffer and compare its hash with
 * @expect, which must not point into that buffer.  On failure, say how in
 * @fault.
 */
static int vs_merkle_check_level(struct vs_merkle *m, unsigned int level,
				 u64 tblk, const u8 *expect,
				 struct vs_merkle_fault *fault)
{
	const struct vs_geom *g = m->geom;
	u8 got[VS_MAX_DIGEST_SIZE];
	u32 detail = 0;
	int err;

	m->held[level] = VS_MERKLE_NONE;
	err = m->ops->read_tree(m->priv, tblk, m->block[level], &detail);
	if (err) {
		fault->read_err = err;
		fault->detail = detail;
		return err;
	}
	err = vs_hash_block(m->hasher, m->block[level], g->block_size, got);
	if (err)
		return err;
	if (memcmp(got, expect, g->digest_size)) {
		fault->mismatch = true;
		return -EBADMSG;
	}
	if (m->keep)
		m->held[level] = tblk;
	return 0;
}

/**
 * vs_merkle_verify_path() - verify the tree path of data block @blk
 * @m: verifier
 * @blk: data block index
 * @want: set on success to the expected hash of the data block: inside
 *	@m->block[0], or the root hash for a file without a tree; valid until
 *	the next call
 * @fault: set to where the path failed, and how
 *
 * Reads and checks every tree block on the path that @m does not hold,
 * top level first, and stops at the first failure.  A block that fails is
 * not held.  The expected hash is copied before each read, so levels may
 * share one buffer.
 *
 * Return: 0; -EBADMSG if a tree block does not match the level above
 * (@fault->mismatch); the error of ->read_tree() (@fault->read_err); or a
 * hashing error.
 */
int vs_merkle_verify_path(struct vs_merkle *m, u64 blk, const u8 **want,
			  struct vs_merkle_fault *fault)
{
	const struct vs_geom *g = m->geom;
	const u8 *expect = m->root_hash;
	u8 copy[VS_MAX_DIGEST_SIZE];
	int level, err;

	memset(fault, 0, sizeof(*fault));
	fault->level = -1;
	for (level = g->num_levels - 1; level >= 0; level--) {
		u64 tblk = vs_geom_tree_block(g, level, blk);

		if (m->held[level] != tblk) {
			memcpy(copy, expect, g->digest_size);
			err = vs_merkle_check_level(m, level, tblk, copy, fault);
			if (err) {
				fault->level = level;
				fault->tblk = tblk;
				return err;
			}
		}
		expect = m->block[level] + vs_geom_hash_offset(g, level, blk);
	}
	*want = expect;
	return 0;
}
