// SPDX-License-Identifier: GPL-2.0
/*
 * cachereader - run libverityscrub's page-cache repair reader
 * (userspace/lib/repair_cache.c, built in) on a file.
 *
 *   cachereader FILE OFFSET LENGTH OUT
 *                          read LENGTH bytes at OFFSET of FILE with
 *                          vs_repair_read_cache(), [OFFSET, OFFSET+LENGTH)
 *                          being the one range flagged cached; print "rc N"
 *                          (0, or the negative errno) and, on success,
 *                          write the bytes to OUT
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../../userspace/lib/repair_cache.c"

int main(int argc, char **argv)
{
	struct vs_repair_bad flagged;
	struct vs_repair_cache c;
	char *buf;
	FILE *out;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: cachereader FILE OFFSET LENGTH OUT\n");
		return 2;
	}
	flagged.offset = strtoull(argv[2], NULL, 0);
	flagged.length = strtoull(argv[3], NULL, 0);
	flagged.kind = 1;
	c.fd = open(argv[1], O_RDONLY);
	c.cached = &flagged;
	c.ncached = 1;
	buf = malloc(flagged.length);
	if (c.fd < 0 || !buf) {
		perror(argv[1]);
		return 2;
	}
	rc = vs_repair_read_cache(&c, flagged.offset, buf, flagged.length);
	printf("rc %d\n", rc);
	if (rc)
		return 0;
	out = fopen(argv[4], "w");
	if (!out || fwrite(buf, 1, flagged.length, out) != flagged.length ||
	    fclose(out))
		return 2;
	return 0;
}
