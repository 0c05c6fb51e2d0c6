// SPDX-License-Identifier: GPL-2.0
/*
 * scrubctl - drive VERITY_SCRUB_IOC_SCRUB for the engine scenarios.
 *
 * Prints one line per bad range, then one summary line:
 *   RANGE <offset> <length> <KIND> <DETAIL> <level>
 *   DONE rc=<0|errno name> start=<cursor> count=<n> flags=<out_flags> \
 *        verified=<bytes> read=<bytes> retried=<blocks> skipped=<bytes> \
 *        bs=<block size> alg=<n> digest=<hex>
 * Exit status: 0 if the ioctl succeeded, 1 if it failed, 2 on usage error.
 *
 * Options:
 *   -s START -e END   byte range (default whole file)
 *   -c CAP            range array capacity (default 1024)
 *   -r RETRIES        retries (default 0 = kernel default)
 *   -f FLAGS          raw flags value (e.g. 1 KEEP_CACHE, 2 NO_CLASSIFY)
 *   -z SIZE           struct size to pass (default sizeof); bytes past
 *                     sizeof are zero unless -t
 *   -t                put a non-zero byte in the tail past sizeof
 *   -F FD             pass this fd number instead of opening FILE
 *   -P                open FILE with O_PATH instead of O_RDONLY
 *   -B                pass a bad (unmapped) range array pointer
 *   -A                pass a bad argument pointer
 *   -R                resume: repeat from the cursor while RANGES_FULL;
 *                     then print the out counters summed over the calls:
 *                     SUM calls=<n> verified=<bytes> retried=<blocks>
 *                         skipped=<bytes> kinds=<k1>,<k2>,...,<k7>
 *   -I                install a SIGUSR1 handler without SA_RESTART, so
 *                     SIGUSR1 interrupts the scrub (-EINTR)
 *   -T MS             interrupt the scrub with SIGALRM after MS ms
 *   -D DEV            device node (default /dev/verity-scrub)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/verity_scrub.h>

static const char *const kinds[] = {
	[VERITY_SCRUB_KIND_HASH_MISMATCH] = "HASH_MISMATCH",
	[VERITY_SCRUB_KIND_TREE_CORRUPT] = "TREE_CORRUPT",
	[VERITY_SCRUB_KIND_IO_ERROR] = "IO_ERROR",
	[VERITY_SCRUB_KIND_TRANSIENT] = "TRANSIENT",
	[VERITY_SCRUB_KIND_UNKNOWN] = "UNKNOWN",
};

static const char *const details[] = {
	[VERITY_SCRUB_DETAIL_NONE] = "NONE",
	[VERITY_SCRUB_DETAIL_MEDIUM] = "MEDIUM",
	[VERITY_SCRUB_DETAIL_TIMEOUT] = "TIMEOUT",
	[VERITY_SCRUB_DETAIL_TRANSPORT] = "TRANSPORT",
	[VERITY_SCRUB_DETAIL_OTHER] = "OTHER",
};

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ENODATA: return "ENODATA";
	case EFAULT: return "EFAULT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EUCLEAN: return "EUCLEAN";
	case ENOTTY: return "ENOTTY";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	}
	return "OTHER";
}

static const char *name(const char *const *tab, unsigned int n, uint32_t v)
{
	return v < n && tab[v] ? tab[v] : "?";
}

static void on_signal(int sig)
{
	(void)sig;
}

struct opts {
	uint64_t start, end, flags;
	uint32_t cap, retries, size;
	int fd, tail, opath, badranges, badarg, resume, intr, alarm_ms;
	const char *dev, *file;
};

static void print_result(const struct verity_scrub_args *a,
			 const struct verity_scrub_range *r, int err)
{
	unsigned int i;

	for (i = 0; i < a->ranges_count; i++)
		printf("RANGE %llu %llu %s %s %u\n",
		       (unsigned long long)r[i].offset,
		       (unsigned long long)r[i].length,
		       name(kinds, 6, r[i].kind),
		       name(details, 5, r[i].detail), r[i].tree_level);
	printf("DONE rc=%s start=%llu count=%u flags=%llu verified=%llu "
	       "read=%llu retried=%llu skipped=%llu bs=%u alg=%u digest=",
	       errname(err), (unsigned long long)a->start, a->ranges_count,
	       (unsigned long long)a->out_flags,
	       (unsigned long long)a->bytes_verified,
	       (unsigned long long)a->bytes_read,
	       (unsigned long long)a->blocks_retried,
	       (unsigned long long)a->bytes_skipped, a->block_size,
	       a->hash_algorithm);
	for (i = 0; i < a->digest_size && i < sizeof(a->digest); i++)
		printf("%02x", a->digest[i]);
	printf("\n");
	fflush(stdout);
}

/* Out counters summed over the calls of one run (-R). */
static struct {
	unsigned int calls;
	uint64_t verified, retried, skipped, kinds[VERITY_SCRUB_KIND_COUNT];
} sum;

static void add_sum(const struct verity_scrub_args *a)
{
	unsigned int i;

	sum.calls++;
	sum.verified += a->bytes_verified;
	sum.retried += a->blocks_retried;
	sum.skipped += a->bytes_skipped;
	for (i = 0; i < VERITY_SCRUB_KIND_COUNT; i++)
		sum.kinds[i] += a->kind_blocks[i];
}

static void print_sum(void)
{
	unsigned int i;

	printf("SUM calls=%u verified=%llu retried=%llu skipped=%llu kinds=",
	       sum.calls, (unsigned long long)sum.verified,
	       (unsigned long long)sum.retried,
	       (unsigned long long)sum.skipped);
	for (i = 1; i < VERITY_SCRUB_KIND_COUNT; i++)
		printf("%llu%s", (unsigned long long)sum.kinds[i],
		       i + 1 < VERITY_SCRUB_KIND_COUNT ? "," : "\n");
}

static int scrub_once(int dev, const struct opts *o, int fd, uint64_t *start,
		      int *full)
{
	size_t bufsize = o->size > sizeof(struct verity_scrub_args) ?
			 o->size : sizeof(struct verity_scrub_args);
	struct verity_scrub_range *ranges;
	struct verity_scrub_args *a;
	int err = 0;

	a = calloc(1, bufsize + 1);
	ranges = calloc(o->cap ? o->cap : 1, sizeof(*ranges));
	if (!a || !ranges)
		return ENOMEM;
	a->size = o->size;
	a->fd = fd;
	a->flags = o->flags;
	a->start = *start;
	a->end = o->end;
	a->ranges = o->badranges ? (uint64_t)8 : (uintptr_t)ranges;
	a->ranges_cap = o->cap;
	a->retries = o->retries;
	if (o->tail)
		((char *)a)[bufsize - 1] = 1;
	if (ioctl(dev, VERITY_SCRUB_IOC_SCRUB, o->badarg ? (void *)8 : a))
		err = errno;
	print_result(a, ranges, err);
	add_sum(a);
	*full = !err && (a->out_flags & VERITY_SCRUB_OUT_RANGES_FULL);
	if (*full && a->start <= *start && a->ranges_count == 0)
		*full = 0;	/* no progress possible (cap 0) */
	*start = a->start;
	free(ranges);
	free(a);
	return err;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->end = UINT64_MAX;
	o->cap = 1024;
	o->size = sizeof(struct verity_scrub_args);
	o->fd = -1;
	o->dev = "/dev/verity-scrub";
	while ((c = getopt(argc, argv, "s:e:c:r:f:z:tF:PBARIT:D:")) != -1) {
		switch (c) {
		case 's': o->start = strtoull(optarg, NULL, 0); break;
		case 'e': o->end = strtoull(optarg, NULL, 0); break;
		case 'c': o->cap = strtoul(optarg, NULL, 0); break;
		case 'r': o->retries = strtoul(optarg, NULL, 0); break;
		case 'f': o->flags = strtoull(optarg, NULL, 0); break;
		case 'z': o->size = strtoul(optarg, NULL, 0); break;
		case 't': o->tail = 1; break;
		case 'F': o->fd = atoi(optarg); break;
		case 'P': o->opath = 1; break;
		case 'B': o->badranges = 1; break;
		case 'A': o->badarg = 1; break;
		case 'R': o->resume = 1; break;
		case 'I': o->intr = 1; break;
		case 'T': o->alarm_ms = atoi(optarg); break;
		case 'D': o->dev = optarg; break;
		default: return -1;
		}
	}
	if (optind < argc)
		o->file = argv[optind];
	return o->file || o->fd >= 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct opts o;
	int dev, fd, err, full;
	uint64_t start;

	if (parse(argc, argv, &o)) {
		fprintf(stderr, "usage: scrubctl [options] FILE\n");
		return 2;
	}
	if (o.intr)
		sigaction(SIGUSR1, &sa, NULL);
	if (o.alarm_ms) {
		struct itimerval it = {
			.it_value.tv_sec = o.alarm_ms / 1000,
			.it_value.tv_usec = (o.alarm_ms % 1000) * 1000,
		};

		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
	}
	dev = open(o.dev, O_RDONLY);
	if (dev < 0) {
		perror(o.dev);
		return 1;
	}
	fd = o.fd;
	if (fd < 0) {
		fd = open(o.file, o.opath ? O_PATH : O_RDONLY);
		if (fd < 0) {
			perror(o.file);
			return 1;
		}
	}
	start = o.start;
	do {
		err = scrub_once(dev, &o, fd, &start, &full);
	} while (o.resume && full);
	if (o.resume)
		print_sum();
	return err ? 1 : 0;
}
