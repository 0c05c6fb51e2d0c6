// SPDX-License-Identifier: GPL-2.0
/*
 * rawok.c - which blocks of a verity file can be read raw: those whose
 * copy at their bmap() address on s_bdev is what a read of the file
 * returns.  Not encrypted, compressed or data-journalled files, not past
 * the first device of a multi-device f2fs.
 */
#include <linux/blkdev.h>
#include <linux/buffer_head.h>
#include <linux/f2fs_fs.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/fscrypt.h>
#include <linux/magic.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/string.h>

#include "vs_private.h"

/*
 * Flags of files whose blocks on the device are not what a read returns:
 * compressed (f2fs; bmap() gives 0 for compressed clusters) or with data
 * journalled (ext4: the journal may hold newer data than the block, and
 * bmap() flushes the whole journal on 6.1).  Data is journalled
 * mount-wide too (ext4_journals_data()).
 */
#define VS_NO_RAW_FLAGS	(FS_COMPR_FL | FS_JOURNAL_DATA_FL)

/*
 * f2fs: bmap() gives addresses over all the filesystem's devices, and
 * s_bdev is only the first.  A multi-device f2fs names its devices in its
 * superblock (at byte 1024 of block 0, or of block 1, the backup); the
 * first one's addresses end after its total_segments segments from
 * segment0_blkaddr (f2fs_scan_devices()).  Return: how many of @blocks
 * are the first device's, or -EIO if no superblock could be read.
 */
static s64 f2fs_sb_first_device(struct super_block *sb, sector_t blocks)
{
	const struct f2fs_super_block *raw;
	struct buffer_head *bh;
	s64 ret = -EIO;
	sector_t blk;
	u32 log_seg;
	u64 end;

	for (blk = 0; blk < 2 && ret < 0; blk++) {
		bh = sb_bread(sb, blk);
		if (!bh)
			continue;
		raw = (const void *)(bh->b_data + F2FS_SUPER_OFFSET);
		log_seg = le32_to_cpu(raw->log_blocks_per_seg);
		if (le32_to_cpu(raw->magic) == F2FS_SUPER_MAGIC && log_seg < 32) {
			end = le32_to_cpu(raw->segment0_blkaddr) +
			      ((u64)le32_to_cpu(raw->devs[0].total_segments) <<
			       log_seg);
			ret = raw->devs[0].path[0] ? min_t(u64, blocks, end) :
						     blocks;
		}
		brelse(bh);
	}
	return ret;
}

/*
 * The part of s_bdev that f2fs addresses stand for.  When the device fails
 * under both superblocks, a filesystem that does not fit on s_bdev
 * (statfs) is taken as multi-device, one that does as on s_bdev alone:
 * its reads fail or are judged as on any filesystem.
 */
static sector_t f2fs_first_device(struct file *file, sector_t blocks)
{
	struct kstatfs st;
	s64 ret = f2fs_sb_first_device(file_inode(file)->i_sb, blocks);

	if (ret >= 0)
		return ret;
	if (vfs_statfs(&file->f_path, &st) || !st.f_bsize ||
	    st.f_blocks > div_u64(bdev_nr_bytes(file_inode(file)->i_sb->s_bdev),
				  st.f_bsize))
		return 0;
	return blocks;
}

/*
 * ext4 on-disk superblock (at byte 1024 of the device): the fields read
 * here, by their offsets in struct ext4_super_block (fs/ext4/ext4.h).
 */
#define VS_EXT4_SB_POS		1024
#define VS_EXT4_MAGIC_OFF	0x38	/* __le16 s_magic */
#define VS_EXT4_DEFM_OFF	0x100	/* __le32 s_default_mount_opts */
#define VS_EXT4_DEFM_JMODE	0x0060
#define VS_EXT4_DEFM_JMODE_DATA	0x0020

/* Whether the filesystem's default mode (tune2fs -o) journals data. */
static bool ext4_default_journals(struct super_block *sb)
{
	unsigned int off = VS_EXT4_SB_POS & (sb->s_blocksize - 1);
	const __le32 *defm;
	const __le16 *magic;
	struct buffer_head *bh;
	bool ret = true;

	bh = sb_bread(sb, VS_EXT4_SB_POS >> sb->s_blocksize_bits);
	if (!bh)
		return true;
	magic = (const void *)(bh->b_data + off + VS_EXT4_MAGIC_OFF);
	defm = (const void *)(bh->b_data + off + VS_EXT4_DEFM_OFF);
	if (le16_to_cpu(*magic) == EXT4_SUPER_MAGIC)
		ret = (le32_to_cpu(*defm) & VS_EXT4_DEFM_JMODE) ==
		      VS_EXT4_DEFM_JMODE_DATA;
	brelse(bh);
	return ret;
}

/*
 * ext4 keeps its data mode in its private superblock.  ->show_options()
 * says it as /proc/mounts does: ",data=journal" (or another mode) when it
 * differs from the filesystem's default, nothing when it is the default.
 * Whatever cannot be read counts as journalling.
 */
static bool ext4_journals_data(struct super_block *sb)
{
	struct seq_file m = { .size = PAGE_SIZE };
	bool ret = true;
	char *opt;

	m.buf = kmalloc(m.size, VS_GFP);
	if (!m.buf)
		return true;
	if (sb->s_op->show_options(&m, sb->s_root) || m.count >= m.size)
		goto out;
	m.buf[m.count] = '\0';
	opt = strstr(m.buf, ",data=");
	if (opt)
		ret = !strncmp(opt, ",data=journal", 13) &&
		      (opt[13] == ',' || !opt[13]);
	else
		ret = ext4_default_journals(sb);
out:
	kfree(m.buf);
	return ret;
}

/**
 * vs_raw_limit() - can blocks of @file be read raw, and which?
 * @file: the verity file
 *
 * A file can be read raw on its filesystem's block device, with ->bmap(),
 * not encrypted (the disk holds ciphertext), not compressed, data not
 * journalled (per file or mount-wide), blocks at most a page.  ext4 and f2fs never keep a verity
 * file inline (enabling verity converts inline data).
 *
 * Return: the number of filesystem blocks at the start of s_bdev that the
 * addresses bmap() gives stand for (less than all of it on a multi-device
 * f2fs); 0 when nothing can be read raw.
 */
sector_t vs_raw_limit(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct super_block *sb = inode->i_sb;
	struct fileattr fa = { };
	sector_t blocks;

	if (!sb->s_bdev || !inode->i_mapping->a_ops->bmap ||
	    inode->i_blkbits > PAGE_SHIFT || IS_ENCRYPTED(inode))
		return 0;
	if (vfs_fileattr_get(file->f_path.dentry, &fa) ||
	    (fa.flags & VS_NO_RAW_FLAGS))
		return 0;
	if (sb->s_magic == EXT4_SUPER_MAGIC && ext4_journals_data(sb))
		return 0;
	blocks = bdev_nr_sectors(sb->s_bdev) >> (inode->i_blkbits - SECTOR_SHIFT);
	if (sb->s_magic == F2FS_SUPER_MAGIC)
		blocks = f2fs_first_device(file, blocks);
	return blocks;
}
