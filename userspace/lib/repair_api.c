// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * repair_api.c - libverityscrub's public repair interface (verityscrub.h)
 *
 * A thin layer over the repair core (repair.h): it checks the caller's
 * extensible structs, opens the file, takes the expected digest from the
 * kernel (or the caller), reads the descriptor and Merkle tree through
 * fs-verity, and hands the caller's callback sources to vs_repair_plan()
 * and vs_repair_install_keep().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib_private.h"
#include "repair.h"

_Static_assert(VS_REPAIR_STEP_DIRSYNC == 10, "public step names");

VS_EXPORT int
verity_scrub_repair_opts_init_size(struct verity_scrub_repair_opts *opts,
				   size_t size)
{
	return vs_init_size(opts, size, VERITY_SCRUB_REPAIR_OPTS_SIZE_VER0);
}

VS_EXPORT int
verity_scrub_repair_result_init_size(struct verity_scrub_repair_result *res,
				     size_t size)
{
	return vs_init_size(res, size, VERITY_SCRUB_REPAIR_RESULT_SIZE_VER0);
}

VS_EXPORT const char *verity_scrub_repair_status_name(uint32_t status)
{
	static const char *const names[] = {
		"replaced", "repairable", "bad_descriptor", "no_source",
		"digest_mismatch", "orig_unreadable", "not_installed",
	};

	return status < sizeof(names) / sizeof(names[0]) ? names[status] :
							   "invalid";
}

VS_EXPORT const char *verity_scrub_repair_step_name(uint32_t step)
{
	return vs_repair_step_name(step);
}

/* The caller's @in->size bytes of options into @o (defaults past them). */
static int load_repair_opts(const struct verity_scrub_repair_opts *in,
			    struct verity_scrub_repair_opts *o)
{
	size_t i;

	verity_scrub_repair_opts_init(o);
	if (!in || in->size < VERITY_SCRUB_REPAIR_OPTS_SIZE_VER0)
		return -EINVAL;
	if (vs_copy_in(o, sizeof(*o), in, in->size))
		return -E2BIG;
	o->size = sizeof(*o);
	if (o->flags & ~VERITY_SCRUB_REPAIR_DRY_RUN)
		return -E2BIG;
	if (!o->nsources || !o->sources || (o->nranges && !o->ranges) ||
	    o->expected_digest_size > sizeof(o->expected_digest))
		return -EINVAL;
	for (i = 0; i < o->nsources; i++)
		if (!o->sources[i].read ||
		    !vs_all_zero(o->sources[i].reserved,
			     sizeof(o->sources[i].reserved)))
			return -EINVAL;
	return 0;
}

/* State of one verity_scrub_repair_path() call. */
struct api_repair {
	struct verity_scrub_repair_opts o;
	struct vs_repair_input in;
	struct vs_repair_fd file;
	struct vs_repair_bad *bad;
	struct vs_repair_source *src;
};

static int collect(struct api_repair *a)
{
	size_t i;

	a->bad = calloc(a->o.nranges ? a->o.nranges : 1, sizeof(*a->bad));
	a->src = calloc(a->o.nsources, sizeof(*a->src));
	if (!a->bad || !a->src)
		return -ENOMEM;
	for (i = 0; i < a->o.nranges; i++) {
		const struct verity_scrub_range *r = &a->o.ranges[i];

		if (r->kind == VERITY_SCRUB_KIND_TRANSIENT)
			continue;
		a->bad[a->in.nbad].offset = r->offset;
		a->bad[a->in.nbad].length = r->length;
		a->bad[a->in.nbad++].kind = r->kind;
	}
	for (i = 0; i < a->o.nsources; i++) {
		a->src[i].read = a->o.sources[i].read;
		a->src[i].priv = a->o.sources[i].priv;
	}
	return a->in.nbad ? 0 : -EINVAL;
}

static int expected(struct api_repair *a)
{
	struct vs_repair_digest *d = &a->in.expected;

	if (!a->o.expected_digest_size)
		return vs_repair_sys->measure(a->file.fd, d);
	d->alg = a->o.expected_hash_algorithm;
	d->size = a->o.expected_digest_size;
	memcpy(d->bytes, a->o.expected_digest, d->size);
	return 0;
}

static uint32_t status_of(enum vs_repair_verdict v)
{
	switch (v) {
	case VS_REPAIR_AUTHENTICATED: return VERITY_SCRUB_REPAIR_REPAIRABLE;
	case VS_REPAIR_BAD_DESCRIPTOR: return VERITY_SCRUB_REPAIR_BAD_DESCRIPTOR;
	case VS_REPAIR_NO_SOURCE: return VERITY_SCRUB_REPAIR_NO_SOURCE;
	case VS_REPAIR_DIGEST_MISMATCH:
		return VERITY_SCRUB_REPAIR_DIGEST_MISMATCH;
	default: return VERITY_SCRUB_REPAIR_ORIG_UNREADABLE;
	}
}

/* Write the authenticated plan; the outcome goes into @r. */
static void install(struct api_repair *a, const struct vs_repair_plan *p,
		    const char *path, struct verity_scrub_repair_result *r)
{
	char qname[NAME_MAX + 1] = "";
	enum vs_repair_step step = VS_REPAIR_STEP_CHECK;
	int qfd = -1, err = 0;

	if (a->o.quarantine_dir) {
		qfd = open(a->o.quarantine_dir,
			   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (qfd < 0)
			err = -errno;
	}
	if (!err) {
		vs_repair_remove_stale(path);
		err = vs_repair_install_keep(p, &a->in, path, a->file.fd, qfd,
					     qname, &step);
	}
	if (qfd >= 0)
		close(qfd);
	memcpy(r->quarantine_name, qname, sizeof(r->quarantine_name));
	r->status = err && step != VS_REPAIR_STEP_DIRSYNC ?
		    VERITY_SCRUB_REPAIR_NOT_INSTALLED :
		    VERITY_SCRUB_REPAIR_REPLACED;
	r->step = err ? step : VS_REPAIR_STEP_NONE;
	r->error = err;
}

static int plan_and_install(struct api_repair *a, const char *path,
			    struct verity_scrub_repair_result *r)
{
	struct vs_repair_plan *p = NULL;
	size_t i;
	int err;

	err = vs_repair_plan(&a->in, &p);
	if (err)
		return err;
	for (i = 0; i < a->o.nsources && i < p->nsources; i++) {
		a->o.sources[i].bytes = p->source_bytes[i];
		a->o.sources[i].rejected_blocks = p->source_rejected[i];
		a->o.sources[i].first_rejected_offset =
			p->source_first_reject[i];
	}
	r->blocks = p->nblocks;
	r->status = status_of(p->verdict);
	r->fail_offset = p->fail_offset;
	if (p->verdict == VS_REPAIR_AUTHENTICATED &&
	    !(a->o.flags & VERITY_SCRUB_REPAIR_DRY_RUN))
		install(a, p, path, r);
	vs_repair_plan_free(p);
	return 0;
}

VS_EXPORT int
verity_scrub_repair_path(const char *path,
			 const struct verity_scrub_repair_opts *opts,
			 struct verity_scrub_repair_result *res)
{
	struct verity_scrub_repair_result r;
	struct api_repair a;
	int err;

	if (!res || res->size < VERITY_SCRUB_REPAIR_RESULT_SIZE_VER0)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	a.file.fd = -1;
	err = load_repair_opts(opts, &a.o);
	if (!err)
		err = collect(&a);
	if (!err) {
		a.file.fd = vs_open_regular(path);
		err = a.file.fd < 0 ? a.file.fd : 0;
	}
	if (!err)
		err = expected(&a);
	if (!err)
		err = vs_repair_read_descriptor(a.file.fd, &a.in.desc);
	if (!err) {
		a.in.read_tree = vs_repair_read_tree_fd;
		a.in.tree_priv = &a.file;
		a.in.read_orig = vs_repair_read_fd;
		a.in.orig_priv = &a.file;
		a.in.bad = a.bad;
		a.in.sources = a.src;
		a.in.nsources = a.o.nsources;
		err = plan_and_install(&a, path, &r);
	}
	if (a.file.fd >= 0)
		close(a.file.fd);
	free(a.bad);
	free(a.src);
	/* the caller's first res->size bytes; zero past what we know */
	vs_copy_out(res, res->size, &r, sizeof(r));
	return err;
}
