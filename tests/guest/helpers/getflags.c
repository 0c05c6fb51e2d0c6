// SPDX-License-Identifier: GPL-2.0
/*
 * getflags - print a file's inode flags (FS_IOC_GETFLAGS) in hex, with
 * no "0x" and no leading zeros (the guest's busybox lsattr prints a
 * different set of letters than e2fsprogs').
 *
 * Usage: getflags FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

int main(int argc, char **argv)
{
	int fd, flags = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: getflags FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_NOFOLLOW);
	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	printf("%x\n", (unsigned int)flags);
	return 0;
}
