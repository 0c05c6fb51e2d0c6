// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - VERITY_SCRUB_IOC_SCRUB: argument copy, validation, dispatch
 *
 * Privilege model: whoever can open /dev/verity-scrub may scrub any file
 * they can open for reading.  The node is created mode 0600 (root only);
 * an administrator may hand it to a group with a udev rule.  No capability
 * is checked beyond that: the raw reads issued for classification only
 * touch blocks bmap() maps to the file itself (its data and, on ext4 and
 * f2fs, its Merkle tree past EOF), and nothing read raw is ever copied to
 * userspace; the caller learns only hashes' verdicts about data it may
 * already read.  The target fd must be open for reading (-EBADF if not).
 *
 * Resources: at most max_scrubs calls scrub at once, module-wide (a module
 * parameter); the others wait for a slot, killably.  A call's memory (about
 * 17 MiB at most, for its windows) is charged to the caller's memory
 * cgroup and fails with -ENOMEM rather than invoking the OOM killer.
 *
 * Errors (nothing is changed on any of them but -EINTR):
 *   -EBADF    bad fd, or not open for reading
 *   -EINVAL   not a regular file; unknown flags; struct smaller than
 *             VERITY_SCRUB_ARGS_SIZE_VER0; retries above the maximum
 *   -E2BIG    struct larger than known with a non-zero tail
 *   -ENODATA  regular file without fs-verity
 *   -EFAULT   bad argument or range array pointer
 *   -EUCLEAN  the descriptor on disk is malformed
 *   -EIO      the descriptor cannot be read
 *   -EINTR    signal; args are copied out, start is the resume cursor
 *   -ENOMEM   the caller's memory (cgroup) limit was reached
 * Ranges not aligned to the Merkle block size are rounded outward; a range
 * starting at or past EOF scrubs nothing and succeeds.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsverity.h>
#include <linux/moduleparam.h>
#include <linux/semaphore.h>
#include <linux/uaccess.h>

#include "vs_private.h"

static unsigned int max_scrubs = 8;
module_param(max_scrubs, uint, 0444);
MODULE_PARM_DESC(max_scrubs, "scrubs running at once, module-wide (default 8)");

static struct semaphore vs_slots;

/**
 * vs_ioctl_init() - set up the scrub slots (module load)
 *
 * Return: 0, or -EINVAL when max_scrubs is 0.
 */
int vs_ioctl_init(void)
{
	if (!max_scrubs)
		return -EINVAL;
	sema_init(&vs_slots, min_t(unsigned int, max_scrubs, INT_MAX));
	return 0;
}

static int copy_args_in(struct verity_scrub_args *args,
			struct verity_scrub_args __user *uarg, u32 *usize)
{
	int err;

	if (get_user(*usize, &uarg->size))
		return -EFAULT;
	if (*usize < VERITY_SCRUB_ARGS_SIZE_VER0)
		return -EINVAL;
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(args, sizeof(*args), uarg, *usize);
	if (err)
		return err;
	if (args->flags & ~VERITY_SCRUB_FLAGS_ALL)
		return -EINVAL;
	if (args->retries > VERITY_SCRUB_MAX_RETRIES)
		return -EINVAL;
	if (!args->retries)
		args->retries = VERITY_SCRUB_DEFAULT_RETRIES;
	if (!access_ok(u64_to_user_ptr(args->ranges),
		       (u64)args->ranges_cap * sizeof(struct verity_scrub_range)))
		return -EFAULT;
	return 0;
}

/* Zero every out field: they report on this call only. */
static void clear_out_fields(struct verity_scrub_args *a)
{
	a->ranges_count = 0;
	a->hash_algorithm = 0;
	a->block_size = 0;
	a->digest_size = 0;
	a->file_size = 0;
	a->out_flags = 0;
	memset(a->digest, 0, sizeof(a->digest));
	a->bytes_verified = 0;
	a->bytes_read = 0;
	a->blocks_retried = 0;
	a->bytes_skipped = 0;
	memset(a->kind_blocks, 0, sizeof(a->kind_blocks));
	a->bytes_cached = 0;
}

static int check_file(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	if (!IS_VERITY(inode) || !fsverity_active(inode))
		return -ENODATA;	/* not a verity file */
	return 0;
}

/* Scrub once a slot is free; waiting is killable. */
static int scrub_in_slot(struct file *file, struct verity_scrub_args *args)
{
	int err;

	if (down_killable(&vs_slots))
		return -EINTR;
	err = vs_scrub_file(file, args, u64_to_user_ptr(args->ranges));
	up(&vs_slots);
	return err;
}

static int scrub_fd(struct verity_scrub_args *args)
{
	struct file *file;
	int err;

	file = fget(args->fd);
	if (!file)
		return -EBADF;
	err = check_file(file);
	if (!err)
		err = scrub_in_slot(file, args);
	fput(file);
	return err;
}

static long ioc_scrub(struct verity_scrub_args __user *uarg)
{
	struct verity_scrub_args args;
	u32 usize;
	int err;

	err = copy_args_in(&args, uarg, &usize);
	if (err)
		return err;
	clear_out_fields(&args);
	err = scrub_fd(&args);
	if (err && err != -EINTR)
		return err;
	if (copy_to_user(uarg, &args, min_t(size_t, usize, sizeof(args))))
		return -EFAULT;
	return err;
}

/**
 * vs_ioctl() - ioctl entry point of /dev/verity-scrub
 * @file: the misc device file
 * @cmd: ioctl number; dispatched on type and number only, since the size
 *	encoded in it is that of the caller's (extensible) struct
 * @arg: user pointer to struct verity_scrub_args
 *
 * Return: 0 or -errno as listed at the top of this file.
 */
long vs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (_IOC_TYPE(cmd) == _IOC_TYPE(VERITY_SCRUB_IOC_SCRUB) &&
	    _IOC_NR(cmd) == _IOC_NR(VERITY_SCRUB_IOC_SCRUB))
		return ioc_scrub((struct verity_scrub_args __user *)arg);
	return -ENOTTY;
}
