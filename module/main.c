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

/*
 * A fixed misc minor, so that kmod can name the node before the module is
 * loaded: depmod turns the "devname:" alias below into modules.devname,
 * `kmod static-nodes` (systemd-tmpfiles-setup-dev.service) creates
 * /dev/verity-scrub c 10:138 at boot, and the first open(2) of that node
 * makes the kernel request "char-major-10-138", which loads this module.
 * 138 is free on every kernel we support: unlisted for major 10 in
 * Documentation/admin-guide/devices.txt, not defined in
 * include/linux/miscdevice.h (6.1, 6.12, mainline), and outside the
 * dynamic ranges (6.1 hands out 127 downwards, then 256 upwards; 6.12
 * and later only 256 upwards).  If another driver took it first,
 * misc_register() fails with -EBUSY and so does the module load.
 */
#define VS_MISC_MINOR 138

static struct miscdevice vs_misc = {
	.minor = VS_MISC_MINOR,
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
	vs_hash_exit();
}

module_init(vs_init);
module_exit(vs_exit);

MODULE_DESCRIPTION("Scrub fs-verity files from disk and classify bad ranges");
MODULE_LICENSE("GPL");
MODULE_VERSION(VS_VERSION);
MODULE_ALIAS_MISCDEV(VS_MISC_MINOR);
MODULE_ALIAS("devname:verity-scrub");
