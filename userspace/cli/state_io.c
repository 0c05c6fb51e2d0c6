// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state_io.c - write the --state file atomically, read it back strictly
 *
 * Format (version 1), one JSON object:
 *   format "verify-file-state", version 1, tool_version
 *   key       {roots: [PATH...], options: {...}}: a pass resumes only
 *             with the same roots and options
 *   pass      {started, ended (null until complete), complete, runs,
 *              seconds (scrubbing, summed), bytes_scrubbed}
 *   run       {started, updated, pid, state: running|finished|
 *              interrupted|max_time}
 *   progress  {files_total, files_done, bytes_total, bytes_done}
 *   totals    {ok, bad, errors, bytes_verified}: files finished in the pass
 *   done_until {root, path} or null; done_after [{root, path}]
 *   current   [{root, path, offset, position, bytes_verified, bad, ranges}]
 *   findings  [{root, path, status, error?, ranges}]
 * Times are Unix seconds; a range is {offset, length, kind, detail, level}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "../lib/lib_private.h"

#define MAX_STATE_SIZE	(256u << 20)

static const char *const run_state_name[] = {
	[VF_RUN_RUNNING] = "running", [VF_RUN_FINISHED] = "finished",
	[VF_RUN_INTERRUPTED] = "interrupted", [VF_RUN_MAX_TIME] = "max_time",
};

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *range_json(const struct verity_scrub_range *r)
{
	json_object *o = json_object_new_object();

	add(o, "offset", json_object_new_uint64(r->offset));
	add(o, "length", json_object_new_uint64(r->length));
	add(o, "kind", json_object_new_string(verity_scrub_kind_name(r->kind)));
	add(o, "detail", json_object_new_string(
		    verity_scrub_detail_name(r->detail)));
	add(o, "level", json_object_new_uint64(r->tree_level));
	add(o, "cached", json_object_new_boolean(
		    !!(r->flags & VERITY_SCRUB_RANGE_CACHED)));
	return o;
}

/* The ranges of @a then @b, a range continuing the one before merged. */
json_object *
vf_state_ranges_json(const struct verity_scrub_range *a, size_t na,
		     const struct verity_scrub_range *b, size_t nb)
{
	json_object *arr = json_object_new_array();
	struct verity_scrub_range cur, r;
	size_t i, have = 0;

	for (i = 0; i < na + nb; i++) {
		r = i < na ? a[i] : b[i - na];
		if (have && vs_range_extend(&cur, &r))
			continue;
		if (have)
			json_object_array_add(arr, range_json(&cur));
		cur = r;
		have = 1;
	}
	if (have)
		json_object_array_add(arr, range_json(&cur));
	return arr;
}

static json_object *ref_json(const struct vf_file *f)
{
	json_object *o = json_object_new_object();

	add(o, "root", json_object_new_uint64(f->root));
	add(o, "path", json_object_new_string(f->path));
	return o;
}

/* What the state says of the files, gathered in one walk over them. */
struct gather {
	json_object *until, *done_after, *current, *findings;
	uint64_t files_done, bytes_done, bytes_total;
	struct vf_state_totals t;
};

static int file_bad(const struct vf_file *f)
{
	return f->prev_bad || vf_file_status(f) == VF_STATUS_BAD;
}

/* A file this run finished: count it, and list it if it has findings. */
static void gather_finished(struct gather *g, const struct vf_file *f)
{
	enum vf_status s = vf_file_status(f);
	json_object *o;
	const char *name = "ok";

	if (file_bad(f)) {
		g->t.bad++;
		name = "bad";
	} else if (s == VF_STATUS_ERROR) {
		g->t.errors++;
		name = "error";
	} else {
		g->t.ok++;
	}
	g->t.bytes_verified += f->prev_verified + f->res.bytes_verified;
	if (!strcmp(name, "ok") && !f->nranges && !f->nprev)
		return;
	o = ref_json(f);
	add(o, "status", json_object_new_string(name));
	if (f->error)
		add(o, "error", json_object_new_string(f->error));
	add(o, "ranges", vf_state_ranges_json(f->prev_ranges, f->nprev,
					      f->ranges, f->nranges));
	json_object_array_add(g->findings, o);
}

/*
 * A file not finished: where it resumes.  One stopped cleanly resumes at
 * its cursor with its ranges; one still running (a periodic save) at the
 * offset this run began it at.  Without the module a file restarts.
 */
static void gather_part(struct gather *g, const struct vf_run *run,
			const struct vf_file *f)
{
	int stopped = f->state_phase == 2;
	uint64_t pos = f->state_phase ? f->cursor : f->start_offset;
	json_object *o;
	uint64_t first = run->o->have_range ? run->o->range_start : 0;
	uint64_t span = vf_state_span(run->o, f->size_hint);

	if (pos > first)
		g->bytes_done += pos - first < span ? pos - first : span;
	if (run->use_fallback || (!f->state_phase && !f->start_offset))
		return;
	o = ref_json(f);
	add(o, "offset", json_object_new_uint64(stopped ? f->res.cursor :
						f->start_offset));
	add(o, "position", json_object_new_uint64(pos));
	add(o, "bytes_verified", json_object_new_uint64(f->prev_verified +
		    (stopped ? f->res.bytes_verified : 0)));
	add(o, "bad", json_object_new_boolean(f->prev_bad ||
		    (stopped && vf_file_status(f) == VF_STATUS_BAD)));
	add(o, "ranges", vf_state_ranges_json(f->prev_ranges, f->nprev,
					      f->ranges, stopped ?
					      f->nranges : 0));
	json_object_array_add(g->current, o);
}

static void gather(struct gather *g, const struct vf_run *run)
{
	const struct vf_file *f;
	size_t i;

	memset(g, 0, sizeof(*g));
	g->done_after = json_object_new_array();
	g->current = json_object_new_array();
	g->findings = json_object_new_array();
	for (i = 0; i < run->nfiles; i++) {
		f = &run->files[i];
		g->bytes_total += vf_state_span(run->o, f->size_hint);
		if (f->resume_skip ||
		    (f->state_phase == 2 && !f->interrupted)) {
			g->files_done++;
			g->bytes_done += vf_state_span(run->o, f->size_hint);
			if (g->until)	/* -j N: finished out of order */
				json_object_array_add(g->done_after,
						      ref_json(f));
			if (!f->resume_skip)
				gather_finished(g, f);
			continue;
		}
		if (!g->until)
			g->until = ref_json(f);
		gather_part(g, run, f);
	}
}

static json_object *totals_json(const struct vf_state_totals *a,
				const struct vf_state_totals *b)
{
	json_object *o = json_object_new_object();

	add(o, "ok", json_object_new_uint64(a->ok + b->ok));
	add(o, "bad", json_object_new_uint64(a->bad + b->bad));
	add(o, "errors", json_object_new_uint64(a->errors + b->errors));
	add(o, "bytes_verified", json_object_new_uint64(a->bytes_verified +
							b->bytes_verified));
	return o;
}

static json_object *pass_json(const struct vf_run *run,
			      const struct vf_state *st, int complete)
{
	json_object *o = json_object_new_object();
	double secs = st->prev_seconds + vf_sys.clock() - st->clock_start;

	add(o, "started", json_object_new_int64(st->pass_started));
	add(o, "ended", complete ? json_object_new_int64(time(NULL)) : NULL);
	add(o, "complete", json_object_new_boolean(complete));
	add(o, "runs", json_object_new_uint64(st->runs));
	add(o, "seconds", json_object_new_double(secs));
	add(o, "bytes_scrubbed", json_object_new_uint64(st->prev_scrubbed +
		    atomic_load(&run->bytes_done)));
	return o;
}

static json_object *build(const struct vf_run *run, const struct vf_state *st,
			  enum vf_run_state how)
{
	json_object *doc = json_object_new_object(), *o, *f;
	struct gather g;
	size_t i;

	gather(&g, run);
	add(doc, "format", json_object_new_string(VF_STATE_FORMAT));
	add(doc, "version", json_object_new_int(VF_STATE_VERSION));
	add(doc, "tool_version", json_object_new_string(VERITYSCRUB_VERSION));
	add(doc, "key", vf_state_key(run->o));
	add(doc, "pass", pass_json(run, st, !g.until));
	o = json_object_new_object();
	add(o, "started", json_object_new_int64(st->run_started));
	add(o, "updated", json_object_new_int64(time(NULL)));
	add(o, "pid", json_object_new_int64(getpid()));
	add(o, "state", json_object_new_string(run_state_name[how]));
	add(doc, "run", o);
	o = json_object_new_object();
	add(o, "files_total", json_object_new_uint64(run->nfiles));
	add(o, "files_done", json_object_new_uint64(g.files_done));
	add(o, "bytes_total", json_object_new_uint64(g.bytes_total));
	add(o, "bytes_done", json_object_new_uint64(g.bytes_done));
	add(doc, "progress", o);
	add(doc, "totals", totals_json(&st->prev, &g.t));
	add(doc, "done_until", g.until);
	add(doc, "done_after", g.done_after);
	add(doc, "current", g.current);
	f = json_object_new_array();
	for (i = 0; st->prev_findings &&
	     i < json_object_array_length(st->prev_findings); i++)
		json_object_array_add(f, json_object_get(
			json_object_array_get_idx(st->prev_findings, i)));
	for (i = 0; i < json_object_array_length(g.findings); i++)
		json_object_array_add(f, json_object_get(
			json_object_array_get_idx(g.findings, i)));
	json_object_put(g.findings);
	add(doc, "findings", f);
	return doc;
}

/**
 * vf_state_save() - write the state of @run
 * @run: the run
 * @st: its state
 * @how: running (a periodic save), or how the run ended
 *
 * The caller holds @st->lock, or the workers are gone.  A failure is said
 * once on stderr.
 *
 * Return: 0 or a negative errno.
 */
int vf_state_save(struct vf_run *run, struct vf_state *st,
		  enum vf_run_state how)
{
	json_object *doc = build(run, st, how);
	const char *text = json_object_to_json_string_ext(doc,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	const char *step;
	char *line = NULL;
	int err;

	if (!text || asprintf(&line, "%s\n", text) < 0)
		err = -ENOMEM;
	else
		err = vf_replace_file(st->file, line, strlen(line), 0, &step);
	free(line);
	json_object_put(doc);
	if (err && !st->save_failed++)
		vf_error("cannot save the state to '%s': %s", st->file,
			 strerror(-err));
	return err;
}

/* "state saved: the next run resumes at PATH offset N". */
void vf_state_tell_resume(const struct vf_run *run, const struct vf_state *st)
{
	const struct vf_file *f;
	char *path;
	size_t i;

	for (i = 0; i < run->nfiles; i++) {
		f = &run->files[i];
		if (f->resume_skip || (f->state_phase == 2 && !f->interrupted))
			continue;
		path = vf_escape_path_dup(f->path);
		vf_note("state saved to '%s': the next run resumes "
			"at %s offset %llu", st->file,
			path ? path : "(out of memory)",
			(unsigned long long)(f->interrupted && !run->use_fallback ?
					     f->res.cursor : f->start_offset));
		free(path);
		return;
	}
}

/* Reading back: every field checked; the first problem is the reason. */
struct reader {
	char *why;
	size_t len;
	int bad;
};

static json_object *field(struct reader *r, json_object *o, const char *key,
			  json_type type)
{
	json_object *v = NULL;

	if (r->bad)
		return NULL;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type)) {
		snprintf(r->why, r->len, "is corrupt (field '%s' missing or "
			 "of the wrong type)", key);
		r->bad = 1;
		return NULL;
	}
	return v;
}

static uint64_t u64(struct reader *r, json_object *o, const char *key)
{
	json_object *v = field(r, o, key, json_type_int);

	if (v && json_object_get_int64(v) < 0) {
		snprintf(r->why, r->len, "is corrupt (field '%s' negative)", key);
		r->bad = 1;
	}
	return v && !r->bad ? json_object_get_uint64(v) : 0;
}

static int64_t i64(struct reader *r, json_object *o, const char *key)
{
	json_object *v = field(r, o, key, json_type_int);

	return v ? json_object_get_int64(v) : 0;
}

static const char *str(struct reader *r, json_object *o, const char *key)
{
	json_object *v = field(r, o, key, json_type_string);

	return v ? json_object_get_string(v) : "";
}

static int boolean(struct reader *r, json_object *o, const char *key)
{
	json_object *v = field(r, o, key, json_type_boolean);

	return v ? json_object_get_boolean(v) : 0;
}

static double number(struct reader *r, json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!r->bad && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_int))
		return (double)json_object_get_int64(v);
	v = field(r, o, key, json_type_double);
	return v ? json_object_get_double(v) : 0;
}

static uint32_t name_index(struct reader *r, const char *name,
			   const char *(*fn)(uint32_t), uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(fn(i), name))
			return i;
	if (!r->bad)
		snprintf(r->why, r->len, "is corrupt (unknown name '%.40s')",
			 name);
	r->bad = 1;
	return 0;
}

static enum vf_run_state run_state_of(struct reader *r, const char *s)
{
	unsigned int i;

	for (i = 0; i <= VF_RUN_MAX_TIME; i++)
		if (!strcmp(run_state_name[i], s))
			return (enum vf_run_state)i;
	if (!r->bad)
		snprintf(r->why, r->len, "is corrupt (run state '%.40s')", s);
	r->bad = 1;
	return VF_RUN_RUNNING;
}

/* One range of @e into @v; a problem makes @r bad. */
static void read_range(struct reader *r, json_object *e,
		       struct verity_scrub_range *v)
{
	v->offset = u64(r, e, "offset");
	v->length = u64(r, e, "length");
	v->kind = name_index(r, str(r, e, "kind"), verity_scrub_kind_name,
			     VERITY_SCRUB_KIND_COUNT);
	v->detail = name_index(r, str(r, e, "detail"),
			       verity_scrub_detail_name,
			       VERITY_SCRUB_DETAIL_OTHER + 1);
	v->tree_level = (uint32_t)u64(r, e, "level");
	if (json_object_object_get_ex(e, "cached", NULL) &&
	    boolean(r, e, "cached"))
		v->flags = VERITY_SCRUB_RANGE_CACHED;
}

int vf_state_range(json_object *e, struct verity_scrub_range *v)
{
	char why[128];
	struct reader r = { why, sizeof(why), 0 };

	memset(v, 0, sizeof(*v));
	read_range(&r, e, v);
	return r.bad ? -EINVAL : 0;
}

static void read_ranges(struct reader *r, json_object *a,
			struct vf_state_part *p)
{
	size_t i, n = r->bad ? 0 : json_object_array_length(a);

	p->ranges = n ? calloc(n, sizeof(*p->ranges)) : NULL;
	if (n && !p->ranges) {
		snprintf(r->why, r->len, "cannot be read (out of memory)");
		r->bad = 1;
		return;
	}
	for (i = 0; i < n && !r->bad; i++)
		read_range(r, json_object_array_get_idx(a, i), &p->ranges[i]);
	p->nranges = n;
}

static unsigned int root_of(struct reader *r, json_object *o)
{
	uint64_t v = u64(r, o, "root");

	if (v > INT32_MAX && !r->bad) {
		snprintf(r->why, r->len, "is corrupt (root index)");
		r->bad = 1;
	}
	return (unsigned int)v;
}

static void read_lists(struct reader *r, json_object *doc,
		       struct vf_state_doc *d)
{
	json_object *a, *e, *u;
	struct vf_state_part *p;
	size_t i, n, nafter;

	u = NULL;
	if (!r->bad && !json_object_object_get_ex(doc, "done_until", &u)) {
		snprintf(r->why, r->len, "is corrupt (field 'done_until')");
		r->bad = 1;
	}
	if (u) {	/* null: the pass is complete */
		d->have_until = 1;
		d->until_root = root_of(r, u);
		d->until_path = str(r, u, "path");
	}
	a = field(r, doc, "done_after", json_type_array);
	n = a ? json_object_array_length(a) : 0;
	nafter = n;
	d->done_after = n ? calloc(n, sizeof(*d->done_after)) : NULL;
	for (i = 0; i < n && d->done_after && !r->bad; i++, d->ndone_after++) {
		e = json_object_array_get_idx(a, i);
		d->done_after[i].root = root_of(r, e);
		d->done_after[i].path = (char *)str(r, e, "path");
	}
	a = field(r, doc, "current", json_type_array);
	n = a ? json_object_array_length(a) : 0;
	d->current = n ? calloc(n, sizeof(*d->current)) : NULL;
	for (i = 0; i < n && d->current && !r->bad; i++, d->ncurrent++) {
		e = json_object_array_get_idx(a, i);
		p = &d->current[i];
		p->root = root_of(r, e);
		p->path = (char *)str(r, e, "path");
		p->offset = u64(r, e, "offset");
		p->position = u64(r, e, "position");
		p->bytes_verified = u64(r, e, "bytes_verified");
		p->bad = boolean(r, e, "bad");
		read_ranges(r, field(r, e, "ranges", json_type_array), p);
	}
	if (!r->bad && ((n && !d->current) || (nafter && !d->done_after))) {
		snprintf(r->why, r->len, "cannot be read (out of memory)");
		r->bad = 1;
	}
}

static void read_findings(struct reader *r, json_object *doc,
			  struct vf_state_doc *d)
{
	json_object *a = field(r, doc, "findings", json_type_array), *e;
	struct vf_state_part tmp;
	size_t i, n = a ? json_object_array_length(a) : 0;

	for (i = 0; i < n && !r->bad; i++) {
		e = json_object_array_get_idx(a, i);
		root_of(r, e);
		str(r, e, "path");
		str(r, e, "status");
		memset(&tmp, 0, sizeof(tmp));
		read_ranges(r, field(r, e, "ranges", json_type_array), &tmp);
		free(tmp.ranges);
	}
	if (!r->bad)
		d->findings = json_object_get(a);
}

static void read_doc(struct reader *r, json_object *doc,
		     struct vf_state_doc *d)
{
	json_object *pass, *run, *prog, *tot;
	const char *s;
	int64_t version;

	if (strcmp(str(r, doc, "format"), VF_STATE_FORMAT) && !r->bad) {
		snprintf(r->why, r->len, "is not a verify-file state file");
		r->bad = 1;
	}
	version = i64(r, doc, "version");
	if (!r->bad && version != VF_STATE_VERSION) {
		snprintf(r->why, r->len, "has format version %lld, this "
			 "verify-file reads version %d", (long long)version,
			 VF_STATE_VERSION);
		r->bad = 1;
	}
	d->key = field(r, doc, "key", json_type_object);
	pass = field(r, doc, "pass", json_type_object);
	d->pass_started = i64(r, pass, "started");
	d->complete = boolean(r, pass, "complete");
	d->pass_ended = d->complete ? i64(r, pass, "ended") : 0;
	d->runs = (unsigned int)u64(r, pass, "runs");
	d->seconds = number(r, pass, "seconds");
	d->bytes_scrubbed = u64(r, pass, "bytes_scrubbed");
	run = field(r, doc, "run", json_type_object);
	d->run_started = i64(r, run, "started");
	d->updated = i64(r, run, "updated");
	d->pid = (long)i64(r, run, "pid");
	s = str(r, run, "state");
	d->run_state = run_state_of(r, s);
	prog = field(r, doc, "progress", json_type_object);
	d->files_total = u64(r, prog, "files_total");
	d->files_done = u64(r, prog, "files_done");
	d->bytes_total = u64(r, prog, "bytes_total");
	d->bytes_done = u64(r, prog, "bytes_done");
	tot = field(r, doc, "totals", json_type_object);
	d->totals.ok = u64(r, tot, "ok");
	d->totals.bad = u64(r, tot, "bad");
	d->totals.errors = u64(r, tot, "errors");
	d->totals.bytes_verified = u64(r, tot, "bytes_verified");
	read_lists(r, doc, d);
	read_findings(r, doc, d);
}

static int slurp(const char *file, char **buf, size_t *len, char *why,
		 size_t wlen)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0) {
		err = -errno;
		snprintf(why, wlen, "cannot be read (%s)", strerror(errno));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > MAX_STATE_SIZE) {
		snprintf(why, wlen, "is not a regular file of at most 256 MiB");
		close(fd);
		return -EINVAL;
	}
	*buf = malloc((size_t)st.st_size + 1);
	while (*buf && got < (size_t)st.st_size) {
		n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!*buf || got != (size_t)st.st_size) {
		snprintf(why, wlen, "cannot be read");
		free(*buf);
		*buf = NULL;
		return -EIO;
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

/**
 * vf_state_read() - read and check a state file
 * @file: its path
 * @d: filled on success (free with vf_state_doc_free(), also on failure)
 * @why: on failure, what is wrong, to follow "state file 'FILE' "
 * @len: size of @why
 *
 * Return: 0, -ENOENT if there is no file, or another negative errno
 * (-EINVAL for a file that is corrupt, truncated or of another version).
 */
int vf_state_read(const char *file, struct vf_state_doc *d, char *why,
		  size_t len)
{
	struct reader r = { why, len, 0 };
	struct json_tokener *tok;
	char *buf = NULL;
	size_t n = 0;
	int err;

	memset(d, 0, sizeof(*d));
	err = slurp(file, &buf, &n, why, len);
	if (err)
		return err;
	tok = json_tokener_new();
	d->root = tok ? json_tokener_parse_ex(tok, buf, (int)n) : NULL;
	if (!d->root || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(d->root, json_type_object) ||
	    strspn(buf + json_tokener_get_parse_end(tok), " \t\r\n") !=
	    n - json_tokener_get_parse_end(tok)) {
		snprintf(why, len, "is truncated or corrupt (not one JSON "
			 "object)");
		r.bad = 1;
	}
	if (tok)
		json_tokener_free(tok);
	free(buf);
	if (!r.bad)
		read_doc(&r, d->root, d);
	return r.bad ? -EINVAL : 0;
}

void vf_state_doc_free(struct vf_state_doc *d)
{
	size_t i;

	for (i = 0; i < d->ncurrent; i++)
		free(d->current[i].ranges);
	free(d->current);
	free(d->done_after);
	json_object_put(d->findings);
	json_object_put(d->root);
	memset(d, 0, sizeof(*d));
}
