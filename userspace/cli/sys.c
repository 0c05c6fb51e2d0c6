// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys.c - the fs-verity system calls verify-file makes itself
 *
 * Gathered in one table so that the host tests can swap in a fake.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vf.h"
#include "../lib/repair.h"

_Static_assert(VF_MAX_DIGEST == VS_REPAIR_MAX_DIGEST, "one digest size");

/* The library's measure, into verify-file's digest struct. */
static int real_measure(int fd, struct vf_digest *d)
{
	struct vs_repair_digest m;
	int err = vs_repair_measure(fd, &m);

	if (err)
		return err;
	memset(d, 0, sizeof(*d));
	d->alg = m.alg;
	d->size = m.size;
	memcpy(d->bytes, m.bytes, d->size);
	return 0;
}

static int real_read_descriptor(int fd, struct fsverity_descriptor *desc)
{
	struct fsverity_read_metadata_arg arg = {
		.metadata_type = FS_VERITY_METADATA_TYPE_DESCRIPTOR,
		.offset = 0,
		.length = sizeof(*desc),
		.buf_ptr = (uintptr_t)desc,
	};
	int ret;

	memset(desc, 0, sizeof(*desc));
	ret = ioctl(fd, FS_IOC_READ_VERITY_METADATA, &arg);
	if (ret < 0)
		return -errno;
	/* the descriptor is 256 bytes; a short one is not one we know */
	return ret < (int)offsetof(struct fsverity_descriptor, salt) ?
	       -EBADMSG : 0;
}

/* 1 if @path (not followed if a symlink) is an fs-verity file, else 0. */
static int real_is_verity(const char *path)
{
	struct statx stx;
	int fd, ret;
	struct vf_digest d;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) < 0)
		return -errno;
	if (!S_ISREG(stx.stx_mode))
		return 0;
	if (stx.stx_attributes_mask & STATX_ATTR_VERITY)
		return !!(stx.stx_attributes & STATX_ATTR_VERITY);
	/* before Linux 5.5 statx does not say: ask fs-verity itself */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = real_measure(fd, &d);
	close(fd);
	return ret == 0;
}

static double real_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int real_open(const char *path, int flags)
{
	return open(path, flags);
}

struct vf_sys vf_sys = {
	.open = real_open,
	.fstat = fstat,
	.measure = real_measure,
	.read_descriptor = real_read_descriptor,
	.pread = pread,
	.is_verity = real_is_verity,
	.clock = real_clock,
};
