// SPDX-License-Identifier: GPL-2.0
/*
 * classify.c - classification of one data block that failed in the page
 * cache: read it raw, verify its tree path (merkle.c), decide (decide.c).
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
 *
 * Every level of the path is read into @w->tbuf, and read again for each
 * block: classification looks at what the device holds now.
 */
void vs_walk_init(struct vs_walk *w, const struct vs_geom *geom,
		  const struct vs_hasher *hasher, const u8 *root_hash,
		  const struct vs_io_ops *ops, void *priv)
{
	unsigned int level;

	vs_merkle_init(&w->path, geom, hasher, root_hash, ops, priv);
	for (level = 0; level < VS_MAX_LEVELS; level++)
		w->path.block[level] = w->tbuf;
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
	return vs_geom_tree_block(w->path.geom, w->bad_level, blk) ==
	       w->bad_block;
}

static void vs_note_read_error(int err, bool *no_raw, bool *failed,
			       u32 *detail, u32 got)
{
	if (err == -EOPNOTSUPP) {
		*no_raw = true;
	} else {
		*failed = true;
		*detail = got;
	}
}

/*
 * Verify the tree path of @blk and note in @ev what stopped it: a read
 * error, or the first tree block that does not match (remembered in @w).
 * @want is set only if the whole path verified.
 */
static int vs_walk_path(struct vs_walk *w, u64 blk, const u8 **want,
			struct vs_evidence *ev)
{
	struct vs_merkle_fault fault;
	int err;

	err = vs_merkle_verify_path(&w->path, blk, want, &fault);
	if (fault.read_err) {
		vs_note_read_error(fault.read_err, &ev->tree_no_raw,
				   &ev->tree_err, &ev->tree_detail,
				   fault.detail);
		return 0;
	}
	if (fault.mismatch) {
		ev->bad_level = fault.level;
		w->bad_level = fault.level;
		w->bad_block = fault.tblk;
		return 0;
	}
	return err;
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
	const struct vs_geom *g = w->path.geom;
	u8 got[VS_MAX_DIGEST_SIZE];
	const u8 *want = NULL;
	u32 detail = 0;
	int err;

	if (vs_walk_known_bad(w, blk)) {
		ev->bad_level = w->bad_level;
		return 0;
	}
	err = w->path.ops->read_data(w->path.priv, blk, w->buf, &detail);
	if (err) {
		vs_note_read_error(err, &ev->no_raw, &ev->data_err,
				   &ev->data_detail, detail);
		return 0;
	}
	err = vs_hash_block(w->path.hasher, w->buf, g->block_size, got);
	if (err)
		return err;
	err = vs_walk_path(w, blk, &want, ev);
	if (err || !want)
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
