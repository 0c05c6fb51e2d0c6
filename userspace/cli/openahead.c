// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * openahead.c - open the next files while the workers scrub
 *
 * Opening an fs-verity file makes the kernel read its descriptor from disk
 * before open() returns, a wait of its own in front of every scrub.  With
 * small files that wait is a good part of the run, so one thread opens the
 * files the workers will claim next, in their order, and a worker takes
 * the open fd instead of opening the file itself.  At most one file per
 * worker is open ahead: the opener waits while that many fds are waiting
 * to be taken, so it never runs far ahead and never holds many fds.
 *
 * Each file is opened exactly once, by whoever gets to it first: a worker
 * that finds the file untouched marks it taken and opens it itself; one
 * that finds the opener in the middle of opening it waits for that open.
 * The opener never opens a file a worker has claimed, was done by an
 * earlier run (--state) or failed in the walk.  All of it is under one
 * mutex: a few operations per file, next to an open() and an ioctl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "vf.h"

enum { AHEAD_NONE, AHEAD_OPENING, AHEAD_OPEN, AHEAD_TAKEN };

static pthread_mutex_t ahead_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ahead_cond = PTHREAD_COND_INITIALIZER;
static struct {
	struct vf_run *run;
	pthread_t tid;
	int running;		/* the thread was started */
	int stop;		/* vf_ahead_stop(): the thread must end */
	unsigned int waiting;	/* fds opened ahead and not yet taken */
	unsigned int limit;	/* at most this many */
} ahead;

/* Under ahead_lock: the first file from @i on the opener may open. */
static struct vf_file *next_to_open(struct vf_run *run, size_t *i)
{
	size_t claimed = atomic_load(&run->next);
	struct vf_file *f;

	if (*i < claimed)	/* the workers are past it */
		*i = claimed;
	for (; *i < run->nfiles; ++*i) {
		f = &run->files[*i];
		if (f->ahead == AHEAD_NONE && !f->resume_skip && !f->finished)
			return f;
	}
	return NULL;
}

static void *opener_main(void *arg)
{
	struct vf_run *run = arg;
	struct vf_file *f;
	size_t i = 0;
	int fd, err;

	pthread_mutex_lock(&ahead_lock);
	for (;;) {
		while (!ahead.stop && !vf_cancel && ahead.waiting >= ahead.limit)
			pthread_cond_wait(&ahead_cond, &ahead_lock);
		if (ahead.stop || vf_cancel)
			break;
		f = next_to_open(run, &i);
		if (!f)
			break;
		f->ahead = AHEAD_OPENING;
		pthread_mutex_unlock(&ahead_lock);
		fd = vf_sys.open(f->path, VF_OPEN_FLAGS);
		err = errno;
		pthread_mutex_lock(&ahead_lock);
		f->ahead_fd = fd;
		f->ahead_errno = err;
		f->ahead = AHEAD_OPEN;
		ahead.waiting++;
		pthread_cond_broadcast(&ahead_cond);
	}
	pthread_mutex_unlock(&ahead_lock);
	return NULL;
}

/*
 * Start the opener for @run's workers, if more files than workers are
 * left.  Call it with the signals the workers block blocked.  Without it
 * (or if it cannot start) every worker opens its own files.
 */
void vf_ahead_start(struct vf_run *run)
{
	if (run->nfiles <= run->o->jobs)
		return;
	ahead.run = run;
	ahead.limit = run->o->jobs;
	ahead.stop = 0;
	ahead.waiting = 0;
	ahead.running = !pthread_create(&ahead.tid, NULL, opener_main, run);
}

/* After the workers: end the opener, close what nobody took. */
void vf_ahead_stop(void)
{
	struct vf_run *run = ahead.run;
	size_t i;

	if (!ahead.running)
		return;
	pthread_mutex_lock(&ahead_lock);
	ahead.stop = 1;
	pthread_cond_broadcast(&ahead_cond);
	pthread_mutex_unlock(&ahead_lock);
	pthread_join(ahead.tid, NULL);
	ahead.running = 0;
	for (i = 0; i < run->nfiles; i++)
		if (run->files[i].ahead == AHEAD_OPEN)
			vf_ahead_pass(&run->files[i]);
}

/*
 * A worker claims @f: return 1 and, in @fd and errno, what the opener's
 * open() gave, or 0 if the opener never opened @f (and now never will).
 */
static int take(struct vf_file *f, int *fd)
{
	int opened, err = 0;

	pthread_mutex_lock(&ahead_lock);
	while (f->ahead == AHEAD_OPENING)
		pthread_cond_wait(&ahead_cond, &ahead_lock);
	opened = f->ahead == AHEAD_OPEN;
	if (opened) {
		*fd = f->ahead_fd;
		err = f->ahead_errno;
		ahead.waiting--;
		pthread_cond_broadcast(&ahead_cond);
	}
	f->ahead = AHEAD_TAKEN;
	pthread_mutex_unlock(&ahead_lock);
	errno = err;
	return opened;
}

/*
 * The worker's open of @f: the fd the opener got, or its own open().  A
 * failed open gives -1 and the errno of that open, whoever made it.
 */
int vf_open_file(struct vf_file *f)
{
	int fd;

	if (take(f, &fd))
		return fd;
	return vf_sys.open(f->path, VF_OPEN_FLAGS);
}

/* A worker passes over @f without scrubbing it: never open it ahead. */
void vf_ahead_pass(struct vf_file *f)
{
	int fd;

	if (take(f, &fd) && fd >= 0)
		close(fd);
}
