// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scrub-example.c - a minimal scrub tool built on libverityscrub
 *
 * Usage: scrub-example FILE...
 *
 * Prints "FILE OFFSET LENGTH KIND" for every bad range as it is found and
 * "FILE: N bytes verified, M bad ranges" per file.  Exit status: 0 all
 * good, 1 bad ranges found (transient ones excepted), 2 an error, 3
 * interrupted by SIGINT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "verityscrub.h"

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
	(void)sig;
	stop = 1;
}

struct file_ctx {
	const char *path;
	int bad;
};

static int print_range(const struct verity_scrub_range *r, void *priv)
{
	struct file_ctx *c = priv;

	printf("%s %llu %llu %s\n", c->path, (unsigned long long)r->offset,
	       (unsigned long long)r->length, verity_scrub_kind_name(r->kind));
	if (r->kind != VERITY_SCRUB_KIND_TRANSIENT)
		c->bad = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct verity_scrub_dev *dev;
	struct verity_scrub_opts opts;
	struct verity_scrub_result res;
	struct sigaction sa;
	int i, err, status = 0;

	if (argc < 2) {
		fprintf(stderr, "Usage: %s FILE...\n", argv[0]);
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
	for (i = 1; i < argc && !stop; i++) {
		struct file_ctx c = { .path = argv[i] };

		verity_scrub_opts_init(&opts);
		opts.on_range = print_range;
		opts.cancel = &stop;
		opts.priv = &c;
		err = verity_scrub_path(dev, argv[i], &opts, &res);
		if (err == -EINTR) {
			printf("%s: interrupted at offset %llu\n", argv[i],
			       (unsigned long long)res.cursor);
			status = 3;
			break;
		}
		if (err) {
			fprintf(stderr, "%s: %s: %s\n", argv[0], argv[i],
				verity_scrub_strerror(VERITY_SCRUB_OP_SCRUB, err));
			status |= 2;
			continue;
		}
		printf("%s: %llu bytes verified, %llu bad ranges\n", argv[i],
		       (unsigned long long)res.bytes_verified,
		       (unsigned long long)res.ranges);
		if (c.bad)
			status |= 1;
	}
	verity_scrub_close(dev);
	return status;
}
