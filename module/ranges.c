// SPDX-License-Identifier: GPL-2.0
/*
 * ranges.c - merging bad blocks into byte ranges (pure)
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "vs_private.h"

/**
 * vs_acc_init() - start with no open range
 * @acc: accumulator
 */
void vs_acc_init(struct vs_range_acc *acc)
{
	memset(acc, 0, sizeof(*acc));
}

static bool mergeable(const struct verity_scrub_range *a,
		      const struct verity_scrub_range *b)
{
	return a->kind == b->kind && a->detail == b->detail &&
	       a->tree_level == b->tree_level && a->flags == b->flags &&
	       a->offset + a->length == b->offset;
}

/**
 * vs_acc_add() - add a bad block (or run of blocks)
 * @acc: accumulator
 * @r: the new range; must start at or after the end of the open one
 * @out: receives the range closed by @r, if any
 *
 * Ranges with different flags are never merged: a range is
 * VERITY_SCRUB_RANGE_CACHED only if every block of it is, so a cached
 * block next to an uncached one of the same kind starts a new range.
 * Unknown flag bits of @r are dropped.
 *
 * Return: true if @out was filled: the open range could not absorb @r.
 */
bool vs_acc_add(struct vs_range_acc *acc, const struct verity_scrub_range *r,
		struct verity_scrub_range *out)
{
	if (acc->open && mergeable(&acc->cur, r)) {
		acc->cur.length += r->length;
		return false;
	}
	if (acc->open)
		*out = acc->cur;
	acc->cur = *r;
	acc->cur.flags &= VERITY_SCRUB_RANGE_FLAGS_ALL;
	if (!acc->open) {
		acc->open = true;
		return false;
	}
	return true;
}

/**
 * vs_acc_flush() - close the open range
 * @acc: accumulator
 * @out: receives the open range, if any
 *
 * Return: true if @out was filled.
 */
bool vs_acc_flush(struct vs_range_acc *acc, struct verity_scrub_range *out)
{
	if (!acc->open)
		return false;
	*out = acc->cur;
	acc->open = false;
	return true;
}

/**
 * vs_range_flags() - the flags of a bad block about to be reported
 * @kind: its &enum verity_scrub_kind
 * @cached: every page holding it is in the page cache, up to date
 * @caller_size: &verity_scrub_args.size of the caller
 *
 * Return: VERITY_SCRUB_RANGE_CACHED for a block of a bad kind whose pages
 * are all cached, if the caller knows the flag; else 0.  TRANSIENT blocks
 * read good from the device: never flagged.
 */
u32 vs_range_flags(u32 kind, bool cached, u32 caller_size)
{
	if (caller_size < VERITY_SCRUB_ARGS_SIZE_VER1)
		return 0;	/* the field was reserved, always 0 */
	if (!cached || kind == VERITY_SCRUB_KIND_TRANSIENT)
		return 0;
	return VERITY_SCRUB_RANGE_CACHED;
}
