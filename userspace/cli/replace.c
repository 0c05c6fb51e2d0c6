// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replace.c - replace a small file atomically (--metrics, --state)
 *
 * FILE.tmp.PID in FILE's directory, written, fsynced, renamed over FILE,
 * then the directory fsynced: a reader sees the old FILE or the new one,
 * never half of one, and a crash leaves at most the temporary file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf.h"

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory of @file, so that the rename is on disk. */
static int sync_dir(const char *file)
{
	char *copy = strdup(file);
	int fd, err = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		err = -errno;
	close(fd);
	return err;
}

static int write_tmp(const char *tmp, const char *buf, size_t len,
		     mode_t mode, const char **step)
{
	int fd, err = 0;

	*step = "cannot create the temporary file";
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	if (mode && fchmod(fd, mode) < 0)
		err = -errno;
	*step = "cannot write the temporary file";
	if (!err)
		err = write_all(fd, buf, len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

/**
 * vf_replace_file() - replace @file by @len bytes of @buf, atomically
 * @file: the file (its directory must exist)
 * @buf: the new content
 * @len: its length
 * @mode: the new file's mode whatever the umask, or 0 for 0644 & ~umask
 * @step: set to what failed, for the message
 *
 * Return: 0, or a negative errno (then @file is unchanged and no
 * temporary file is left; a failed fsync of the directory comes after
 * the rename).
 */
int vf_replace_file(const char *file, const char *buf, size_t len,
		    mode_t mode, const char **step)
{
	char *tmp;
	int err;

	*step = "out of memory";
	if (asprintf(&tmp, "%s.tmp.%ld", file, (long)getpid()) < 0)
		return -ENOMEM;
	err = write_tmp(tmp, buf, len, mode, step);
	if (!err) {
		*step = "cannot rename the temporary file over it";
		if (rename(tmp, file) < 0)
			err = -errno;
	}
	if (err) {
		unlink(tmp);
		free(tmp);
		return err;
	}
	free(tmp);
	*step = "cannot sync its directory";
	return sync_dir(file);
}
