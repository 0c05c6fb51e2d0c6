// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.c - --metrics FILE: the run in the Prometheus text format
 *
 * For node_exporter's textfile collector: every sample is labelled with
 * the PATH argument it is about (root="..."), one set per PATH.  The file
 * is replaced atomically (FILE.tmp.PID in the same directory, fsync,
 * rename), so the collector never reads half of it.  The end of the last
 * complete run without a finding is carried over from the FILE being
 * replaced when this run is not one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf.h"

#define M_PREFIX "verity_scrub_"
#define M_LAST_CLEAN M_PREFIX "last_clean_run_timestamp_seconds"

/* The status label values, by enum vf_status then VF_TALLY_SKIPPED. */
static const char *const status_label[] = {
	[VF_STATUS_OK] = "ok", [VF_STATUS_BAD] = "bad",
	[VF_STATUS_ERROR] = "error", [VF_STATUS_INTERRUPTED] = "interrupted",
	[VF_TALLY_SKIPPED] = "skipped",
};

/* Two PATH arguments that are the same string are one root. */
static int same_root(const struct vf_run *run, int a, int b)
{
	return !strcmp(run->o->paths[a], run->o->paths[b]);
}

/*
 * vf_tally() - the counts of the files under PATH argument @root (every
 * argument spelled the same way), or of the whole run if @root is -1.
 * Files never started (an interrupted run) are not counted, as in the
 * summary.
 */
void vf_tally(const struct vf_run *run, int root, struct vf_tally *t)
{
	size_t i;
	int k;

	memset(t, 0, sizeof(*t));
	t->complete = 1;
	for (i = 0; i < run->nfiles; i++) {
		const struct vf_file *f = &run->files[i];

		if ((root >= 0 && !same_root(run, f->root, root)) ||
		    f->resume_skip)	/* --state: done by an earlier run */
			continue;
		if (!f->finished || f->interrupted)
			t->complete = 0;
		if (!f->started && !f->finished)
			continue;
		t->status[vf_file_status(f)]++;
		t->bytes_verified += f->res.bytes_verified;
		for (k = 0; k < VERITY_SCRUB_KIND_COUNT; k++)
			t->kind_blocks[k] += f->res.kind_blocks[k];
	}
	for (i = 0; i < run->nskipped; i++)
		if (root < 0 || same_root(run, run->skipped[i].root, root))
			t->status[VF_TALLY_SKIPPED]++;
}

/* A finished root with no bad, failed or interrupted file. */
static int is_clean(const struct vf_tally *t)
{
	return t->complete && !t->status[VF_STATUS_BAD] &&
	       !t->status[VF_STATUS_ERROR] &&
	       !t->status[VF_STATUS_INTERRUPTED];
}

/*
 * The root label's value: the path as verify-file prints it (control
 * characters and bytes that are not UTF-8 as \n, \xNN, ...), then the
 * text format's escapes of backslash and double quote.  Allocated.
 */
static char *label_value(const char *path)
{
	char *text = vf_escape_path_dup(path), *out, *o;
	const char *s;

	if (!text)
		return NULL;
	out = malloc(2 * strlen(text) + 1);
	if (out) {
		for (s = text, o = out; *s; s++) {
			if (*s == '\\' || *s == '"')
				*o++ = '\\';
			*o++ = *s;
		}
		*o = '\0';
	}
	free(text);
	return out;
}

/*
 * The last clean run of the root labelled @label in the FILE being
 * replaced, as verify-file wrote it.  Return: 1 and *@ts, or 0.
 */
static int previous_clean(const char *file, const char *label, double *ts)
{
	char *line = NULL, *prefix = NULL, *end;
	size_t cap = 0, n;
	int found = 0;
	FILE *f = fopen(file, "re");

	if (!f) {
		if (errno != ENOENT)
			vf_warning("cannot read the previous --metrics file "
				   "'%s' (%s): the last clean run is not "
				   "carried over", file, strerror(errno));
		return 0;
	}
	if (asprintf(&prefix, M_LAST_CLEAN "{root=\"%s\"} ", label) < 0)
		prefix = NULL;
	n = prefix ? strlen(prefix) : 0;
	while (prefix && !found && getline(&line, &cap, f) >= 0) {
		if (strncmp(line, prefix, n))
			continue;
		errno = 0;
		*ts = strtod(line + n, &end);
		found = !errno && end != line + n &&
			(*end == '\n' || *end == '\0');
	}
	free(line);
	free(prefix);
	fclose(f);
	return found;
}

/* One root's numbers. */
struct root_metrics {
	char *label;
	struct vf_tally t;
	int have_clean;
	double clean_ts;
};

static double ts_of(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

static void family(FILE *m, const char *name, const char *help)
{
	fprintf(m, "# HELP " M_PREFIX "%s %s\n# TYPE " M_PREFIX "%s gauge\n",
		name, help, name);
}

static void write_run_families(FILE *m, const struct vf_run *run,
			       const struct root_metrics *r, int n)
{
	int i;

	family(m, "run_start_timestamp_seconds",
	       "Start of the last verify-file run, in seconds since the epoch.");
	for (i = 0; i < n; i++)
		fprintf(m, M_PREFIX "run_start_timestamp_seconds{root=\"%s\"} "
			"%.3f\n", r[i].label, ts_of(&run->wall_start));
	family(m, "run_end_timestamp_seconds",
	       "End of the last verify-file run, in seconds since the epoch.");
	for (i = 0; i < n; i++)
		fprintf(m, M_PREFIX "run_end_timestamp_seconds{root=\"%s\"} "
			"%.3f\n", r[i].label, ts_of(&run->wall_end));
	family(m, "run_duration_seconds", "Duration of the last run.");
	for (i = 0; i < n; i++)
		fprintf(m, M_PREFIX "run_duration_seconds{root=\"%s\"} %.3f\n",
			r[i].label, run->seconds);
	family(m, "run_complete", "1 if the last run scrubbed every file "
	       "under the root, 0 if it stopped early.");
	for (i = 0; i < n; i++)
		fprintf(m, M_PREFIX "run_complete{root=\"%s\"} %d\n",
			r[i].label, r[i].t.complete);
	family(m, "bytes_verified", "Bytes verified by the last run.");
	for (i = 0; i < n; i++)
		fprintf(m, M_PREFIX "bytes_verified{root=\"%s\"} %llu\n",
			r[i].label, (unsigned long long)r[i].t.bytes_verified);
}

static void write_count_families(FILE *m, const struct root_metrics *r,
				 int n)
{
	uint32_t k;
	int i, s;

	family(m, "files", "Files of the last run, by status.");
	for (i = 0; i < n; i++)
		for (s = 0; s <= VF_TALLY_SKIPPED; s++)
			fprintf(m, M_PREFIX "files{root=\"%s\",status=\"%s\"} "
				"%llu\n", r[i].label, status_label[s],
				(unsigned long long)r[i].t.status[s]);
	family(m, "bad_blocks", "Bad Merkle-tree-block-sized blocks found by "
	       "the last run, by kind.");
	for (i = 0; i < n; i++)
		for (k = VERITY_SCRUB_KIND_HASH_MISMATCH;
		     k <= VERITY_SCRUB_KIND_UNKNOWN; k++)
			fprintf(m, M_PREFIX "bad_blocks{root=\"%s\",kind=\"%s\"} "
				"%llu\n", r[i].label, verity_scrub_kind_name(k),
				(unsigned long long)r[i].t.kind_blocks[k]);
}

static void write_text(FILE *m, const struct vf_run *run,
		       const struct root_metrics *r, int n, int exit_status)
{
	int i, any_clean = 0;

	write_run_families(m, run, r, n);
	write_count_families(m, r, n);
	for (i = 0; i < n; i++)
		any_clean |= r[i].have_clean;
	if (any_clean)
		family(m, "last_clean_run_timestamp_seconds", "End of the last "
		       "complete run without a bad, failed or interrupted "
		       "file, in seconds since the epoch.");
	for (i = 0; i < n; i++)
		if (r[i].have_clean)
			fprintf(m, M_LAST_CLEAN "{root=\"%s\"} %.3f\n",
				r[i].label, r[i].clean_ts);
	family(m, "exit_status", "Exit status of the last run.");
	for (i = 0; i < n; i++)
		fprintf(m, M_PREFIX "exit_status{root=\"%s\"} %d\n",
			r[i].label, exit_status);
}

/* The roots, one per distinct PATH argument.  Return: how many, or -1. */
static int collect_roots(const struct vf_run *run, struct root_metrics *r)
{
	int i, j, n = 0;

	for (i = 0; i < run->o->npaths; i++) {
		for (j = 0; j < i && !same_root(run, i, j); j++)
			;
		if (j < i)
			continue;
		r[n].label = label_value(run->o->paths[i]);
		if (!r[n].label)
			return -1;
		vf_tally(run, i, &r[n].t);
		r[n].have_clean = is_clean(&r[n].t) &&
				  !vf_state_pass_unclean(run, i);
		r[n].clean_ts = ts_of(&run->wall_end);
		if (!r[n].have_clean)
			r[n].have_clean = previous_clean(run->o->metrics,
							 r[n].label,
							 &r[n].clean_ts);
		n++;
	}
	return n;
}

/* The whole text, allocated in *@buf.  Return: 0 or -ENOMEM. */
static int build_text(const struct vf_run *run, int exit_status, char **buf,
		      size_t *len)
{
	struct root_metrics *r = calloc((size_t)run->o->npaths, sizeof(*r));
	FILE *m = NULL;
	int i, n = r ? collect_roots(run, r) : -1;
	int err = -ENOMEM;

	*buf = NULL;
	if (n >= 0)
		m = open_memstream(buf, len);
	if (m) {
		write_text(m, run, r, n, exit_status);
		err = fclose(m) ? -ENOMEM : 0;
	}
	for (i = 0; r && i < run->o->npaths; i++)
		free(r[i].label);
	free(r);
	return err;
}

/*
 * vf_metrics_write() - --metrics FILE at the end of a run (also an
 * interrupted one), @exit_status the run's exit status so far.
 *
 * Return: 0, or VF_EXIT_OPERATIONAL when FILE could not be written (said
 * on stderr; FILE is then unchanged and no temporary file is left).
 */
int vf_metrics_write(const struct vf_run *run, int exit_status)
{
	const char *file = run->o->metrics, *step = "out of memory";
	char *buf = NULL;
	size_t len = 0;
	int err;

	if (!file)
		return 0;
	err = build_text(run, exit_status, &buf, &len);
	/* 0644 whatever the umask: the collector runs as another user */
	if (!err)
		err = vf_replace_file(file, buf, len, 0644, &step);
	free(buf);
	if (!err)
		return 0;
	vf_error("cannot write --metrics '%s': %s: %s",
		 file, step, strerror(-err));
	return VF_EXIT_OPERATIONAL;
}
