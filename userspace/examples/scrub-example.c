// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scrub-example.c - a minimal scrub tool built on libverityscrub
 *
 * Usage: scrub-example [--repair-from COPY] FILE...
 *
 * Prints "FILE OFFSET LENGTH KIND" for every bad range as it is found and
 * "FILE: N bytes verified, M bad ranges" per file.  With --repair-from, a
 * bad file is repaired from COPY through a callback source (which could
 * as well fetch the bytes from the network: the library authenticates
 * them), then scrubbed again.  Exit status: 0 all good, 1 bad ranges
 * found (transient ones excepted) and not repaired, 2 an error, 3
 * interrupted by SIGINT, 4 bad ranges found and repaired.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "verityscrub.h"

#define MAX_RANGES 64

static volatile sig_atomic_t stop;
static const char *prog;

static void on_sigint(int sig)
{
	(void)sig;
	stop = 1;
}

struct file_ctx {
	const char *path;
	int bad;
	struct verity_scrub_range ranges[MAX_RANGES];	/* for a repair */
	size_t nranges;
};

static int print_range(const struct verity_scrub_range *r, void *priv)
{
	struct file_ctx *c = priv;

	printf("%s %llu %llu %s\n", c->path, (unsigned long long)r->offset,
	       (unsigned long long)r->length, verity_scrub_kind_name(r->kind));
	if (r->kind != VERITY_SCRUB_KIND_TRANSIENT)
		c->bad = 1;
	if (c->nranges < MAX_RANGES)
		c->ranges[c->nranges++] = *r;
	return 0;
}

/* A repair source: the bytes of a range, here read from a local copy. */
static int read_copy(void *priv, uint64_t offset, void *buf, size_t len)
{
	const int *fd = priv;
	ssize_t n = pread(*fd, buf, len, (off_t)offset);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENODATA;
}

/* Returns 4 when the file was replaced, else 1 (or 2 on an error). */
static int repair(struct file_ctx *c, int copy_fd)
{
	struct verity_scrub_repair_source src;
	struct verity_scrub_repair_opts ro;
	struct verity_scrub_repair_result rr;
	int err;

	memset(&src, 0, sizeof(src));
	src.read = read_copy;
	src.priv = &copy_fd;
	verity_scrub_repair_opts_init(&ro);
	verity_scrub_repair_result_init(&rr);
	ro.ranges = c->ranges;
	ro.nranges = c->nranges;
	ro.sources = &src;
	ro.nsources = 1;
	err = verity_scrub_repair_path(c->path, &ro, &rr);
	if (err) {
		fprintf(stderr, "%s: %s: repair: %s\n", prog, c->path,
			strerror(-err));
		return 2;
	}
	printf("%s: repair %s: %llu blocks, %llu bytes from the copy",
	       c->path, verity_scrub_repair_status_name(rr.status),
	       (unsigned long long)rr.blocks, (unsigned long long)src.bytes);
	if (rr.status == VERITY_SCRUB_REPAIR_NOT_INSTALLED)
		printf(" (%s: %s)", verity_scrub_repair_step_name(rr.step),
		       strerror(-rr.error));
	printf("\n");
	return rr.status == VERITY_SCRUB_REPAIR_REPLACED ? 4 : 1;
}

static int scrub(struct verity_scrub_dev *dev, struct file_ctx *c,
		 struct verity_scrub_result *res)
{
	struct verity_scrub_opts opts;
	int err;

	c->bad = 0;
	c->nranges = 0;
	verity_scrub_opts_init(&opts);
	opts.on_range = print_range;
	opts.cancel = &stop;
	opts.priv = c;
	err = verity_scrub_path(dev, c->path, &opts, res);
	if (err == -EINTR) {
		printf("%s: interrupted at offset %llu\n", c->path,
		       (unsigned long long)res->cursor);
	} else if (err) {
		fprintf(stderr, "%s: %s: %s\n", prog, c->path,
			verity_scrub_strerror(VERITY_SCRUB_OP_SCRUB, err));
	} else {
		printf("%s: %llu bytes verified, %llu bad ranges\n", c->path,
		       (unsigned long long)res->bytes_verified,
		       (unsigned long long)res->ranges);
	}
	return err;
}

int main(int argc, char **argv)
{
	struct verity_scrub_dev *dev;
	struct verity_scrub_result res;
	struct sigaction sa;
	int i = 1, err, copy_fd = -1, status = 0;

	prog = argv[0];
	if (argc > 2 && !strcmp(argv[1], "--repair-from")) {
		copy_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (copy_fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2],
				strerror(errno));
			return 2;
		}
		i = 3;
	}
	if (argc <= i) {
		fprintf(stderr, "Usage: %s [--repair-from COPY] FILE...\n",
			argv[0]);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;	/* no SA_RESTART: the ioctl returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	verity_scrub_result_init(&res);	/* once: the library keeps res.size */
	err = verity_scrub_open(&dev);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[0],
			verity_scrub_strerror(VERITY_SCRUB_OP_OPEN_DEVICE, err));
		return 2;
	}
	for (; i < argc && !stop; i++) {
		struct file_ctx c = { .path = argv[i] };
		int rep;

		err = scrub(dev, &c, &res);
		if (err == -EINTR) {
			status = 3;
			break;
		}
		if (err) {
			status |= 2;
			continue;
		}
		if (!c.bad)
			continue;
		if (copy_fd < 0) {
			status |= 1;
			continue;
		}
		rep = repair(&c, copy_fd);
		/* the new file, scrubbed from disk, decides */
		if (rep == 4 && (scrub(dev, &c, &res) || c.bad))
			rep = 1;
		status |= rep;
	}
	verity_scrub_close(dev);
	if (copy_fd >= 0)
		close(copy_fd);
	return status;
}
