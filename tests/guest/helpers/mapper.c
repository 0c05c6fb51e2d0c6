// SPDX-License-Identifier: GPL-2.0
/*
 * mapper - another reader of a verity file, for the "a scrub changes
 * nothing other readers see" scenarios.
 *
 *   mapper hold FILE OUT   mmap FILE, touch every page, write "touched N"
 *                          to OUT; then on each SIGUSR1 touch every page
 *                          again and append "ok N" or "sigbus PAGE"; exit on
 *                          SIGTERM.
 *   mapper incore FILE [BYTES]
 *                          print how many pages of the first BYTES
 *                          (default: the file size; more reaches the
 *                          Merkle tree past EOF) of FILE are in the page
 *                          cache (mincore(), which touches nothing)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t again, stop;
static volatile size_t cur_page;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

static void on_usr1(int sig)
{
	(void)sig;
	again = 1;
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void *map_file(const char *path, size_t *len, size_t want)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(1);
	}
	*len = want ? want : (size_t)st.st_size;
	p = mmap(NULL, *len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	close(fd);
	return p;
}

/* Touch every page; the index of the page that faulted, or -1. */
static long touch_all(const volatile unsigned char *p, size_t len)
{
	size_t pg = sysconf(_SC_PAGESIZE);
	unsigned int sum = 0;

	if (sigsetjmp(bus_jmp, 1))
		return (long)cur_page;
	for (cur_page = 0; cur_page * pg < len; cur_page++)
		sum += p[cur_page * pg];
	(void)sum;
	return -1;
}

static void say(const char *out, const char *fmt, long v)
{
	FILE *f = fopen(out, "a");

	if (!f)
		exit(1);
	fprintf(f, fmt, v);
	fclose(f);
}

static int hold(const char *path, const char *out)
{
	size_t len, pg = sysconf(_SC_PAGESIZE);
	unsigned char *p = map_file(path, &len, 0);
	long bad;

	signal(SIGBUS, on_bus);
	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, on_term);
	bad = touch_all(p, len);
	if (bad >= 0)
		say(out, "sigbus %ld\n", bad);
	else
		say(out, "touched %ld\n", (long)((len + pg - 1) / pg));
	while (!stop) {
		pause();
		if (!again)
			continue;
		again = 0;
		bad = touch_all(p, len);
		if (bad >= 0)
			say(out, "sigbus %ld\n", bad);
		else
			say(out, "ok %ld\n", (long)((len + pg - 1) / pg));
	}
	return 0;
}

static int incore(const char *path, size_t want)
{
	size_t len, pg = sysconf(_SC_PAGESIZE), n, i, in = 0;
	void *p = map_file(path, &len, want);
	unsigned char *vec;

	n = (len + pg - 1) / pg;
	vec = calloc(n ? n : 1, 1);
	if (!vec || mincore(p, len, vec)) {
		perror("mincore");
		return 1;
	}
	for (i = 0; i < n; i++)
		in += vec[i] & 1;
	printf("%zu\n", in);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(argv[2], argv[3]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "incore"))
		return incore(argv[2], argc == 4 ? strtoull(argv[3], NULL, 0) : 0);
	fprintf(stderr, "usage: mapper hold FILE OUT | mapper incore FILE [BYTES]\n");
	return 2;
}
