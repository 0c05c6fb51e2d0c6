// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * options.c - command line parsing of verify-file
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libfsverity.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vf.h"

const char *vf_prog = "verify-file";

void vf_usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] PATH...\n"
"Scrub fs-verity files from disk through the verity_scrub kernel module and\n"
"report every bad byte range.\n"
"\n"
"Options:\n"
"  -r, --recursive            scrub the verity files under directories\n"
"      --cross-mounts         with -r, cross into other filesystems\n"
"  -j, --jobs N               scrub N files in parallel (1-%d, default 1)\n"
"      --range OFFSET:LENGTH  scrub only these bytes of each file (rounded\n"
"                             to blocks; past the last: 'nothing scrubbed')\n"
"      --retries N            retry a failed read N times (1-%d, default %d)\n"
"      --keep-cache           do not evict cached pages first (faster, but\n"
"                             does not prove the disk is good)\n"
"      --page-cache           read through the page cache, verified by\n"
"                             fs-verity as read() is, not straight from the\n"
"                             device\n"
"      --limit RATE           scrub at most RATE bytes/s (suffixes K M G T)\n"
"      --expect-digest ALG:HEX\n"
"                             the file digest must be ALG:HEX\n"
"      --expect-digest-file FILE\n"
"                             expected digests, as 'fsverity digest' prints\n"
"                             them ('ALG:HEX PATH' lines; a line with only\n"
"                             ALG:HEX or the HEX of --compact applies to the\n"
"                             files without a line; '#' comments); a bad\n"
"                             line is exit 8, nothing is scrubbed\n"
"      --digest-from-name     the file digest must be the one its name gives:\n"
"                             a composefs object XX/YYYY... (XX the first 2\n"
"                             hex digits) or the whole digest as the name\n"
"                             (lowercase hex; sha256 or sha512 by length);\n"
"                             any other name is exit 8\n"
"      --no-module            do not use the module: read with pread and\n"
"                             report failing ranges as 'unknown'; the\n"
"                             descriptor on disk is not checked\n"
"      --fallback             use --no-module if the module is not available,\n"
"                             with a warning on stderr (also with -q) and\n"
"                             the reason in the JSON summary\n"
"      --repair-from SOURCE   rebuild a file found bad from SOURCE (repeat:\n"
"                             tried in order, block by block): a file is\n"
"                             the copy of the one PATH; a directory holds\n"
"                             the copies at the same paths relative to the\n"
"                             PATH given (with -r).  Every block is checked\n"
"                             against the file's Merkle tree and the result\n"
"                             against the digest the kernel holds for it\n"
"                             (or --expect-digest) before it replaces the\n"
"                             file; the new file is scrubbed again\n"
"      --repair-store DIR     also a source: a content-addressed store whose\n"
"                             objects are named by their fs-verity digest,\n"
"                             looked up by the file's expected digest as\n"
"                             DIR/XX/YYYY... (composefs; XX the first 2 hex\n"
"                             digits), else DIR/HEX; mixes with\n"
"                             --repair-from in the order given\n"
"      --repair-from-cache    also a source, in the order given: the page\n"
"                             cache of the damaged file itself, for the\n"
"                             bad ranges a verified copy of which is cached\n"
"                             (cached_good); read without I/O (RWF_NOWAIT)\n"
"      --repair               repair the files found bad; with no other\n"
"                             source, from the page cache (as\n"
"                             --repair-from-cache)\n"
"      --repair-dry-run       authenticate and report, write nothing\n"
"      --quarantine DIR       keep each replaced original in DIR (same\n"
"                             filesystem: a hard link made before the\n"
"                             rename) as BASENAME.INODE[.N]; DIR not a\n"
"                             writable directory on the filesystem of the\n"
"                             PATHs is exit 8, nothing scrubbed\n"
"      --state FILE           save the progress of the pass over the PATHs in\n"
"                             FILE (atomically, every few seconds and at the\n"
"                             end); a run with the same FILE, PATHs and\n"
"                             options resumes where the last one stopped,\n"
"                             a new pass begins once one is complete\n"
"      --max-time DURATION    stop cleanly after DURATION (90, 90s, 45m, 8h,\n"
"                             1d), exit 32, resumable with --state\n"
"      --status               with --state FILE: print the pass it records\n"
"                             (progress, rate, ETA, findings; --json: as\n"
"                             JSON), also while a run is going; no PATH\n"
"      --json                 print one JSON document on stdout\n"
"      --log WHERE            also log each bad range, repaired file and the\n"
"                             summary as structured journal entries: auto\n"
"                             (default: when stderr is the journal, as under\n"
"                             systemd), journal (always) or stderr (never)\n"
"      --metrics FILE         write the run's metrics to FILE in the\n"
"                             Prometheus text format (node_exporter's\n"
"                             textfile collector), replaced atomically;\n"
"                             not written: exit bit 8\n"
"  -q, --quiet                print only bad files and errors\n"
"  -v, --verbose              also list skipped files and statistics\n"
"  -h, --help                 show this help and exit\n"
"  -V, --version              show the version and exit\n"
"\n"
"Exit status (bits ORed): 0 every byte verified, 1 corruption, 2 I/O errors\n"
"or unknown failures (also EIO, EUCLEAN or EBADMSG looking up, opening or\n"
"stating a file), 4 transient errors (recovered), 8 operational error,\n"
"16 usage error, 32 interrupted, 64 damage repaired (--repair-from: the\n"
"file was replaced and scrubs clean; with --repair-from, bits 1 and 2\n"
"mean damage that is still there, so 64 alone is 'all repaired', and 8\n"
"also a new file that could not be written: read-only, full, ...).\n",
		vf_prog, VF_MAX_JOBS, VERITY_SCRUB_MAX_RETRIES,
		VERITY_SCRUB_DEFAULT_RETRIES);
}

/* Multiplier of a size suffix: K, KB, KiB (all 1024), M..E; 0 if bad. */
static uint64_t suffix_mult(const char *s)
{
	static const char units[] = "KMGTPE";
	const char *u;
	uint64_t mult = 1024;

	if (!*s)
		return 1;
	u = strchr(units, toupper((unsigned char)*s));
	if (!u)
		return 0;
	for (; u > units; u--)
		mult *= 1024;
	s++;
	if (!*s || !strcmp(s, "B") || !strcmp(s, "iB"))
		return mult;
	return 0;
}

/* A byte count: decimal or 0x hex, optional binary suffix (K, MiB, ...). */
int vf_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	uint64_t mult;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	/* base 10 unless 0x: a leading 0 is not octal */
	v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ?
			      16 : 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	mult = suffix_mult(end);
	if (!mult)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

int vf_parse_uint(const char *s, unsigned int min, unsigned int max,
		  unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

int vf_parse_range(const char *s, uint64_t *start, uint64_t *end,
		   char *err, size_t errlen)
{
	uint64_t off, len;
	const char *colon = strchr(s, ':');
	char *first;
	int ret;

	if (!colon) {
		snprintf(err, errlen, "expected OFFSET:LENGTH");
		return -EINVAL;
	}
	first = strndup(s, (size_t)(colon - s));
	if (!first) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = vf_parse_size(first, &off);
	free(first);
	if (ret) {
		snprintf(err, errlen, "bad offset (a byte count is expected)");
		return ret;
	}
	ret = vf_parse_size(colon + 1, &len);
	if (ret) {
		snprintf(err, errlen, "bad length (a byte count is expected)");
		return ret;
	}
	if (!len) {
		snprintf(err, errlen, "length must not be 0");
		return -EINVAL;
	}
	if (off > UINT64_MAX - len) {
		snprintf(err, errlen, "offset + length exceeds 2^64");
		return -ERANGE;
	}
	*start = off;
	*end = off + len;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "ALG:HEX", the format 'fsverity digest' and 'fsverity measure' print. */
int vf_parse_digest(const char *s, struct vf_digest *d, char *err,
		    size_t errlen)
{
	const char *colon = strchr(s, ':'), *hex;
	char alg[32];
	size_t i, n;
	int size;

	if (!colon || (size_t)(colon - s) >= sizeof(alg)) {
		snprintf(err, errlen, "expected ALG:HEX, e.g. sha256:0123...");
		return -EINVAL;
	}
	memcpy(alg, s, (size_t)(colon - s));
	alg[colon - s] = '\0';
	memset(d, 0, sizeof(*d));
	d->alg = libfsverity_find_hash_alg_by_name(alg);
	size = d->alg ? libfsverity_get_digest_size(d->alg) : -1;
	if (size <= 0 || size > VF_MAX_DIGEST) {
		snprintf(err, errlen, "unknown hash algorithm '%.31s'", alg);
		return -EINVAL;
	}
	hex = colon + 1;
	n = strlen(hex);
	if (n != 2 * (size_t)size) {
		snprintf(err, errlen, "%s digest must have %d hex digits, not %zu",
			 alg, 2 * size, n);
		return -EINVAL;
	}
	for (i = 0; i < (size_t)size; i++) {
		int hi = hexval((unsigned char)hex[2 * i]);
		int lo = hexval((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "digest has a non-hex character");
			return -EINVAL;
		}
		d->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	d->size = (uint32_t)size;
	return 0;
}

static int add_expect(struct vf_opts *o, const char *path,
		      const struct vf_digest *d)
{
	struct vf_expect_entry *e;

	e = realloc(o->expect, (o->nexpect + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	o->expect = e;
	e = &o->expect[o->nexpect];
	e->digest = *d;
	e->path = NULL;
	if (path) {
		e->path = strdup(path);
		if (!e->path)
			return -ENOMEM;
	}
	o->nexpect++;
	return 0;
}

/*
 * One line of 'fsverity digest' output: "ALG:HEX PATH", or a digest alone
 * ("ALG:HEX", or the bare HEX of 'fsverity digest --compact', whose length
 * gives the algorithm), which applies to every file without a line of its
 * own.  Blank lines and '#' comments are skipped; CRLF is accepted.
 */
static int parse_digest_line(struct vf_opts *o, char *line, int *have_global,
			     char *err, size_t errlen)
{
	char buf[16 + 2 * VF_MAX_DIGEST];
	struct vf_digest d;
	char *space, *p = line;
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return 0;
	space = strchr(p, ' ');
	if (space)
		*space = '\0';
	if (!strchr(p, ':')) {	/* --compact */
		n = strlen(p);
		if (n != 64 && n != 128) {
			snprintf(err, errlen, "expected ALG:HEX, HEX or "
				 "'ALG:HEX PATH', e.g. sha256:0123...");
			return -EINVAL;
		}
		snprintf(buf, sizeof(buf), "%s:%s",
			 n == 64 ? "sha256" : "sha512", p);
		p = buf;
	}
	if (vf_parse_digest(p, &d, err, errlen))
		return -EINVAL;
	if (space && !space[1]) {
		snprintf(err, errlen, "empty path after the digest");
		return -EINVAL;
	}
	if (!space && (*have_global)++) {
		snprintf(err, errlen, "a second line without a path");
		return -EINVAL;
	}
	return add_expect(o, space ? space + 1 : NULL, &d);
}

int vf_load_digest_file(const char *file, struct vf_opts *o, char *err,
			size_t errlen)
{
	char *line = NULL, msg[160];
	size_t cap = 0;
	unsigned int lineno = 0;
	int ret = 0, have_global = 0;
	FILE *f = fopen(file, "re");

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return ret;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		ret = parse_digest_line(o, line, &have_global, msg, sizeof(msg));
		if (ret) {
			snprintf(err, errlen, "line %u: %s", lineno, msg);
			break;
		}
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "read error");
	}
	if (!ret && !o->nexpect) {
		snprintf(err, errlen, "no digests in the file");
		ret = -EINVAL;
	}
	free(line);
	fclose(f);
	return ret;
}

/* The line for @path if there is one, else the line without a path. */
const struct vf_digest *vf_expected_for(const struct vf_opts *o,
					const char *path)
{
	const struct vf_digest *global = NULL;
	size_t i;

	for (i = 0; i < o->nexpect; i++) {
		if (!o->expect[i].path) {
			if (!global)
				global = &o->expect[i].digest;
		} else if (!strcmp(o->expect[i].path, path)) {
			return &o->expect[i].digest;
		}
	}
	return global;
}

/* @n digits of lowercase hex at @hex into @out; -EINVAL if any is not. */
static int lower_hex(const char *hex, size_t n, uint8_t *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)hex[i]) &&
		    (hex[i] < 'a' || hex[i] > 'f'))
			return -EINVAL;
	for (i = 0; i + 1 < n; i += 2)
		out[i / 2] = (uint8_t)(hexval(hex[i]) << 4 | hexval(hex[i + 1]));
	return 0;
}

/*
 * The name of the directory @path is in, into @buf: the component before
 * the last one as @path spells it, or, when @path has none (or it is "."
 * or ".."), the last component of the directory's real path.  Empty if it
 * cannot be found.
 */
static void parent_name(const char *path, const char *base, char *buf,
			size_t len)
{
	const char *end = base, *start;
	char *dir, *real;

	while (end > path && end[-1] == '/')
		end--;
	start = end;
	while (start > path && start[-1] != '/')
		start--;
	buf[0] = '\0';
	if (end > start && !(end - start == 1 && *start == '.') &&
	    !(end - start == 2 && start[0] == '.' && start[1] == '.')) {
		snprintf(buf, len, "%.*s", (int)(end - start), start);
		return;
	}
	if (end > path)
		dir = strndup(path, (size_t)(end - path));
	else	/* "NAME" or "/NAME" */
		dir = strdup(base > path ? "/" : ".");
	real = dir ? realpath(dir, NULL) : NULL;
	if (real && strrchr(real, '/'))
		snprintf(buf, len, "%s", strrchr(real, '/') + 1);
	free(real);
	free(dir);
}

/*
 * --digest-from-name: the fs-verity digest the name of @path gives, as a
 * content-addressed store names its objects: the composefs object layout
 * DIR/NAME, DIR the first two hex digits of the digest and NAME the other
 * 62 (sha256) or 126 (sha512), or a flat name, the whole digest (64 or
 * 128 digits).  Lowercase hex only: the stores write it so and look
 * objects up so, an uppercase name is not the one they would find.
 * The length gives the algorithm.
 *
 * Return: 0, or -EINVAL when the name is not a digest.
 */
int vf_digest_from_name(const char *path, struct vf_digest *d)
{
	static const uint32_t algs[] = { FS_VERITY_HASH_ALG_SHA256,
					 FS_VERITY_HASH_ALG_SHA512 };
	const char *base = strrchr(path, '/');
	char dir[256];
	size_t i, n, size;

	base = base ? base + 1 : path;
	n = strlen(base);
	parent_name(path, base, dir, sizeof(dir));
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		memset(d, 0, sizeof(*d));
		d->alg = algs[i];
		size = (size_t)libfsverity_get_digest_size(algs[i]);
		d->size = (uint32_t)size;
		if (n == 2 * size && !lower_hex(base, n, d->bytes))
			return 0;
		if (n == 2 * size - 2 && strlen(dir) == 2 &&
		    !lower_hex(dir, 2, d->bytes) &&
		    !lower_hex(base, n, d->bytes + 1))
			return 0;
	}
	memset(d, 0, sizeof(*d));
	return -EINVAL;
}

enum {
	OPT_CROSS_MOUNTS = 256, OPT_RANGE, OPT_RETRIES, OPT_KEEP_CACHE,
	OPT_LIMIT, OPT_EXPECT_DIGEST, OPT_EXPECT_DIGEST_FILE, OPT_NO_MODULE,
	OPT_FALLBACK, OPT_JSON, OPT_PAGE_CACHE, OPT_DIGEST_FROM_NAME,
	OPT_REPAIR_FROM, OPT_REPAIR_DRY_RUN, OPT_REPAIR_STORE,
	OPT_QUARANTINE, OPT_REPAIR, OPT_REPAIR_FROM_CACHE,
	OPT_LOG, OPT_METRICS,
	OPT_STATE, OPT_MAX_TIME, OPT_STATUS,
};

static const struct option long_options[] = {
	{ "recursive", no_argument, NULL, 'r' },
	{ "cross-mounts", no_argument, NULL, OPT_CROSS_MOUNTS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "keep-cache", no_argument, NULL, OPT_KEEP_CACHE },
	{ "page-cache", no_argument, NULL, OPT_PAGE_CACHE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "expect-digest", required_argument, NULL, OPT_EXPECT_DIGEST },
	{ "expect-digest-file", required_argument, NULL, OPT_EXPECT_DIGEST_FILE },
	{ "digest-from-name", no_argument, NULL, OPT_DIGEST_FROM_NAME },
	{ "no-module", no_argument, NULL, OPT_NO_MODULE },
	{ "fallback", no_argument, NULL, OPT_FALLBACK },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "repair-from", required_argument, NULL, OPT_REPAIR_FROM },
	{ "repair-dry-run", no_argument, NULL, OPT_REPAIR_DRY_RUN },
	{ "repair-store", required_argument, NULL, OPT_REPAIR_STORE },
	{ "repair", no_argument, NULL, OPT_REPAIR },
	{ "repair-from-cache", no_argument, NULL, OPT_REPAIR_FROM_CACHE },
	{ "quarantine", required_argument, NULL, OPT_QUARANTINE },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "max-time", required_argument, NULL, OPT_MAX_TIME },
	{ "status", no_argument, NULL, OPT_STATUS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *detail, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(const char *detail, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", vf_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (detail && *detail)
		fprintf(stderr, ": %s", detail);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", vf_prog);
	return VF_EXIT_USAGE;
}

/* --log=auto|journal|stderr */
static int parse_log(const char *arg, struct vf_opts *o)
{
	static const char *const names[] = {
		[VF_LOG_AUTO] = "auto", [VF_LOG_JOURNAL] = "journal",
		[VF_LOG_STDERR] = "stderr",
	};
	int i;

	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(arg, names[i])) {
			o->log_mode = i;
			return 0;
		}
	return usage_error("expected auto, journal or stderr",
			   "invalid --log '%s'", arg);
}

/* What the options say beyond struct vf_opts, checked once all are read. */
struct parse_state {
	int have_digest_opt;		/* --expect-digest[-file] seen */
	const char *digest_file;	/* --expect-digest-file, read last */
};

/* One more repair source, in command-line order; -ENOMEM or 0. */
static int add_source(struct vf_opts *o, const char *path, int store,
		      int cache)
{
	struct vf_repair_opt *n = realloc(o->repair_from,
		(size_t)(o->nrepair_from + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	o->repair_from = n;
	n[o->nrepair_from++] = (struct vf_repair_opt){ path, store, cache };
	return 0;
}

static int parse_one(int c, struct vf_opts *o, struct parse_state *ps)
{
	char err[160] = "";
	struct vf_digest d;

	switch (c) {
	case 'r': o->recursive = 1; return 0;
	case OPT_CROSS_MOUNTS: o->cross_mounts = 1; return 0;
	case 'j':
		if (vf_parse_uint(optarg, 1, VF_MAX_JOBS, &o->jobs))
			return usage_error("expected a number from 1 to 256",
					   "invalid --jobs '%s'", optarg);
		return 0;
	case OPT_RANGE:
		if (vf_parse_range(optarg, &o->range_start, &o->range_end,
				   err, sizeof(err)))
			return usage_error(err, "invalid --range '%s'", optarg);
		o->have_range = 1;
		return 0;
	case OPT_RETRIES:
		if (vf_parse_uint(optarg, 1, VERITY_SCRUB_MAX_RETRIES,
				  &o->retries))
			return usage_error("expected a number from 1 to 16",
					   "invalid --retries '%s'", optarg);
		return 0;
	case OPT_KEEP_CACHE: o->keep_cache = 1; return 0;
	case OPT_PAGE_CACHE: o->page_cache = 1; return 0;
	case OPT_LIMIT:
		if (vf_parse_size(optarg, &o->limit) || !o->limit)
			return usage_error("expected bytes per second > 0, "
					   "e.g. 100M", "invalid --limit '%s'",
					   optarg);
		return 0;
	case OPT_EXPECT_DIGEST:
	case OPT_EXPECT_DIGEST_FILE:
		if (ps->have_digest_opt++)
			return usage_error(NULL, "--expect-digest and "
					   "--expect-digest-file may be given "
					   "once, and not together");
		if (c == OPT_EXPECT_DIGEST_FILE) {
			ps->digest_file = optarg;	/* after usage errors */
			return 0;
		}
		if (vf_parse_digest(optarg, &d, err, sizeof(err)))
			return usage_error(err, "invalid --expect-digest '%s'",
					   optarg);
		if (add_expect(o, NULL, &d))
			return usage_error(NULL, "out of memory");
		return 0;
	case OPT_DIGEST_FROM_NAME: o->digest_from_name = 1; return 0;
	case OPT_NO_MODULE: o->no_module = 1; return 0;
	case OPT_FALLBACK: o->fallback = 1; return 0;
	case OPT_JSON: o->json = 1; return 0;
	case OPT_REPAIR_FROM:
	case OPT_REPAIR_STORE:
	case OPT_REPAIR_FROM_CACHE:
		if (add_source(o, c == OPT_REPAIR_FROM_CACHE ? "page cache" :
			       optarg, c == OPT_REPAIR_STORE,
			       c == OPT_REPAIR_FROM_CACHE))
			return usage_error(NULL, "out of memory");
		return 0;
	case OPT_REPAIR: o->repair = 1; return 0;
	case OPT_REPAIR_DRY_RUN: o->repair_dry_run = 1; return 0;
	case OPT_QUARANTINE: o->quarantine = optarg; return 0;
	case OPT_LOG: return parse_log(optarg, o);
	case OPT_METRICS:
		if (!*optarg)
			return usage_error(NULL, "--metrics needs a FILE");
		o->metrics = optarg;
		return 0;
	case OPT_STATE:
		if (!*optarg)
			return usage_error(NULL, "invalid --state ''");
		o->state_file = optarg;
		return 0;
	case OPT_MAX_TIME:
		if (vf_parse_duration(optarg, &o->max_time))
			return usage_error("expected a duration > 0: a number "
					   "with an optional unit s, m, h or d",
					   "invalid --max-time '%s'", optarg);
		return 0;
	case OPT_STATUS: o->status = 1; return 0;
	case 'q': o->quiet = 1; return 0;
	case 'v': o->verbose = 1; return 0;
	case 'h':
		vf_usage(stdout);
		return -1;
	case 'V':
		printf("%s %s\n", vf_prog, verity_scrub_version());
		return -1;
	default:
		fprintf(stderr, "Try '%s --help' for more information.\n",
			vf_prog);
		return VF_EXIT_USAGE;
	}
}

/* --expect-digest-file: a file that cannot be used is exit 8, reported. */
static int load_digest_file(const char *file, struct vf_opts *o)
{
	char err[160] = "";

	if (!vf_load_digest_file(file, o, err, sizeof(err)))
		return 0;
	/* bad input, not a bad command line */
	vf_error("invalid --expect-digest-file '%s': %s", file, err);
	return VF_EXIT_OPERATIONAL;
}

/*
 * Return: 0 to go on, VF_EXIT_USAGE after a usage error (reported),
 * VF_EXIT_OPERATIONAL when --expect-digest-file cannot be read or has a
 * bad line (reported, and only when the command line has no usage error),
 * or -1 when --help or --version was handled (exit 0).
 */
int vf_parse_args(int argc, char **argv, struct vf_opts *o)
{
	struct parse_state ps = { 0 };
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "rj:qvhV", long_options,
				NULL)) != -1) {
		ret = parse_one(c, o, &ps);
		if (ret)
			return ret;
	}
	if (o->quiet && o->verbose)
		return usage_error(NULL, "--quiet and --verbose exclude each other");
	if (o->cross_mounts && !o->recursive)
		return usage_error(NULL, "--cross-mounts needs --recursive");
	if (o->digest_from_name && ps.have_digest_opt)
		return usage_error(NULL, "--digest-from-name excludes "
				   "--expect-digest and --expect-digest-file");
	if (o->status)
		return !o->state_file ? usage_error(NULL, "--status needs "
						    "--state FILE") :
		       optind < argc ? usage_error(NULL, "--status takes no "
						   "PATH") : 0;
	if (optind >= argc)
		return usage_error(NULL, "no PATH given");
	o->paths = argv + optind;
	o->npaths = argc - optind;
	/* --repair alone: the page cache is the source */
	if (o->repair && !o->nrepair_from &&
	    add_source(o, "page cache", 0, 1))
		return usage_error(NULL, "out of memory");
	ret = vf_repair_check_opts(o);
	if (ret)
		return ret;
	return ps.digest_file ? load_digest_file(ps.digest_file, o) : 0;
}

void vf_free_opts(struct vf_opts *o)
{
	size_t i;

	for (i = 0; i < o->nexpect; i++)
		free(o->expect[i].path);
	free(o->expect);
	o->expect = NULL;
	free(o->repair_from);
	o->repair_from = NULL;
	o->nexpect = 0;
}
