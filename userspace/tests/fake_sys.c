// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake_sys.c - a fake /dev/verity-scrub and fake fs-verity ioctls
 *
 * Linked into verify-file-fake only (never into verify-file).  A
 * constructor points the library's device ops and verify-file's system
 * call table at a simulator that reads its world from the file named by
 * $VF_FAKE_SPEC, one directive a line:
 *
 *   module present|absent|eacces
 *   cap N            the fake kernel fills at most N ranges per call
 *   eintr_every N    every Nth call stops halfway and returns -EINTR
 *   file INO [notverity] [bs=N] [alg=NAME] [digest=HEX] [measured=HEX]
 *        [descchanged] [slowms=N] [noflags] [errno=N]
 *        [real [salt=HEX] [diskroot=HEX] [nodesc=ERRNO]] [real=PATH]
 *        [signed] [flags=HEX]
 *                    real: the digest and the descriptor are the genuine
 *                    ones of the file's data (computed with libfsverity
 *                    when first asked for); measured= still sets what the
 *                    kernel holds, diskroot= the root hash of the
 *                    descriptor on disk, nodesc= the errno of reading it.
 *                    real=: the descriptor, Merkle tree and digest are
 *                    those libfsverity computes for PATH (the good copy),
 *                    read back with FS_IOC_READ_VERITY_METADATA;
 *                    signed: it has a builtin signature (the 5 bytes
 *                    "0\x82sig");
 *                    flags=: its FS_IOC_GETFLAGS (other files: EXTENTS,
 *                    or what FS_IOC_SETFLAGS set)
 *                    slowms=: pread (the fallback) also sleeps that long
 *                    per call of at most 16 blocks, and logs "pread OFF
 *                    COUNT"; a signal makes it fail with EINTR
 *   enable_errno N   FS_IOC_ENABLE_VERITY fails with N
 *   rename_errno N   the rename of a repaired file over the original
 *                    fails with N (after the quarantine link, if any)
 *   bad INO OFFSET LENGTH KIND [DETAIL [LEVEL]] [cached]
 *                    cached: a verified copy is in the page cache (the
 *                    range has VERITY_SCRUB_RANGE_CACHED for callers of
 *                    args size VERITY_SCRUB_ARGS_SIZE_VER1 or more)
 *   logopen          each open() of a file by verify-file logs "open PATH"
 *                    once it returned, a failed one (patherr) too; without
 *                    the directive opens are not logged
 *   patherr open|stat|lookup ERRNO PATH
 *                    open(), fstat() of the open file, or the walk's
 *                    fs-verity check (statx) of PATH fails with ERRNO
 *   clock MS         verify-file's clock (vf_sys.clock: --max-time, the
 *                    rates of --state) is a fake one that starts at 0 and
 *                    moves MS milliseconds per block the fake scrubs; the
 *                    budget is checked before each block, so a --max-time
 *                    run stops at a block the test knows
 *   step N           verify-file scrubs N bytes per ioctl call
 *   state_interval S --state saves every S seconds (0: after every call)
 *   pause INO POS    a scrub call of INO that starts at POS logs
 *                    "pause INO POS" and waits for a signal (a cancel:
 *                    the call returns -EINTR there) or for the file
 *                    $VF_FAKE_LOG.go.INO.POS to exist (it goes on); up to
 *                    8 of them
 *
 * $VF_FAKE_JOURNAL: sd_journal_sendv() (verify-file's journal entries) is
 * replaced by one that appends each entry to that file, each field as
 * "LEN NAME=VALUE\n" (LEN the bytes of NAME=VALUE, which may hold any
 * byte) and a "\n" after the last; without the variable it fails with
 * -ENOTCONN, as with no journald.
 *
 * Files are real host files, found by inode number.  Each ioctl call is
 * logged to $VF_FAKE_LOG (if set) as "scrub START END FLAGS RETRIES" (and
 * each slowms= sleep of it, before it starts, as "slow INO POS"), each
 * FS_IOC_ENABLE_VERITY as "enable ALG BLOCKSIZE SALTSIZE" (and, given a
 * signature, "enable_sig SIZE HEX"), each FS_IOC_SETFLAGS as "setflags
 * INO 0xFLAGS verity=0|1" (1: the file already is fs-verity); a file made
 * verity by it becomes a good fs-verity file of the fake (signed if given
 * a signature).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libfsverity.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <time.h>
#include <linux/fs.h>
#include <unistd.h>

#include "../lib/lib_private.h"
#include "../lib/repair.h"
#include "../cli/vf.h"

#define MAX_FILES 64
#define MAX_BAD 64
#define MAX_SEEN 256
#define MAX_PATHERR 16

enum { PE_OPEN, PE_STAT, PE_LOOKUP };
static struct { int op, err; ino_t ino; char path[4096]; }
	patherrs[MAX_PATHERR];
static int npatherrs;

struct fake_file {
	ino_t ino;
	int verity, descchanged, noflags, err;
	uint32_t bs, alg, slowms;
	struct vf_digest digest, measured;
	int real, computed, measured_set, nodesc;
	char root_hex[136];
	int made;			/* real=: desc and tree below */
	int signed_;			/* has a builtin signature */
	int iflags, has_iflags;		/* flags=: FS_IOC_GETFLAGS */
	struct fsverity_descriptor desc;
	uint8_t *tree;
	uint64_t tree_size;
	uint8_t salt[32];
	uint32_t salt_size;
};

struct fake_bad {
	ino_t ino;
	uint64_t off, len;
	uint32_t kind, detail, level;
	int cached;
};

static struct fake_file files[MAX_FILES];
static struct fake_bad bads[MAX_BAD];
static int nfiles, nbads, module_state, cap = 1 << 30, eintr_every;
static int enable_errno, rename_errno;
static unsigned int calls;
static uint64_t clock_ms, clock_now_ms;	/* "clock": the fake clock */
#define MAX_PAUSE 8
static struct { ino_t ino; uint64_t pos; } pauses[MAX_PAUSE];
static int npauses;
static int log_opens;		/* "logopen" */
static struct { ino_t ino; uint64_t block; } seen[MAX_SEEN];
static int nseen;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t name_to(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (uint32_t)i;
	return 0;
}

static const char *const kinds[] = { "none", "hash_mismatch", "tree_corrupt",
				     "io_error", "transient", "unknown" };
static const char *const details[] = { "none", "medium", "timeout",
				       "transport", "other" };

static void parse_hex(struct vf_digest *d, uint32_t alg, const char *hex)
{
	size_t i;
	unsigned int v;

	d->alg = alg;
	d->size = (uint32_t)libfsverity_get_digest_size(alg);
	for (i = 0; i < d->size; i++) {
		if (hex && sscanf(hex + 2 * i, "%2x", &v) == 1)
			d->bytes[i] = (uint8_t)v;
		else
			d->bytes[i] = 0x11;
	}
}

static int cb_tree_size(void *ctx, uint64_t size)
{
	struct fake_file *f = ctx;

	f->tree_size = size;
	f->tree = calloc(size ? size : 1, 1);
	return f->tree ? 0 : -ENOMEM;
}

static int cb_tree_block(void *ctx, const void *block, size_t size,
			 uint64_t offset)
{
	struct fake_file *f = ctx;

	memcpy(f->tree + offset, block, size);
	return 0;
}

static int cb_descriptor(void *ctx, const void *desc, size_t size)
{
	struct fake_file *f = ctx;

	memcpy(&f->desc, desc, size < sizeof(f->desc) ? size : sizeof(f->desc));
	return 0;
}

static int fd_read(void *fd, void *buf, size_t count)
{
	return read(*(int *)fd, buf, count) == (ssize_t)count ? 0 : -EIO;
}

/* fs-verity's view of @fd's content: digest, and tree and descriptor. */
static int make_verity(struct fake_file *f, int fd, int keep_meta)
{
	struct libfsverity_metadata_callbacks cbs = {
		.ctx = f, .merkle_tree_size = cb_tree_size,
		.merkle_tree_block = cb_tree_block, .descriptor = cb_descriptor,
	};
	struct libfsverity_merkle_tree_params p;
	struct libfsverity_digest *d = NULL;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.hash_algorithm = f->alg;
	p.block_size = f->bs;
	p.salt_size = f->salt_size;
	p.salt = f->salt_size ? f->salt : NULL;
	p.file_size = (uint64_t)st.st_size;
	p.metadata_callbacks = keep_meta ? &cbs : NULL;
	if (libfsverity_compute_digest(&fd, fd_read, &p, &d))
		return -EIO;
	f->digest.alg = d->digest_algorithm;
	f->digest.size = d->digest_size;
	memcpy(f->digest.bytes, d->digest, d->digest_size);
	f->measured = f->digest;
	f->made = keep_meta;
	free(d);
	return 0;
}

static void parse_real(struct fake_file *f, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || make_verity(f, fd, 1))
		fprintf(stderr, "fake: cannot make verity from %s\n", path);
	if (fd >= 0)
		close(fd);
}

static void parse_file(char *rest)
{
	struct fake_file *f = &files[nfiles++];
	char *tok, *save, *digest = NULL, *measured = NULL, *real = NULL;
	unsigned int v;

	memset(f, 0, sizeof(*f));
	f->verity = 1;
	f->bs = 4096;
	f->alg = FS_VERITY_HASH_ALG_SHA256;
	f->ino = (ino_t)strtoull(strtok_r(rest, " \n", &save), NULL, 10);
	while ((tok = strtok_r(NULL, " \n", &save))) {
		if (!strcmp(tok, "notverity"))
			f->verity = 0;
		else if (!strcmp(tok, "descchanged"))
			f->descchanged = 1;
		else if (!strcmp(tok, "noflags"))
			f->noflags = 1;
		else if (!strncmp(tok, "bs=", 3))
			f->bs = (uint32_t)atoi(tok + 3);
		else if (!strncmp(tok, "alg=", 4))
			f->alg = libfsverity_find_hash_alg_by_name(tok + 4);
		else if (!strncmp(tok, "digest=", 7))
			digest = tok + 7;
		else if (!strncmp(tok, "measured=", 9))
			measured = tok + 9;
		else if (!strncmp(tok, "errno=", 6))
			f->err = atoi(tok + 6);
		else if (!strncmp(tok, "slowms=", 7))
			f->slowms = (uint32_t)atoi(tok + 7);
		else if (!strcmp(tok, "real"))
			f->real = 1;
		else if (!strncmp(tok, "diskroot=", 9))
			snprintf(f->root_hex, sizeof(f->root_hex), "%s", tok + 9);
		else if (!strncmp(tok, "nodesc=", 7))
			f->nodesc = atoi(tok + 7);
		else if (!strcmp(tok, "signed"))
			f->signed_ = 1;
		else if (!strncmp(tok, "flags=", 6)) {
			f->iflags = (int)strtol(tok + 6, NULL, 16);
			f->has_iflags = 1;
		}
		else if (!strncmp(tok, "real=", 5))
			real = tok + 5;
		else if (!strncmp(tok, "salt=", 5))
			for (tok += 5; f->salt_size < 32 &&
			     sscanf(tok, "%2x", &v) == 1; tok += 2)
				f->salt[f->salt_size++] = (uint8_t)v;
	}
	f->measured_set = measured != NULL;
	parse_hex(&f->digest, f->alg, digest);
	parse_hex(&f->measured, f->alg, measured ? measured : digest);
	if (real)
		parse_real(f, real);
}

static void parse_bad(char *rest)
{
	struct fake_bad *b = &bads[nbads++];
	char kind[32] = "", detail[32] = "none";
	unsigned long long ino, off, len;
	unsigned int level = 0;

	memset(b, 0, sizeof(*b));
	sscanf(rest, "%llu %llu %llu %31s %31s %u", &ino, &off, &len, kind,
	       detail, &level);
	b->ino = (ino_t)ino;
	b->off = off;
	b->len = len;
	b->kind = name_to(kinds, 6, kind);
	b->detail = name_to(details, 5, detail);
	b->level = level;
	b->cached = strstr(rest, " cached") != NULL;
}

static size_t parse_bytes(uint8_t *out, size_t max, const char *hex)
{
	size_t n = 0;
	unsigned int v;

	while (n < max && sscanf(hex + 2 * n, "%2x", &v) == 1)
		out[n++] = (uint8_t)v;
	return n;
}

struct real_ctx {
	int fd;
	off_t off;
	struct fake_file *f;
};

static int real_read(void *ctx, void *buf, size_t count)
{
	struct real_ctx *c = ctx;
	ssize_t n = pread(c->fd, buf, count, c->off);

	if (n != (ssize_t)count)
		return -EIO;
	c->off += n;
	return 0;
}

static int real_descriptor(void *ctx, const void *desc, size_t size)
{
	struct real_ctx *c = ctx;

	memcpy(&c->f->desc, desc, size < sizeof(c->f->desc) ? size :
	       sizeof(c->f->desc));
	return 0;
}

/* The genuine digest and descriptor of @f's data, read from @fd. */
static void compute_real(struct fake_file *f, int fd, uint64_t size)
{
	struct real_ctx c = { .fd = fd, .f = f };
	struct libfsverity_metadata_callbacks cb = {
		.ctx = &c, .descriptor = real_descriptor,
	};
	struct libfsverity_merkle_tree_params p = {
		.version = 1, .hash_algorithm = f->alg, .file_size = size,
		.block_size = f->bs, .metadata_callbacks = &cb,
	};
	struct libfsverity_digest *d = NULL;

	p.salt_size = f->salt_size;
	p.salt = f->salt_size ? f->salt : NULL;
	if (libfsverity_compute_digest(&c, real_read, &p, &d))
		abort();	/* a broken test setup */
	f->digest.alg = d->digest_algorithm;
	f->digest.size = d->digest_size;
	memcpy(f->digest.bytes, d->digest, d->digest_size);
	if (!f->measured_set)
		f->measured = f->digest;
	free(d);
	if (f->root_hex[0])
		parse_bytes(f->desc.root_hash, sizeof(f->desc.root_hash),
			    f->root_hex);
	f->computed = 1;
}

static struct fake_file *find_file(ino_t ino)
{
	int i;

	for (i = 0; i < nfiles; i++)
		if (files[i].ino == ino)
			return &files[i];
	return NULL;
}

/* The fake file open as @fd (its real values computed if asked), or NULL. */
static struct fake_file *file_of(int fd, struct stat *st)
{
	struct fake_file *f;

	if (fstat(fd, st) < 0)
		return NULL;
	f = find_file(st->st_ino);
	pthread_mutex_lock(&lock);
	if (f && f->verity && f->real && !f->computed)
		compute_real(f, fd, (uint64_t)st->st_size);
	pthread_mutex_unlock(&lock);
	return f;
}

static const struct fake_bad *find_bad(ino_t ino, uint64_t pos)
{
	int i;

	for (i = 0; i < nbads; i++)
		if (bads[i].ino == ino && pos >= bads[i].off &&
		    pos < bads[i].off + bads[i].len)
			return &bads[i];
	return NULL;
}

/* Append one line to $VF_FAKE_LOG, if set: the calls the tests look at. */
__attribute__((format(printf, 1, 2)))
static void fake_log(const char *fmt, ...)
{
	const char *path = getenv("VF_FAKE_LOG");
	FILE *f = path ? fopen(path, "ae") : NULL;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static int fake_open_device(const char *path)
{
	(void)path;
	if (module_state == 1)
		return -ENOENT;
	if (module_state == 2)
		return -EACCES;
	return 1000;	/* never used as a real fd */
}

static void fake_close_device(int fd)
{
	(void)fd;
}

static void add_fake_range(struct verity_scrub_args *a, uint64_t pos,
			   uint64_t len, const struct fake_bad *b, int *full)
{
	struct verity_scrub_range *r =
		(struct verity_scrub_range *)(uintptr_t)a->ranges;
	uint32_t n = a->ranges_count, c = a->ranges_cap < (uint32_t)cap ?
					  a->ranges_cap : (uint32_t)cap;
	uint32_t flags = b->cached && b->kind != VERITY_SCRUB_KIND_TRANSIENT &&
			 a->size >= VERITY_SCRUB_ARGS_SIZE_VER1 ?
			 VERITY_SCRUB_RANGE_CACHED : 0;

	if (n && r[n - 1].offset + r[n - 1].length == pos &&
	    r[n - 1].kind == b->kind && r[n - 1].detail == b->detail &&
	    r[n - 1].tree_level == b->level && r[n - 1].flags == flags) {
		r[n - 1].length += len;
		a->bytes_cached += flags ? len : 0;
		return;
	}
	if (n == c) {
		*full = 1;
		return;
	}
	memset(&r[n], 0, sizeof(r[n]));
	r[n].offset = pos;
	r[n].length = len;
	r[n].kind = b->kind;
	r[n].detail = b->detail;
	r[n].tree_level = b->level;
	r[n].flags = flags;
	a->ranges_count = n + 1;
	a->bytes_cached += flags ? len : 0;
}

/*
 * verify-file's cancel flag, set by its SIGINT/SIGTERM handler (absent in
 * the example tool): a signal the program took is pending for the fake
 * "kernel" too, whichever thread it was delivered to, as signal_pending()
 * is for the module's scrub of the process.
 */
#pragma weak vf_cancel
#pragma weak vf_budget_poll
#pragma weak vf_test_step
#pragma weak vf_state_interval
extern uint64_t vf_test_step;
extern double vf_state_interval;

static int cancelled(void)
{
	return &vf_cancel && vf_cancel;
}

static double fake_clock(void)
{
	double now;

	pthread_mutex_lock(&lock);
	now = (double)clock_now_ms / 1000.0;
	pthread_mutex_unlock(&lock);
	return now;
}

/* "clock": is the budget spent before the next block?  Then advance. */
static int fake_clock_block(void)
{
	if (!clock_ms)
		return 0;
	if (&vf_budget_poll && vf_budget_poll())
		return 1;
	pthread_mutex_lock(&lock);
	clock_now_ms += clock_ms;
	pthread_mutex_unlock(&lock);
	return 0;
}

static int go_exists(ino_t ino, uint64_t start)
{
	const char *log = getenv("VF_FAKE_LOG");
	char path[4200];

	if (!log)
		return 0;
	snprintf(path, sizeof(path), "%s.go.%llu.%llu", log,
		 (unsigned long long)ino, (unsigned long long)start);
	return access(path, F_OK) == 0;
}

/*
 * "pause": at the start of a call, wait for a cancel (return 1) or for the
 * test's go file (return 0); no time involved.
 */
static int fake_pause(ino_t ino, uint64_t start)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < npauses; i++)
		if (pauses[i].ino == ino && pauses[i].pos == start)
			break;
	if (i == npauses)
		return 0;
	fake_log("pause %llu %llu\n", (unsigned long long)ino,
		 (unsigned long long)start);
	while (!cancelled() && !go_exists(ino, start))
		nanosleep(&ts, NULL);
	return cancelled();
}

/*
 * Sleep @ms; return -EINTR if a signal interrupted the sleep or the
 * program took one before or during it (so a test that signals after the
 * "slow" line of a position knows where the call stops: there).
 */
static int slow(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	if (cancelled() || nanosleep(&ts, NULL))
		return -EINTR;
	return cancelled() ? -EINTR : 0;
}

static int fake_scrub(int devfd, struct verity_scrub_args *a)
{
	struct fake_file *f;
	const struct fake_bad *b;
	uint64_t bs, size, end, pos, stop, blen;
	struct stat st;
	int full = 0, halve;

	(void)devfd;
	fake_log("scrub %llu %llu %llu %u\n", (unsigned long long)a->start,
		 (unsigned long long)a->end, (unsigned long long)a->flags,
		 a->retries);
	if (a->size < VERITY_SCRUB_ARGS_SIZE_VER0)
		return -EINVAL;
	if (fstat((int)a->fd, &st) < 0)
		return -EBADF;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	f = file_of((int)a->fd, &st);
	if (!f || !f->verity)
		return -ENODATA;
	if (f->err)
		return -f->err;
	if ((a->flags & ~VERITY_SCRUB_FLAGS_ALL) || (f->noflags && a->flags) ||
	    a->retries > VERITY_SCRUB_MAX_RETRIES)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	halve = eintr_every && ++calls % (unsigned int)eintr_every == 0;
	pthread_mutex_unlock(&lock);
	bs = f->bs;
	size = (uint64_t)st.st_size;
	end = a->end < size ? (a->end + bs - 1) / bs * bs : size;
	if (end > size)
		end = size;
	pos = a->start / bs * bs;
	a->hash_algorithm = f->alg;
	a->block_size = f->bs;
	a->digest_size = f->digest.size;
	memcpy(a->digest, f->digest.bytes, f->digest.size);
	a->file_size = size;
	a->out_flags = VERITY_SCRUB_OUT_DIGEST_CHECKED |
		       (f->descchanged ? VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED : 0);
	/* as the module on ext4: direct unless told to use the page cache */
	if (!(a->flags & (VERITY_SCRUB_FLAG_KEEP_CACHE |
			  VERITY_SCRUB_FLAG_PAGE_CACHE)))
		a->out_flags |= VERITY_SCRUB_OUT_DIRECT;
	stop = halve && end > pos ? pos + (end - pos) / bs / 2 * bs : end;
	if (fake_pause(st.st_ino, pos)) {
		a->start = pos;
		return -EINTR;
	}
	for (; pos < stop; pos += blen) {
		if (clock_ms && (cancelled() || fake_clock_block())) {
			a->start = pos;
			return -EINTR;
		}
		if (f->slowms && (pos / bs) % 16 == 0) {
			fake_log("slow %llu %llu\n",
				 (unsigned long long)st.st_ino,
				 (unsigned long long)pos);
			if (slow(f->slowms)) {
				a->start = pos;
				return -EINTR;
			}
		}
		blen = size - pos < bs ? size - pos : bs;
		b = find_bad(st.st_ino, pos);
		if (b) {
			add_fake_range(a, pos, blen, b, &full);
			if (full) {
				a->out_flags |= VERITY_SCRUB_OUT_RANGES_FULL;
				break;
			}
			a->kind_blocks[b->kind]++;
		}
		if (!b || b->kind == VERITY_SCRUB_KIND_TRANSIENT)
			a->bytes_verified += blen;
		if (b && b->kind == VERITY_SCRUB_KIND_TRANSIENT)
			a->blocks_retried++;
		a->bytes_read += blen;
	}
	a->start = pos > a->start ? pos : a->start / bs * bs;
	return halve ? -EINTR : 0;
}

/*
 * The fake verity file open as @fd into *@fp, its fstat() into *@st: 0,
 * -errno of fstat(), or -ENODATA if it is not a verity file.
 */
static int verity_file_of(int fd, struct stat *st, struct fake_file **fp)
{
	if (fstat(fd, st) < 0)
		return -errno;
	*fp = file_of(fd, st);
	return *fp && (*fp)->verity ? 0 : -ENODATA;
}

static int fake_measure(int fd, struct vf_digest *d)
{
	struct fake_file *f;
	struct stat st;
	int err = verity_file_of(fd, &st, &f);

	if (err)
		return err;
	*d = f->measured;
	return 0;
}

static int fake_read_descriptor(int fd, struct fsverity_descriptor *desc)
{
	struct fake_file *f;
	struct stat st;
	int err = verity_file_of(fd, &st, &f);

	if (err)
		return err;
	if (f->nodesc)
		return -f->nodesc;
	if (f->real || f->made) {
		*desc = f->desc;
		return 0;
	}
	memset(desc, 0, sizeof(*desc));
	desc->version = 1;
	desc->hash_algorithm = (uint8_t)f->alg;
	desc->log_blocksize = (uint8_t)(__builtin_ctz(f->bs));
	desc->data_size = (uint64_t)st.st_size;
	return 0;
}

/* A transient block fails the first time it is read, then reads fine. */
static int fails_now(ino_t ino, uint64_t block, const struct fake_bad *b)
{
	int i, ret = 1;

	if (b->kind != VERITY_SCRUB_KIND_TRANSIENT)
		return 1;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nseen; i++)
		if (seen[i].ino == ino && seen[i].block == block)
			ret = 0;
	if (ret && nseen < MAX_SEEN) {
		seen[nseen].ino = ino;
		seen[nseen++].block = block;
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

/* Like fs-verity: a read stops short before a bad block, or fails on it. */
static ssize_t fake_pread(int fd, void *buf, size_t count, off_t offset)
{
	struct fake_file *f;
	const struct fake_bad *b;
	struct stat st;
	uint64_t pos, bs;

	if (fstat(fd, &st) < 0)
		return -1;
	f = find_file(st.st_ino);
	if (f && f->verity && f->slowms) {	/* a slow device: small reads */
		if (count > 16 * f->bs)
			count = 16 * f->bs;
		fake_log("pread %llu %llu\n", (unsigned long long)offset,
			 (unsigned long long)count);
		if (slow(f->slowms)) {
			errno = EINTR;
			return -1;
		}
	}
	if (f && f->verity) {
		bs = f->bs;
		for (pos = (uint64_t)offset / bs * bs;
		     pos < (uint64_t)offset + count; pos += bs) {
			b = find_bad(st.st_ino, pos);
			if (!b || !fails_now(st.st_ino, pos / bs, b))
				continue;
			if (pos <= (uint64_t)offset) {
				errno = EIO;
				return -1;
			}
			count = (size_t)(pos - (uint64_t)offset);
			break;
		}
	}
	return pread(fd, buf, count, offset);
}

static void parse_patherr(char *rest)
{
	char op[16];
	int err, n = 0;
	struct stat st;
	size_t len;

	if (sscanf(rest, "%15s %d %n", op, &err, &n) < 2 || !n)
		return;
	len = strcspn(rest + n, "\n");
	if (len >= sizeof(patherrs[0].path))
		return;
	patherrs[npatherrs].op = !strcmp(op, "open") ? PE_OPEN :
				 !strcmp(op, "stat") ? PE_STAT : PE_LOOKUP;
	patherrs[npatherrs].err = err;
	memcpy(patherrs[npatherrs].path, rest + n, len);
	patherrs[npatherrs].path[len] = '\0';
	patherrs[npatherrs].ino = stat(patherrs[npatherrs].path, &st) ?
				  0 : st.st_ino;
	npatherrs++;
}

static int patherr(int op, const char *path, ino_t ino)
{
	int i;

	for (i = 0; i < npatherrs; i++)
		if (patherrs[i].op == op &&
		    (path ? !strcmp(patherrs[i].path, path) :
			    patherrs[i].ino == ino))
			return patherrs[i].err;
	return 0;
}

static int fake_open(const char *path, int flags)
{
	int err = patherr(PE_OPEN, path, 0), fd;

	if (err) {
		fd = -1;
	} else {
		fd = open(path, flags);
		err = errno;
	}
	if (log_opens)
		fake_log("open %s\n", path);
	errno = err;
	return fd;
}

static int fake_fstat(int fd, struct stat *st)
{
	int err;

	if (fstat(fd, st) < 0)
		return -1;
	err = patherr(PE_STAT, NULL, st->st_ino);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static int fake_is_verity(const char *path)
{
	struct fake_file *f;
	struct stat st;
	int err = patherr(PE_LOOKUP, path, 0);

	if (err)
		return -err;

	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	f = find_file(st.st_ino);
	return f && f->verity;
}

static int fake_read_metadata(int fd, uint64_t type, uint64_t off, void *buf,
			      size_t len)
{
	struct fsverity_descriptor desc;
	const uint8_t *src;
	uint64_t size;
	int err = fake_read_descriptor(fd, &desc);
	struct stat st;
	struct fake_file *f;

	if (err)
		return err;
	fstat(fd, &st);
	f = find_file(st.st_ino);
	if (type == FS_VERITY_METADATA_TYPE_DESCRIPTOR) {
		src = (const uint8_t *)&desc;
		size = sizeof(desc);
	} else if (type == FS_VERITY_METADATA_TYPE_MERKLE_TREE) {
		src = f->tree;
		size = f->made ? f->tree_size : 0;
	} else if (type == FS_VERITY_METADATA_TYPE_SIGNATURE && f->signed_) {
		src = (const uint8_t *)"0\x82sig";
		size = 5;
	} else {
		return -ENODATA;
	}
	if (off >= size)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	memcpy(buf, src + off, len);
	return (int)len;
}

static void log_signature(const struct fsverity_enable_arg *arg)
{
	const uint8_t *sig = (const uint8_t *)(uintptr_t)arg->sig_ptr;
	char hex[2 * 64 + 1] = "";
	uint32_t i;

	if (!arg->sig_size)
		return;
	for (i = 0; i < arg->sig_size && i < 64; i++)
		sprintf(hex + 2 * i, "%02x", sig[i]);
	fake_log("enable_sig %u %s\n", arg->sig_size, hex);
}

/* FS_IOC_SETFLAGS of files not in the spec (the new files). */
static struct { ino_t ino; int flags; } setflags_tab[MAX_FILES];
static int nsetflags;

static int fake_getflags(int fd, int *flags)
{
	struct fake_file *f;
	struct stat st;
	int i;

	if (fstat(fd, &st) < 0)
		return -errno;
	f = find_file(st.st_ino);
	*flags = f && f->has_iflags ? f->iflags : FS_EXTENT_FL;
	for (i = 0; i < nsetflags; i++)
		if (setflags_tab[i].ino == st.st_ino)
			*flags = setflags_tab[i].flags;
	return 0;
}

/* As the kernel: VERITY cannot be set, IMMUTABLE and APPEND not here. */
static int fake_setflags(int fd, int flags)
{
	const int refused = FS_VERITY_FL | FS_IMMUTABLE_FL | FS_APPEND_FL;
	struct fake_file *f;
	struct stat st;
	int old, err;

	err = fake_getflags(fd, &old);
	if (err || fstat(fd, &st) < 0)
		return err ? err : -errno;
	f = find_file(st.st_ino);
	fake_log("setflags %llu 0x%x verity=%d\n",
		 (unsigned long long)st.st_ino, (unsigned int)flags,
		 f && f->verity);
	if ((flags ^ old) & refused)
		return -EPERM;
	pthread_mutex_lock(&lock);
	if (nsetflags < MAX_FILES) {
		setflags_tab[nsetflags].ino = st.st_ino;
		setflags_tab[nsetflags++].flags = flags;
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

/* The file becomes a good fs-verity file of the fake. */
static int fake_enable(int fd, const struct fsverity_enable_arg *arg)
{
	struct fake_file *f;
	struct stat st;
	int err;

	fake_log("enable %u %u %u\n", arg->hash_algorithm, arg->block_size,
		 arg->salt_size);
	log_signature(arg);
	if ((fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY)
		return -ETXTBSY;
	if (enable_errno)
		return -enable_errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	pthread_mutex_lock(&lock);
	if (nfiles == MAX_FILES || find_file(st.st_ino)) {
		pthread_mutex_unlock(&lock);
		return -EEXIST;
	}
	f = &files[nfiles];
	memset(f, 0, sizeof(*f));
	f->ino = st.st_ino;
	f->verity = 1;
	f->alg = arg->hash_algorithm;
	f->bs = arg->block_size;
	f->salt_size = arg->salt_size;
	memcpy(f->salt, (const void *)(uintptr_t)arg->salt_ptr, arg->salt_size);
	f->signed_ = arg->sig_size != 0;
	err = make_verity(f, fd, 0);
	if (!err)
		nfiles++;
	pthread_mutex_unlock(&lock);
	return err;
}

static int fake_repair_measure(int fd, struct vs_repair_digest *d)
{
	struct vf_digest m;
	int err = fake_measure(fd, &m);

	if (err)
		return err;
	d->alg = m.alg;
	d->size = m.size;
	memcpy(d->bytes, m.bytes, m.size);
	return 0;
}

/* Interposed over libsystemd's (the program's own symbol wins). */
int sd_journal_sendv(const struct iovec *iov, int n)
{
	const char *path = getenv("VF_FAKE_JOURNAL");
	FILE *f;
	int i;

	if (!path)
		return -ENOTCONN;
	pthread_mutex_lock(&lock);
	f = fopen(path, "ae");
	for (i = 0; f && i < n; i++) {
		fprintf(f, "%zu ", iov[i].iov_len);
		fwrite(iov[i].iov_base, 1, iov[i].iov_len, f);
		fputc('\n', f);
	}
	if (f) {
		fputc('\n', f);
		fclose(f);
	}
	pthread_mutex_unlock(&lock);
	return f ? 0 : -errno;
}

static int fake_rename(int olddirfd, const char *oldname, int newdirfd,
		       const char *newname)
{
	if (rename_errno)
		return -rename_errno;
	return renameat(olddirfd, oldname, newdirfd, newname) < 0 ? -errno : 0;
}

static const struct vs_repair_sys fake_repair_sys = {
	.read_metadata = fake_read_metadata,
	.enable_verity = fake_enable,
	.measure = fake_repair_measure,
	.rename = fake_rename,
	.getflags = fake_getflags,
	.setflags = fake_setflags,
};

static const struct vs_sys_ops fake_ops = {
	.open_device = fake_open_device,
	.scrub = fake_scrub,
	.close_device = fake_close_device,
};

static void parse_pause(const char *s)
{
	unsigned long long ino, pos;

	if (sscanf(s, "%llu %llu", &ino, &pos) != 2)
		return;
	pauses[npauses].ino = (ino_t)ino;
	pauses[npauses].pos = pos;
	npauses++;
}

__attribute__((constructor)) static void fake_init(void)
{
	const char *spec = getenv("VF_FAKE_SPEC");
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	vs_default_ops = &fake_ops;
	vs_repair_sys = &fake_repair_sys;
	vf_sys.open = fake_open;
	vf_sys.fstat = fake_fstat;
	vf_sys.measure = fake_measure;
	vf_sys.read_descriptor = fake_read_descriptor;
	vf_sys.pread = fake_pread;
	vf_sys.is_verity = fake_is_verity;
	if (!spec || !(f = fopen(spec, "re")))
		return;
	while (getline(&line, &len, f) >= 0) {
		if (!strncmp(line, "module ", 7))
			module_state = !strncmp(line + 7, "absent", 6) ? 1 :
				       !strncmp(line + 7, "eacces", 6) ? 2 : 0;
		else if (!strncmp(line, "cap ", 4))
			cap = atoi(line + 4);
		else if (!strncmp(line, "eintr_every ", 12))
			eintr_every = atoi(line + 12);
		else if (!strncmp(line, "enable_errno ", 13))
			enable_errno = atoi(line + 13);
		else if (!strncmp(line, "rename_errno ", 13))
			rename_errno = atoi(line + 13);
		else if (!strncmp(line, "file ", 5) && nfiles < MAX_FILES)
			parse_file(line + 5);
		else if (!strncmp(line, "bad ", 4) && nbads < MAX_BAD)
			parse_bad(line + 4);
		else if (!strncmp(line, "clock ", 6)) {
			clock_ms = strtoull(line + 6, NULL, 10);
			vf_sys.clock = fake_clock;
		} else if (!strncmp(line, "step ", 5) && &vf_test_step)
			vf_test_step = strtoull(line + 5, NULL, 10);
		else if (!strncmp(line, "state_interval ", 15) &&
			 &vf_state_interval)
			vf_state_interval = atof(line + 15);
		else if (!strncmp(line, "pause ", 6) && npauses < MAX_PAUSE)
			parse_pause(line + 6);
		else if (!strncmp(line, "logopen", 7))
			log_opens = 1;
		else if (!strncmp(line, "patherr ", 8) &&
			 npatherrs < MAX_PATHERR)
			parse_patherr(line + 8);
	}
	free(line);
	fclose(f);
}
