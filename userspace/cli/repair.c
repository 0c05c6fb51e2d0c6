// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * repair.c - verify-file --repair-from: rebuild a damaged file from copies
 *
 * After a file scrubs bad, its bad blocks are sought in the sources, in
 * order; libverityscrub authenticates every block against the file's own
 * Merkle tree and the whole result against the digest the kernel holds
 * for the open file (or --expect-digest) before anything is written (see
 * lib/repair.h).  The repaired file replaces the original atomically and
 * is then scrubbed again from disk; that scrub decides whether the file
 * counts as repaired.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf.h"
#include "../lib/repair.h"

/* One source, as seen for one file. */
struct vf_repair_src {
	char *path;		/* the copy of this file (a store's object) */
	const char *store;	/* --repair-store DIR, NULL for --repair-from */
	char *flat;		/* a store's other name tried (DIR/HEX) */
	int open_err;		/* errno opening it, 0 if open */
	uint64_t bytes, rejected, first_reject;
};

struct vf_repair {
	int dry_run;
	int authenticated;	/* every block vouched for, digest matched */
	int replaced;		/* renamed over the original */
	int repaired;		/* replaced and its scrub from disk is clean */
	char *reason;		/* why not repaired */
	char *quarantine;	/* --quarantine: where the original is kept */
	int operational;	/* a failure of the tool's set-up (exit 8) */
	uint64_t blocks;	/* blocks replaced */
	struct vf_digest expected;
	size_t nsrc;
	struct vf_repair_src *src;
	/* the scrub of the new file */
	int rescrubbed;
	uint64_t rescrub_verified;
	struct verity_scrub_range *ranges;
	size_t nranges;
};

static int is_repairable_kind(uint32_t kind)
{
	return kind == VERITY_SCRUB_KIND_HASH_MISMATCH ||
	       kind == VERITY_SCRUB_KIND_TREE_CORRUPT ||
	       kind == VERITY_SCRUB_KIND_IO_ERROR ||
	       kind == VERITY_SCRUB_KIND_UNKNOWN;
}

/*
 * --quarantine DIR: a writable directory on the filesystem of every PATH
 * (checked again per file).  Return: 0 or VF_EXIT_OPERATIONAL (said).
 */
static int check_quarantine(const struct vf_opts *o)
{
	struct stat qst, pst;
	int i;

	if (stat(o->quarantine, &qst) < 0) {
		vf_error("--quarantine '%s': %s",
			 o->quarantine, strerror(errno));
		return VF_EXIT_OPERATIONAL;
	}
	if (!S_ISDIR(qst.st_mode)) {
		vf_error("--quarantine '%s': not a directory", o->quarantine);
		return VF_EXIT_OPERATIONAL;
	}
	if (access(o->quarantine, W_OK | X_OK) < 0) {
		vf_error("--quarantine '%s': not writable: %s", o->quarantine,
			 strerror(errno));
		return VF_EXIT_OPERATIONAL;
	}
	for (i = 0; i < o->npaths; i++) {
		if (stat(o->paths[i], &pst) < 0 || pst.st_dev == qst.st_dev)
			continue;
		vf_error("--quarantine '%s' is on another "
			 "filesystem than '%s': the original is kept by a hard "
			 "link", o->quarantine, o->paths[i]);
		return VF_EXIT_OPERATIONAL;
	}
	return 0;
}

int vf_repair_check_opts(const struct vf_opts *o)
{
	struct stat st;
	const char *opt;
	int i;

	if (!o->nrepair_from && o->quarantine) {
		vf_error("--quarantine needs --repair, --repair-from "
			 "or --repair-store");
		return VF_EXIT_USAGE;
	}
	if (!o->nrepair_from && o->repair_dry_run) {
		vf_error("--repair-dry-run needs --repair, "
			 "--repair-from or --repair-store");
		return VF_EXIT_USAGE;
	}
	if (o->nrepair_from && (o->no_module || o->fallback)) {
		vf_error("repair needs the module (the new file is "
			 "scrubbed through it): not with --no-module or "
			 "--fallback");
		return VF_EXIT_USAGE;
	}
	for (i = 0; i < o->nrepair_from; i++) {
		if (o->repair_from[i].cache)
			continue;
		opt = o->repair_from[i].store ? "--repair-store" :
						"--repair-from";
		if (stat(o->repair_from[i].path, &st) < 0) {
			vf_error("%s '%s': %s", opt,
				 o->repair_from[i].path, strerror(errno));
			return VF_EXIT_USAGE;
		}
		if (S_ISDIR(st.st_mode))
			continue;
		if (o->repair_from[i].store) {
			vf_error("%s '%s': not a directory", opt,
				 o->repair_from[i].path);
			return VF_EXIT_USAGE;
		}
		if (o->npaths != 1 || (o->recursive &&
		    stat(o->paths[0], &st) == 0 && S_ISDIR(st.st_mode))) {
			vf_error("--repair-from '%s' is a file: it is "
				 "the copy of one PATH; give a directory to "
				 "repair several files",
				 o->repair_from[i].path);
			return VF_EXIT_USAGE;
		}
	}
	return o->quarantine ? check_quarantine(o) : 0;
}

/*
 * The copy of @path in source directory @dir: the same path relative to
 * the scrub root it was found under (the longest PATH argument it is
 * under), or its base name when it was given itself.
 */
static char *source_path(const struct vf_opts *o, const char *src,
			 const char *path)
{
	struct stat st;
	const char *rel = NULL, *slash;
	size_t best = 0, n;
	char *out;
	int i;

	if (stat(src, &st) == 0 && !S_ISDIR(st.st_mode))
		return strdup(src);
	for (i = 0; i < o->npaths; i++) {
		n = strlen(o->paths[i]);
		while (n > 1 && o->paths[i][n - 1] == '/')
			n--;
		if (strncmp(path, o->paths[i], n) || path[n] != '/' ||
		    n < best)
			continue;
		best = n;
		rel = path + n + 1;
	}
	if (!rel) {
		slash = strrchr(path, '/');
		rel = slash ? slash + 1 : path;
	}
	return asprintf(&out, "%s/%s", src, rel) < 0 ? NULL : out;
}

/* Bytes of the damaged file, through fs-verity as the scrub saw them. */
static int read_orig(void *priv, uint64_t off, void *buf, size_t len)
{
	const int *fd = priv;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = vf_sys.pread(*fd, (uint8_t *)buf + done, len - done,
				 (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ENODATA;
		done += (size_t)n;
	}
	return 0;
}

static void set_reason(struct vf_repair *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct vf_repair *r, const char *fmt, ...)
{
	va_list ap;

	if (r->reason)
		return;
	va_start(ap, fmt);
	if (vasprintf(&r->reason, fmt, ap) < 0)
		r->reason = NULL;
	va_end(ap);
	if (!r->reason)
		r->reason = strdup("out of memory");
}

/* The digest the repaired file must have: --expect-digest, else the kernel's. */
static int expected_digest(struct vf_run *run, int fd, struct vf_file *f,
			   struct vf_repair *r, struct vs_repair_digest *d)
{
	const struct vf_digest *want = vf_expected_for(run->o, f->path);
	struct vf_digest m;
	int err;

	if (want) {
		m = *want;
	} else {
		err = vf_sys.measure(fd, &m);
		if (err) {
			set_reason(r, "FS_IOC_MEASURE_VERITY failed: %s",
				   strerror(-err));
			return err;
		}
	}
	r->expected = m;
	d->alg = m.alg;
	d->size = m.size;
	memcpy(d->bytes, m.bytes, m.size);
	return 0;
}

struct sources {
	struct vs_repair_source *src;
	struct vs_repair_fd *fds;
	struct vs_repair_cache cache;	/* the page cache, if a source */
	struct vs_repair_bad *cached;	/* its ranges: flagged cached */
	size_t n;
};

static void close_sources(struct sources *s)
{
	size_t i;

	for (i = 0; s->fds && i < s->n; i++)
		if (s->fds[i].fd >= 0)
			close(s->fds[i].fd);
	free(s->src);
	free(s->fds);
	free(s->cached);
}

/* A source that cannot be opened reads nothing (every block rejected). */
static int read_none(void *priv, uint64_t off, void *buf, size_t len)
{
	(void)priv; (void)off; (void)buf; (void)len;
	return -ENOENT;
}

static void hex(char *out, const struct vf_digest *d)
{
	uint32_t i;

	for (i = 0; i < d->size; i++)
		sprintf(out + 2 * i, "%02x", d->bytes[i]);
	out[2 * d->size] = '\0';
}

/*
 * The object of @r's expected digest in store @dir: DIR/XX/YYYY...
 * (composefs), else DIR/HEX; opened into @fd.  When neither opens, the
 * composefs name is kept with its errno, and the flat name for reports.
 */
static int open_store_object(struct vf_repair *r, const char *dir,
			     struct vf_repair_src *src, int *fd)
{
	char h[2 * VF_MAX_DIGEST + 1];
	const int oflags = O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;

	hex(h, &r->expected);
	src->store = dir;
	if (asprintf(&src->path, "%s/%.2s/%s", dir, h, h + 2) < 0) {
		src->path = NULL;
		return -ENOMEM;
	}
	*fd = open(src->path, oflags);
	if (*fd >= 0)
		return 0;
	src->open_err = errno;
	if (asprintf(&src->flat, "%s/%s", dir, h) < 0) {
		src->flat = NULL;
		return -ENOMEM;
	}
	*fd = open(src->flat, oflags);
	if (*fd < 0) {
		if (src->open_err == ENOENT)
			src->open_err = errno;
		return 0;
	}
	/* the flat object is the one used */
	free(src->path);
	src->path = src->flat;
	src->flat = NULL;
	src->open_err = 0;
	return 0;
}

/*
 * The page cache of the damaged file @fd as a source: only inside the
 * ranges the module flagged VERITY_SCRUB_RANGE_CACHED (a verified copy
 * was cached when it scrubbed), read with RWF_NOWAIT; -ENOMEM or 0.
 */
static int open_cache(const struct vf_file *f, int fd, struct sources *s,
		      struct vf_repair_src *src)
{
	size_t i, n = 0;

	src->path = strdup("page cache");
	s->cached = calloc(f->nranges ? f->nranges : 1, sizeof(*s->cached));
	if (!src->path || !s->cached)
		return -ENOMEM;
	for (i = 0; i < f->nranges; i++)
		if (f->ranges[i].flags & VERITY_SCRUB_RANGE_CACHED)
			s->cached[n++] = (struct vs_repair_bad){
				f->ranges[i].offset, f->ranges[i].length,
				f->ranges[i].kind };
	s->cache = (struct vs_repair_cache){ fd, s->cached, n };
	return 0;
}

static int open_sources(struct vf_run *run, struct vf_file *f, int fd,
			struct vf_repair *r, struct sources *s)
{
	size_t i, n = (size_t)run->o->nrepair_from;
	const struct vf_repair_opt *opt;

	s->n = n;
	s->src = calloc(n, sizeof(*s->src));
	s->fds = calloc(n, sizeof(*s->fds));
	r->src = calloc(n, sizeof(*r->src));
	if (!s->src || !s->fds || !r->src)
		return -ENOMEM;
	r->nsrc = n;
	for (i = 0; i < n; i++)
		s->fds[i].fd = -1;
	for (i = 0; i < n; i++) {
		opt = &run->o->repair_from[i];
		if (opt->cache) {
			if (open_cache(f, fd, s, &r->src[i]))
				return -ENOMEM;
			s->src[i].read = vs_repair_read_cache;
			s->src[i].priv = &s->cache;
			continue;
		}
		if (opt->store) {
			if (open_store_object(r, opt->path, &r->src[i],
					      &s->fds[i].fd))
				return -ENOMEM;
		} else {
			r->src[i].path = source_path(run->o, opt->path,
						     f->path);
			if (!r->src[i].path)
				return -ENOMEM;
			s->fds[i].fd = open(r->src[i].path, O_RDONLY |
					    O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
			if (s->fds[i].fd < 0)
				r->src[i].open_err = errno;
		}
		s->src[i].read = s->fds[i].fd < 0 ? read_none :
				 vs_repair_read_fd;
		s->src[i].priv = &s->fds[i];
	}
	return 0;
}

static int collect_bad(const struct vf_file *f, struct vs_repair_bad **out,
		       size_t *n)
{
	size_t i;

	*n = 0;
	*out = calloc(f->nranges ? f->nranges : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < f->nranges; i++) {
		if (!is_repairable_kind(f->ranges[i].kind))
			continue;
		(*out)[*n].offset = f->ranges[i].offset;
		(*out)[*n].length = f->ranges[i].length;
		(*out)[(*n)++].kind = f->ranges[i].kind;
	}
	return 0;
}

static void explain_refusal(struct vf_repair *r,
			    const struct vs_repair_plan *p)
{
	switch (p->verdict) {
	case VS_REPAIR_NO_SOURCE:
		set_reason(r, "no source has a copy of the block at offset "
			   "%llu that matches the file's Merkle tree",
			   (unsigned long long)p->fail_offset);
		break;
	case VS_REPAIR_ORIG_UNREADABLE:
		set_reason(r, "the block at offset %llu, found good by the "
			   "scrub, cannot be read now (%s): scrub again",
			   (unsigned long long)p->fail_offset,
			   strerror(p->fail_errno));
		break;
	default:
		set_reason(r, "%s", vs_repair_verdict_name(p->verdict));
		break;
	}
}

static void copy_counts(struct vf_repair *r, const struct vs_repair_plan *p)
{
	size_t i;

	for (i = 0; i < r->nsrc && i < p->nsources; i++) {
		r->src[i].bytes = p->source_bytes[i];
		r->src[i].rejected = p->source_rejected[i];
		r->src[i].first_reject = p->source_first_reject[i];
	}
	r->blocks = p->nblocks;
}

struct rescrub_ctx {
	struct vf_file tmp;	/* collects the ranges */
};

static int rescrub_range(const struct verity_scrub_range *rg, void *priv)
{
	struct rescrub_ctx *c = priv;
	struct verity_scrub_range vr = *rg;

	vr.flags = 0;	/* the new file's cache is not a repair source */
	vf_add_range(&c->tmp, &vr);
	return 0;
}

/* Scrub the new file from disk through the module; its result counts. */
static void rescrub(struct vf_run *run, struct verity_scrub_dev *dev,
		    struct vf_file *f, struct vf_repair *r)
{
	struct verity_scrub_opts opts;
	struct verity_scrub_result res;
	struct rescrub_ctx c;
	int fd, err;

	memset(&c, 0, sizeof(c));
	fd = vf_sys.open(f->path, VF_OPEN_FLAGS);
	if (fd < 0) {
		set_reason(r, "replaced, but the new file cannot be opened: %s",
			   strerror(errno));
		return;
	}
	verity_scrub_opts_init(&opts);
	verity_scrub_result_init(&res);
	opts.retries = run->o->retries;
	opts.on_range = rescrub_range;
	opts.cancel = &vf_cancel;
	opts.priv = &c;
	err = verity_scrub_fd(dev, fd, &opts, &res);
	close(fd);
	r->rescrubbed = !err;
	r->rescrub_verified = res.bytes_verified;
	r->ranges = c.tmp.ranges;
	r->nranges = c.tmp.nranges;
	free(c.tmp.error);
	if (err)
		set_reason(r, "replaced, but the new file could not be "
			   "scrubbed: %s",
			   verity_scrub_strerror(VERITY_SCRUB_OP_SCRUB, err));
	else if (r->nranges || res.file_size != f->res.file_size)
		set_reason(r, "replaced, but the new file does not scrub clean");
	else
		r->repaired = 1;
}

static uint64_t nlink(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? 0 : (uint64_t)st.st_nlink;
}

/* --quarantine: the path the original was kept under. */
static void set_quarantine(struct vf_repair *r, const char *dir,
			   const char *name)
{
	if (asprintf(&r->quarantine, "%s/%s", dir, name) < 0)
		r->quarantine = NULL;
}

static int quarantine_failed(struct vf_repair *r, const char *dir, int err,
			     enum vs_repair_step step)
{
	if (err == -EXDEV && step == VS_REPAIR_STEP_CHECK)
		set_reason(r, "--quarantine '%s' is on another filesystem "
			   "than the file; nothing written", dir);
	else if (step == VS_REPAIR_STEP_QUARANTINE || err == -ENOTDIR)
		set_reason(r, "keeping the original in --quarantine '%s' "
			   "failed: %s; nothing replaced", dir, strerror(-err));
	else
		return 0;
	r->operational = 1;
	return 1;
}

/*
 * A repair refused by a rule (exit bit 1 or 2: the damage is still
 * there), not by a failure to write the new file (EROFS, ENOSPC, EDQUOT,
 * EIO: also exit bit 8, an operational error).
 */
static int is_refusal(int err, enum vs_repair_step step)
{
	return err == -EMLINK || err == -ESTALE || err == -EBADMSG ||
	       (step == VS_REPAIR_STEP_CHECK && (err == -EPERM ||
						 err == -EFBIG));
}

static void install(struct vf_run *run, struct verity_scrub_dev *dev,
		    int fd, struct vf_file *f, struct vf_repair *r,
		    const struct vs_repair_plan *p,
		    const struct vs_repair_input *in)
{
	const char *qdir = run->o->quarantine;
	char qname[NAME_MAX + 1] = "";
	enum vs_repair_step step = VS_REPAIR_STEP_CHECK;
	int err, qfd = -1;

	vs_repair_remove_stale(f->path);
	if (qdir) {
		qfd = open(qdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		err = qfd < 0 ? -errno : 0;
	}
	if (qfd >= 0 || !qdir)
		err = vs_repair_install_keep(p, in, f->path, fd, qfd, qname,
					     &step);
	if (qfd >= 0)
		close(qfd);
	if (qname[0])
		set_quarantine(r, qdir, qname);
	if (err && qdir && qfd < 0) {
		set_reason(r, "--quarantine '%s': %s; nothing written", qdir,
			   strerror(-err));
		r->operational = 1;
	} else if (err && qdir && quarantine_failed(r, qdir, err, step))
		;
	else if (err == -EMLINK)
		set_reason(r, "the file has %llu hard links: replacing it "
			   "would split them; nothing written",
			   (unsigned long long)nlink(fd));
	else if (err == -EPERM && step == VS_REPAIR_STEP_CHECK)
		set_reason(r, "the file is immutable or append-only: it "
			   "cannot be replaced; nothing written");
	else if (err == -EFBIG && step == VS_REPAIR_STEP_CHECK)
		set_reason(r, "the file's builtin signature is too large to "
			   "carry over; nothing written");
	else if (err == -ESTALE)
		set_reason(r, "the path no longer names the scrubbed file; "
			   "nothing written");
	else if (err == -EBADMSG)
		set_reason(r, "the new file does not measure as the expected "
			   "digest; nothing replaced");
	else if (err && step == VS_REPAIR_STEP_DIRSYNC)
		set_reason(r, "replaced, but fsync of the directory failed: "
			   "%s", strerror(-err));
	else if (err)
		set_reason(r, "%s failed: %s; nothing replaced",
			   vs_repair_step_name(step), strerror(-err));
	if (err && !is_refusal(err, step))
		r->operational = 1;
	r->replaced = !err || step == VS_REPAIR_STEP_DIRSYNC;
	if (!err)
		rescrub(run, dev, f, r);
}

static void plan_and_install(struct vf_run *run, struct verity_scrub_dev *dev,
			     int fd, struct vf_file *f, struct vf_repair *r,
			     struct vs_repair_input *in)
{
	struct vs_repair_plan *p = NULL;
	int err;

	err = vs_repair_read_descriptor(fd, &in->desc);
	if (err) {
		set_reason(r, "cannot read the fs-verity descriptor: %s",
			   strerror(-err));
		return;
	}
	err = vs_repair_plan(in, &p);
	if (err) {
		set_reason(r, "%s", strerror(-err));
		return;
	}
	copy_counts(r, p);
	r->authenticated = p->verdict == VS_REPAIR_AUTHENTICATED;
	if (!r->authenticated)
		explain_refusal(r, p);
	else if (!r->dry_run)
		install(run, dev, fd, f, r, p, in);
	vs_repair_plan_free(p);
}

void vf_repair_file(struct vf_run *run, struct verity_scrub_dev *dev, int fd,
		    struct vf_file *f)
{
	struct vs_repair_input in;
	struct vs_repair_fd tree = { .fd = fd };
	struct vs_repair_bad *bad = NULL;
	struct sources s = { 0 };
	struct vf_repair *r;
	int ofd = fd;

	if (!run->o->nrepair_from || vf_file_status(f) != VF_STATUS_BAD ||
	    f->interrupted || !dev)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	f->repair = r;
	r->dry_run = run->o->repair_dry_run;
	memset(&in, 0, sizeof(in));
	if (f->error) {
		set_reason(r, "the scrub failed: %s", f->error);
		return;
	}
	if (collect_bad(f, &bad, &in.nbad)) {
		set_reason(r, "out of memory");
		goto out;
	}
	if (!in.nbad) {
		set_reason(r, "no bad blocks to replace (the digest is what "
			   "is wrong)");
		goto out;
	}
	/* first: a store's objects are named by it */
	if (expected_digest(run, fd, f, r, &in.expected))
		goto out;
	if (open_sources(run, f, fd, r, &s)) {
		set_reason(r, "out of memory");
		goto out;
	}
	in.read_tree = vs_repair_read_tree_fd;
	in.tree_priv = &tree;
	in.read_orig = read_orig;
	in.orig_priv = &ofd;
	in.bad = bad;
	in.sources = s.src;
	in.nsources = s.n;
	plan_and_install(run, dev, fd, f, r, &in);
out:
	close_sources(&s);
	free(bad);
}

void vf_repair_free(struct vf_repair *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nsrc; i++) {
		free(r->src[i].path);
		free(r->src[i].flat);
	}
	free(r->src);
	free(r->ranges);
	free(r->reason);
	free(r->quarantine);
	free(r);
}

/*
 * With --repair-from the damage bits (1, 2) say what is still damaged: a
 * repaired file (replaced, and clean from disk) has VF_EXIT_REPAIRED
 * instead.  A dry run changes nothing: the damage is still there.
 */
int vf_repair_exit_bits(const struct vf_file *f, int bits)
{
	if (f->repair && f->repair->operational)
		bits |= VF_EXIT_OPERATIONAL;
	if (!f->repair || !f->repair->repaired)
		return bits;
	return (bits & ~(VF_EXIT_CORRUPT | VF_EXIT_IO)) | VF_EXIT_REPAIRED;
}

static const char *state(const struct vf_repair *r)
{
	if (r->repaired)
		return "repaired";
	if (r->dry_run && r->authenticated)
		return "repairable";
	return "not_repaired";
}

/* "SRC 8192 bytes, SRC2 4096 bytes" */
static void print_sources(FILE *out, const struct vf_repair *r)
{
	char path[4096];
	const char *sep = "";
	size_t i;

	for (i = 0; i < r->nsrc; i++) {
		if (!r->src[i].bytes)
			continue;
		vf_escape_path(path, sizeof(path), r->src[i].path);
		fprintf(out, "%s%llu bytes from %s", sep,
			(unsigned long long)r->src[i].bytes, path);
		if (r->src[i].store) {
			vf_escape_path(path, sizeof(path), r->src[i].store);
			fprintf(out, " (store %s)", path);
		}
		sep = ", ";
	}
}

/* "; STORE: no object XX/YYYY... or HEX" */
static void print_no_object(FILE *out, const struct vf_repair_src *s)
{
	char path[4096];
	size_t dl = strlen(s->store) + 1;

	vf_escape_path(path, sizeof(path), s->store);
	fprintf(out, "; %s: no object ", path);
	vf_escape_path(path, sizeof(path), s->path + dl);
	fprintf(out, "%s or ", path);
	vf_escape_path(path, sizeof(path), s->flat + dl);
	fprintf(out, "%s", path);
}

static void print_rejects(FILE *out, const struct vf_repair *r)
{
	char path[4096];
	size_t i;

	for (i = 0; i < r->nsrc; i++) {
		vf_escape_path(path, sizeof(path), r->src[i].path);
		if (r->src[i].open_err == ENOENT && r->src[i].flat)
			print_no_object(out, &r->src[i]);
		else if (r->src[i].open_err)
			fprintf(out, "; %s: cannot open: %s", path,
				strerror(r->src[i].open_err));
		else if (r->src[i].rejected)
			fprintf(out, "; %s: %llu blocks rejected, the first at "
				"offset %llu", path,
				(unsigned long long)r->src[i].rejected,
				(unsigned long long)r->src[i].first_reject);
	}
}

void vf_repair_print(FILE *out, const struct vf_run *run,
		     const struct vf_file *f)
{
	const struct vf_repair *r = f->repair;
	char path[4096], ranges[256];
	size_t i;

	(void)run;
	if (!r)
		return;
	vf_escape_path(path, sizeof(path), f->path);
	if (r->repaired) {
		fprintf(out, "%s: REPAIRED: %llu blocks, ", path,
			(unsigned long long)r->blocks);
		print_sources(out, r);
		fprintf(out, "; the new file scrubs clean from disk (%llu "
			"bytes verified)", (unsigned long long)r->rescrub_verified);
		if (r->quarantine) {
			vf_escape_path(path, sizeof(path), r->quarantine);
			fprintf(out, "; the damaged original is kept as %s",
				path);
		}
	} else if (r->dry_run && r->authenticated) {
		fprintf(out, "%s: REPAIRABLE (dry run, nothing written): %llu "
			"blocks, ", path, (unsigned long long)r->blocks);
		print_sources(out, r);
	} else {
		fprintf(out, "%s: NOT REPAIRED: %s", path,
			r->reason ? r->reason : "unknown reason");
		for (i = 0; i < r->nranges; i++) {
			vf_format_range(ranges, sizeof(ranges), &r->ranges[i]);
			fprintf(out, "%s%s", i ? "; " : ": ", ranges);
		}
	}
	print_rejects(out, r);
	fputc('\n', out);
}

static void jadd(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *json_sources(const struct vf_repair *r)
{
	json_object *a = json_object_new_array(), *s;
	size_t i;

	for (i = 0; i < r->nsrc; i++) {
		s = json_object_new_object();
		jadd(s, "source", json_object_new_string(r->src[i].path));
		if (r->src[i].store)
			jadd(s, "store", json_object_new_string(
				     r->src[i].store));
		jadd(s, "bytes", json_object_new_uint64(r->src[i].bytes));
		jadd(s, "rejected_blocks",
		     json_object_new_uint64(r->src[i].rejected));
		if (r->src[i].rejected)
			jadd(s, "first_rejected_offset",
			     json_object_new_uint64(r->src[i].first_reject));
		if (r->src[i].open_err)
			jadd(s, "error", json_object_new_string(
				     strerror(r->src[i].open_err)));
		json_object_array_add(a, s);
	}
	return a;
}

json_object *vf_repair_json(const struct vf_file *f)
{
	const struct vf_repair *r = f->repair;
	json_object *o = json_object_new_object(), *rs, *ranges;
	char buf[160];
	size_t i;

	jadd(o, "status", json_object_new_string(state(r)));
	jadd(o, "dry_run", json_object_new_boolean(r->dry_run));
	if (r->reason && !r->repaired)
		jadd(o, "reason", json_object_new_string(r->reason));
	if (r->expected.size) {
		vf_format_digest(buf, sizeof(buf), &r->expected);
		jadd(o, "expected_digest", json_object_new_string(buf));
	}
	jadd(o, "blocks", json_object_new_uint64(r->blocks));
	jadd(o, "replaced", json_object_new_boolean(r->replaced));
	if (r->quarantine)
		jadd(o, "quarantine", json_object_new_string(r->quarantine));
	jadd(o, "sources", json_sources(r));
	if (r->replaced) {
		rs = json_object_new_object();
		jadd(rs, "complete", json_object_new_boolean(r->rescrubbed));
		jadd(rs, "bytes_verified",
		     json_object_new_uint64(r->rescrub_verified));
		ranges = json_object_new_array();
		for (i = 0; i < r->nranges; i++) {
			json_object *g = json_object_new_object();

			jadd(g, "offset", json_object_new_uint64(r->ranges[i].offset));
			jadd(g, "length", json_object_new_uint64(r->ranges[i].length));
			jadd(g, "kind", json_object_new_string(
				     verity_scrub_kind_name(r->ranges[i].kind)));
			json_object_array_add(ranges, g);
		}
		jadd(rs, "ranges", ranges);
		jadd(o, "new_scrub", rs);
	}
	return o;
}

static void count(const struct vf_run *run, size_t *rep, size_t *not,
		  size_t *able)
{
	size_t i;

	*rep = *not = *able = 0;
	for (i = 0; i < run->nfiles; i++) {
		const struct vf_repair *r = run->files[i].repair;

		if (!r)
			continue;
		if (r->repaired)
			(*rep)++;
		else if (r->dry_run && r->authenticated)
			(*able)++;
		else
			(*not)++;
	}
}

void vf_repair_summary(FILE *out, const struct vf_run *run)
{
	size_t rep, not, able;

	if (!run->o->nrepair_from)
		return;
	count(run, &rep, &not, &able);
	if (run->o->repair_dry_run)
		fprintf(out, "Repair summary: dry run: %zu repairable, %zu not "
			"repairable; nothing written\n", able, not);
	else
		fprintf(out, "Repair summary: %zu repaired, %zu not repaired\n",
			rep, not);
}

void vf_repair_json_summary(json_object *o, const struct vf_run *run)
{
	size_t rep, not, able;

	if (!run->o->nrepair_from)
		return;
	count(run, &rep, &not, &able);
	jadd(o, "repaired", json_object_new_uint64(rep));
	jadd(o, "not_repaired", json_object_new_uint64(not));
	if (run->o->repair_dry_run)
		jadd(o, "repairable", json_object_new_uint64(able));
}

/* The options' sources: "repair_from" and "repair_store", each in order. */
void vf_repair_json_options(json_object *j, const struct vf_opts *o)
{
	json_object *from = json_object_new_array();
	json_object *store = json_object_new_array();
	int i;

	if (!o->nrepair_from)
		goto none;
	for (i = 0; i < o->nrepair_from; i++)
		if (o->repair_from[i].cache)
			jadd(j, "repair_from_cache", json_object_new_boolean(1));
		else
			json_object_array_add(o->repair_from[i].store ? store :
					      from, json_object_new_string(
						      o->repair_from[i].path));
	if (json_object_array_length(from))
		jadd(j, "repair_from", json_object_get(from));
	if (json_object_array_length(store))
		jadd(j, "repair_store", json_object_get(store));
	jadd(j, "repair_dry_run", json_object_new_boolean(o->repair_dry_run));
	if (o->quarantine)
		jadd(j, "quarantine", json_object_new_string(o->quarantine));
none:
	json_object_put(from);
	json_object_put(store);
}
