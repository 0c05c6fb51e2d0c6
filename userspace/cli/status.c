// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status.c - verify-file --status --state FILE: the pass a state file
 * records, as text or JSON (--json).  It only reads the file, so it works
 * from another shell while a run is going: the run saves it every few
 * seconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "state.h"

static const char *const run_text[] = {
	[VF_RUN_RUNNING] = "running", [VF_RUN_FINISHED] = "finished",
	[VF_RUN_INTERRUPTED] = "interrupted (resumable)",
	[VF_RUN_MAX_TIME] = "stopped at its time budget (resumable)",
};

static const char *const run_json[] = {
	[VF_RUN_RUNNING] = "running", [VF_RUN_FINISHED] = "finished",
	[VF_RUN_INTERRUPTED] = "interrupted", [VF_RUN_MAX_TIME] = "max_time",
};

/* What the numbers of a state say, worked out once for both outputs. */
struct status {
	const struct vf_state_doc *d;
	int alive;		/* a "running" run's process is there */
	double rate;		/* bytes/s, 0: not known */
	long long eta;		/* seconds, -1: not known */
	double pct;
	const struct vf_state_part *resume;
};

static int process_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void work_out(struct status *s, const struct vf_state_doc *d)
{
	uint64_t left = d->bytes_total > d->bytes_done ?
			d->bytes_total - d->bytes_done : 0;

	memset(s, 0, sizeof(*s));
	s->d = d;
	s->alive = d->run_state == VF_RUN_RUNNING && process_alive(d->pid);
	s->rate = d->seconds > 0 ? (double)d->bytes_scrubbed / d->seconds : 0;
	s->eta = -1;
	if (!d->complete && s->rate > 0)
		s->eta = (long long)((double)left / s->rate + 0.5);
	s->pct = d->complete ? 100.0 : d->bytes_total ?
		 100.0 * (double)d->bytes_done / (double)d->bytes_total : 0;
	if (d->ncurrent)
		s->resume = &d->current[0];
}

static void utc(char *buf, size_t len, int64_t t, int json)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, json ? "%Y-%m-%dT%H:%M:%SZ" :
		      "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_string(v) : "";
}

static void print_ranges(FILE *out, const char *path, json_object *ranges,
			 const char *suffix)
{
	char buf[256], *p = vf_escape_path_dup(path);
	struct verity_scrub_range r;
	size_t i;

	for (i = 0; i < json_object_array_length(ranges); i++) {
		if (vf_state_range(json_object_array_get_idx(ranges, i), &r))
			continue;
		vf_format_range(buf, sizeof(buf), &r);
		fprintf(out, "  %s: %s%s\n", p ? p : "(out of memory)", buf,
			suffix);
	}
	free(p);
}

static size_t count_ranges(const struct vf_state_doc *d)
{
	json_object *ranges;
	size_t i, n = 0;

	for (i = 0; i < json_object_array_length(d->findings); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(
			    d->findings, i), "ranges", &ranges))
			n += json_object_array_length(ranges);
	for (i = 0; i < d->ncurrent; i++)
		n += d->current[i].nranges;
	return n;
}

/* A file being scrubbed: its ranges so far. */
static void print_current(FILE *out, const struct vf_state_part *p)
{
	char buf[256], *path = vf_escape_path_dup(p->path);
	size_t i;

	for (i = 0; i < p->nranges; i++) {
		vf_format_range(buf, sizeof(buf), &p->ranges[i]);
		fprintf(out, "  %s: %s (so far)\n", path ? path : "?", buf);
	}
	free(path);
}

static void print_findings(FILE *out, const struct vf_state_doc *d)
{
	json_object *e, *ranges;
	size_t i, n = json_object_array_length(d->findings);
	size_t nr = count_ranges(d);
	char *p;

	if (nr)
		fprintf(out, "Findings:   %zu bad range%s\n", nr,
			nr == 1 ? "" : "s");
	else if (!n)
		fputs("Findings:   none\n", out);
	else
		fputs("Findings:\n", out);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(d->findings, i);
		json_object_object_get_ex(e, "ranges", &ranges);
		print_ranges(out, get_str(e, "path"), ranges, "");
		if (!json_object_array_length(ranges)) {
			p = vf_escape_path_dup(get_str(e, "path"));
			fprintf(out, "  %s: %s%s%s\n", p ? p : "(out of memory)",
				get_str(e, "status"), *get_str(e, "error") ?
				": " : "", get_str(e, "error"));
			free(p);
		}
	}
	for (i = 0; i < d->ncurrent; i++)
		print_current(out, &d->current[i]);
}

static void print_run(FILE *out, const struct status *s)
{
	const struct vf_state_doc *d = s->d;
	char t[40], u[40];

	utc(t, sizeof(t), d->run_started, 0);
	utc(u, sizeof(u), d->updated, 0);
	if (d->run_state == VF_RUN_RUNNING && s->alive)
		fprintf(out, "Last run:   started %s, running (pid %ld), "
			"saved %s\n", t, d->pid, u);
	else if (d->run_state == VF_RUN_RUNNING)
		fprintf(out, "Last run:   started %s, ended without its last "
			"save (pid %ld is gone), saved %s\n", t, d->pid, u);
	else
		fprintf(out, "Last run:   started %s, %s, saved %s\n", t,
			run_text[d->run_state], u);
}

static void print_text(FILE *out, const char *file, const struct status *s)
{
	const struct vf_state_doc *d = s->d;
	char t[40], *p;

	fprintf(out, "State file: %s\n", file);
	utc(t, sizeof(t), d->pass_started, 0);
	fprintf(out, "Pass:       started %s, %u run%s, ", t, d->runs,
		d->runs == 1 ? "" : "s");
	utc(t, sizeof(t), d->pass_ended, 0);
	if (d->complete)
		fprintf(out, "complete (ended %s)\n", t);
	else
		fputs("in progress\n", out);
	print_run(out, s);
	fprintf(out, "Progress:   %llu of %llu files, %llu of %llu bytes "
		"(%.1f%%)\n", (unsigned long long)d->files_done,
		(unsigned long long)d->files_total,
		(unsigned long long)d->bytes_done,
		(unsigned long long)d->bytes_total, s->pct);
	if (s->rate > 0)
		fprintf(out, "Rate:       %.2f MiB/s (%.0f bytes/s)\n",
			s->rate / (1 << 20), s->rate);
	if (s->eta >= 0)
		fprintf(out, "ETA:        %lld:%02lld:%02lld\n", s->eta / 3600,
			s->eta / 60 % 60, s->eta % 60);
	if (s->resume) {
		p = vf_escape_path_dup(s->resume->path);
		fprintf(out, "Resumes at: %s offset %llu\n", p ? p : "?",
			(unsigned long long)s->resume->offset);
		free(p);
	}
	fprintf(out, "Files done: %llu ok, %llu bad, %llu errors, %llu bytes "
		"verified\n", (unsigned long long)d->totals.ok,
		(unsigned long long)d->totals.bad,
		(unsigned long long)d->totals.errors,
		(unsigned long long)d->totals.bytes_verified);
	print_findings(out, d);
}

static json_object *time_json(int64_t t)
{
	char buf[40];

	utc(buf, sizeof(buf), t, 1);
	return json_object_new_string(buf);
}

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *ranges_json(json_object *ranges)
{
	json_object *a = json_object_new_array(), *o;
	struct verity_scrub_range r;
	size_t i;

	for (i = 0; i < json_object_array_length(ranges); i++) {
		if (vf_state_range(json_object_array_get_idx(ranges, i), &r))
			continue;
		o = vf_range_json(&r);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *part_ranges_json(const struct vf_state_part *p)
{
	json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < p->nranges; i++) {
		o = vf_range_json(&p->ranges[i]);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *findings_json(const struct vf_state_doc *d)
{
	json_object *a = json_object_new_array(), *e, *o, *ranges;
	size_t i;

	for (i = 0; i < json_object_array_length(d->findings); i++) {
		e = json_object_array_get_idx(d->findings, i);
		o = json_object_new_object();
		add(o, "path", json_object_new_string(get_str(e, "path")));
		add(o, "status", json_object_new_string(get_str(e, "status")));
		if (*get_str(e, "error"))
			add(o, "error", json_object_new_string(
				    get_str(e, "error")));
		json_object_object_get_ex(e, "ranges", &ranges);
		add(o, "ranges", ranges_json(ranges));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *build_json(const char *file, const struct status *s)
{
	const struct vf_state_doc *d = s->d;
	json_object *doc = json_object_new_object(), *o;

	add(doc, "state_file", json_object_new_string(file));
	o = json_object_new_object();
	add(o, "started", time_json(d->pass_started));
	add(o, "ended", d->complete ? time_json(d->pass_ended) : NULL);
	add(o, "complete", json_object_new_boolean(d->complete));
	add(o, "runs", json_object_new_uint64(d->runs));
	add(doc, "pass", o);
	o = json_object_new_object();
	add(o, "started", time_json(d->run_started));
	add(o, "saved", time_json(d->updated));
	add(o, "pid", json_object_new_int64(d->pid));
	add(o, "state", json_object_new_string(run_json[d->run_state]));
	add(o, "running", json_object_new_boolean(s->alive));
	add(doc, "run", o);
	o = json_object_new_object();
	add(o, "files_total", json_object_new_uint64(d->files_total));
	add(o, "files_done", json_object_new_uint64(d->files_done));
	add(o, "bytes_total", json_object_new_uint64(d->bytes_total));
	add(o, "bytes_done", json_object_new_uint64(d->bytes_done));
	add(doc, "progress", o);
	add(doc, "bytes_per_second", s->rate > 0 ?
	    json_object_new_uint64((uint64_t)(s->rate + 0.5)) : NULL);
	add(doc, "eta_seconds", s->eta >= 0 ?
	    json_object_new_uint64((uint64_t)s->eta) : NULL);
	o = NULL;
	if (s->resume) {
		o = json_object_new_object();
		add(o, "path", json_object_new_string(s->resume->path));
		add(o, "offset", json_object_new_uint64(s->resume->offset));
		add(o, "ranges", part_ranges_json(s->resume));
	}
	add(doc, "resume", o);
	o = json_object_new_object();
	add(o, "ok", json_object_new_uint64(d->totals.ok));
	add(o, "bad", json_object_new_uint64(d->totals.bad));
	add(o, "errors", json_object_new_uint64(d->totals.errors));
	add(o, "bytes_verified", json_object_new_uint64(
		    d->totals.bytes_verified));
	add(doc, "totals", o);
	add(doc, "findings", findings_json(d));
	return doc;
}

/**
 * vf_status_main() - verify-file --status
 * @o: the options (--state FILE, --json)
 *
 * Return: the exit status: 0, or 8 when there is no usable state file.
 */
int vf_status_main(const struct vf_opts *o)
{
	struct vf_state_doc d;
	struct status s;
	json_object *doc;
	char why[256];
	int ret;

	ret = vf_state_read(o->state_file, &d, why, sizeof(why));
	if (ret) {
		vf_error("state file '%s' %s",
			 o->state_file, ret == -ENOENT ?
			 "does not exist (no run with this --state yet)" : why);
		vf_state_doc_free(&d);
		return VF_EXIT_OPERATIONAL;
	}
	work_out(&s, &d);
	if (o->json) {
		doc = build_json(o->state_file, &s);
		printf("%s\n", json_object_to_json_string_ext(doc,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(doc);
	} else {
		print_text(stdout, o->state_file, &s);
	}
	vf_state_doc_free(&d);
	return fflush(stdout) ? VF_EXIT_OPERATIONAL : 0;
}
