// SPDX-License-Identifier: GPL-2.0
/*
 * decide.c - the classification decision table (pure): from what the
 * retries, the raw reads and the Merkle walk found, to a kind
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "vs_private.h"

/**
 * vs_evidence_init() - evidence of a block nothing is known about yet
 * @ev: evidence
 */
void vs_evidence_init(struct vs_evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->bad_level = -1;
}

/**
 * vs_blk_status_detail() - block layer status to VERITY_SCRUB_DETAIL_*
 * @status: bio->bi_status of a failed read
 *
 * Return: the detail reported with an IO_ERROR range.
 */
u32 vs_blk_status_detail(blk_status_t status)
{
	if (status == BLK_STS_MEDIUM)
		return VERITY_SCRUB_DETAIL_MEDIUM;
	if (status == BLK_STS_TIMEOUT)
		return VERITY_SCRUB_DETAIL_TIMEOUT;
	if (status == BLK_STS_TRANSPORT || status == BLK_STS_TARGET ||
	    status == BLK_STS_OFFLINE || status == VS_BLK_STS_RESV)
		return VERITY_SCRUB_DETAIL_TRANSPORT;
	return VERITY_SCRUB_DETAIL_OTHER;
}

static void vs_verdict_set(struct vs_verdict *v, u32 kind, u32 detail,
			   u32 level)
{
	v->kind = kind;
	v->detail = detail;
	v->level = level;
}

/**
 * vs_decide() - classify a data block whose page-cache read failed
 * @ev: what was found, in the order it was looked for
 * @v: the verdict
 *
 * A successful retry wins; then what stopped the raw path (no raw access,
 * data read error, tree read error, in that order); then the first bad
 * tree block from the top; then the leaf comparison.  A block that passes
 * everything is VS_KIND_GOOD: it failed only because a neighbour in the
 * same folio failed.
 */
void vs_decide(const struct vs_evidence *ev, struct vs_verdict *v)
{
	if (ev->retry_ok)
		vs_verdict_set(v, VERITY_SCRUB_KIND_TRANSIENT, 0, 0);
	else if (ev->no_raw)
		vs_verdict_set(v, VERITY_SCRUB_KIND_UNKNOWN, 0, 0);
	else if (ev->data_err)
		vs_verdict_set(v, VERITY_SCRUB_KIND_IO_ERROR, ev->data_detail,
			       0);
	else if (ev->bad_level >= 0)
		vs_verdict_set(v, VERITY_SCRUB_KIND_TREE_CORRUPT, 0,
			       ev->bad_level);
	else if (ev->tree_no_raw)
		vs_verdict_set(v, VERITY_SCRUB_KIND_UNKNOWN, 0, 0);
	else if (ev->tree_err)
		vs_verdict_set(v, VERITY_SCRUB_KIND_IO_ERROR, ev->tree_detail,
			       0);
	else if (!ev->leaf_match)
		vs_verdict_set(v, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	else
		vs_verdict_set(v, VS_KIND_GOOD, 0, 0);
}
