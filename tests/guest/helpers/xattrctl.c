// SPDX-License-Identifier: GPL-2.0
/*
 * xattrctl - set or print one extended attribute (the guest has no
 * setfattr/getfattr).
 *
 * Usage: xattrctl set FILE NAME VALUE
 *        xattrctl get FILE NAME      (prints the value, no newline)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;

	if (argc == 5 && !strcmp(argv[1], "set")) {
		if (lsetxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0)) {
			perror("lsetxattr");
			return 1;
		}
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "get")) {
		n = lgetxattr(argv[2], argv[3], buf, sizeof(buf));
		if (n < 0) {
			perror("lgetxattr");
			return 1;
		}
		fwrite(buf, 1, (size_t)n, stdout);
		return 0;
	}
	fprintf(stderr, "usage: xattrctl set FILE NAME VALUE | get FILE NAME\n");
	return 2;
}
