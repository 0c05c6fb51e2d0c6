// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * verityscrub.c - libverityscrub: drive VERITY_SCRUB_IOC_SCRUB to the end
 *
 * There are three ranges involved in one scrub:
 *   [opts->start, opts->end)       what the caller asked for;
 *   [cursor, call_end)             what one ioctl call is asked for;
 *   [cursor, args.start)           what that call got through.
 * The loop advances cursor to the kernel's args.start until the cursor
 * reaches the requested end or the end of the file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib_private.h"

#ifndef VERITYSCRUB_VERSION
#define VERITYSCRUB_VERSION "unknown"
#endif

struct verity_scrub_dev {
	int fd;
	uint32_t ranges_cap;
	const struct vs_sys_ops *ops;
};

static int real_open_device(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int real_scrub(int devfd, struct verity_scrub_args *args)
{
	return ioctl(devfd, VERITY_SCRUB_IOC_SCRUB, args) < 0 ? -errno : 0;
}

static void real_close_device(int devfd)
{
	close(devfd);
}

const struct vs_sys_ops vs_real_ops = {
	.open_device = real_open_device,
	.scrub = real_scrub,
	.close_device = real_close_device,
};

const struct vs_sys_ops *vs_default_ops = &vs_real_ops;

VS_EXPORT int verity_scrub_open(struct verity_scrub_dev **devp)
{
	struct verity_scrub_dev *dev = calloc(1, sizeof(*dev));
	int fd;

	*devp = NULL;
	if (!dev)
		return -ENOMEM;
	dev->ops = vs_default_ops;
	dev->ranges_cap = VS_RANGES_CAP;
	fd = dev->ops->open_device(VERITY_SCRUB_DEVICE);
	if (fd < 0) {
		free(dev);
		return fd;
	}
	dev->fd = fd;
	*devp = dev;
	return 0;
}

VS_EXPORT void verity_scrub_close(struct verity_scrub_dev *dev)
{
	if (!dev)
		return;
	dev->ops->close_device(dev->fd);
	free(dev);
}

void vs_dev_set_ranges_cap(struct verity_scrub_dev *dev, uint32_t cap)
{
	dev->ranges_cap = cap ? cap : 1;
}

int vs_init_size(void *p, size_t size, size_t ver0)
{
	uint32_t s = (uint32_t)size;

	if (size < ver0 || size > UINT32_MAX)
		return -EINVAL;
	memset(p, 0, size);
	memcpy(p, &s, sizeof(s));
	return 0;
}

VS_EXPORT int verity_scrub_opts_init_size(struct verity_scrub_opts *opts,
					  size_t size)
{
	int err = vs_init_size(opts, size, VERITY_SCRUB_OPTS_SIZE_VER0);

	if (!err)
		opts->end = UINT64_MAX;
	return err;
}

VS_EXPORT int verity_scrub_result_init_size(struct verity_scrub_result *res,
					    size_t size)
{
	return vs_init_size(res, size, VERITY_SCRUB_RESULT_SIZE_VER0);
}

/* Are the @len bytes at @p all zero? (also the repair's struct checks) */
int vs_all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return 0;
	return 1;
}

int vs_copy_in(void *own, size_t own_size, const void *in, size_t in_size)
{
	if (in_size > own_size) {
		if (!vs_all_zero((const char *)in + own_size,
				 in_size - own_size))
			return -E2BIG;
		in_size = own_size;
	}
	memcpy(own, in, in_size);
	return 0;
}

void vs_copy_out(void *out, uint32_t out_size, const void *full,
		 size_t full_size)
{
	if (out_size > full_size) {
		memcpy(out, full, full_size);
		memset((char *)out + full_size, 0, out_size - full_size);
	} else {
		memcpy(out, full, out_size);
	}
	memcpy(out, &out_size, sizeof(out_size));
}

/*
 * Copy the caller's options (@in->size bytes of them) into @o, the
 * library's own struct; options the caller's struct cannot hold keep their
 * defaults.  NULL means all defaults.
 */
static int load_opts(const struct verity_scrub_opts *in,
		     struct verity_scrub_opts *o)
{
	int err;

	verity_scrub_opts_init(o);
	if (!in)
		return 0;
	if (in->size < VERITY_SCRUB_OPTS_SIZE_VER0)
		return -EINVAL;
	err = vs_copy_in(o, sizeof(*o), in, in->size);
	o->size = sizeof(*o);
	return err;
}

static int result_size_ok(const struct verity_scrub_result *res)
{
	return res->size >= VERITY_SCRUB_RESULT_SIZE_VER0;
}

/*
 * Store @full, the library's own result, into the caller's @out: its first
 * @out->size bytes, zero past what the library knows; @out->size is kept.
 */
static void store_result(struct verity_scrub_result *out,
			 const struct verity_scrub_result *full)
{
	vs_copy_out(out, out->size, full, sizeof(*full));
}

/* State of one verity_scrub_fd() call. */
struct scrub_state {
	const struct verity_scrub_opts *opts;
	struct verity_scrub_result *res;
	struct verity_scrub_range pending;	/* not yet delivered */
	int have_pending;
};

int vs_range_extend(struct verity_scrub_range *last,
		    const struct verity_scrub_range *r)
{
	if (last->offset + last->length != r->offset ||
	    last->kind != r->kind || last->detail != r->detail ||
	    last->tree_level != r->tree_level || last->flags != r->flags)
		return 0;
	last->length += r->length;
	return 1;
}

/* Deliver the held-back range; return -ECANCELED if the caller stops. */
static int flush_pending(struct scrub_state *st)
{
	if (!st->have_pending)
		return 0;
	st->have_pending = 0;
	st->res->ranges++;
	if (st->opts->on_range &&
	    st->opts->on_range(&st->pending, st->opts->priv))
		return -ECANCELED;
	return 0;
}

/* Hold @r back until we know the next range does not continue it. */
static int add_range(struct scrub_state *st, const struct verity_scrub_range *r)
{
	int err;

	if (st->have_pending && vs_range_extend(&st->pending, r))
		return 0;
	err = flush_pending(st);
	if (err)
		return err;
	st->pending = *r;
	st->have_pending = 1;
	return 0;
}

/* Add the out fields of one call to the totals. */
static void account_call(struct verity_scrub_result *res,
			 const struct verity_scrub_args *args)
{
	int i;

	if (args->block_size) {
		res->file_size = args->file_size;
		res->hash_algorithm = args->hash_algorithm;
		res->block_size = args->block_size;
		res->digest_size = args->digest_size > sizeof(res->digest) ?
				   sizeof(res->digest) : args->digest_size;
		memcpy(res->digest, args->digest, res->digest_size);
	}
	res->out_flags |= args->out_flags & ~VERITY_SCRUB_OUT_RANGES_FULL;
	res->bytes_verified += args->bytes_verified;
	res->bytes_read += args->bytes_read;
	res->blocks_retried += args->blocks_retried;
	res->bytes_skipped += args->bytes_skipped;
	for (i = 0; i < VERITY_SCRUB_KIND_COUNT; i++)
		res->kind_blocks[i] += args->kind_blocks[i];
}

static int is_cancelled(const struct verity_scrub_opts *opts)
{
	return opts->cancel && *opts->cancel;
}

/*
 * The kernel returns -EINVAL both for a file that is not regular and for
 * flags it does not know; tell them apart for the caller.
 */
static int explain_einval(int fd, const struct verity_scrub_opts *opts)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && opts->flags)
		return -EOPNOTSUPP;
	return -EINVAL;
}

static int progress(const struct verity_scrub_opts *opts,
		    const struct verity_scrub_result *res, uint64_t end)
{
	struct verity_scrub_progress p = {
		.cursor = res->cursor,
		.end = end < res->file_size ? end : res->file_size,
		.file_size = res->file_size,
		.bytes_verified = res->bytes_verified,
	};

	if (p.cursor > p.end)
		p.cursor = p.end;
	if (opts->on_progress && opts->on_progress(&p, opts->priv))
		return -ECANCELED;
	return 0;
}

/* One ioctl call over [res->cursor, call_end); deliver what it found. */
static int scrub_call(struct verity_scrub_dev *dev, int fd,
		      struct scrub_state *st, uint64_t call_end,
		      struct verity_scrub_range *ranges, int *progressed)
{
	const struct verity_scrub_opts *opts = st->opts;
	struct verity_scrub_result *res = st->res;
	struct verity_scrub_args args;
	uint32_t i, count;
	int err, ret;

	memset(&args, 0, sizeof(args));
	args.size = sizeof(args);
	args.fd = (uint32_t)fd;
	args.flags = opts->flags;
	args.start = res->cursor;
	args.end = call_end;
	args.ranges = (uintptr_t)ranges;
	args.ranges_cap = dev->ranges_cap;
	args.retries = opts->retries;
	ret = dev->ops->scrub(dev->fd, &args);
	res->calls++;
	*progressed = 0;
	if (ret == -EINVAL)
		return explain_einval(fd, opts);
	if (ret && ret != -EINTR)
		return ret;
	if (args.start < res->cursor)	/* the kernel never goes back */
		return ret ? ret : -EPROTO;
	account_call(res, &args);
	count = args.ranges_count < dev->ranges_cap ? args.ranges_count :
						      dev->ranges_cap;
	for (i = 0; i < count; i++) {
		err = add_range(st, &ranges[i]);
		if (err)
			return err;
	}
	*progressed = args.start != res->cursor || count;
	res->cursor = args.start;
	return ret;
}

static int is_done(const struct verity_scrub_result *res, uint64_t end)
{
	return res->cursor >= end || res->cursor >= res->file_size;
}

static int scrub_loop(struct verity_scrub_dev *dev, int fd,
		      struct scrub_state *st, struct verity_scrub_range *ranges)
{
	const struct verity_scrub_opts *opts = st->opts;
	struct verity_scrub_result *res = st->res;
	uint64_t end = opts->end, call_end;
	int err, progressed;

	for (;;) {
		if (is_cancelled(opts))
			return -EINTR;
		call_end = end;
		if (opts->step && end - res->cursor > opts->step)
			call_end = res->cursor + opts->step;
		err = scrub_call(dev, fd, st, call_end, ranges, &progressed);
		if (err && err != -EINTR)
			return err;
		if (progressed && progress(opts, res, end))
			return -ECANCELED;
		if (err == -EINTR)
			continue;	/* cancel is checked at the top */
		if (is_done(res, end))
			return 0;
		if (!progressed)
			return -EPROTO;
	}
}

/* verity_scrub_fd() on the library's own structs. */
static int scrub_fd(struct verity_scrub_dev *dev, int fd,
		    const struct verity_scrub_opts *opts,
		    struct verity_scrub_result *res)
{
	struct verity_scrub_range *ranges;
	struct scrub_state st;
	int err, err2;

	res->cursor = opts->start;
	if (fd < 0)
		return -EBADF;
	if (opts->end < opts->start || opts->retries > VERITY_SCRUB_MAX_RETRIES)
		return -EINVAL;
	ranges = calloc(dev->ranges_cap, sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.res = res;
	err = scrub_loop(dev, fd, &st, ranges);
	/* deliver the last range, unless the caller asked to stop */
	err2 = err == -ECANCELED ? 0 : flush_pending(&st);
	free(ranges);
	if (!err) {
		err = err2;
		res->complete = !err;
	}
	return err;
}

VS_EXPORT int verity_scrub_fd(struct verity_scrub_dev *dev, int fd,
			      const struct verity_scrub_opts *opts,
			      struct verity_scrub_result *res)
{
	struct verity_scrub_opts o;
	struct verity_scrub_result r;
	int err;

	if (!result_size_ok(res))
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	err = load_opts(opts, &o);
	if (!err)
		err = scrub_fd(dev, fd, &o, &r);
	store_result(res, &r);
	return err;
}

VS_EXPORT int verity_scrub_path(struct verity_scrub_dev *dev, const char *path,
				const struct verity_scrub_opts *opts,
				struct verity_scrub_result *res)
{
	struct verity_scrub_result empty;
	int fd, err;

	if (!result_size_ok(res))
		return -EINVAL;
	memset(&empty, 0, sizeof(empty));
	store_result(res, &empty);
	fd = vs_open_regular(path);
	if (fd < 0)
		return fd;
	err = verity_scrub_fd(dev, fd, opts, res);
	close(fd);
	return err;
}

int vs_open_regular(const char *path)
{
	struct stat st;
	int err, fd;

	/* O_NONBLOCK: never wait for a writer on a FIFO */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	else
		return fd;
	close(fd);
	return err;
}

static const char *open_device_msg(int err)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return VERITY_SCRUB_DEVICE " is not available: the verity_scrub "
		       "module is not loaded (load it with 'modprobe verity_scrub' "
		       "or 'insmod verity_scrub.ko')";
	case EACCES:
	case EPERM:
		return "permission denied opening " VERITY_SCRUB_DEVICE
		       " (run as root, or ask the administrator for access to "
		       "the device)";
	default:
		return NULL;
	}
}

static const char *open_file_msg(int err)
{
	switch (err) {
	case EISDIR:
		return "is a directory";
	case EINVAL:
		return "not a regular file";
	default:
		return NULL;
	}
}

static const char *scrub_msg(int err)
{
	switch (err) {
	case ENODATA:
		return "not an fs-verity file";
	case EINVAL:
		return "not a regular file, or an invalid scrub argument";
	case EOPNOTSUPP:
		return "the verity_scrub module does not support a requested "
		       "option (module too old: update it)";
	case EBADF:
		return "file is not open for reading";
	case EACCES:
	case EPERM:
		return "permission denied by the verity_scrub module";
	case ENOTTY:
		return VERITY_SCRUB_DEVICE " does not know the scrub ioctl "
		       "(wrong or incompatible module)";
	case E2BIG:
		return "the verity_scrub module is older than this library "
		       "and rejected its argument size";
	case EUCLEAN:
		return "the fs-verity descriptor on disk is malformed (corrupt)";
	case EIO:
		return "I/O error reading the fs-verity descriptor";
	case EPROTO:
		return "the verity_scrub module made no progress (module bug)";
	case EINTR:
		return "interrupted";
	case ECANCELED:
		return "stopped by the caller";
	default:
		return NULL;
	}
}

VS_EXPORT const char *verity_scrub_strerror(enum verity_scrub_op op, int err)
{
	const char *msg = NULL;

	if (err < 0)
		err = -err;
	switch (op) {
	case VERITY_SCRUB_OP_OPEN_DEVICE:
		msg = open_device_msg(err);
		break;
	case VERITY_SCRUB_OP_OPEN_FILE:
		msg = open_file_msg(err);
		break;
	case VERITY_SCRUB_OP_SCRUB:
		msg = scrub_msg(err);
		break;
	}
	if (!msg)
		msg = strerrordesc_np(err);
	return msg ? msg : "unknown error";
}

VS_EXPORT const char *verity_scrub_kind_name(uint32_t kind)
{
	switch (kind) {
	case VERITY_SCRUB_KIND_HASH_MISMATCH: return "hash_mismatch";
	case VERITY_SCRUB_KIND_TREE_CORRUPT: return "tree_corrupt";
	case VERITY_SCRUB_KIND_IO_ERROR: return "io_error";
	case VERITY_SCRUB_KIND_TRANSIENT: return "transient";
	case VERITY_SCRUB_KIND_UNKNOWN: return "unknown";
	default: return "invalid";
	}
}

VS_EXPORT const char *verity_scrub_detail_name(uint32_t detail)
{
	switch (detail) {
	case VERITY_SCRUB_DETAIL_NONE: return "none";
	case VERITY_SCRUB_DETAIL_MEDIUM: return "medium";
	case VERITY_SCRUB_DETAIL_TIMEOUT: return "timeout";
	case VERITY_SCRUB_DETAIL_TRANSPORT: return "transport";
	case VERITY_SCRUB_DETAIL_OTHER: return "other";
	default: return "invalid";
	}
}

VS_EXPORT const char *verity_scrub_version(void)
{
	return VERITYSCRUB_VERSION;
}
