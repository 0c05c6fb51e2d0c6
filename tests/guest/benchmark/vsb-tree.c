// SPDX-License-Identifier: GPL-2.0
/*
 * vsb-tree - make the benchmark's trees of verity files
 *
 *   vsb-tree files DIR COUNT KIB          COUNT files of KIB KiB each
 *   vsb-tree mixed DIR TOTAL_MIB MAX_MIB  files of log-uniform sizes from
 *                                         1 byte to MAX_MIB MiB until they
 *                                         hold TOTAL_MIB MiB
 *
 * Files go into 256 subdirectories named 00..ff, as a content-addressed
 * store spreads its objects.  Contents are pseudo-random (a fixed seed:
 * every run makes the same tree), fs-verity is enabled on each (SHA-256,
 * 4096-byte blocks, no salt).  Prints "VSB-TREE files=N bytes=N".
 * Exit status: 0, 1 on a failure, 2 for usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fsverity.h>

#define KIB 1024ULL
#define MIB (1024ULL * 1024ULL)
#define CHUNK (1U << 20)

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "vsb-tree: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

static int fill(int fd, uint64_t size, const char *path)
{
	static uint64_t buf[CHUNK / sizeof(uint64_t)];
	uint64_t done;
	size_t i, len;

	for (done = 0; done < size; done += len) {
		len = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		for (i = 0; i < (len + 7) / 8; i++)
			buf[i] = rng();
		if (write(fd, buf, len) != (ssize_t)len)
			return fail("write", path);
	}
	return 0;
}

static int enable_verity(int fd, const char *path)
{
	struct fsverity_enable_arg arg = {
		.version = 1,
		.hash_algorithm = FS_VERITY_HASH_ALG_SHA256,
		.block_size = 4096,
	};

	if (ioctl(fd, FS_IOC_ENABLE_VERITY, &arg) < 0)
		return fail("FS_IOC_ENABLE_VERITY", path);
	return 0;
}

/* Make file number @n of @size bytes under @dir. */
static int make_one(const char *dir, unsigned int n, uint64_t size)
{
	char path[4096];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%02x", dir, n % 256);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return fail("mkdir", path);
	snprintf(path, sizeof(path), "%s/%02x/%06u", dir, n % 256, n);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("create", path);
	err = fill(fd, size, path);
	if (!err && fsync(fd) < 0)
		err = fail("fsync", path);
	close(fd);
	if (err)
		return err;
	/* fs-verity wants the file open read-only, no writer left */
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	err = enable_verity(fd, path);
	close(fd);
	return err;
}

/* A size log-uniform in [1, @max]. */
static uint64_t log_uniform(uint64_t max)
{
	double u = (double)(rng() >> 11) / 9007199254740992.0;	/* [0, 1) */
	uint64_t size = (uint64_t)exp(u * log((double)max + 1.0));

	return size < 1 ? 1 : size > max ? max : size;
}

static int usage(void)
{
	fprintf(stderr, "usage: vsb-tree files DIR COUNT KIB\n"
			"       vsb-tree mixed DIR TOTAL_MIB MAX_MIB\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t total = 0, want, max, size;
	unsigned int n = 0, count;
	int err = 0;

	if (argc != 5)
		return usage();
	if (mkdir(argv[2], 0755) < 0 && errno != EEXIST)
		return fail("mkdir", argv[2]);
	if (!strcmp(argv[1], "files")) {
		count = (unsigned int)strtoul(argv[3], NULL, 0);
		size = strtoull(argv[4], NULL, 0) * KIB;
		for (n = 0; !err && n < count; n++, total += size)
			err = make_one(argv[2], n, size);
	} else if (!strcmp(argv[1], "mixed")) {
		want = strtoull(argv[3], NULL, 0) * MIB;
		max = strtoull(argv[4], NULL, 0) * MIB;
		if (!max)
			return usage();
		for (n = 0; !err && total < want; n++, total += size) {
			size = log_uniform(max);
			if (size > want - total)
				size = want - total;
			err = make_one(argv[2], n, size);
		}
	} else {
		return usage();
	}
	if (err)
		return err;
	printf("VSB-TREE files=%u bytes=%" PRIu64 "\n", n, total);
	return 0;
}
