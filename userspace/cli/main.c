// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - verify-file: scrub fs-verity files and report bad ranges
 *
 * The main thread collects the files, starts the workers, draws the
 * progress line and turns SIGINT/SIGTERM into a clean stop: the handler
 * sets vf_cancel, and the main thread wakes every worker blocked in the
 * scrub ioctl with SIGUSR1 so that the kernel returns -EINTR and the
 * library stops at its cursor.  Workers keep SIGINT and SIGTERM blocked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vf.h"

struct worker {
	pthread_t tid;
	struct vf_run *run;
	atomic_int done;
};

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
/* signalled by each worker when it finishes */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static struct verity_scrub_dev *scrub_dev;

static void on_stop_signal(int sig)
{
	(void)sig;
	vf_cancel = 1;
}

static void on_wake_signal(int sig)
{
	(void)sig;	/* only there to interrupt a blocking call */
}

static void clear_progress(const struct vf_run *run)
{
	if (run->progress_shown)
		fputs("\r\033[K", stderr);
}

static void report_file(struct vf_run *run, struct vf_file *f)
{
	char *path;

	pthread_mutex_lock(&out_lock);
	clear_progress(run);
	if (!run->o->json) {
		vf_print_file(stdout, run, f);
		fflush(stdout);
	} else if (f->error && !f->error_told && !run->o->quiet) {
		path = vf_escape_path_dup(f->path);
		vf_error("%s: %s",
			 path ? path : "(out of memory)", f->error);
		free(path);
	}
	vf_journal_file(run, f);
	pthread_mutex_unlock(&out_lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct vf_run *run = w->run;
	struct vf_file *f;
	size_t i;

	while (!vf_cancel) {
		i = atomic_fetch_add(&run->next, 1);
		if (i >= run->nfiles)
			break;
		f = &run->files[i];
		if (f->resume_skip) {	/* --state: an earlier run did it */
			vf_ahead_pass(f);
			continue;
		}
		vf_state_file_start(run, f);
		if (!f->finished)	/* walk errors are already final */
			vf_scrub_file(run, scrub_dev, f);
		else
			vf_ahead_pass(f);
		f->started = 1;
		f->finished = 1;
		vf_state_file_done(run, f);
		report_file(run, f);
	}
	pthread_mutex_lock(&done_lock);
	atomic_store(&w->done, 1);
	pthread_cond_signal(&done_cond);
	pthread_mutex_unlock(&done_lock);
	return NULL;
}

static void print_progress(struct vf_run *run)
{
	char line[128];

	vf_progress_format(run, line, sizeof(line));
	pthread_mutex_lock(&out_lock);
	fprintf(stderr, "\r\033[K%s", line);
	pthread_mutex_unlock(&out_lock);
}

static int all_done(struct worker *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!atomic_load(&w[i].done))
			return 0;
	return 1;
}

/* Wait for the workers; draw progress; forward a stop to them. */
static void supervise(struct vf_run *run, struct worker *w, unsigned int n)
{
	struct timespec until;
	double last = 0;
	unsigned int i;

	for (;;) {
		pthread_mutex_lock(&done_lock);
		if (!all_done(w, n)) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 50 * 1000 * 1000;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&done_cond, &done_lock, &until);
		}
		pthread_mutex_unlock(&done_lock);
		if (all_done(w, n))
			break;
		vf_budget_poll();	/* --max-time: a stop like SIGINT */
		vf_progress_tick(run, 0);
		if (vf_cancel)
			for (i = 0; i < n; i++)
				if (!atomic_load(&w[i].done))
					pthread_kill(w[i].tid, SIGUSR1);
		if (run->progress_shown && !vf_cancel &&
		    vf_now() - last >= 0.5) {
			print_progress(run);
			last = vf_now();
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	pthread_mutex_lock(&out_lock);
	clear_progress(run);
	pthread_mutex_unlock(&out_lock);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the scrub ioctl must return -EINTR.  A second
	 * SIGINT kills, for a user who does not want to wait. */
	sa.sa_flags = SA_RESETHAND;
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = on_wake_signal;
	sigaction(SIGUSR1, &sa, NULL);
}

static int run_workers(struct vf_run *run)
{
	unsigned int i, n = run->o->jobs;
	struct worker *w = calloc(n, sizeof(*w));
	sigset_t block, old;
	int err = 0;

	if (!w)
		return -ENOMEM;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	vf_ahead_start(run);
	for (i = 0; i < n && !err; i++) {
		w[i].run = run;
		err = -pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)	/* run with the threads that did start */
		n = i - 1;
	supervise(run, w, n);
	vf_ahead_stop();
	free(w);
	return n ? 0 : err;
}

static void open_module(struct vf_run *run, const struct vf_opts *o)
{
	int err;

	if (o->no_module) {
		run->use_fallback = 1;
		return;
	}
	err = verity_scrub_open(&scrub_dev);
	if (!err)
		return;
	if (o->fallback) {
		/* a downgrade is always said, even with -q */
		vf_warning("%s; falling back to reading with pread "
			   "(--no-module): failing ranges will be reported "
			   "as 'unknown'",
			   verity_scrub_strerror(VERITY_SCRUB_OP_OPEN_DEVICE,
						 err));
		run->use_fallback = 1;
		run->fallback_err = err;
		return;
	}
	run->module_err = err;
	vf_error("%s",
		 verity_scrub_strerror(VERITY_SCRUB_OP_OPEN_DEVICE, err));
}

static uint64_t total_bytes(const struct vf_run *run)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < run->nfiles; i++)	/* --state: what is left */
		if (!run->files[i].resume_skip)
			total += vf_state_left(run->o, &run->files[i]);
	return total;
}

static int exit_status(const struct vf_run *run)
{
	int bits = run->interrupted ? VF_EXIT_INTERRUPTED : 0;
	size_t i;

	for (i = 0; i < run->nfiles; i++)
		if (run->files[i].started)
			bits |= vf_file_exit_bits(&run->files[i]);
	return bits;
}

int main(int argc, char **argv)
{
	struct vf_run run;
	struct vf_opts o;
	int ret, state_ret;

	ret = vf_parse_args(argc, argv, &o);
	if (ret) {
		vf_free_opts(&o);
		return ret < 0 ? 0 : ret;
	}
	if (o.status) {
		ret = vf_status_main(&o);
		vf_free_opts(&o);
		return ret;
	}
	memset(&run, 0, sizeof(run));
	run.o = &o;
	run.journal = vf_journal_wanted(o.log_mode);
	install_signals();
	run.start_time = vf_now();
	clock_gettime(CLOCK_REALTIME, &run.wall_start);
	vf_budget_start(&o);
	if (vf_collect(&run) || vf_state_begin(&run)) {
		vf_error("out of memory");
		ret = VF_EXIT_OPERATIONAL;
		goto out;
	}
	open_module(&run, &o);
	run.progress_shown = !o.quiet && isatty(STDERR_FILENO);
	run.bytes_total = total_bytes(&run);
	if (run_workers(&run)) {
		vf_error("cannot start threads");
		ret = VF_EXIT_OPERATIONAL;
		goto out;
	}
	run.seconds = vf_now() - run.start_time;
	clock_gettime(CLOCK_REALTIME, &run.wall_end);
	run.interrupted = vf_cancel != 0;
	if (run.interrupted && !vf_budget_hit)
		vf_note("interrupted; reporting what was found so far");
	vf_progress_tick(&run, 1);
	if (o.json)
		vf_print_json(stdout, &run);
	else
		vf_print_summary(stdout, &run);
	state_ret = vf_state_end(&run);
	ret = exit_status(&run) | state_ret;
	if (fflush(stdout) || ferror(stdout)) {
		vf_error("error writing output: %s",
			 strerror(errno));
		ret |= VF_EXIT_OPERATIONAL;
	}
	ret |= vf_metrics_write(&run, ret);
	ret |= vf_journal_summary(&run, ret);
out:
	verity_scrub_close(scrub_dev);
	vf_free_run(&run);
	vf_free_opts(&o);
	return ret;
}
