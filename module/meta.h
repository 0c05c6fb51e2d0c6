/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meta.h - a small file's Merkle tree and descriptor read raw at once
 * (rawio.c), and the span they cover (desc.c)
 */
#ifndef VS_META_H
#define VS_META_H

#include <linux/sizes.h>
#include <linux/types.h>

struct vs_scrub;

/* The most of tree + descriptor read in one go (vs_meta_prefetch()). */
#define VS_META_MAX	SZ_32K

/* desc.c */
bool vs_desc_meta_span(u64 tree_pos, u64 tree_bytes, u64 desc_pos,
		       u32 desc_size, u32 fs_bs, u32 max_bytes, u64 *from,
		       u64 *to);

/* rawio.c */
void vs_meta_prefetch(struct vs_scrub *s);
void vs_meta_route(struct vs_scrub *s);
const unsigned long *vs_meta_failed_pages(const struct vs_scrub *s);
void vs_meta_free(struct vs_scrub *s);

#endif /* VS_META_H */
