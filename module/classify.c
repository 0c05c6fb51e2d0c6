// SPDX-License-Identifier: GPL-2.0
/*
 * classify.c - Merkle path walk of one data block read raw: hash it, check
 * its tree path from the root down, and turn the findings into a verdict.
 * Block reads go through struct vs_io_ops, so KUnit fakes the device.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vs_private.h"

/**
 * vs_walk_init() - prepare a walk
 * @w: walk; @w->buf and @w->tbuf must be set by the caller
 * @geom: tree layout
 * @hasher: salted hashing
 * @root_hash: root hash of the descriptor
 * @ops: block reads
 * @priv: argument of @ops
 */
void vs_walk_init(struct vs_walk *w, const struct vs_geom *geom,
		  const struct vs_hasher *hasher, const u8 *root_hash,
		  const struct vs_io_ops *ops, void *priv)
{
	w->geom = geom;
	w->hasher = hasher;
	w->root_hash = root_hash;
	w->ops = ops;
	w->priv = priv;
	w->bad_level = -1;
	w->bad_block = 0;
}

/**
 * vs_walk_known_bad() - is @blk under the tree block last found corrupt?
 * @w: walk
 * @blk: data block
 *
 * Return: true if so; its classification is then TREE_CORRUPT without
 * further reads.
 */
bool vs_walk_known_bad(const struct vs_walk *w, u64 blk)
{
	if (w->bad_level < 0)
		return false;
	return vs_geom_tree_block(w->geom, w->bad_level, blk) == w->bad_block;
}

static void note_read_error(int err, bool *no_raw, bool *failed, u32 *detail,
			    u32 got)
{
	if (err == -EOPNOTSUPP) {
		*no_raw = true;
	} else {
		*failed = true;
		*detail = got;
	}
}

/*
 * Check the tree path of @blk from the top level down.  @want holds the
 * expected hash of the top block (the root hash) on entry and the expected
 * hash of the data block on success.
 */
static int walk_tree(struct vs_walk *w, u64 blk, u8 *want,
		     struct vs_evidence *ev)
{
	const struct vs_geom *g = w->geom;
	u8 got[VS_MAX_DIGEST_SIZE];
	int level, err;
	u32 detail = 0;

	for (level = g->num_levels - 1; level >= 0; level--) {
		u64 tblk = vs_geom_tree_block(g, level, blk);

		err = w->ops->read_tree(w->priv, tblk, w->tbuf, &detail);
		if (err) {
			note_read_error(err, &ev->tree_no_raw, &ev->tree_err,
					&ev->tree_detail, detail);
			return 0;
		}
		err = vs_hash_block(w->hasher, w->tbuf, g->block_size, got);
		if (err)
			return err;
		if (memcmp(got, want, g->digest_size)) {
			ev->bad_level = level;
			w->bad_level = level;
			w->bad_block = tblk;
			return 0;
		}
		memcpy(want, w->tbuf + vs_geom_hash_offset(g, level, blk),
		       g->digest_size);
	}
	return 0;
}

/**
 * vs_walk_block() - gather evidence on data block @blk from its raw copy
 * @w: walk
 * @blk: data block index
 * @ev: evidence, initialised by the caller (retry_ok already decided)
 *
 * Return: 0, or -errno for an operational failure (hashing).
 */
int vs_walk_block(struct vs_walk *w, u64 blk, struct vs_evidence *ev)
{
	const struct vs_geom *g = w->geom;
	u8 want[VS_MAX_DIGEST_SIZE];
	u8 got[VS_MAX_DIGEST_SIZE];
	u32 detail = 0;
	int err;

	if (vs_walk_known_bad(w, blk)) {
		ev->bad_level = w->bad_level;
		return 0;
	}
	err = w->ops->read_data(w->priv, blk, w->buf, &detail);
	if (err) {
		note_read_error(err, &ev->no_raw, &ev->data_err,
				&ev->data_detail, detail);
		return 0;
	}
	err = vs_hash_block(w->hasher, w->buf, g->block_size, got);
	if (err)
		return err;
	memcpy(want, w->root_hash, g->digest_size);
	err = walk_tree(w, blk, want, ev);
	if (err || ev->bad_level >= 0 || ev->tree_err || ev->tree_no_raw)
		return err;
	ev->leaf_match = !memcmp(got, want, g->digest_size);
	return 0;
}

/**
 * vs_classify_block() - walk and decide for a block that failed every
 *	page-cache retry
 * @w: walk
 * @blk: data block index
 * @v: verdict
 *
 * Return: 0 or -errno (operational failure).
 */
int vs_classify_block(struct vs_walk *w, u64 blk, struct vs_verdict *v)
{
	struct vs_evidence ev;
	int err;

	vs_evidence_init(&ev);
	err = vs_walk_block(w, blk, &ev);
	if (err)
		return err;
	vs_decide(&ev, v);
	return 0;
}
