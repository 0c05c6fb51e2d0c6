// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * progress.c - how far the run is: the bytes per ioctl call, the text of
 * the progress line, and systemd's STATUS= (sd_notify) under a service
 *
 * The step.  The library scrubs a file in calls of opts.step bytes and
 * calls back after each: the progress line and the state file move only
 * between calls.  Each call sets the module's direct path up and tears it
 * down again (module/direct.c: up to VS_DIRECT_DEPTH = 4 read windows of
 * VS_WINDOW_PAGES = 4 MiB allocated, reads in flight, the hashing helpers
 * started with the first whole window, all drained at the end of the
 * call), so a call of one ring, 16 MiB, never refills a window while the
 * others are hashed, and one of a few rings keeps the device busy for
 * most of it.  The step therefore stays 64 MiB, the step of earlier
 * versions, for a file of 256 MiB or more on a device faster than
 * 64 MiB/s (and for the first file of a run, whose rate is not known
 * yet): the clean fast path makes the same calls as before.  A smaller
 * file is done in four calls, a slower device in calls of about one
 * second, never under 32 MiB (two rings: in a TCG guest, 16 MiB calls
 * looked slower than 32 or 64 MiB ones, within the noise).  --limit keeps
 * its own smaller step.  See vf_step_for().
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "vf.h"

#define VF_STEP_MIN	(32ULL << 20)	/* two rings of the module's windows */
#define VF_STEP_MAX	(64ULL << 20)
#define VF_STEP_SECONDS	1.0		/* a call should last about this */
#define VF_NOTIFY_EVERY	5.0		/* seconds between STATUS= updates */

/* Test hook: the fake device's spec sets a step ("step N"), 0: none. */
uint64_t vf_test_step;

/**
 * vf_step_for() - the step for a file of which @left bytes are to scrub
 * @rate: the run's rate so far in bytes/s, 0 when not known yet
 * @left: bytes of the file this run scrubs
 *
 * 64 MiB, as before; less only where it shows: a file under 256 MiB
 * moves the line in four calls (a quarter of it, not under 32 MiB: a file
 * under 128 MiB is done in fewer), and a device slower than 64 MiB/s gets
 * about a second's worth (not under 32 MiB), known from the files before.
 *
 * Return: bytes per ioctl call, a multiple of 1 MiB.
 */
uint64_t vf_step_for(double rate, uint64_t left)
{
	double step = (double)VF_STEP_MAX;

	if ((double)left / 4 < step)
		step = (double)left / 4;
	if (rate > 0 && rate * VF_STEP_SECONDS < step)
		step = rate * VF_STEP_SECONDS;
	if (step <= (double)VF_STEP_MIN)
		return VF_STEP_MIN;
	return ((uint64_t)step + (1 << 19)) >> 20 << 20;
}

static int notifying(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s && *s;
}

/**
 * vf_progress_step() - bytes per ioctl call for @run
 * @run: the run
 * @left: bytes of the file to scrub
 *
 * Return: the step, or 0 (the whole range in one call) when nothing
 * watches the progress.
 */
uint64_t vf_progress_step(const struct vf_run *run, uint64_t left)
{
	uint64_t step, done = atomic_load(&run->bytes_done);
	double secs = vf_now() - run->start_time;

	if (vf_test_step)
		return vf_test_step;
	if (run->o->limit) {
		step = run->o->limit / 4;
		if (step < 64 * 1024)
			step = 64 * 1024;
		return step > VF_STEP_MAX ? VF_STEP_MAX : step;
	}
	if (!run->progress_shown && !run->state && !notifying())
		return 0;
	return vf_step_for(secs > 0 && done ? (double)done / secs : 0, left);
}

/**
 * vf_progress_format() - "42.0%  12.3 MiB/s  ETA 0:01:02"
 * @run: the run
 * @buf: where
 * @len: its size
 *
 * The ETA only once something was read (a rate is known) and something
 * is left.
 */
void vf_progress_format(const struct vf_run *run, char *buf, size_t len)
{
	uint64_t done = atomic_load(&run->bytes_done);
	double secs = vf_now() - run->start_time;
	double rate = secs > 0 ? (double)done / secs : 0;
	double pct = run->bytes_total ?
		     100.0 * (double)done / (double)run->bytes_total : 0;
	long eta;
	int n;

	if (pct > 100)
		pct = 100;
	n = snprintf(buf, len, "%5.1f%%  %.1f MiB/s", pct, rate / (1 << 20));
	if (rate <= 0 || run->bytes_total <= done || n < 0 || (size_t)n >= len)
		return;
	eta = (long)((double)(run->bytes_total - done) / rate);
	snprintf(buf + n, len - (size_t)n, "  ETA %ld:%02ld:%02ld", eta / 3600,
		 eta / 60 % 60, eta % 60);
}

/**
 * vf_progress_tick() - tell systemd how far the run is (STATUS=)
 * @run: the run
 * @final: the run is over: say so, whatever the time
 *
 * Under a service (NOTIFY_SOCKET set, Type=notify or not) at most every
 * VF_NOTIFY_EVERY seconds, so that 'systemctl status' shows the progress.
 */
void vf_progress_tick(struct vf_run *run, int final)
{
	static double last;
	char line[128];

	if (!notifying() || (!final && last && vf_now() - last <
			     VF_NOTIFY_EVERY))
		return;
	last = vf_now();
	if (final) {
		sd_notifyf(0, "STATUS=%s", vf_cancel ? "stopped; resumable" :
			   "finished");
		return;
	}
	vf_progress_format(run, line, sizeof(line));
	sd_notifyf(0, "STATUS=scrubbing: %s", line + strspn(line, " "));
}
