// SPDX-License-Identifier: GPL-2.0
/*
 * desc.c - validation of an fs-verity descriptor read from disk (pure;
 * the rules of fs/verity/open.c)
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

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
