// SPDX-License-Identifier: GPL-2.0
/*
 * pinpage - hold a reference on the page-cache page of FILE at OFFSET for
 * SECONDS, by splicing it into a pipe nobody reads, so that it cannot be
 * evicted (invalidate_inode_pages2_range() gets -EBUSY for it).
 *
 * Usage: pinpage FILE OFFSET SECONDS   (prints "pinned" once it holds it)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	loff_t off;
	int fd, p[2];

	if (argc != 4) {
		fprintf(stderr, "usage: pinpage FILE OFFSET SECONDS\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	off = strtoll(argv[2], NULL, 0);
	if (fd < 0 || pipe(p)) {
		perror("pinpage");
		return 1;
	}
	if (splice(fd, &off, p[1], NULL, 4096, 0) != 4096) {
		perror("splice");
		return 1;
	}
	printf("pinned\n");
	fflush(stdout);
	sleep(atoi(argv[3]));
	return 0;
}
