// SPDX-License-Identifier: GPL-2.0
/*
 * vsb-scan - the benchmark's ways of reading a verity file
 *
 *   vsb-scan populate FILE [WINDOW_MIB]   mmap WINDOW (4) MiB at a time,
 *                                         MADV_POPULATE_READ, munmap
 *   vsb-scan touch FILE                   mmap the file, read one byte/page
 *   vsb-scan ioctl FILE [no-classify] [keep-cache] [page-cache]
 *                                         VERITY_SCRUB_IOC_SCRUB directly
 *   vsb-scan hashfloor FILE|buf:MIB [bytes=N] [threads=N] [alg=N]
 *                                         [salt=HEX] [block=N]
 *                                         run the hash floor module
 *                                         (/sys/kernel/debug/vs_hashfloor)
 *
 * MADV_POPULATE_READ loops forever on EIO before Linux 6.9: use it on
 * clean files only (the benchmark's files are clean).
 *
 * Exit status: 0 when every byte was read (and, for ioctl, verified good),
 * 1 otherwise, 2 for usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/verity_scrub.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#define MIB (1024ULL * 1024ULL)
#define HASHFLOOR_CTL "/sys/kernel/debug/vs_hashfloor/run"

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "vsb-scan: %s %s: %s\n", what, path ? path : "",
		strerror(errno));
	return 1;
}

static int open_file(const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static int do_populate(const char *path, uint64_t window)
{
	uint64_t size, off, len;
	void *p;
	int fd = open_file(path, &size);

	if (fd < 0)
		return fail("open", path);
	for (off = 0; off < size; off += window) {
		len = size - off < window ? size - off : window;
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)off);
		if (p == MAP_FAILED)
			return fail("mmap", path);
		if (madvise(p, len, MADV_POPULATE_READ) < 0)
			return fail("MADV_POPULATE_READ", path);
		munmap(p, len);
	}
	close(fd);
	return 0;
}

static int do_touch(const char *path)
{
	uint64_t size, off;
	volatile const unsigned char *p;
	long page = sysconf(_SC_PAGESIZE);
	unsigned int sum = 0;
	int fd = open_file(path, &size);

	if (fd < 0)
		return fail("open", path);
	if (size == 0)
		return 0;
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap", path);
	for (off = 0; off < size; off += (uint64_t)page)
		sum += p[off];
	munmap((void *)p, size);
	close(fd);
	printf("sum=%u\n", sum);
	return 0;
}

static int do_ioctl(const char *path, uint64_t flags)
{
	struct verity_scrub_range ranges[64];
	struct verity_scrub_args a;
	uint64_t size, start = 0, verified = 0, rd = 0, bad = 0;
	int fd, dev, calls = 0;

	fd = open_file(path, &size);
	if (fd < 0)
		return fail("open", path);
	dev = open("/dev/verity-scrub", O_RDONLY | O_CLOEXEC);
	if (dev < 0)
		return fail("open", "/dev/verity-scrub");
	do {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.fd = (uint32_t)fd;
		a.flags = flags;
		a.start = start;
		a.end = UINT64_MAX;
		a.ranges = (uintptr_t)ranges;
		a.ranges_cap = 64;
		if (ioctl(dev, VERITY_SCRUB_IOC_SCRUB, &a) < 0) {
			if (errno == EINTR) {
				start = a.start;
				continue;
			}
			return fail("VERITY_SCRUB_IOC_SCRUB", path);
		}
		calls++;
		verified += a.bytes_verified;
		rd += a.bytes_read;
		bad += a.ranges_count;
		if (a.start <= start && (a.out_flags & VERITY_SCRUB_OUT_RANGES_FULL))
			break;	/* no progress */
		start = a.start;
	} while (start < a.file_size);
	printf("VSB-IOCTL calls=%d size=%" PRIu64 " bytes_verified=%" PRIu64
	       " bytes_read=%" PRIu64 " bad_ranges=%" PRIu64 "\n",
	       calls, size, verified, rd, bad);
	close(dev);
	close(fd);
	return verified == size && bad == 0 ? 0 : 1;
}

/* Write "SPEC fd=N" to the hash floor's control file; print its answer. */
static int do_hashfloor(int argc, char **argv)
{
	char cmd[512], out[512];
	size_t used;
	ssize_t n;
	uint64_t size;
	int fd = -1, ctl, i;

	if (!strncmp(argv[0], "buf:", 4)) {
		used = (size_t)snprintf(cmd, sizeof(cmd), "buf=%s", argv[0] + 4);
	} else {
		fd = open_file(argv[0], &size);
		if (fd < 0)
			return fail("open", argv[0]);
		used = (size_t)snprintf(cmd, sizeof(cmd), "fd=%d", fd);
	}
	for (i = 1; i < argc && used < sizeof(cmd); i++)
		used += (size_t)snprintf(cmd + used, sizeof(cmd) - used, " %s",
					 argv[i]);
	if (used >= sizeof(cmd)) {
		fprintf(stderr, "vsb-scan: hashfloor arguments too long\n");
		return 2;
	}
	ctl = open(HASHFLOOR_CTL, O_RDWR);
	if (ctl < 0)
		return fail("open", HASHFLOOR_CTL);
	if (write(ctl, cmd, used) != (ssize_t)used)
		return fail("hash floor run:", cmd);
	n = pread(ctl, out, sizeof(out) - 1, 0);
	if (n < 0)
		return fail("read", HASHFLOOR_CTL);
	out[n] = 0;
	printf("VSB-HASHFLOOR %s", out);
	close(ctl);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: vsb-scan populate FILE [WINDOW_MIB]\n"
		"       vsb-scan touch FILE\n"
		"       vsb-scan ioctl FILE [no-classify] [keep-cache] [page-cache]\n"
		"       vsb-scan hashfloor FILE|buf:MIB [key=value...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t flags = 0;
	int i;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "populate")) {
		unsigned long mib = argc > 3 ? strtoul(argv[3], NULL, 0) : 4;

		return mib ? do_populate(argv[2], mib * MIB) : usage();
	}
	if (!strcmp(argv[1], "touch"))
		return do_touch(argv[2]);
	if (!strcmp(argv[1], "ioctl")) {
		for (i = 3; i < argc; i++) {
			if (!strcmp(argv[i], "no-classify"))
				flags |= VERITY_SCRUB_FLAG_NO_CLASSIFY;
			else if (!strcmp(argv[i], "keep-cache"))
				flags |= VERITY_SCRUB_FLAG_KEEP_CACHE;
			else if (!strcmp(argv[i], "page-cache"))
				flags |= VERITY_SCRUB_FLAG_PAGE_CACHE;
			else
				return usage();
		}
		return do_ioctl(argv[2], flags);
	}
	if (!strcmp(argv[1], "hashfloor"))
		return do_hashfloor(argc - 2, argv + 2);
	return usage();
}
