// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - what verify-file prints: per-file lines, summary, JSON
 */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <libfsverity.h>
#include <stdlib.h>
#include <string.h>

#include "vf.h"

/*
 * The version of the --json format (verify-file.schema.json): the major
 * changes when a field is removed, renamed or changes its meaning or type,
 * the minor when fields or values are added.
 */
#define VF_JSON_MAJOR	1
#define VF_JSON_MINOR	3

static int is_corruption(uint32_t kind)
{
	return kind == VERITY_SCRUB_KIND_HASH_MISMATCH ||
	       kind == VERITY_SCRUB_KIND_TREE_CORRUPT;
}

static int digest_bad(const struct vf_file *f)
{
	return vf_file_flag(f, VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED) ||
	       f->descriptor_corrupt || (f->expect_checked && !f->expect_match);
}

enum vf_status vf_file_status(const struct vf_file *f)
{
	size_t i;

	if (digest_bad(f) || f->io_errno ||
	    vf_file_flag(f, VERITY_SCRUB_OUT_DESC_UNREADABLE))
		return VF_STATUS_BAD;
	for (i = 0; i < f->nranges; i++)
		if (f->ranges[i].kind != VERITY_SCRUB_KIND_TRANSIENT)
			return VF_STATUS_BAD;
	if (f->error)
		return VF_STATUS_ERROR;
	if (f->interrupted)
		return VF_STATUS_INTERRUPTED;
	return VF_STATUS_OK;
}

int vf_file_exit_bits(const struct vf_file *f)
{
	int bits = 0;
	size_t i;

	for (i = 0; i < f->nranges; i++) {
		uint32_t kind = f->ranges[i].kind;

		if (is_corruption(kind))
			bits |= VF_EXIT_CORRUPT;
		else if (kind == VERITY_SCRUB_KIND_TRANSIENT)
			bits |= VF_EXIT_TRANSIENT;
		else	/* io_error, unknown, and kinds we do not know */
			bits |= VF_EXIT_IO;
	}
	if (digest_bad(f))
		bits |= VF_EXIT_CORRUPT;
	if (vf_file_flag(f, VERITY_SCRUB_OUT_DESC_UNREADABLE) || f->io_errno)
		bits |= VF_EXIT_IO;
	else if (f->error && !f->descriptor_corrupt)
		bits |= VF_EXIT_OPERATIONAL;
	if (f->interrupted)	/* the same in text, JSON and exit status */
		bits |= VF_EXIT_INTERRUPTED;
	return vf_repair_exit_bits(f, bits);
}

/* "hash_mismatch at offset 4096 length 4096", "io_error (medium) at ..." */
int vf_format_range(char *buf, size_t len, const struct verity_scrub_range *r)
{
	char what[64];

	if (r->kind == VERITY_SCRUB_KIND_IO_ERROR)
		snprintf(what, sizeof(what), "io_error (%s)",
			 verity_scrub_detail_name(r->detail));
	else if (r->kind == VERITY_SCRUB_KIND_TREE_CORRUPT)
		snprintf(what, sizeof(what), "tree_corrupt (level %u)",
			 r->tree_level);
	else
		snprintf(what, sizeof(what), "%s",
			 verity_scrub_kind_name(r->kind));
	return snprintf(buf, len, "%s at offset %llu length %llu", what,
			(unsigned long long)r->offset,
			(unsigned long long)r->length);
}

/* Length of the valid UTF-8 sequence at @s (not NUL), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2; cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3; cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4; cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The escape of the character at @s in @tmp (at least 8 bytes).
 * Return: the number of bytes of @s it stands for.
 */
static size_t escape_one(char *tmp, const unsigned char *s)
{
	size_t n = utf8_seq_len(s);

	if (n == 1 && *s >= 0x20 && *s != 0x7f && *s != '\\') {
		tmp[0] = (char)*s;
		tmp[1] = '\0';
	} else if (n > 1) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
	} else {
		n = 1;
		if (*s == '\n')
			strcpy(tmp, "\\n");
		else if (*s == '\t')
			strcpy(tmp, "\\t");
		else if (*s == '\\')
			strcpy(tmp, "\\\\");
		else
			snprintf(tmp, 8, "\\x%02x", *s);
	}
	return n;
}

static size_t escaped_len(const char *path)
{
	const unsigned char *s = (const unsigned char *)path;
	size_t o = 0;
	char tmp[8];

	while (*s) {
		s += escape_one(tmp, s);
		o += strlen(tmp);
	}
	return o;
}

/* Marks a cut path: a lone backslash never appears in an escaped one. */
#define CUT_MARK "\\..."

/*
 * Escape a path for one line of text: \n, \t, \\ and \xNN for the rest.
 * A path that does not fit in @len is cut at a character and ends in
 * CUT_MARK, never cut silently.
 */
void vf_escape_path(char *buf, size_t len, const char *path)
{
	const unsigned char *s = (const unsigned char *)path;
	size_t o = 0, room;
	char tmp[8];

	if (!len)
		return;
	/* all of it, or as much as leaves room for the mark */
	room = escaped_len(path) < len ? len - 1 :
	       len > sizeof(CUT_MARK) ? len - sizeof(CUT_MARK) : 0;
	while (*s) {
		size_t n = escape_one(tmp, s);

		if (o + strlen(tmp) > room)
			break;
		strcpy(buf + o, tmp);
		o += strlen(tmp);
		s += n;
	}
	buf[o] = '\0';
	if (*s && o + sizeof(CUT_MARK) <= len)
		strcpy(buf + o, CUT_MARK);
}

/* The whole escaped path, allocated (free() it), or NULL without memory. */
char *vf_escape_path_dup(const char *path)
{
	size_t len = escaped_len(path) + 1;
	char *buf = malloc(len);

	if (buf)
		vf_escape_path(buf, len, path);
	return buf;
}

int vf_format_digest(char *buf, size_t len, const struct vf_digest *d)
{
	const char *name = libfsverity_get_hash_name(d->alg);
	size_t o;
	uint32_t i;

	o = (size_t)snprintf(buf, len, "%s:", name ? name : "unknown");
	for (i = 0; i < d->size && o + 2 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", d->bytes[i]);
	return (int)o;
}

/* Return: the number of items printed. */
static int print_items(FILE *out, const struct vf_file *f, int transient)
{
	struct vf_digest disk = vf_file_digest(f);
	char buf[256], a[160], b[160];
	const char *sep = "";
	size_t i;

	if (!transient && f->descriptor_disk_differs) {
		vf_format_digest(a, sizeof(a), &disk);
		fprintf(out, "descriptor changed (the descriptor on disk does "
			"not describe the data the kernel verified, %s)", a);
		sep = "; ";
	} else if (!transient &&
		   vf_file_flag(f, VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED)) {
		vf_format_digest(a, sizeof(a), &disk);
		vf_format_digest(b, sizeof(b), &f->measured);
		fprintf(out, "descriptor changed (on disk %s, kernel holds %s)",
			a, f->measured.size ? b : "a different digest");
		sep = "; ";
	}
	if (!transient && f->expect_checked && !f->expect_match) {
		vf_format_digest(a, sizeof(a), &disk);
		vf_format_digest(b, sizeof(b), &f->expected);
		fprintf(out, "%sdigest %s, expected %s", sep, a, b);
		sep = "; ";
	}
	for (i = 0; i < f->nranges; i++) {
		if ((f->ranges[i].kind == VERITY_SCRUB_KIND_TRANSIENT) !=
		    !!transient)
			continue;
		vf_format_range(buf, sizeof(buf), &f->ranges[i]);
		fprintf(out, "%s%s", sep, buf);
		sep = "; ";
	}
	return *sep != '\0';
}

/* The bytes of @f the run asked for, clamped to its end: [*start, *end). */
static void asked_range(const struct vf_run *run, const struct vf_file *f,
			uint64_t *start, uint64_t *end)
{
	*start = run->o->have_range ? run->o->range_start : 0;
	*end = run->o->have_range && run->o->range_end < f->res.file_size ?
	       run->o->range_end : f->res.file_size;
	if (*end < *start)
		*end = *start;
}

/*
 * --range starts past the last block of @f (ranges are rounded outward to
 * blocks: one that starts in the last block scrubs it): not one byte was
 * scrubbed.
 */
static int nothing_scrubbed(const struct vf_run *run, const struct vf_file *f)
{
	uint64_t bs = f->res.block_size;

	return vf_have_info(f) && !f->error && run->o->have_range &&
	       run->o->range_start / bs * bs >= f->res.file_size;
}

/*
 * Every byte of @f was read from the disk: the whole file was asked for,
 * the scrub ran to its end, cached pages were evicted first (not
 * --keep-cache) and none had to be left cached.  Without the module pages
 * mapped by other processes may stay cached, unseen: never claimed.
 */
static int whole_file_from_disk(const struct vf_run *run,
				const struct vf_file *f)
{
	uint64_t start, end;

	asked_range(run, f, &start, &end);
	return vf_have_info(f) && !f->error && !f->interrupted &&
	       !f->fallback && !run->o->keep_cache && !f->res.bytes_skipped &&
	       start == 0 && end == f->res.file_size;
}

/*
 * @f is bad only on disk, and its good data is at hand: the whole file was
 * scrubbed, nothing is wrong but bad ranges, and every one of them that is
 * not TRANSIENT has a verified copy in the page cache (cached_good).
 */
static int repairable_from_cache(const struct vf_run *run,
				 const struct vf_file *f)
{
	size_t i, cached = 0;

	if (vf_file_status(f) != VF_STATUS_BAD || digest_bad(f) ||
	    vf_file_flag(f, VERITY_SCRUB_OUT_DESC_UNREADABLE) || f->io_errno ||
	    f->error || f->interrupted || f->repair || run->o->have_range)
		return 0;
	for (i = 0; i < f->nranges; i++) {
		if (f->ranges[i].kind == VERITY_SCRUB_KIND_TRANSIENT)
			continue;
		if (!(f->ranges[i].flags & VERITY_SCRUB_RANGE_CACHED))
			return 0;
		cached++;
	}
	return cached != 0;
}

static const char *const status_text[] = {
	[VF_STATUS_OK] = "OK", [VF_STATUS_BAD] = "BAD",
	[VF_STATUS_ERROR] = "ERROR", [VF_STATUS_INTERRUPTED] = "INTERRUPTED",
};

static void print_file(FILE *out, const struct vf_run *run,
		       const struct vf_file *f, const char *path)
{
	enum vf_status st = vf_file_status(f);
	char a[160];
	int has_transient = !!(vf_file_exit_bits(f) & VF_EXIT_TRANSIENT);
	int items = 0;

	if (st == VF_STATUS_OK && nothing_scrubbed(run, f)) {
		fprintf(out, "%s: nothing scrubbed: the range starts past the "
			"last block of the file (%llu bytes)\n", path,
			(unsigned long long)f->res.file_size);
		return;
	}
	fprintf(out, "%s: %s", path, status_text[st]);
	if (st == VF_STATUS_BAD) {
		fputs(": ", out);
		items = print_items(out, f, 0);
	}
	if (f->error && !items)	/* the error is all there is to say */
		fprintf(out, "%s%s", st == VF_STATUS_BAD ? "" : ": ", f->error);
	else if (f->error)
		fprintf(out, "; ERROR: %s", f->error);
	if (has_transient) {
		fputs("; recovered: ", out);
		print_items(out, f, 1);
	}
	if (f->start_offset)	/* --state */
		fprintf(out, " (resumed at offset %llu)",
			(unsigned long long)f->start_offset);
	if (f->interrupted)
		fprintf(out, " (interrupted at offset %llu)",
			(unsigned long long)f->res.cursor);
	if (run->o->verbose && vf_have_info(f)) {
		struct vf_digest disk = vf_file_digest(f);

		vf_format_digest(a, sizeof(a), &disk);
		fprintf(out, " [%s, block size %u, %llu bytes verified, %llu read "
			"%s, %llu blocks retried]", a, f->res.block_size,
			(unsigned long long)f->res.bytes_verified,
			(unsigned long long)f->res.bytes_read,
			f->fallback ? "without the module" :
			vf_file_flag(f, VERITY_SCRUB_OUT_DIRECT) ?
			"from the device" : "through the page cache",
			(unsigned long long)f->res.blocks_retried);
	}
	fputc('\n', out);
	if (repairable_from_cache(run, f))
		fprintf(out, "%s: every bad block is still in the page cache, "
			"verified: repair it now, from the cache, with "
			"'verify-file --repair %s'\n", path, path);
	vf_repair_print(out, run, f);
	if (vf_have_info(f) && !f->descriptor_checked && !run->o->quiet)
		fprintf(out, "%s: note: the fs-verity descriptor on disk was not "
			"checked (%s)\n", path, f->descriptor_unchecked ?
			f->descriptor_unchecked : "only the kernel's digest is "
			"known");
	if (f->res.bytes_skipped && !run->o->quiet)
		fprintf(out, "%s: note: %llu bytes could not be evicted or read "
			"raw and were checked only in the page cache\n", path,
			(unsigned long long)f->res.bytes_skipped);
}

void vf_print_file(FILE *out, const struct vf_run *run,
		   const struct vf_file *f)
{
	char small[256], *path;
	int has_transient = !!(vf_file_exit_bits(f) & VF_EXIT_TRANSIENT);

	if (run->o->quiet && vf_file_status(f) == VF_STATUS_OK &&
	    !has_transient)
		return;
	path = vf_escape_path_dup(f->path);
	/* without memory for all of it: cut, with the mark */
	if (!path)
		vf_escape_path(small, sizeof(small), f->path);
	print_file(out, run, f, path ? path : small);
	free(path);
}

struct totals {
	size_t files, ok, bad, errors, interrupted;
	uint64_t bytes_verified;
	uint64_t kind_blocks[VERITY_SCRUB_KIND_COUNT];
};

static void sum_up(const struct vf_run *run, struct totals *t)
{
	size_t i;
	int k;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < run->nfiles; i++) {
		const struct vf_file *f = &run->files[i];

		if (!f->started && !f->finished)
			continue;
		t->files++;
		switch (vf_file_status(f)) {
		case VF_STATUS_OK: t->ok++; break;
		case VF_STATUS_BAD: t->bad++; break;
		case VF_STATUS_ERROR: t->errors++; break;
		case VF_STATUS_INTERRUPTED: t->interrupted++; break;
		}
		t->bytes_verified += f->res.bytes_verified;
		for (k = 0; k < VERITY_SCRUB_KIND_COUNT; k++)
			t->kind_blocks[k] += f->res.kind_blocks[k];
	}
}

static void human_size(char *buf, size_t len, double v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.2f%s", v, units[u]);
}

/* "Scrub summary: 3 files: 2 ok, 1 bad, 0 errors; 0 skipped" */
int vf_summary_line(char *buf, size_t len, const struct vf_run *run)
{
	char interrupted[48] = "";
	struct totals t;

	sum_up(run, &t);
	if (t.interrupted)
		snprintf(interrupted, sizeof(interrupted), ", %zu interrupted",
			 t.interrupted);
	return snprintf(buf, len, "Scrub summary: %zu files: %zu ok, %zu bad, "
			"%zu errors%s; %zu skipped", t.files, t.ok, t.bad,
			t.errors, interrupted, run->nskipped);
}

void vf_print_summary(FILE *out, const struct vf_run *run)
{
	char line[256];
	char size[32], rate[32], *path;
	struct totals t;
	size_t i;
	int k, any = 0;

	if (run->o->verbose)
		for (i = 0; i < run->nskipped; i++) {
			path = vf_escape_path_dup(run->skipped[i].path);
			fprintf(out, "%s: skipped (%s)\n",
				path ? path : "(out of memory)",
				run->skipped[i].reason);
			free(path);
		}
	if (run->o->quiet)
		return;
	sum_up(run, &t);
	human_size(size, sizeof(size), (double)t.bytes_verified);
	human_size(rate, sizeof(rate), run->seconds > 0 ?
		   (double)t.bytes_verified / run->seconds : 0);
	vf_summary_line(line, sizeof(line), run);
	fprintf(out, "%s\n", line);
	fprintf(out, "Verified:      %s (%llu bytes) in %.2fs, %s/s\n", size,
		(unsigned long long)t.bytes_verified, run->seconds, rate);
	fputs("Error summary:", out);
	for (k = 1; k < VERITY_SCRUB_KIND_COUNT; k++) {
		if (!t.kind_blocks[k])
			continue;
		fprintf(out, " %s=%llu", verity_scrub_kind_name((uint32_t)k),
			(unsigned long long)t.kind_blocks[k]);
		any = 1;
	}
	fputs(any ? " (blocks)\n" : " no bad blocks found\n", out);
	if (run->nresumed)
		fprintf(out, "Resumed:       %zu files done by earlier runs of "
			"the pass\n", run->nresumed);
	if (run->interrupted)
		fprintf(out, "Interrupted:   %zu files not scrubbed\n",
			run->nfiles - run->nresumed - t.files);
	vf_repair_summary(out, run);
}

/* A JSON string for a path: invalid UTF-8 bytes become U+FFFD. */
static json_object *json_path(const char *path, int *valid)
{
	const unsigned char *s = (const unsigned char *)path;
	size_t n, o = 0;
	char *buf = malloc(strlen(path) * 3 + 1);
	json_object *j;

	*valid = 1;
	if (!buf)
		return NULL;
	while (*s) {
		n = utf8_seq_len(s);
		if (n) {
			memcpy(buf + o, s, n);
			o += n;
			s += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			s++;
			*valid = 0;
		}
	}
	buf[o] = '\0';
	j = json_object_new_string(buf);
	free(buf);
	return j;
}

static json_object *json_hex(const char *path)
{
	size_t i, n = strlen(path);
	char *buf = malloc(2 * n + 1);
	json_object *j;

	if (!buf)
		return NULL;
	for (i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", (unsigned char)path[i]);
	buf[2 * n] = '\0';
	j = json_object_new_string(buf);
	free(buf);
	return j;
}

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *json_digest(const struct vf_digest *d)
{
	char buf[160];

	vf_format_digest(buf, sizeof(buf), d);
	return json_object_new_string(buf);
}

/* A range as verify-file --json prints it (also in --status --json). */
json_object *vf_range_json(const struct verity_scrub_range *r)
{
	json_object *o = json_object_new_object();

	add(o, "offset", json_object_new_uint64(r->offset));
	add(o, "length", json_object_new_uint64(r->length));
	add(o, "kind", json_object_new_string(verity_scrub_kind_name(r->kind)));
	if (r->kind == VERITY_SCRUB_KIND_IO_ERROR)
		add(o, "detail", json_object_new_string(
			    verity_scrub_detail_name(r->detail)));
	if (r->kind == VERITY_SCRUB_KIND_TREE_CORRUPT)
		add(o, "tree_level", json_object_new_uint64(r->tree_level));
	add(o, "cached_good", json_object_new_boolean(
		    !!(r->flags & VERITY_SCRUB_RANGE_CACHED)));
	return o;
}

static json_object *json_offlen(uint64_t start, uint64_t end)
{
	json_object *o = json_object_new_object();

	add(o, "offset", json_object_new_uint64(start));
	add(o, "length", json_object_new_uint64(end - start));
	return o;
}

static json_object *json_file(const struct vf_run *run,
			      const struct vf_file *f)
{
	uint64_t start, end;
	static const char *const status[] = {
		[VF_STATUS_OK] = "ok", [VF_STATUS_BAD] = "bad",
		[VF_STATUS_ERROR] = "error",
		[VF_STATUS_INTERRUPTED] = "interrupted",
	};
	json_object *o = json_object_new_object(), *ranges;
	struct vf_digest disk = vf_file_digest(f);
	const char *alg = libfsverity_get_hash_name(disk.alg);
	int valid;
	size_t i;

	add(o, "path", json_path(f->path, &valid));
	if (!valid)	/* the exact bytes, for paths that are not UTF-8 */
		add(o, "path_hex", json_hex(f->path));
	add(o, "status", json_object_new_string(status[vf_file_status(f)]));
	if (f->error)
		add(o, "error", json_object_new_string(f->error));
	if (vf_have_info(f)) {
		add(o, "size", json_object_new_uint64(f->res.file_size));
		add(o, "block_size", json_object_new_uint64(f->res.block_size));
		add(o, "hash_algorithm", json_object_new_string(alg ? alg :
								"unknown"));
		add(o, "digest", json_digest(&disk));
	}
	add(o, "bytes_verified", json_object_new_uint64(f->res.bytes_verified));
	ranges = json_object_new_array();
	for (i = 0; i < f->nranges; i++)
		json_object_array_add(ranges, vf_range_json(&f->ranges[i]));
	add(o, "ranges", ranges);
	/* additions to the documented shape */
	add(o, "bytes_read", json_object_new_uint64(f->res.bytes_read));
	add(o, "blocks_retried", json_object_new_uint64(f->res.blocks_retried));
	add(o, "bytes_skipped", json_object_new_uint64(f->res.bytes_skipped));
	if (vf_have_info(f)) {	/* the file was read: how */
		add(o, "method", json_object_new_string(f->fallback ? "pread" :
							"module"));
		add(o, "read_path", json_object_new_string(
			    vf_file_flag(f, VERITY_SCRUB_OUT_DIRECT) ? "direct" :
			    "page_cache"));
		add(o, "descriptor_checked",
		    json_object_new_boolean(f->descriptor_checked));
	}
	if (vf_have_info(f) && !f->descriptor_checked)
		add(o, "descriptor_unchecked_reason", json_object_new_string(
			    f->descriptor_unchecked ? f->descriptor_unchecked :
			    "only the kernel's digest is known"));
	if (f->descriptor_disk_differs)
		add(o, "descriptor_disk_differs", json_object_new_boolean(1));
	if (vf_have_info(f) && f->descriptor_checked)
		add(o, "descriptor_changed",
		    json_object_new_boolean(vf_file_flag(
			    f, VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED)));
	if (f->descriptor_corrupt)
		add(o, "descriptor_corrupt", json_object_new_boolean(1));
	if (vf_file_flag(f, VERITY_SCRUB_OUT_DESC_UNREADABLE))
		add(o, "descriptor_unreadable", json_object_new_boolean(1));
	if (f->io_errno)
		add(o, "errno", json_object_new_string(
			    vf_io_errno_name(f->io_errno)));
	if (vf_file_flag(f, VERITY_SCRUB_OUT_RETRIES_CUT))
		add(o, "retries_cut", json_object_new_boolean(1));
	if (f->measured.size &&
	    vf_file_flag(f, VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED))
		add(o, "measured_digest", json_digest(&f->measured));
	if (f->expect_checked) {
		add(o, "expected_digest", json_digest(&f->expected));
		add(o, "digest_matches", json_object_new_boolean(f->expect_match));
	}
	if (vf_have_info(f)) {
		asked_range(run, f, &start, &end);
		if (run->o->have_range)
			add(o, "range", json_offlen(start, end));
		if (nothing_scrubbed(run, f))
			add(o, "nothing_scrubbed", json_object_new_boolean(1));
		add(o, "whole_file_from_disk",
		    json_object_new_boolean(whole_file_from_disk(run, f)));
	}
	if (f->start_offset)	/* --state: resumed there */
		add(o, "resumed_from", json_object_new_uint64(f->start_offset));
	if (f->interrupted) {
		add(o, "interrupted", json_object_new_boolean(1));
		add(o, "resume_offset", json_object_new_uint64(f->res.cursor));
	}
	if (f->repair)
		add(o, "repair", vf_repair_json(f));
	return o;
}

static json_object *json_summary(const struct vf_run *run)
{
	json_object *o = json_object_new_object(), *kinds, *skipped, *s;
	char secs[32];
	struct totals t;
	size_t i;
	int k;

	sum_up(run, &t);
	add(o, "files", json_object_new_uint64(t.files));
	add(o, "ok", json_object_new_uint64(t.ok));
	add(o, "bad", json_object_new_uint64(t.bad));
	add(o, "errors", json_object_new_uint64(t.errors));
	add(o, "interrupted_files", json_object_new_uint64(t.interrupted));
	add(o, "skipped", json_object_new_uint64(run->nskipped));
	add(o, "bytes_verified", json_object_new_uint64(t.bytes_verified));
	snprintf(secs, sizeof(secs), "%.3f", run->seconds);
	add(o, "seconds", json_object_new_double_s(run->seconds, secs));
	kinds = json_object_new_object();
	for (k = 1; k <= VERITY_SCRUB_KIND_UNKNOWN; k++)
		add(kinds, verity_scrub_kind_name((uint32_t)k),
		    json_object_new_uint64(t.kind_blocks[k]));
	add(o, "kind_blocks", kinds);
	add(o, "interrupted", json_object_new_boolean(run->interrupted));
	add(o, "not_scrubbed", json_object_new_uint64(run->nfiles -
						     run->nresumed - t.files));
	if (run->o->state_file)
		add(o, "resumed_files", json_object_new_uint64(run->nresumed));
	if (run->o->max_time)
		add(o, "max_time_reached",
		    json_object_new_boolean(vf_budget_hit));
	vf_repair_json_summary(o, run);
	if (run->fallback_err)	/* --fallback read without the module */
		add(o, "fallback", json_object_new_string(verity_scrub_strerror(
			    VERITY_SCRUB_OP_OPEN_DEVICE, run->fallback_err)));
	if (run->o->verbose) {
		int valid;

		skipped = json_object_new_array();
		for (i = 0; i < run->nskipped; i++) {
			s = json_object_new_object();
			add(s, "path", json_path(run->skipped[i].path, &valid));
			if (!valid)
				add(s, "path_hex", json_hex(run->skipped[i].path));
			add(s, "reason", json_object_new_string(
				    run->skipped[i].reason));
			json_object_array_add(skipped, s);
		}
		add(o, "skipped_paths", skipped);
	}
	return o;
}

/* RFC 3339, UTC, milliseconds: "2026-12-01T15:22:20.123Z" */
static json_object *json_time(const struct timespec *ts)
{
	char buf[40], frac[8];
	struct tm tm;

	if (!gmtime_r(&ts->tv_sec, &tm) ||
	    !strftime(buf, sizeof(buf) - sizeof(frac), "%Y-%m-%dT%H:%M:%S",
		      &tm))
		return json_object_new_string("1970-01-01T00:00:00.000Z");
	snprintf(frac, sizeof(frac), ".%03ldZ", ts->tv_nsec / 1000000L % 1000);
	strcat(buf, frac);
	return json_object_new_string(buf);
}

/* The options that change what was checked, or how. */
static json_object *json_options(const struct vf_opts *o)
{
	json_object *j = json_object_new_object();

	if (o->have_range)
		add(j, "range", json_offlen(o->range_start, o->range_end));
	add(j, "keep_cache", json_object_new_boolean(o->keep_cache));
	add(j, "page_cache", json_object_new_boolean(o->page_cache));
	add(j, "no_module", json_object_new_boolean(o->no_module));
	add(j, "fallback", json_object_new_boolean(o->fallback));
	add(j, "retries", json_object_new_uint64(o->retries ? o->retries :
						 VERITY_SCRUB_DEFAULT_RETRIES));
	add(j, "limit", json_object_new_uint64(o->limit));
	add(j, "recursive", json_object_new_boolean(o->recursive));
	add(j, "cross_mounts", json_object_new_boolean(o->cross_mounts));
	add(j, "expect_digest", json_object_new_boolean(o->nexpect != 0));
	add(j, "digest_from_name",
	    json_object_new_boolean(o->digest_from_name));
	vf_repair_json_options(j, o);
	return j;
}

int vf_print_json(FILE *out, const struct vf_run *run)
{
	json_object *doc = json_object_new_object(), *files, *fmt, *tool;
	size_t i;
	int ret;

	/* "version" is the major version of the format, as in 1.0 */
	add(doc, "version", json_object_new_int(VF_JSON_MAJOR));
	fmt = json_object_new_object();
	add(fmt, "major", json_object_new_int(VF_JSON_MAJOR));
	add(fmt, "minor", json_object_new_int(VF_JSON_MINOR));
	add(doc, "format", fmt);
	tool = json_object_new_object();
	add(tool, "name", json_object_new_string("verify-file"));
	add(tool, "version", json_object_new_string(VERITYSCRUB_VERSION));
	add(doc, "tool", tool);
	add(doc, "started", json_time(&run->wall_start));
	add(doc, "ended", json_time(&run->wall_end));
	add(doc, "options", json_options(run->o));
	files = json_object_new_array();
	for (i = 0; i < run->nfiles; i++)
		if (run->files[i].started || run->files[i].finished)
			json_object_array_add(files, json_file(run,
							       &run->files[i]));
	add(doc, "files", files);
	add(doc, "summary", json_summary(run));
	ret = fprintf(out, "%s\n", json_object_to_json_string_ext(doc,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return ret < 0 ? -1 : 0;
}
