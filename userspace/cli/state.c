// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - --state FILE and --max-time: a pass over the tree spread over
 * several runs
 *
 * The walk order is deterministic (the PATH operands in command line
 * order; under each, the files sorted by path with strcmp(), walk.c), so
 * the state names a position in it: every file before "done_until" is
 * done, plus the files listed in "done_after" (-j N finishes files out of
 * order); "current" lists the files begun and not finished, each with the
 * offset to resume at and the bad ranges found in it so far.  "findings"
 * holds the bad ranges of the files finished in this pass, so the pass's
 * findings summed over its runs are those of one uninterrupted run.
 *
 * The file is written atomically (FILE.tmp.PID in the same directory,
 * fsync, rename) at most every vf_state_interval seconds from the workers
 * and once at the end.  A periodic save records a file still being
 * scrubbed at the offset it was begun at in this run: the library holds
 * back the last bad range until the next one or the end, so only a clean
 * stop (the end, --max-time, SIGINT) knows every range up to its cursor.
 * After a crash the run resumes at the start of the part it was doing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf.h"
#include "state.h"

volatile sig_atomic_t vf_budget_hit;

/* Seconds between saves; the test build sets it to 0 (every step). */
double vf_state_interval = 5.0;

static double budget_deadline;	/* vf_sys.clock(), 0: no budget */

/**
 * vf_parse_duration() - "90", "90s", "45m", "8h", "1d" into seconds
 * @s: the text
 * @seconds: set on success
 *
 * Return: 0, or -EINVAL for a bad or zero duration, -ERANGE if too long.
 */
int vf_parse_duration(const char *s, uint64_t *seconds)
{
	unsigned long long v;
	uint64_t mult = 1;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end && end[1])
		return -EINVAL;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: return -EINVAL;
	}
	if (!v)
		return -EINVAL;
	if (v > (uint64_t)INT32_MAX / mult)	/* 68 years */
		return -ERANGE;
	*seconds = v * mult;
	return 0;
}

/**
 * vf_budget_poll() - stop the run if its --max-time budget is spent
 *
 * Called by the main thread while it waits, by the workers between ioctl
 * calls, and (a test hook) by the fake device between blocks.  A stop is
 * a cancel, as SIGINT: the scrubs end at their cursor, resumable.
 *
 * Return: 1 if the budget is spent.
 */
int vf_budget_poll(void)
{
	if (!budget_deadline || vf_sys.clock() < budget_deadline)
		return vf_budget_hit;
	vf_budget_hit = 1;
	vf_cancel = 1;
	return 1;
}

/**
 * vf_budget_start() - the --max-time budget begins now (before the walk)
 * @o: the options
 */
void vf_budget_start(const struct vf_opts *o)
{
	if (o->max_time)
		budget_deadline = vf_sys.clock() + (double)o->max_time;
}

/* The bytes of a file of @size the run scrubs (--range). */
uint64_t vf_state_span(const struct vf_opts *o, uint64_t size)
{
	if (!o->have_range)
		return size;
	if (size > o->range_end)
		size = o->range_end;
	return size > o->range_start ? size - o->range_start : 0;
}

/* The bytes of @f this run scrubs: its span, less what earlier runs did. */
uint64_t vf_state_left(const struct vf_opts *o, const struct vf_file *f)
{
	uint64_t first = o->have_range ? o->range_start : 0;
	uint64_t n = vf_state_span(o, f->size_hint);
	uint64_t done = f->start_offset > first ? f->start_offset - first : 0;

	return done < n ? n - done : 0;
}

/* The roots and the options that change what a pass checks. */
json_object *vf_state_key(const struct vf_opts *o)
{
	json_object *k = json_object_new_object(), *roots, *opts;
	int i;

	roots = json_object_new_array();
	for (i = 0; i < o->npaths; i++)
		json_object_array_add(roots, json_object_new_string(o->paths[i]));
	json_object_object_add(k, "roots", roots);
	opts = json_object_new_object();
	json_object_object_add(opts, "recursive",
			       json_object_new_boolean(o->recursive));
	json_object_object_add(opts, "cross_mounts",
			       json_object_new_boolean(o->cross_mounts));
	json_object_object_add(opts, "range_start", json_object_new_uint64(
			       o->have_range ? o->range_start : 0));
	json_object_object_add(opts, "range_end", json_object_new_uint64(
			       o->have_range ? o->range_end : UINT64_MAX));
	json_object_object_add(opts, "keep_cache",
			       json_object_new_boolean(o->keep_cache));
	json_object_object_add(opts, "page_cache",
			       json_object_new_boolean(o->page_cache));
	json_object_object_add(opts, "no_module",
			       json_object_new_boolean(o->no_module));
	json_object_object_add(opts, "retries", json_object_new_uint64(
			       o->retries ? o->retries :
			       VERITY_SCRUB_DEFAULT_RETRIES));
	json_object_object_add(opts, "expect_digest",
			       json_object_new_boolean(o->nexpect ||
						       o->digest_from_name));
	json_object_object_add(k, "options", opts);
	return k;
}

static void warn(const struct vf_state *st, const char *why)
{
	vf_warning("state file '%s' %s; starting a new "
		   "pass", st->file, why);
}

/* Is (@root, @path) before (@root2, @path2) in the walk order? */
static int before(unsigned int root, const char *path, unsigned int root2,
		  const char *path2)
{
	return root < root2 || (root == root2 && strcmp(path, path2) < 0);
}

static struct vf_file *find_file(struct vf_run *run, unsigned int root,
				 const char *path)
{
	size_t i;

	for (i = 0; i < run->nfiles; i++)
		if (run->files[i].root == root &&
		    !strcmp(run->files[i].path, path))
			return &run->files[i];
	return NULL;
}

static void mark_skip(struct vf_run *run, struct vf_file *f)
{
	if (f->resume_skip)
		return;
	f->resume_skip = 1;
	f->finished = 0;	/* a walk error was reported by that run */
	f->state_phase = 2;
	run->nresumed++;
}

/* One "current" entry: the file resumes at its offset. */
static int apply_current(struct vf_run *run, const struct vf_state_doc *d,
			 size_t i)
{
	const struct vf_state_part *p = &d->current[i];
	struct vf_file *f = find_file(run, p->root, p->path);

	if (!f || f->resume_skip)
		return 0;	/* gone from the tree since */
	f->start_offset = p->offset;
	f->cursor = p->offset;
	f->prev_verified = p->bytes_verified;
	f->prev_bad = p->bad;
	if (p->nranges) {
		f->prev_ranges = malloc(p->nranges * sizeof(*f->prev_ranges));
		if (!f->prev_ranges)
			return -ENOMEM;
		memcpy(f->prev_ranges, p->ranges,
		       p->nranges * sizeof(*f->prev_ranges));
		f->nprev = p->nranges;
	}
	return 0;
}

/*
 * Mark the files an earlier run of the pass finished bad or failed (the
 * state's findings whose status is not "ok": an "ok" one lists transient
 * ranges only).
 */
static void mark_findings(struct vf_run *run, const struct vf_state_doc *d)
{
	json_object *e, *v;
	struct vf_file *f;
	const char *st;
	size_t i;
	int64_t r;

	for (i = 0; d->findings && i < json_object_array_length(d->findings);
	     i++) {
		e = json_object_array_get_idx(d->findings, i);
		r = json_object_object_get_ex(e, "root", &v) ?
		    json_object_get_int64(v) : -1;
		st = json_object_object_get_ex(e, "status", &v) ?
		     json_object_get_string(v) : NULL;
		if (r < 0 || r >= run->o->npaths || !st || !strcmp(st, "ok") ||
		    !json_object_object_get_ex(e, "path", &v))
			continue;
		f = find_file(run, (unsigned int)r, json_object_get_string(v));
		if (f)
			f->earlier_finding = 1;
	}
}

/* Position @run's files as the state @d says; return -ENOMEM or 0. */
static int apply(struct vf_run *run, const struct vf_state_doc *d)
{
	size_t i;
	struct vf_file *f;

	for (i = 0; i < run->nfiles; i++)
		if (d->have_until &&
		    before(run->files[i].root, run->files[i].path,
			   d->until_root, d->until_path))
			mark_skip(run, &run->files[i]);
	if (!d->have_until)	/* every file was done: cannot be */
		for (i = 0; i < run->nfiles; i++)
			mark_skip(run, &run->files[i]);
	for (i = 0; i < d->ndone_after; i++) {
		f = find_file(run, d->done_after[i].root, d->done_after[i].path);
		if (f)
			mark_skip(run, f);
	}
	for (i = 0; i < d->ncurrent; i++)
		if (apply_current(run, d, i))
			return -ENOMEM;
	mark_findings(run, d);
	return 0;
}

/**
 * vf_state_pass_unclean() - did this pass find damage under PATH argument
 * @root (any argument spelled the same) in an earlier run: in a file it
 * finished, or in the part of a resumed file it scrubbed?
 * @run: the run, its files positioned by the state
 * @root: index of a PATH argument
 *
 * Return: 1 or 0; 0 without --state.
 */
int vf_state_pass_unclean(const struct vf_run *run, int root)
{
	const struct vf_file *f;
	size_t i;

	for (i = 0; i < run->nfiles; i++) {
		f = &run->files[i];
		if ((f->prev_bad || f->earlier_finding) &&
		    !strcmp(run->o->paths[f->root], run->o->paths[root]))
			return 1;
	}
	return 0;
}

/* Carry the pass of @d over into @st. */
static void carry(struct vf_state *st, struct vf_state_doc *d)
{
	st->resumed = 1;
	st->pass_started = d->pass_started;
	st->runs = d->runs;
	st->prev_seconds = d->seconds;
	st->prev_scrubbed = d->bytes_scrubbed;
	st->prev = d->totals;
	st->prev_findings = d->findings;
	d->findings = NULL;
}

/*
 * Read the state file, if any, and decide: resume its pass, or start a
 * new one (no file, a finished pass, or a file that cannot be used: a
 * warning, never an error).
 */
static int load(struct vf_run *run, struct vf_state *st)
{
	struct vf_state_doc d;
	char why[256];
	json_object *key = vf_state_key(run->o);
	int ret, err = 0;

	ret = vf_state_read(st->file, &d, why, sizeof(why));
	if (ret == -ENOENT) {
		json_object_put(key);
		return 0;
	}
	if (ret) {
		warn(st, why);
	} else if (!json_object_equal(d.key, key)) {
		warn(st, "was written for other paths or options");
	} else if (!d.complete) {
		err = apply(run, &d);
		if (!err)
			carry(st, &d);
	}
	json_object_put(key);
	vf_state_doc_free(&d);
	return err;
}

/**
 * vf_state_begin() - set up --state and --max-time for a run
 * @run: the run, its files collected
 *
 * Return: 0, or -ENOMEM.
 */
int vf_state_begin(struct vf_run *run)
{
	const struct vf_opts *o = run->o;
	struct vf_state *st;

	if (!o->state_file)
		return 0;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	pthread_mutex_init(&st->lock, NULL);
	st->file = o->state_file;
	st->clock_start = vf_sys.clock();
	st->run_started = time(NULL);
	st->pass_started = st->run_started;
	run->state = st;
	if (load(run, st))
		return -ENOMEM;
	st->runs++;
	st->last_save = vf_now();
	return 0;
}

/* Save if the last save is old enough; the caller holds the lock. */
static void save_due(struct vf_run *run, struct vf_state *st)
{
	if (vf_now() - st->last_save < vf_state_interval)
		return;
	st->last_save = vf_now();
	vf_state_save(run, st, VF_RUN_RUNNING);
}

void vf_state_file_start(struct vf_run *run, struct vf_file *f)
{
	if (!run->state)
		return;
	pthread_mutex_lock(&run->state->lock);
	f->state_phase = 1;
	pthread_mutex_unlock(&run->state->lock);
}

/**
 * vf_state_progress() - a scrub of @f got to @cursor
 * @run: the run
 * @f: the file
 * @cursor: the library's cursor after an ioctl call
 *
 * Also where the workers check the --max-time budget.
 */
void vf_state_progress(struct vf_run *run, struct vf_file *f, uint64_t cursor)
{
	vf_budget_poll();
	if (!run->state)
		return;
	pthread_mutex_lock(&run->state->lock);
	f->cursor = cursor;
	save_due(run, run->state);
	pthread_mutex_unlock(&run->state->lock);
}

void vf_state_file_done(struct vf_run *run, struct vf_file *f)
{
	if (!run->state)
		return;
	pthread_mutex_lock(&run->state->lock);
	f->state_phase = 2;
	if (f->interrupted)
		f->cursor = f->res.cursor;
	save_due(run, run->state);
	pthread_mutex_unlock(&run->state->lock);
}

/**
 * vf_state_end() - the last save of a run, after the workers are joined
 * @run: the run
 *
 * Says on stderr where a stopped run resumes.
 *
 * Return: 0, or VF_EXIT_OPERATIONAL if the state could not be saved.
 */
int vf_state_end(struct vf_run *run)
{
	struct vf_state *st = run->state;
	int how = vf_budget_hit ? VF_RUN_MAX_TIME :
		  run->interrupted ? VF_RUN_INTERRUPTED : VF_RUN_FINISHED;
	int ret;

	if (vf_budget_hit && !run->o->quiet)
		vf_note("time budget (--max-time %llus) reached",
			(unsigned long long)run->o->max_time);
	if (!st)
		return 0;
	ret = vf_state_save(run, st, how);
	if (!ret && how != VF_RUN_FINISHED && !run->o->quiet)
		vf_state_tell_resume(run, st);
	json_object_put(st->prev_findings);
	pthread_mutex_destroy(&st->lock);
	free(st);
	run->state = NULL;
	return ret ? VF_EXIT_OPERATIONAL : 0;
}
