/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every kernel version difference verity-scrub depends on
 *
 * This is the only place that tests the kernel version, and only through
 * VS_KERNEL_AT_LEAST().  Supported: Linux 6.1 (Debian) and 6.12; later
 * changes are handled where known.
 */
#ifndef VS_COMPAT_H
#define VS_COMPAT_H

#include <linux/blk_types.h>
#include <linux/fs.h>
#include <linux/fsverity.h>
#include <linux/pagemap.h>
#include <linux/version.h>

/* Major.minor of the kernel built against is at least @major.@minor. */
#define VS_KERNEL_AT_LEAST(major, minor) \
	(KERNEL_VERSION(LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, 0) >= \
	 KERNEL_VERSION(major, minor, 0))

#if !IS_ENABLED(CONFIG_FS_VERITY)
#error "verity-scrub needs a kernel with CONFIG_FS_VERITY"
#endif

/*
 * ->read_merkle_tree_page() lost its num_ra_pages argument in 7.0 (the
 * filesystem reads ahead on its own there).  @ra_pages: pages to read
 * ahead from @index when it is not cached; 0 for the one page.
 */
static inline struct page *vs_read_merkle_tree_page(struct inode *inode,
						    pgoff_t index,
						    unsigned long ra_pages)
{
	const struct fsverity_operations *vop = inode->i_sb->s_vop;

#if VS_KERNEL_AT_LEAST(7, 0)
	return vop->read_merkle_tree_page(inode, index);
#else
	return vop->read_merkle_tree_page(inode, index, ra_pages);
#endif
}

/*
 * fsverity_get_digest() is not exported on 6.1; since 6.5 it is exported
 * with a new signature returning the digest size (0: not a verity file).
 * Return: digest size, or 0 when the kernel-held digest is unavailable.
 */
static inline int vs_kernel_digest(struct inode *inode, u8 *digest)
{
#if VS_KERNEL_AT_LEAST(6, 5)
	return fsverity_get_digest(inode, digest, NULL, NULL);
#else
	return 0;
#endif
}

/*
 * filemap_get_folio() returns NULL before 6.3 and ERR_PTR(-ENOENT) from
 * 6.3 on when nothing is cached at @index.
 */
static inline struct folio *vs_get_folio(struct address_space *mapping,
					 pgoff_t index)
{
	struct folio *folio = filemap_get_folio(mapping, index);

	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

/* BLK_STS_NEXUS was renamed BLK_STS_RESV_CONFLICT in 6.5. */
#ifdef BLK_STS_RESV_CONFLICT
#define VS_BLK_STS_RESV	BLK_STS_RESV_CONFLICT
#else
#define VS_BLK_STS_RESV	BLK_STS_NEXUS
#endif

#endif /* VS_COMPAT_H */
