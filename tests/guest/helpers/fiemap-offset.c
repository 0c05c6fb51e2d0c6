// SPDX-License-Identifier: GPL-2.0
/*
 * fiemap-offset - print where a file byte lives on its block device
 *
 *   fiemap-offset FILE OFFSET
 *
 * Prints the physical byte offset on the filesystem's device of the file
 * byte at OFFSET (which may lie past EOF: ext4 and f2fs keep the fs-verity
 * Merkle tree there), or fails with exit 1 if that byte is not mapped to a
 * plain extent (hole, inline, encoded, delalloc, unknown).  Used by the
 * guest scenarios to damage exactly one block on the raw device.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BAD_FLAGS (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | \
		   FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_INLINE | \
		   FIEMAP_EXTENT_DATA_TAIL | FIEMAP_EXTENT_NOT_ALIGNED | \
		   FIEMAP_EXTENT_DATA_ENCRYPTED)

int main(int argc, char **argv)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe[1];
	} req;
	char *end;
	uint64_t off;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: fiemap-offset FILE OFFSET\n");
		return 2;
	}
	errno = 0;
	off = strtoull(argv[2], &end, 0);
	if (errno || *end || end == argv[2]) {
		fprintf(stderr, "fiemap-offset: bad offset '%s'\n", argv[2]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.fm.fm_start = off;
	req.fm.fm_length = 1;
	req.fm.fm_flags = FIEMAP_FLAG_SYNC;
	req.fm.fm_extent_count = 1;
	if (ioctl(fd, FS_IOC_FIEMAP, &req) < 0) {
		perror("FS_IOC_FIEMAP");
		return 1;
	}
	if (req.fm.fm_mapped_extents != 1 || req.fe[0].fe_logical > off ||
	    req.fe[0].fe_logical + req.fe[0].fe_length <= off ||
	    (req.fe[0].fe_flags & BAD_FLAGS)) {
		fprintf(stderr, "fiemap-offset: %s: offset %" PRIu64
			" is not in a plain extent\n", argv[1], off);
		return 1;
	}
	printf("%" PRIu64 "\n", (uint64_t)(req.fe[0].fe_physical +
					    (off - req.fe[0].fe_logical)));
	return 0;
}
