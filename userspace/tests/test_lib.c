// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lib.c - libverityscrub's resume loop against a fake device
 *
 * The fake kernel models one file: size, Merkle block size and bad blocks;
 * a script makes chosen calls fail with -EINTR halfway, caps the range
 * buffer, or returns an errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/lib_private.h"
#include "test.h"

#define MAXBAD 16
#define MAXCALLS 64

static struct {
	uint64_t size, bs;
	struct {
		uint64_t block;
		uint32_t kind, detail, level, flags;
	} bad[MAXBAD];
	int nbad;
	uint32_t cap;			/* fake kernel's own limit */
	unsigned int eintr_calls;	/* bit n: call n stops halfway, EINTR */
	int errno_ret;			/* return this from every call */
	int no_progress;		/* return 0 without moving the cursor */
	int split_at;			/* deliver ranges split at this block */
	unsigned int calls;
	struct verity_scrub_args seen[MAXCALLS];	/* inputs of each call */
} k;

static int fake_open(const char *path)
{
	(void)path;
	return k.errno_ret == -ENOENT ? -ENOENT : 42;
}

static void fake_close(int fd)
{
	(void)fd;
}

static int find_bad(uint64_t block)
{
	int i;

	for (i = 0; i < k.nbad; i++)
		if (k.bad[i].block == block)
			return i;
	return -1;
}

static int fake_scrub(int devfd, struct verity_scrub_args *a)
{
	struct verity_scrub_range *r = (void *)(uintptr_t)a->ranges;
	uint32_t cap = a->ranges_cap < k.cap ? a->ranges_cap : k.cap;
	uint64_t pos, end, stop, blen;
	unsigned int call = k.calls++;
	int i, eintr;

	if (devfd != 42)
		return -EBADF;
	if (call < MAXCALLS)
		k.seen[call] = *a;
	if (k.errno_ret)
		return k.errno_ret;
	a->hash_algorithm = 1;
	a->block_size = (uint32_t)k.bs;
	a->digest_size = 32;
	memset(a->digest, 0xab, 32);
	a->file_size = k.size;
	a->out_flags = VERITY_SCRUB_OUT_DIGEST_CHECKED;
	if (k.no_progress)
		return 0;
	pos = a->start / k.bs * k.bs;
	end = a->end < k.size ? (a->end + k.bs - 1) / k.bs * k.bs : k.size;
	if (end > k.size)
		end = k.size;
	eintr = call < 32 && (k.eintr_calls >> call & 1);
	stop = eintr ? pos + (end - pos) / k.bs / 2 * k.bs : end;
	for (; pos < stop; pos += blen) {
		blen = k.size - pos < k.bs ? k.size - pos : k.bs;
		i = find_bad(pos / k.bs);
		if (i >= 0) {
			uint32_t n = a->ranges_count;

			if (n && r[n - 1].offset + r[n - 1].length == pos &&
			    r[n - 1].kind == k.bad[i].kind &&
			    r[n - 1].detail == k.bad[i].detail &&
			    r[n - 1].tree_level == k.bad[i].level &&
			    r[n - 1].flags == k.bad[i].flags &&
			    (uint64_t)k.split_at != pos / k.bs) {
				r[n - 1].length += blen;
			} else if (n == cap ||
				   (n && (uint64_t)k.split_at == pos / k.bs)) {
				a->out_flags |= VERITY_SCRUB_OUT_RANGES_FULL;
				break;
			} else {
				r[n].offset = pos;
				r[n].length = blen;
				r[n].kind = k.bad[i].kind;
				r[n].detail = k.bad[i].detail;
				r[n].tree_level = k.bad[i].level;
				r[n].flags = k.bad[i].flags;
				a->ranges_count = n + 1;
			}
			a->kind_blocks[k.bad[i].kind]++;
			if (k.bad[i].kind == VERITY_SCRUB_KIND_TRANSIENT)
				a->bytes_verified += blen;
		} else {
			a->bytes_verified += blen;
		}
		a->bytes_read += blen;
	}
	a->start = pos;
	return eintr ? -EINTR : 0;
}

static const struct vs_sys_ops fake_ops = {
	.open_device = fake_open,
	.scrub = fake_scrub,
	.close_device = fake_close,
};

/* what the callbacks saw */
static struct verity_scrub_range got[64];
static int ngot, stop_after = -1;
static uint64_t progress_cursors[64];
static int nprogress;
static volatile sig_atomic_t cancel_flag;

static int on_range(const struct verity_scrub_range *r, void *priv)
{
	(void)priv;
	if (ngot < 64)
		got[ngot] = *r;
	ngot++;
	return ngot == stop_after;
}

static int on_progress(const struct verity_scrub_progress *p, void *priv)
{
	(void)priv;
	if (nprogress < 64)
		progress_cursors[nprogress] = p->cursor;
	nprogress++;
	return 0;
}

static int file_fd = -1;

static void reset(uint64_t size, uint64_t bs)
{
	memset(&k, 0, sizeof(k));
	k.size = size;
	k.bs = bs;
	k.cap = 1000;
	k.split_at = -1;
	ngot = 0;
	nprogress = 0;
	stop_after = -1;
	cancel_flag = 0;
}

static void add_bad(uint64_t block, uint32_t kind, uint32_t detail,
		    uint32_t level)
{
	k.bad[k.nbad].block = block;
	k.bad[k.nbad].kind = kind;
	k.bad[k.nbad].detail = detail;
	k.bad[k.nbad].level = level;
	k.bad[k.nbad].flags = 0;
	k.nbad++;
}

static struct verity_scrub_dev *dev;
static struct verity_scrub_opts opts;
static struct verity_scrub_result res;

static int scrub(void)
{
	verity_scrub_opts_init(&opts);
	verity_scrub_result_init(&res);
	opts.on_range = on_range;
	opts.on_progress = on_progress;
	opts.cancel = &cancel_flag;
	return 0;
}

static void test_clean_file_one_call(void)
{
	reset(10 * 4096 + 100, 4096);
	scrub();
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.complete, 1);
	CHECK_U64(res.calls, 1);
	CHECK_U64(res.cursor, 10 * 4096 + 100);
	CHECK_U64(res.bytes_verified, 10 * 4096 + 100);
	CHECK_U64(res.ranges, 0);
	CHECK_U64(ngot, 0);
	CHECK_U64(res.block_size, 4096);
	CHECK_U64(res.digest_size, 32);
	CHECK_U64(res.digest[31], 0xab);
	CHECK_U64(res.out_flags, VERITY_SCRUB_OUT_DIGEST_CHECKED);
	/* what the kernel was handed */
	CHECK_U64(k.seen[0].size, VERITY_SCRUB_ARGS_SIZE_VER1);
	CHECK_U64(k.seen[0].fd, file_fd);
	CHECK_U64(k.seen[0].start, 0);
	CHECK_U64(k.seen[0].end, UINT64_MAX);
	CHECK_U64(k.seen[0].ranges_cap, VS_RANGES_CAP);
	CHECK(k.seen[0].ranges != 0);
}

static void test_ranges_full_resumes(void)
{
	uint64_t b;

	reset(100 * 4096, 4096);
	for (b = 10; b < 60; b += 10)	/* 5 separate bad blocks */
		add_bad(b, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	k.cap = 2;
	scrub();
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.calls, 3);
	CHECK_U64(k.seen[1].start, 30 * 4096);	/* first unreported block */
	CHECK_U64(k.seen[2].start, 50 * 4096);
	CHECK_U64(ngot, 5);
	for (b = 0; b < 5; b++) {
		CHECK_U64(got[b].offset, (10 + 10 * b) * 4096);
		CHECK_U64(got[b].length, 4096);
		CHECK_U64(got[b].kind, VERITY_SCRUB_KIND_HASH_MISMATCH);
	}
	CHECK_U64(res.kind_blocks[VERITY_SCRUB_KIND_HASH_MISMATCH], 5);
	CHECK_U64(res.bytes_verified, 95 * 4096);
	CHECK_U64(res.bytes_read, 100 * 4096);
	CHECK_U64(res.out_flags & VERITY_SCRUB_OUT_RANGES_FULL, 0);
	CHECK_U64(res.complete, 1);
}

static void test_eintr_resumes(void)
{
	reset(64 * 4096, 4096);
	add_bad(40, VERITY_SCRUB_KIND_IO_ERROR, VERITY_SCRUB_DETAIL_MEDIUM, 0);
	k.eintr_calls = 0x3;	/* calls 0 and 1 stop halfway */
	scrub();
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.calls, 3);
	CHECK_U64(k.seen[1].start, 32 * 4096);
	CHECK_U64(k.seen[2].start, 48 * 4096);
	CHECK_U64(ngot, 1);
	CHECK_U64(got[0].offset, 40 * 4096);
	CHECK_U64(got[0].detail, VERITY_SCRUB_DETAIL_MEDIUM);
	CHECK_U64(res.bytes_verified, 63 * 4096);	/* summed over calls */
	CHECK_U64(res.bytes_read, 64 * 4096);
	CHECK_U64(res.kind_blocks[VERITY_SCRUB_KIND_IO_ERROR], 1);
	CHECK_U64(res.complete, 1);
	CHECK_U64(nprogress, 3);
	CHECK_U64(progress_cursors[0], 32 * 4096);
	CHECK_U64(progress_cursors[2], 64 * 4096);
}

/* A callback run right after the call sets the flag, as a handler would. */
static int set_cancel_on_progress(const struct verity_scrub_progress *p,
				  void *priv)
{
	(void)p;
	(void)priv;
	cancel_flag = 1;
	return 0;
}

/* A signal handler set the cancel flag: stop at the kernel's cursor. */
static void test_eintr_with_cancel_stops(void)
{
	reset(64 * 4096, 4096);
	add_bad(3, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	k.eintr_calls = 0x1;
	scrub();
	opts.on_progress = set_cancel_on_progress;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), (uint64_t)-EINTR);
	CHECK_U64(res.complete, 0);
	CHECK_U64(res.cursor, 32 * 4096);
	CHECK_U64(res.calls, 1);
	CHECK_U64(ngot, 1);	/* what was found before the stop */
	CHECK_U64(got[0].offset, 3 * 4096);
	CHECK_U64(res.bytes_verified, 31 * 4096);
	/* resuming from the cursor finishes the job */
	cancel_flag = 0;
	opts.start = res.cursor;
	opts.on_progress = NULL;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.bytes_verified, 32 * 4096);
	CHECK_U64(res.complete, 1);
}

static void test_cancel_before_start(void)
{
	reset(8 * 4096, 4096);
	scrub();
	cancel_flag = 1;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), (uint64_t)-EINTR);
	CHECK_U64(res.calls, 0);
	CHECK_U64(res.cursor, 0);
}

/* Adjacent ranges split over two calls are delivered as one. */
static void test_merge_across_calls(void)
{
	reset(32 * 4096, 4096);
	add_bad(4, VERITY_SCRUB_KIND_TREE_CORRUPT, 0, 1);
	add_bad(5, VERITY_SCRUB_KIND_TREE_CORRUPT, 0, 1);
	add_bad(6, VERITY_SCRUB_KIND_TREE_CORRUPT, 0, 0);	/* other level */
	add_bad(7, VERITY_SCRUB_KIND_IO_ERROR, VERITY_SCRUB_DETAIL_TIMEOUT, 0);
	add_bad(8, VERITY_SCRUB_KIND_IO_ERROR, VERITY_SCRUB_DETAIL_OTHER, 0);
	k.split_at = 5;
	scrub();
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.calls, 2);
	CHECK_U64(ngot, 4);
	CHECK_U64(got[0].offset, 4 * 4096);
	CHECK_U64(got[0].length, 2 * 4096);
	CHECK_U64(got[0].tree_level, 1);
	CHECK_U64(got[1].offset, 6 * 4096);
	CHECK_U64(got[1].tree_level, 0);
	CHECK_U64(got[2].detail, VERITY_SCRUB_DETAIL_TIMEOUT);
	CHECK_U64(got[3].detail, VERITY_SCRUB_DETAIL_OTHER);
	CHECK_U64(res.ranges, 4);
}

/*
 * VERITY_SCRUB_RANGE_CACHED reaches the callback, and ranges split over
 * two calls are merged only if their flags are equal.
 */
static void test_cached_flag_merge_across_calls(void)
{
	reset(32 * 4096, 4096);
	add_bad(4, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	add_bad(5, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	add_bad(10, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	add_bad(11, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	k.bad[0].flags = VERITY_SCRUB_RANGE_CACHED;
	k.bad[1].flags = VERITY_SCRUB_RANGE_CACHED;
	k.bad[2].flags = VERITY_SCRUB_RANGE_CACHED;	/* block 11 is not */
	k.split_at = 5;
	scrub();
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.calls, 2);
	CHECK_U64(ngot, 3);
	CHECK_U64(got[0].offset, 4 * 4096);
	CHECK_U64(got[0].length, 2 * 4096);
	CHECK_U64(got[0].flags, VERITY_SCRUB_RANGE_CACHED);
	CHECK_U64(got[1].offset, 10 * 4096);
	CHECK_U64(got[1].length, 4096);
	CHECK_U64(got[1].flags, VERITY_SCRUB_RANGE_CACHED);
	CHECK_U64(got[2].offset, 11 * 4096);
	CHECK_U64(got[2].length, 4096);
	CHECK_U64(got[2].flags, 0);
	CHECK_U64(res.ranges, 3);
}

static void test_callback_stops(void)
{
	reset(32 * 4096, 4096);
	add_bad(1, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	add_bad(3, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	add_bad(5, VERITY_SCRUB_KIND_HASH_MISMATCH, 0, 0);
	scrub();
	stop_after = 1;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res),
		  (uint64_t)-ECANCELED);
	CHECK_U64(ngot, 1);
	CHECK_U64(res.complete, 0);
}

static void test_no_progress_is_eproto(void)
{
	reset(32 * 4096, 4096);
	k.no_progress = 1;
	scrub();
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res),
		  (uint64_t)-EPROTO);
	CHECK_U64(res.calls, 1);
}

static void test_errors_pass_through(void)
{
	reset(32 * 4096, 4096);
	k.errno_ret = -ENODATA;
	scrub();
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res),
		  (uint64_t)-ENODATA);
	CHECK_STR(verity_scrub_strerror(VERITY_SCRUB_OP_SCRUB, -ENODATA),
		  "not an fs-verity file");
	/* EINVAL with a flag on a regular file: the module is too old */
	k.errno_ret = -EINVAL;
	opts.flags = VERITY_SCRUB_FLAG_KEEP_CACHE;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res),
		  (uint64_t)-EOPNOTSUPP);
	CHECK(strstr(verity_scrub_strerror(VERITY_SCRUB_OP_SCRUB, -EOPNOTSUPP),
		     "too old") != NULL);
	opts.flags = 0;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res),
		  (uint64_t)-EINVAL);
	/* checked before any call */
	k.calls = 0;
	opts.retries = VERITY_SCRUB_MAX_RETRIES + 1;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res),
		  (uint64_t)-EINVAL);
	opts.retries = 0;
	CHECK_U64(verity_scrub_fd(dev, -1, NULL, &res), (uint64_t)-EBADF);
	CHECK_U64(k.calls, 0);
}

static void test_step_windows(void)
{
	reset(10 * 4096, 4096);
	scrub();
	opts.step = 4 * 4096;
	opts.start = 4096;
	opts.retries = 5;
	opts.flags = VERITY_SCRUB_FLAG_KEEP_CACHE;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.calls, 3);
	CHECK_U64(k.seen[0].start, 4096);
	CHECK_U64(k.seen[0].end, 5 * 4096);
	CHECK_U64(k.seen[1].start, 5 * 4096);
	CHECK_U64(k.seen[1].end, 9 * 4096);
	CHECK_U64(k.seen[2].start, 9 * 4096);
	CHECK_U64(k.seen[2].end, 13 * 4096);	/* clamped by the kernel */
	CHECK_U64(k.seen[2].retries, 5);
	CHECK_U64(k.seen[2].flags, VERITY_SCRUB_FLAG_KEEP_CACHE);
	CHECK_U64(res.bytes_verified, 9 * 4096);
	CHECK_U64(nprogress, 3);
	CHECK_U64(res.complete, 1);
}

static void test_range_past_eof(void)
{
	reset(10 * 4096, 4096);
	scrub();
	opts.start = 1ULL << 40;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), 0);
	CHECK_U64(res.calls, 1);
	CHECK_U64(res.bytes_verified, 0);
	CHECK_U64(res.complete, 1);
	opts.start = 5;
	opts.end = 4;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res),
		  (uint64_t)-EINVAL);
}

static void test_open_device_errors(void)
{
	struct verity_scrub_dev *d = (void *)1;

	reset(1, 4096);
	k.errno_ret = -ENOENT;
	CHECK_U64(verity_scrub_open(&d), (uint64_t)-ENOENT);
	CHECK(d == NULL);
	CHECK(strstr(verity_scrub_strerror(VERITY_SCRUB_OP_OPEN_DEVICE, -ENOENT),
		     "modprobe verity_scrub") != NULL);
	CHECK(strstr(verity_scrub_strerror(VERITY_SCRUB_OP_OPEN_DEVICE, -EACCES),
		     "permission denied") != NULL);
	verity_scrub_close(NULL);
}

static void test_path_rejects_non_regular(void)
{
	char dir[] = "/tmp/vs-test-XXXXXX", fifo[64];

	reset(1, 4096);
	scrub();
	CHECK(mkdtemp(dir) != NULL);
	CHECK_U64(verity_scrub_path(dev, dir, &opts, &res), (uint64_t)-EISDIR);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	/* must not block waiting for a writer */
	CHECK_U64(verity_scrub_path(dev, fifo, &opts, &res), (uint64_t)-EINVAL);
	CHECK_STR(verity_scrub_strerror(VERITY_SCRUB_OP_OPEN_FILE, -EINVAL),
		  "not a regular file");
	CHECK_U64(verity_scrub_path(dev, "/nonexistent/x", &opts, &res),
		  (uint64_t)-ENOENT);
	CHECK_U64(k.calls, 0);
	unlink(fifo);
	rmdir(dir);
}

/* Structs of a caller compiled with a newer, larger header. */
struct opts_next {
	struct verity_scrub_opts o;
	uint64_t newer[2];
};

struct result_next {
	struct verity_scrub_result r;
	uint64_t newer[2];
};

#define GUARD 0x5555555555555555ULL

/* The init functions write exactly @size bytes, and only valid sizes. */
static void test_init_sizes(void)
{
	struct opts_next o;
	struct result_next r;

	memset(&o, 0x55, sizeof(o));
	CHECK_U64(verity_scrub_opts_init(&o.o), 0);
	CHECK_U64(o.o.size, sizeof(o.o));
	CHECK_U64(o.o.end, UINT64_MAX);
	CHECK_U64(o.o.start, 0);
	CHECK_U64(o.o.retries, 0);
	CHECK(o.o.on_range == NULL && o.o.cancel == NULL && o.o.priv == NULL);
	CHECK_U64(o.newer[0], GUARD);
	CHECK_U64(verity_scrub_opts_init_size(&o.o, sizeof(o)), 0);
	CHECK_U64(o.o.size, sizeof(o));
	CHECK_U64(o.newer[0], 0);
	CHECK_U64(o.newer[1], 0);
	memset(&o, 0x55, sizeof(o));
	CHECK_U64(verity_scrub_opts_init_size(&o.o,
			VERITY_SCRUB_OPTS_SIZE_VER0 - 1), (uint64_t)-EINVAL);
	CHECK_U64(verity_scrub_opts_init_size(&o.o, 0), (uint64_t)-EINVAL);
	CHECK_U64(o.o.start, GUARD);

	memset(&r, 0x55, sizeof(r));
	CHECK_U64(verity_scrub_result_init(&r.r), 0);
	CHECK_U64(r.r.size, sizeof(r.r));
	CHECK_U64(r.r.calls, 0);
	CHECK_U64(r.r.file_size, 0);
	CHECK_U64(r.newer[0], GUARD);
	memset(&r, 0x55, sizeof(r));
	CHECK_U64(verity_scrub_result_init_size(&r.r,
			VERITY_SCRUB_RESULT_SIZE_VER0 - 1), (uint64_t)-EINVAL);
	CHECK_U64(r.r.calls, GUARD);
}

/* Options without a valid size, or with unknown non-zero options. */
static void test_opts_size(void)
{
	struct opts_next big;

	reset(10 * 4096, 4096);
	scrub();
	memset(&opts, 0, sizeof(opts));		/* size 0: not initialised */
	opts.end = UINT64_MAX;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), (uint64_t)-EINVAL);
	opts.size = VERITY_SCRUB_OPTS_SIZE_VER0 - 1;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &res), (uint64_t)-EINVAL);
	CHECK_U64(res.size, sizeof(res));	/* kept */
	CHECK_U64(res.calls, 0);
	CHECK_U64(k.calls, 0);
	/* a newer caller's options this library does not know must be 0 */
	CHECK_U64(verity_scrub_opts_init_size(&big.o, sizeof(big)), 0);
	big.o.start = 4096;
	big.newer[1] = 1;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &big.o, &res), (uint64_t)-E2BIG);
	CHECK_U64(verity_scrub_path(dev, "/", &big.o, &res), (uint64_t)-EISDIR);
	CHECK_U64(k.calls, 0);
	big.newer[1] = 0;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &big.o, &res), 0);
	CHECK_U64(k.calls, 1);
	CHECK_U64(k.seen[0].start, 4096);
	CHECK_U64(res.bytes_verified, 9 * 4096);
	CHECK_U64(res.complete, 1);
}

/* Results: only res->size bytes are written, and only a valid size. */
static void test_result_size(void)
{
	struct result_next big;

	reset(10 * 4096, 4096);
	scrub();
	memset(&big, 0x55, sizeof(big));
	big.r.size = VERITY_SCRUB_RESULT_SIZE_VER0 - 1;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &big.r),
		  (uint64_t)-EINVAL);
	CHECK_U64(verity_scrub_path(dev, "/", &opts, &big.r),
		  (uint64_t)-EINVAL);
	CHECK_U64(big.r.size, VERITY_SCRUB_RESULT_SIZE_VER0 - 1);
	CHECK_U64(big.r.file_size, GUARD);
	CHECK_U64(big.r.calls, GUARD);
	CHECK_U64(k.calls, 0);
	/* the library's own size: nothing past it is touched */
	big.r.size = sizeof(big.r);
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &big.r), 0);
	CHECK_U64(big.r.size, sizeof(big.r));
	CHECK_U64(big.r.bytes_verified, 10 * 4096);
	CHECK_U64(big.r.calls, 1);
	CHECK_U64(big.newer[0], GUARD);
	CHECK_U64(big.newer[1], GUARD);
	/* a newer caller's results this library does not know: zero */
	CHECK_U64(verity_scrub_result_init_size(&big.r, sizeof(big)), 0);
	big.newer[0] = GUARD;
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &big.r), 0);
	CHECK_U64(big.r.size, sizeof(big));
	CHECK_U64(big.r.bytes_verified, 10 * 4096);
	CHECK_U64(big.newer[0], 0);
	CHECK_U64(big.newer[1], 0);
	/* reused without a new init: the size is kept, the totals restart */
	CHECK_U64(verity_scrub_fd(dev, file_fd, &opts, &big.r), 0);
	CHECK_U64(big.r.size, sizeof(big));
	CHECK_U64(big.r.calls, 1);
	CHECK_U64(big.r.bytes_verified, 10 * 4096);
}

static void test_names(void)
{
	CHECK_STR(verity_scrub_kind_name(VERITY_SCRUB_KIND_HASH_MISMATCH),
		  "hash_mismatch");
	CHECK_STR(verity_scrub_kind_name(VERITY_SCRUB_KIND_TREE_CORRUPT),
		  "tree_corrupt");
	CHECK_STR(verity_scrub_kind_name(VERITY_SCRUB_KIND_IO_ERROR), "io_error");
	CHECK_STR(verity_scrub_kind_name(VERITY_SCRUB_KIND_TRANSIENT),
		  "transient");
	CHECK_STR(verity_scrub_kind_name(VERITY_SCRUB_KIND_UNKNOWN), "unknown");
	CHECK_STR(verity_scrub_kind_name(0), "invalid");
	CHECK_STR(verity_scrub_detail_name(VERITY_SCRUB_DETAIL_TRANSPORT),
		  "transport");
	CHECK_STR(verity_scrub_detail_name(99), "invalid");
	CHECK_STR(verity_scrub_version(), VERITYSCRUB_VERSION);
}

static void test_uapi_layout(void)
{
	CHECK_U64(sizeof(struct verity_scrub_args), VERITY_SCRUB_ARGS_SIZE_VER1);
	CHECK_U64(offsetof(struct verity_scrub_args, bytes_cached),
		  VERITY_SCRUB_ARGS_SIZE_VER0);
	CHECK_U64(sizeof(struct verity_scrub_range), 32);
	CHECK_U64(offsetof(struct verity_scrub_range, flags), 28);
	/* this header is the first version of both extensible structs */
	CHECK_U64(sizeof(struct verity_scrub_opts), VERITY_SCRUB_OPTS_SIZE_VER0);
	CHECK_U64(sizeof(struct verity_scrub_result),
		  VERITY_SCRUB_RESULT_SIZE_VER0);
	CHECK_U64(offsetof(struct verity_scrub_opts, size), 0);
	CHECK_U64(offsetof(struct verity_scrub_result, size), 0);
}

int main(void)
{
	char path[] = "/tmp/vs-test-file-XXXXXX";

	file_fd = mkstemp(path);
	if (file_fd < 0)
		return 2;
	unlink(path);
	vs_default_ops = &fake_ops;
	reset(1, 4096);
	if (verity_scrub_open(&dev)) {
		printf("FAIL: open fake device\n");
		return 1;
	}
	RUN(test_uapi_layout);
	RUN(test_clean_file_one_call);
	RUN(test_ranges_full_resumes);
	RUN(test_eintr_resumes);
	RUN(test_eintr_with_cancel_stops);
	RUN(test_cancel_before_start);
	RUN(test_merge_across_calls);
	RUN(test_cached_flag_merge_across_calls);
	RUN(test_callback_stops);
	RUN(test_no_progress_is_eproto);
	RUN(test_errors_pass_through);
	RUN(test_step_windows);
	RUN(test_range_past_eof);
	RUN(test_open_device_errors);
	RUN(test_path_rejects_non_regular);
	RUN(test_init_sizes);
	RUN(test_opts_size);
	RUN(test_result_size);
	RUN(test_names);
	verity_scrub_close(dev);
	close(file_fd);
	return cases_failed ? 1 : 0;
}
