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
	       a->tree_level == b->tree_level &&
	       a->offset + a->length == b->offset;
}

/**
 * vs_acc_add() - add a bad block (or run of blocks)
 * @acc: accumulator
 * @r: the new range; must start at or after the end of the open one
 * @out: receives the range closed by @r, if any
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
	acc->cur.__reserved = 0;
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
