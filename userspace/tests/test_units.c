// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_units.c - verify-file's pure parts: option values, argument
 * parsing, range formatting, path escaping, status and exit bits, the
 * order in which files are opened ahead
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/vf.h"
#include "../lib/repair.h"
#include "test.h"

static void test_parse_size(void)
{
	uint64_t v = 0;

	CHECK_U64(vf_parse_size("0", &v), 0);
	CHECK_U64(v, 0);
	CHECK_U64(vf_parse_size("4096", &v), 0);
	CHECK_U64(v, 4096);
	CHECK_U64(vf_parse_size("010", &v), 0);	/* not octal */
	CHECK_U64(v, 10);
	CHECK_U64(vf_parse_size("0x1000", &v), 0);
	CHECK_U64(v, 4096);
	CHECK_U64(vf_parse_size("4K", &v), 0);
	CHECK_U64(v, 4096);
	CHECK_U64(vf_parse_size("100M", &v), 0);
	CHECK_U64(v, 100ULL << 20);
	CHECK_U64(vf_parse_size("2GiB", &v), 0);
	CHECK_U64(v, 2ULL << 30);
	CHECK_U64(vf_parse_size("1t", &v), 0);
	CHECK_U64(v, 1ULL << 40);
	CHECK_U64(vf_parse_size("15E", &v), 0);
	CHECK_U64(v, 15ULL << 60);
	CHECK_U64(vf_parse_size("16E", &v), (uint64_t)-ERANGE);
	CHECK_U64(vf_parse_size("18446744073709551615", &v), 0);
	CHECK_U64(v, UINT64_MAX);
	CHECK_U64(vf_parse_size("18446744073709551616", &v), (uint64_t)-ERANGE);
	CHECK_U64(vf_parse_size("-1", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_size("", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_size("12Q", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_size("1KX", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_size(" 1", &v), (uint64_t)-EINVAL);
}

static void test_parse_range(void)
{
	uint64_t s = 0, e = 0;
	char err[160];

	CHECK_U64(vf_parse_range("4096:8192", &s, &e, err, sizeof(err)), 0);
	CHECK_U64(s, 4096);
	CHECK_U64(e, 12288);
	CHECK_U64(vf_parse_range("1M:4K", &s, &e, err, sizeof(err)), 0);
	CHECK_U64(s, 1 << 20);
	CHECK_U64(e, (1 << 20) + 4096);
	CHECK(vf_parse_range("4096", &s, &e, err, sizeof(err)) != 0);
	CHECK_STR(err, "expected OFFSET:LENGTH");
	CHECK(vf_parse_range("x:1", &s, &e, err, sizeof(err)) != 0);
	CHECK_STR(err, "bad offset (a byte count is expected)");
	CHECK(vf_parse_range("0:", &s, &e, err, sizeof(err)) != 0);
	CHECK_STR(err, "bad length (a byte count is expected)");
	CHECK(vf_parse_range("0:0", &s, &e, err, sizeof(err)) != 0);
	CHECK_STR(err, "length must not be 0");
	CHECK(vf_parse_range("15E:2E", &s, &e, err, sizeof(err)) != 0);
	CHECK_STR(err, "offset + length exceeds 2^64");
}

static void test_parse_uint(void)
{
	unsigned int v = 0;

	CHECK_U64(vf_parse_uint("4", 1, 16, &v), 0);
	CHECK_U64(v, 4);
	CHECK(vf_parse_uint("0", 1, 16, &v) != 0);
	CHECK(vf_parse_uint("17", 1, 16, &v) != 0);
	CHECK(vf_parse_uint("3x", 1, 16, &v) != 0);
	CHECK(vf_parse_uint("-3", 1, 16, &v) != 0);
	CHECK(vf_parse_uint("99999999999999999999", 1, 16, &v) != 0);
}

static const char sha256_hex[] =
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void test_parse_digest(void)
{
	struct vf_digest d;
	char err[160], buf[160], in[200];

	snprintf(in, sizeof(in), "sha256:%s", sha256_hex);
	CHECK_U64(vf_parse_digest(in, &d, err, sizeof(err)), 0);
	CHECK_U64(d.alg, FS_VERITY_HASH_ALG_SHA256);
	CHECK_U64(d.size, 32);
	CHECK_U64(d.bytes[0], 0x01);
	CHECK_U64(d.bytes[31], 0xef);
	vf_format_digest(buf, sizeof(buf), &d);
	CHECK_STR(buf, in);
	CHECK(vf_parse_digest("sha256:0123", &d, err, sizeof(err)) != 0);
	CHECK_STR(err, "sha256 digest must have 64 hex digits, not 4");
	CHECK(vf_parse_digest("md5:00", &d, err, sizeof(err)) != 0);
	CHECK_STR(err, "unknown hash algorithm 'md5'");
	CHECK(vf_parse_digest("0123", &d, err, sizeof(err)) != 0);
	CHECK_STR(err, "expected ALG:HEX, e.g. sha256:0123...");
	snprintf(in, sizeof(in), "sha256:%.63sg", sha256_hex);
	CHECK(vf_parse_digest(in, &d, err, sizeof(err)) != 0);
	CHECK_STR(err, "digest has a non-hex character");
	snprintf(in, sizeof(in), "sha512:%s%s", sha256_hex, sha256_hex);
	CHECK_U64(vf_parse_digest(in, &d, err, sizeof(err)), 0);
	CHECK_U64(d.alg, FS_VERITY_HASH_ALG_SHA512);
	CHECK_U64(d.size, 64);
}

static void test_digest_file(void)
{
	char path[] = "/tmp/vs-digests-XXXXXX", err[160];
	struct vf_opts o;
	const struct vf_digest *d;
	FILE *f;
	int fd = mkstemp(path);

	memset(&o, 0, sizeof(o));
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "sha256:%s /mnt/a file\n\nsha256:%s /mnt/b\n", sha256_hex,
		sha256_hex);
	fclose(f);
	CHECK_U64(vf_load_digest_file(path, &o, err, sizeof(err)), 0);
	CHECK_U64(o.nexpect, 2);
	CHECK_STR(o.expect[0].path, "/mnt/a file");
	d = vf_expected_for(&o, "/mnt/b");
	CHECK(d != NULL && d->size == 32);
	CHECK(vf_expected_for(&o, "/mnt/c") == NULL);
	vf_free_opts(&o);
	f = fopen(path, "w");
	fprintf(f, "sha256:%s ok\nsha256:zz bad\n", sha256_hex);
	fclose(f);
	CHECK(vf_load_digest_file(path, &o, err, sizeof(err)) != 0);
	CHECK_STR(err, "line 2: sha256 digest must have 64 hex digits, not 2");
	vf_free_opts(&o);
	f = fopen(path, "w");
	fclose(f);
	CHECK(vf_load_digest_file(path, &o, err, sizeof(err)) != 0);
	CHECK_STR(err, "no digests in the file");
	vf_free_opts(&o);
	unlink(path);
	CHECK(vf_load_digest_file(path, &o, err, sizeof(err)) != 0);
	CHECK_STR(err, "cannot open: No such file or directory");
}

static int parse(struct vf_opts *o, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	va_start(ap, o);
	argv[argc++] = (char *)"verify-file";
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return vf_parse_args(argc, argv, o);
}

static void test_parse_args(void)
{
	struct vf_opts o;

	CHECK_U64(parse(&o, "-r", "-j", "4", "--range", "4K:8K", "--retries",
			"5", "--limit", "10M", "--keep-cache", "--json", "-v",
			"--cross-mounts", "--fallback", "a", "b", NULL), 0);
	CHECK_U64(o.recursive, 1);
	CHECK_U64(o.jobs, 4);
	CHECK_U64(o.have_range, 1);
	CHECK_U64(o.range_start, 4096);
	CHECK_U64(o.range_end, 12288);
	CHECK_U64(o.retries, 5);
	CHECK_U64(o.limit, 10 << 20);
	CHECK_U64(o.keep_cache, 1);
	CHECK_U64(o.json, 1);
	CHECK_U64(o.verbose, 1);
	CHECK_U64(o.cross_mounts, 1);
	CHECK_U64(o.fallback, 1);
	CHECK_U64(o.npaths, 2);
	CHECK_STR(o.paths[1], "b");
	vf_free_opts(&o);
	CHECK_U64(parse(&o, "x", NULL), 0);
	CHECK_U64(o.jobs, 1);
	CHECK_U64(o.retries, 0);
	CHECK_U64(o.no_module, 0);
	vf_free_opts(&o);
}

static void test_parse_args_errors(void)
{
	struct vf_opts o;

	CHECK_U64(parse(&o, NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "-j", "0", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "-j", "257", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "--retries", "17", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "--limit", "0", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "--range", "1:0", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "--expect-digest", "sha256:00", "x", NULL),
		  VF_EXIT_USAGE);
	vf_free_opts(&o);
	CHECK_U64(parse(&o, "-q", "-v", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "--cross-mounts", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "--bogus", "x", NULL), VF_EXIT_USAGE);
	CHECK_U64(parse(&o, "--jobs", NULL), VF_EXIT_USAGE);
	vf_free_opts(&o);
}

static void test_format_range(void)
{
	struct verity_scrub_range r = { .offset = 4096, .length = 8192,
			      .kind = VERITY_SCRUB_KIND_HASH_MISMATCH };
	char buf[128];

	vf_format_range(buf, sizeof(buf), &r);
	CHECK_STR(buf, "hash_mismatch at offset 4096 length 8192");
	r.kind = VERITY_SCRUB_KIND_IO_ERROR;
	r.detail = VERITY_SCRUB_DETAIL_MEDIUM;
	vf_format_range(buf, sizeof(buf), &r);
	CHECK_STR(buf, "io_error (medium) at offset 4096 length 8192");
	r.kind = VERITY_SCRUB_KIND_TREE_CORRUPT;
	r.detail = 0;
	r.tree_level = 2;
	r.offset = 0;
	r.length = 536870912;
	vf_format_range(buf, sizeof(buf), &r);
	CHECK_STR(buf, "tree_corrupt (level 2) at offset 0 length 536870912");
	r.kind = VERITY_SCRUB_KIND_UNKNOWN;
	r.offset = UINT64_MAX - 99;
	r.length = 100;
	vf_format_range(buf, sizeof(buf), &r);
	CHECK_STR(buf, "unknown at offset 18446744073709551516 length 100");
}

static void test_escape_path(void)
{
	char buf[64];

	vf_escape_path(buf, sizeof(buf), "/mnt/plain file");
	CHECK_STR(buf, "/mnt/plain file");
	vf_escape_path(buf, sizeof(buf), "a\nb\tc\\d");
	CHECK_STR(buf, "a\\nb\\tc\\\\d");
	vf_escape_path(buf, sizeof(buf), "bad\xff\xfe.bin");
	CHECK_STR(buf, "bad\\xff\\xfe.bin");
	vf_escape_path(buf, sizeof(buf), "caf\xc3\xa9");	/* valid UTF-8 */
	CHECK_STR(buf, "caf\xc3\xa9");
	vf_escape_path(buf, sizeof(buf), "\xc0\xaf");	/* overlong '/' */
	CHECK_STR(buf, "\\xc0\\xaf");
	/* cut: always with the mark, never inside an escape */
	vf_escape_path(buf, 6, "abcdefgh");
	CHECK_STR(buf, "a\\...");
	vf_escape_path(buf, 9, "abcdefgh");
	CHECK_STR(buf, "abcdefgh");
	vf_escape_path(buf, 8, "ab\x01" "cdefgh");
	CHECK_STR(buf, "ab\\...");
	vf_escape_path(buf, 3, "abcdefgh");
	CHECK_STR(buf, "");	/* no room for the mark: nothing, not a cut */
	{
		char *d = vf_escape_path_dup("x\x01" "y");

		CHECK_STR(d, "x\\x01y");
		free(d);
	}
}

static void test_status_and_exit_bits(void)
{
	struct verity_scrub_range r[2] = {
		{ .offset = 0, .length = 4096, .kind = VERITY_SCRUB_KIND_TRANSIENT },
		{ .offset = 8192, .length = 4096, .kind = VERITY_SCRUB_KIND_IO_ERROR },
	};
	struct vf_file f;

	memset(&f, 0, sizeof(f));
	CHECK_U64(vf_file_status(&f), VF_STATUS_OK);
	CHECK_U64(vf_file_exit_bits(&f), 0);
	f.ranges = r;
	f.nranges = 1;	/* only transient: ok, bit 4 */
	CHECK_U64(vf_file_status(&f), VF_STATUS_OK);
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_TRANSIENT);
	f.nranges = 2;
	CHECK_U64(vf_file_status(&f), VF_STATUS_BAD);
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_TRANSIENT | VF_EXIT_IO);
	r[1].kind = VERITY_SCRUB_KIND_UNKNOWN;
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_TRANSIENT | VF_EXIT_IO);
	r[1].kind = VERITY_SCRUB_KIND_TREE_CORRUPT;
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_TRANSIENT | VF_EXIT_CORRUPT);
	r[1].kind = VERITY_SCRUB_KIND_HASH_MISMATCH;
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_TRANSIENT | VF_EXIT_CORRUPT);
	f.nranges = 0;
	f.res.out_flags = VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED;
	CHECK_U64(vf_file_status(&f), VF_STATUS_BAD);
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_CORRUPT);
	f.res.out_flags = 0;
	f.expect_checked = 1;
	f.expect_match = 0;
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_CORRUPT);
	f.expect_match = 1;
	CHECK_U64(vf_file_exit_bits(&f), 0);
	f.interrupted = 1;	/* one status: INTERRUPTED, "interrupted", 32 */
	CHECK_U64(vf_file_status(&f), VF_STATUS_INTERRUPTED);
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_INTERRUPTED);
	f.interrupted = 0;
	f.error = (char *)"not an fs-verity file";
	CHECK_U64(vf_file_status(&f), VF_STATUS_ERROR);
	CHECK_U64(vf_file_exit_bits(&f), VF_EXIT_OPERATIONAL);
	f.error = NULL;
}

static void test_add_range_merges(void)
{
	struct verity_scrub_range a = { .offset = 0, .length = 4096,
			      .kind = VERITY_SCRUB_KIND_UNKNOWN };
	struct vf_file f;

	memset(&f, 0, sizeof(f));
	vf_add_range(&f, &a);
	a.offset = 4096;
	vf_add_range(&f, &a);
	a.offset = 8192;
	a.kind = VERITY_SCRUB_KIND_TRANSIENT;
	vf_add_range(&f, &a);
	a.offset = 16384;
	vf_add_range(&f, &a);
	CHECK_U64(f.nranges, 3);
	CHECK_U64(f.ranges[0].length, 8192);
	CHECK_U64(f.ranges[1].offset, 8192);
	CHECK_U64(f.ranges[2].offset, 16384);
	free(f.ranges);
}

static void test_parse_duration(void)
{
	uint64_t v = 0;

	CHECK_U64(vf_parse_duration("90", &v), 0);
	CHECK_U64(v, 90);
	CHECK_U64(vf_parse_duration("90s", &v), 0);
	CHECK_U64(v, 90);
	CHECK_U64(vf_parse_duration("45m", &v), 0);
	CHECK_U64(v, 45 * 60);
	CHECK_U64(vf_parse_duration("8h", &v), 0);
	CHECK_U64(v, 8 * 3600);
	CHECK_U64(vf_parse_duration("1d", &v), 0);
	CHECK_U64(v, 86400);
	CHECK_U64(vf_parse_duration("0", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("0s", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("m", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("-1", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("1.5h", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("1H", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("1ms", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("1 h", &v), (uint64_t)-EINVAL);
	CHECK_U64(vf_parse_duration("24855d", &v), 0);	/* < 2^31 s */
	CHECK_U64(vf_parse_duration("24856d", &v), (uint64_t)-ERANGE);
	CHECK_U64(vf_parse_duration("99999999999999999999", &v),
		  (uint64_t)-ERANGE);
}

/* The ioctl step: 64 MiB, less for small files and slow devices. */
static void test_step_for(void)
{
	const uint64_t M = 1 << 20, G = 1ULL << 30;
	const double MD = 1048576.0;

	CHECK_U64(vf_step_for(0, 100 * G), 64 * M);	/* as before */
	CHECK_U64(vf_step_for(3e9, 100 * G), 64 * M);
	CHECK_U64(vf_step_for(64 * MD, 256 * M), 64 * M);
	CHECK_U64(vf_step_for(0, 256 * M), 64 * M);
	CHECK_U64(vf_step_for(0, 200 * M), 50 * M);	/* 4 calls */
	CHECK_U64(vf_step_for(0, 128 * M), 32 * M);
	CHECK_U64(vf_step_for(0, 64 * M), 32 * M);	/* never under */
	CHECK_U64(vf_step_for(0, 4096), 32 * M);
	CHECK_U64(vf_step_for(40 * MD, 100 * G), 40 * M);	/* ~1 s */
	CHECK_U64(vf_step_for(40.4 * MD, 100 * G), 40 * M);
	CHECK_U64(vf_step_for(40.6 * MD, 100 * G), 41 * M);
	CHECK_U64(vf_step_for(1 * MD, 100 * G), 32 * M);
	CHECK_U64(vf_step_for(60 * MD, 160 * M), 40 * M);	/* smaller */
}

/* The progress line: an ETA only once a rate is known. */
static void test_progress_format(void)
{
	struct vf_opts o = { .jobs = 1 };
	struct vf_run run = { .o = &o, .bytes_total = 1000 };
	char buf[128];

	run.start_time = vf_now();
	vf_progress_format(&run, buf, sizeof(buf));
	CHECK_STR(buf, "  0.0%  0.0 MiB/s");
	run.start_time = vf_now() - 100;
	atomic_store(&run.bytes_done, 500);
	vf_progress_format(&run, buf, sizeof(buf));
	CHECK(!strncmp(buf, " 50.0%  0.0 MiB/s  ETA 0:01:", 28));
	atomic_store(&run.bytes_done, 1000);
	vf_progress_format(&run, buf, sizeof(buf));
	CHECK_STR(buf, "100.0%  0.0 MiB/s");
}

/*
 * The page-cache reader (lib/repair_cache.c): only inside the flagged
 * ranges (outside them not even a system call: fd -1 is never used),
 * exact bytes of a file just written (cached), -ENODATA past the end.
 */
static void test_repair_read_cache(void)
{
	const struct vs_repair_bad flagged[] = {
		{ 4096, 4096, VERITY_SCRUB_KIND_HASH_MISMATCH },
		{ 8192, 4096, VERITY_SCRUB_KIND_IO_ERROR },
		{ 16384, 8192, VERITY_SCRUB_KIND_HASH_MISMATCH },
	};
	struct vs_repair_cache c = { -1, flagged, 3 };
	char path[] = "vs-test-cache-XXXXXX";
	static unsigned char data[20000], got[8192];
	size_t i;

	CHECK_U64(vs_repair_read_cache(&c, 0, got, 4096), (uint64_t)-ENODATA);
	CHECK_U64(vs_repair_read_cache(&c, 12288, got, 1), (uint64_t)-ENODATA);
	CHECK_U64(vs_repair_read_cache(&c, 8192, got, 8192),
		  (uint64_t)-ENODATA);	/* runs into an unflagged block */
	CHECK_U64(vs_repair_read_cache(&c, 4096, got, 4096), (uint64_t)-EBADF);
	c.fd = mkstemp(path);
	CHECK(c.fd >= 0);
	if (c.fd < 0)
		return;
	unlink(path);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	CHECK_U64(write(c.fd, data, sizeof(data)), sizeof(data));
	CHECK_U64(vs_repair_read_cache(&c, 4096, got, 8192), 0);
	CHECK(!memcmp(got, data + 4096, 8192));
	CHECK_U64(vs_repair_read_cache(&c, 16384, got, 3616), 0);
	CHECK(!memcmp(got, data + 16384, 3616));
	CHECK_U64(vs_repair_read_cache(&c, 16384, got, 4096),
		  (uint64_t)-ENODATA);	/* past the end of the file */
	close(c.fd);
}

/* vf_sys.open for test_open_ahead(): note the path, open /dev/null */
static pthread_mutex_t opened_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t opened_cond = PTHREAD_COND_INITIALIZER;
static const char *opened[8];
static unsigned int nopened;

static int record_open(const char *path, int flags)
{
	(void)flags;
	pthread_mutex_lock(&opened_lock);
	if (nopened < 8)
		opened[nopened] = path;
	nopened++;
	pthread_cond_broadcast(&opened_cond);
	pthread_mutex_unlock(&opened_lock);
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void wait_opened(unsigned int n)
{
	pthread_mutex_lock(&opened_lock);
	while (nopened < n)
		pthread_cond_wait(&opened_cond, &opened_lock);
	pthread_mutex_unlock(&opened_lock);
}

/*
 * The opener passes over files done by an earlier run and files the walk
 * failed, opens the next one only when the one before was taken, and a
 * worker gets the fd it opened: each file opened once.
 */
static void test_open_ahead(void)
{
	struct vf_opts o = { .jobs = 1 };
	struct vf_file files[4] = {
		{ .path = "done", .resume_skip = 1 },
		{ .path = "walk-error", .finished = 1 },
		{ .path = "x" },
		{ .path = "y" },
	};
	struct vf_run run = { .o = &o, .files = files, .nfiles = 4 };
	int (*saved)(const char *, int) = vf_sys.open;
	int fd;

	vf_sys.open = record_open;
	vf_ahead_start(&run);
	wait_opened(1);
	CHECK_STR(opened[0], "x");
	atomic_store(&run.next, 3);	/* a worker claims x */
	fd = vf_open_file(&files[2]);
	CHECK(fd >= 0);
	close(fd);
	wait_opened(2);
	CHECK_STR(opened[1], "y");
	fd = vf_open_file(&files[3]);
	CHECK(fd >= 0);
	close(fd);
	vf_ahead_stop();
	CHECK_U64(nopened, 2);
	vf_sys.open = saved;
}

int main(void)
{
	RUN(test_parse_size);
	RUN(test_repair_read_cache);
	RUN(test_parse_range);
	RUN(test_parse_uint);
	RUN(test_parse_digest);
	RUN(test_digest_file);
	RUN(test_parse_args);
	RUN(test_parse_args_errors);
	RUN(test_format_range);
	RUN(test_escape_path);
	RUN(test_status_and_exit_bits);
	RUN(test_add_range_merges);
	RUN(test_parse_duration);
	RUN(test_step_for);
	RUN(test_progress_format);
	RUN(test_open_ahead);
	return cases_failed ? 1 : 0;
}
