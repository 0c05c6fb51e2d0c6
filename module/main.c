// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the /dev/verity-scrub misc device, module init and exit
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "vs_private.h"

static const struct file_operations vs_fops = {
	.owner = THIS_MODULE,	/* rmmod fails with EBUSY while it is open */
	.unlocked_ioctl = vs_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vs_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "verity-scrub",
	.fops = &vs_fops,
	.mode = 0600,
};

static int __init vs_init(void)
{
	int err = vs_ioctl_init();

	if (err)
		return err;
	return misc_register(&vs_misc);
}

static void __exit vs_exit(void)
{
	misc_deregister(&vs_misc);
}

module_init(vs_init);
module_exit(vs_exit);

MODULE_DESCRIPTION("Scrub fs-verity files from disk and classify bad ranges");
MODULE_LICENSE("GPL");
MODULE_VERSION(VS_VERSION);
