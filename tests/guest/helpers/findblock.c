// SPDX-License-Identifier: GPL-2.0
/*
 * findblock - print the byte offset on DEV of the 4 KiB block of FILE at
 * OFFSET, found by content (for filesystems whose FIEMAP addresses are not
 * device offsets, e.g. btrfs).  The block's content must be unique.
 *
 * Usage: findblock DEV FILE OFFSET
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BS 4096
#define CHUNK (1 << 20)

int main(int argc, char **argv)
{
	static char want[BS], buf[CHUNK];
	long long pos = 0;
	int dev, file;
	ssize_t n, i;

	if (argc != 4) {
		fprintf(stderr, "usage: findblock DEV FILE OFFSET\n");
		return 2;
	}
	file = open(argv[2], O_RDONLY);
	dev = open(argv[1], O_RDONLY);
	if (file < 0 || dev < 0) {
		perror("open");
		return 1;
	}
	if (pread(file, want, BS, strtoll(argv[3], NULL, 0)) != BS) {
		perror("pread");
		return 1;
	}
	while ((n = pread(dev, buf, CHUNK, pos)) > 0) {
		for (i = 0; i + BS <= n; i += BS) {
			if (!memcmp(buf + i, want, BS)) {
				printf("%lld\n", pos + i);
				return 0;
			}
		}
		pos += n;
	}
	fprintf(stderr, "findblock: not found\n");
	return 1;
}
