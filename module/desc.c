// SPDX-License-Identifier: GPL-2.0
/*
 * desc.c - validation of an fs-verity descriptor read from disk (pure;
 * the rules of fs/verity/open.c)
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "meta.h"
#include "vs_private.h"

/**
 * vs_desc_validate() - check a descriptor before trusting its fields
 * @desc: the descriptor
 * @size: its size in bytes, signature included
 * @i_size: size of the file it describes
 * @max_log_blocksize: largest Merkle block size supported (log2): the
 *	smaller of PAGE_SHIFT and the filesystem block size
 *
 * Return: 0 if usable, -EINVAL if malformed.
 */
int vs_desc_validate(const struct fsverity_descriptor *desc, size_t size,
		     u64 i_size, unsigned int max_log_blocksize)
{
	unsigned int digest_size;

	if (size < sizeof(*desc) || size > VS_MAX_DESC_SIZE)
		return -EINVAL;
	if (desc->version != 1)
		return -EINVAL;
	digest_size = vs_alg_digest_size(desc->hash_algorithm);
	if (!digest_size)
		return -EINVAL;
	if (desc->log_blocksize < 10 ||
	    desc->log_blocksize > max_log_blocksize ||
	    (1U << desc->log_blocksize) < 2 * digest_size)
		return -EINVAL;
	if (desc->salt_size > sizeof(desc->salt))
		return -EINVAL;
	if (memchr_inv(desc->__reserved, 0, sizeof(desc->__reserved)))
		return -EINVAL;
	if (le32_to_cpu(desc->sig_size) > size - sizeof(*desc))
		return -EINVAL;
	if (le64_to_cpu(desc->data_size) != i_size)
		return -EINVAL;
	return 0;
}

/**
 * vs_desc_meta_span() - the filesystem blocks holding a file's whole
 *	Merkle tree and its descriptor, if they are few
 * @tree_pos: where the tree starts (a multiple of @fs_bs)
 * @tree_bytes: its size
 * @desc_pos: where the descriptor starts, at or past the tree's end
 * @desc_size: its size
 * @fs_bs: the filesystem block size
 * @max_bytes: the most the span may cover
 * @from: first byte of the span (out)
 * @to: its end, a multiple of @fs_bs (out)
 *
 * Return: true if [@from, @to) holds the tree and the descriptor in at most
 * @max_bytes; false (nothing set) otherwise.
 */
bool vs_desc_meta_span(u64 tree_pos, u64 tree_bytes, u64 desc_pos,
		       u32 desc_size, u32 fs_bs, u32 max_bytes, u64 *from,
		       u64 *to)
{
	u64 end;

	if (!fs_bs || (tree_pos & (fs_bs - 1)) || desc_pos < tree_pos + tree_bytes)
		return false;
	end = round_up(desc_pos + desc_size, fs_bs);
	if (end - tree_pos > max_bytes)
		return false;
	*from = tree_pos;
	*to = end;
	return true;
}
