// SPDX-License-Identifier: GPL-2.0
/*
 * ioctlfuzz - random VERITY_SCRUB_IOC_SCRUB calls, checked.
 *
 * Usage: ioctlfuzz N SEED VERITY_FILE PLAIN_FILE
 *
 * Each call gets a random argument struct: sizes around the known ones and
 * up to past a page, fds of every kind (the verity file, a plain file, a
 * directory, O_PATH, write-only, the device itself, a pipe, a socket, bad
 * numbers), random flags, start and end near 0, the file size and 2^64,
 * range pointers that are NULL, valid, read-only, unaligned, in kernel
 * space or right before a guard page, and capacities up to 2^32 - 1.
 * Every failure must be one of the documented errnos and leave the struct
 * unchanged; every success must fill at most ranges_cap entries (canaries
 * past them stay intact) and report a cursor in range.  Prints
 * "FUZZ calls=N ok=N errors=N bad=0" and exits 1 on the first violation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/verity_scrub.h>

#define CANARY	0xa5
#define EXTRA	4	/* canary entries past ranges_cap */

static uint64_t rng;
static long pg;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}

/* @pages pages followed by a PROT_NONE guard page. */
static unsigned char *guarded(size_t pages)
{
	unsigned char *p = mmap(NULL, (pages + 1) * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + pages * pg, pg, PROT_NONE)) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static int documented(int e)
{
	return e == EBADF || e == EINVAL || e == E2BIG || e == ENODATA ||
	       e == EFAULT || e == EUCLEAN || e == EIO || e == EINTR ||
	       e == ENOMEM;
}

int main(int argc, char **argv)
{
	unsigned long n, i, ok = 0, errs = 0;
	unsigned char *argbuf, *rbuf, *robuf, saved[4096];
	int dev, fds[12], nfds = 0, sv[2], p[2];
	uint64_t fsize;
	struct stat st;

	if (argc != 5) {
		fprintf(stderr, "usage: ioctlfuzz N SEED VERITY_FILE PLAIN_FILE\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 0);
	rng = strtoull(argv[2], NULL, 0) | 1;
	pg = sysconf(_SC_PAGESIZE);
	dev = open("/dev/verity-scrub", O_RDONLY);
	if (dev < 0 || stat(argv[3], &st)) {
		perror("open");
		return 2;
	}
	fsize = st.st_size;
	fds[nfds++] = open(argv[3], O_RDONLY);
	fds[nfds++] = open(argv[3], O_RDONLY);
	fds[nfds++] = open(argv[4], O_RDONLY);
	fds[nfds++] = open("/", O_RDONLY | O_DIRECTORY);
	fds[nfds++] = open(argv[3], O_PATH);
	fds[nfds++] = open(argv[4], O_WRONLY);
	fds[nfds++] = dev;
	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 2;
	fds[nfds++] = p[0];
	fds[nfds++] = sv[0];
	fds[nfds++] = -1;
	fds[nfds++] = 1000000;
	fds[nfds++] = open("/dev/null", O_RDONLY);

	argbuf = guarded(2);
	rbuf = guarded(16);
	robuf = guarded(1);
	mprotect(robuf, pg, PROT_READ);

	for (i = 0; i < n; i++) {
		const uint64_t sizes[] = {
			0, 4, VERITY_SCRUB_ARGS_SIZE_VER0 - 1,
			VERITY_SCRUB_ARGS_SIZE_VER0, sizeof(struct verity_scrub_args),
			sizeof(struct verity_scrub_args),
			sizeof(struct verity_scrub_args) + 8, 4096, 4097,
			rnd() % 8192,
		};
		const uint64_t pos[] = {
			0, 0, 4096, fsize - 1, fsize, fsize + 1, UINT64_MAX,
			UINT64_MAX - 4095, rnd(), rnd() % (fsize + 8192),
		};
		const uint64_t caps[] = { 0, 1, 2, 3, 16, 1U << 31, UINT32_MAX,
					  rnd() % 64, rnd() };
		uint64_t size = rnd() % 2 ? sizeof(struct verity_scrub_args) :
				pick(sizes, sizeof(sizes) / sizeof(*sizes));
		uint64_t cap = pick(caps, sizeof(caps) / sizeof(*caps));
		unsigned int off = 8192 - (size > 8192 ? 8192 : size);
		struct verity_scrub_args *a, copy;
		unsigned char *ranges = NULL;
		unsigned int fit = 0, k, r;
		int ret, e, tail = rnd() % 4 == 0;

		/* The struct ends right at the guard page, or earlier. */
		if (rnd() % 2 && off >= 64)
			off -= 8 * (rnd() % 8);
		a = (void *)(argbuf + off);
		memset(argbuf, 0, 2 * pg);
		memset(&copy, 0, sizeof(copy));
		copy.size = size;
		copy.fd = rnd() % 2 ? fds[0] : fds[rnd() % nfds];
		copy.flags = rnd() % 2 ? rnd() % 8 : rnd() % 3 ? 0 : rnd();
		copy.start = pick(pos, sizeof(pos) / sizeof(*pos));
		copy.end = rnd() % 3 ? UINT64_MAX : pick(pos, sizeof(pos) / sizeof(*pos));
		copy.retries = rnd() % 3 ? 0 : rnd() % 20;
		copy.ranges_cap = cap;
		switch (rnd() % 8) {
		case 0:
			copy.ranges = 0;
			break;
		case 1:	/* exactly cap entries before the guard page */
			if (cap <= 16 * pg / sizeof(struct verity_scrub_range)) {
				ranges = rbuf + 16 * pg - cap * sizeof(struct verity_scrub_range);
				copy.ranges = (uintptr_t)ranges;
				break;
			}
			/* fall through */
		case 2:
			copy.ranges = (uintptr_t)robuf;
			break;
		case 3:
			copy.ranges = 0xffffffff81000000ULL;
			break;
		case 4:
			copy.ranges = (uintptr_t)rbuf + 1 + rnd() % 7;
			break;
		default:	/* room for cap + EXTRA canaries, if cap is small */
			ranges = rbuf;
			copy.ranges = (uintptr_t)rbuf;
			break;
		}
		if (ranges) {
			fit = cap < 64 ? cap : 64;
			memset(rbuf, CANARY, 16 * pg);
		}
		memcpy(a, &copy, size < sizeof(copy) ? size : sizeof(copy));
		if (tail && size > sizeof(copy))
			((unsigned char *)a)[size - 1] = 1;
		memcpy(saved, a, size < sizeof(saved) ? size : sizeof(saved));
		ret = ioctl(dev, VERITY_SCRUB_IOC_SCRUB, a);
		e = errno;
		if (ret) {
			errs++;
			if (!documented(e)) {
				printf("BAD call %lu: errno %d (%s)\n", i, e, strerror(e));
				return 1;
			}
			if (e != EINTR && e != EFAULT &&
			    memcmp(saved, a, size < sizeof(saved) ? size : sizeof(saved))) {
				printf("BAD call %lu: errno %d changed the struct\n", i, e);
				return 1;
			}
			continue;
		}
		ok++;
		if (a->ranges_count > a->ranges_cap ||
		    (a->start > fsize && a->start != copy.start)) {
			printf("BAD call %lu: count %u cap %u start %llu\n", i,
			       a->ranges_count, a->ranges_cap,
			       (unsigned long long)a->start);
			return 1;
		}
		/* Canaries past ranges_cap in the default buffer. */
		if (ranges == rbuf && fit == cap) {
			for (k = fit * sizeof(struct verity_scrub_range), r = 0;
			     r < EXTRA * sizeof(struct verity_scrub_range); r++)
				if (rbuf[k + r] != CANARY) {
					printf("BAD call %lu: wrote past cap %u\n", i, a->ranges_cap);
					return 1;
				}
		}
	}
	printf("FUZZ calls=%lu ok=%lu errors=%lu bad=0\n", n, ok, errs);
	return 0;
}
