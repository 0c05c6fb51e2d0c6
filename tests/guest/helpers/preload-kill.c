// SPDX-License-Identifier: GPL-2.0
/*
 * preload-kill - an LD_PRELOAD shim that SIGKILLs its process at one
 * exact call of one libc function: a deterministic "killed right there"
 * for the never-lose-data tests of verify-file --repair-from (no timing).
 * vsbench builds every helpers/preload-*.c as a shared object
 * (/opt/bin/preload-kill.so in the guest).
 *
 * Environment:
 *   VS_KILL_FN     pread, pwrite, ioctl, fsync, linkat or renameat
 *   VS_KILL_AT     before (default) or after the call
 *   VS_KILL_NTH    the Nth matching call (default 1)
 *   VS_KILL_MATCH  optional: for ioctl the request (FS_IOC_ENABLE_VERITY,
 *                  FS_IOC_MEASURE_VERITY, FS_IOC_READ_VERITY_METADATA or
 *                  a number); for pread, pwrite and fsync an fnmatch(3)
 *                  pattern for the path of the descriptor
 *                  (/proc/self/fd/N); for linkat and renameat one for
 *                  the new name
 *
 *   VS_FAIL_ERRNO  optional: instead of killing, make that one call fail
 *                  with this errno (a number; EDQUOT is 122) without
 *                  running it: a deterministic "over quota right there"
 *
 * Before the kill it writes "preload-kill: SIGKILL before|after FN #N"
 * on stderr, so that a test can tell the kill happened where it meant;
 * a failed call writes "preload-kill: errno E at FN #N".
 * Without VS_KILL_FN it changes nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <linux/fsverity.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static long calls;	/* matching calls so far (one counter: one FN) */

/* Whether calls of @fn are to be counted at all. */
static int wanted(const char *fn)
{
	const char *want = getenv("VS_KILL_FN");

	return want && !strcmp(want, fn);
}

/* Whether this call is the one to kill at (counts the matching ones). */
static int chosen(const char *what)
{
	const char *match = getenv("VS_KILL_MATCH");
	const char *nth = getenv("VS_KILL_NTH");

	if (match && *match && (!what || fnmatch(match, what, 0)))
		return 0;
	return __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) ==
	       (nth ? atol(nth) : 1);
}

static int at_after(void)
{
	const char *at = getenv("VS_KILL_AT");

	return at && !strcmp(at, "after");
}

static void die(const char *fn)
{
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "preload-kill: SIGKILL %s %s #%ld\n",
			 at_after() ? "after" : "before", fn, calls);

	if (write(STDERR_FILENO, msg, (size_t)n) < 0)
		n = 0;
	for (;;) {
		kill(getpid(), SIGKILL);
		pause();
	}
}

/* The path of descriptor @fd, into @buf. */
static const char *fd_path(int fd, char *buf, size_t len)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, len - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static void *next(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p) {
		fprintf(stderr, "preload-kill: no %s\n", name);
		abort();
	}
	return p;
}

/* The errno the chosen call fails with instead of a kill; 0: a kill. */
static int fail_errno(const char *fn)
{
	const char *e = getenv("VS_FAIL_ERRNO");
	char msg[128];
	int n;

	if (!e || atoi(e) <= 0)
		return 0;
	n = snprintf(msg, sizeof(msg), "preload-kill: errno %d at %s #%ld\n",
		     atoi(e), fn, calls);
	if (write(STDERR_FILENO, msg, (size_t)n) < 0)
		n = 0;
	return atoi(e);
}

/*
 * Run CALL (which sets @ret) with the kill before or after it, or, with
 * VS_FAIL_ERRNO, instead of it: @ret -1 and that errno.
 */
#define AROUND(fn, what, call)						\
	do {								\
		int hit_ = wanted(fn) && chosen(what);				\
		int err_ = hit_ ? fail_errno(fn) : 0;			\
									\
		if (err_) {						\
			ret = -1;					\
			errno = err_;					\
			break;						\
		}							\
		if (hit_ && !at_after())				\
			die(fn);					\
		call;							\
		if (hit_)						\
			die(fn);					\
	} while (0)

static ssize_t do_pread(const char *sym, int fd, void *buf, size_t n,
			off_t off)
{
	ssize_t (*real)(int, void *, size_t, off_t) = next(sym);
	char path[4096];
	ssize_t ret;

	AROUND("pread", fd_path(fd, path, sizeof(path)),
	       ret = real(fd, buf, n, off));
	return ret;
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	return do_pread("pread", fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	return do_pread("pread64", fd, buf, n, off);
}

static ssize_t do_pwrite(const char *sym, int fd, const void *buf, size_t n,
			 off_t off)
{
	ssize_t (*real)(int, const void *, size_t, off_t) = next(sym);
	char path[4096];
	ssize_t ret;

	AROUND("pwrite", fd_path(fd, path, sizeof(path)),
	       ret = real(fd, buf, n, off));
	return ret;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return do_pwrite("pwrite", fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return do_pwrite("pwrite64", fd, buf, n, off);
}

int fsync(int fd)
{
	int (*real)(int) = next("fsync");
	char path[4096];
	int ret;

	AROUND("fsync", fd_path(fd, path, sizeof(path)), ret = real(fd));
	return ret;
}

static const char *request_name(unsigned long req)
{
	static char num[32];

	switch (req) {
	case FS_IOC_ENABLE_VERITY: return "FS_IOC_ENABLE_VERITY";
	case FS_IOC_MEASURE_VERITY: return "FS_IOC_MEASURE_VERITY";
	case FS_IOC_READ_VERITY_METADATA: return "FS_IOC_READ_VERITY_METADATA";
	default:
		snprintf(num, sizeof(num), "%#lx", req);
		return num;
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	int (*real)(int, unsigned long, void *) = next("ioctl");
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	AROUND("ioctl", request_name(req), ret = real(fd, req, arg));
	return ret;
}

int linkat(int ofd, const char *old, int nfd, const char *new, int flags)
{
	int (*real)(int, const char *, int, const char *, int) = next("linkat");
	int ret;

	AROUND("linkat", new, ret = real(ofd, old, nfd, new, flags));
	return ret;
}

int renameat(int ofd, const char *old, int nfd, const char *new)
{
	int (*real)(int, const char *, int, const char *) = next("renameat");
	int ret;

	AROUND("renameat", new, ret = real(ofd, old, nfd, new));
	return ret;
}
