// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * repair_install.c - write an authenticated repair and put it in place
 *
 * The new file is made beside the original (same filesystem, so the
 * rename is atomic): unnamed with O_TMPFILE where the filesystem has it,
 * else under a name ".BASENAME.vs-repair.XXXXXX" that the next run
 * removes.  Only a new file that fs-verity itself measures as the
 * expected digest is renamed over the original.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "repair.h"

static int real_read_metadata(int fd, uint64_t type, uint64_t off, void *buf,
			      size_t len)
{
	struct fsverity_read_metadata_arg arg = {
		.metadata_type = type,
		.offset = off,
		.length = len,
		.buf_ptr = (uintptr_t)buf,
	};
	int ret = ioctl(fd, FS_IOC_READ_VERITY_METADATA, &arg);

	return ret < 0 ? -errno : ret;
}

static int real_enable_verity(int fd, const struct fsverity_enable_arg *arg)
{
	return ioctl(fd, FS_IOC_ENABLE_VERITY, arg) < 0 ? -errno : 0;
}

int vs_repair_measure(int fd, struct vs_repair_digest *d)
{
	struct {
		struct fsverity_digest hdr;
		uint8_t bytes[VS_REPAIR_MAX_DIGEST];
	} m;

	memset(&m, 0, sizeof(m));
	m.hdr.digest_size = VS_REPAIR_MAX_DIGEST;
	if (ioctl(fd, FS_IOC_MEASURE_VERITY, &m) < 0)
		return -errno;
	if (m.hdr.digest_size > VS_REPAIR_MAX_DIGEST)
		return -EOVERFLOW;
	memset(d, 0, sizeof(*d));
	d->alg = m.hdr.digest_algorithm;
	d->size = m.hdr.digest_size;
	memcpy(d->bytes, m.bytes, d->size);
	return 0;
}

static int real_getflags(int fd, int *flags)
{
	return ioctl(fd, FS_IOC_GETFLAGS, flags) < 0 ? -errno : 0;
}

static int real_setflags(int fd, int flags)
{
	return ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0 ? -errno : 0;
}

static const struct vs_repair_sys real_sys = {
	.read_metadata = real_read_metadata,
	.enable_verity = real_enable_verity,
	.measure = vs_repair_measure,
	.getflags = real_getflags,
	.setflags = real_setflags,
};

static int sys_getflags(int fd, int *flags)
{
	return (vs_repair_sys->getflags ? vs_repair_sys->getflags :
		real_getflags)(fd, flags);
}

static int sys_setflags(int fd, int flags)
{
	return (vs_repair_sys->setflags ? vs_repair_sys->setflags :
		real_setflags)(fd, flags);
}

const struct vs_repair_sys *vs_repair_sys = &real_sys;
int vs_repair_force_named;

int vs_repair_read_tree_fd(void *priv, uint64_t off, void *buf, size_t len)
{
	const struct vs_repair_fd *f = priv;
	size_t done = 0;
	int n;

	while (done < len) {
		n = vs_repair_sys->read_metadata(f->fd,
						 FS_VERITY_METADATA_TYPE_MERKLE_TREE,
						 off + done, (uint8_t *)buf + done,
						 len - done);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return n;
		if (n == 0)
			return -ENODATA;
		done += (size_t)n;
	}
	return 0;
}

int vs_repair_read_fd(void *priv, uint64_t off, void *buf, size_t len)
{
	const struct vs_repair_fd *f = priv;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(f->fd, (uint8_t *)buf + done, len - done,
			  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		done += (size_t)n;
	}
	return 0;
}

int vs_repair_read_descriptor(int fd, struct fsverity_descriptor *desc)
{
	int n;

	memset(desc, 0, sizeof(*desc));
	n = vs_repair_sys->read_metadata(fd, FS_VERITY_METADATA_TYPE_DESCRIPTOR,
					 0, desc, sizeof(*desc));
	if (n < 0)
		return n;
	if (n < (int)offsetof(struct fsverity_descriptor, salt))
		return -EBADMSG;
	desc->__reserved_0x04 = 0;	/* sig_size: the signature is apart */
	return 0;
}

const char *vs_repair_step_name(enum vs_repair_step s)
{
	switch (s) {
	case VS_REPAIR_STEP_NONE: return "none";
	case VS_REPAIR_STEP_CHECK: return "check";
	case VS_REPAIR_STEP_CREATE: return "create";
	case VS_REPAIR_STEP_WRITE: return "write";
	case VS_REPAIR_STEP_ATTRS: return "attributes";
	case VS_REPAIR_STEP_SYNC: return "fsync";
	case VS_REPAIR_STEP_ENABLE: return "enable-verity";
	case VS_REPAIR_STEP_MEASURE: return "measure";
	case VS_REPAIR_STEP_QUARANTINE: return "quarantine";
	case VS_REPAIR_STEP_RENAME: return "rename";
	case VS_REPAIR_STEP_DIRSYNC: return "directory-fsync";
	default: return "invalid";
	}
}

/* State of one vs_repair_install() call. */
struct inst {
	const struct vs_repair_plan *plan;
	const struct vs_repair_input *in;
	int orig_fd, dirfd, wfd, rfd;
	struct stat ost;
	const char *base;
	char tmpname[300];	/* named temp file, "" while unnamed */
	int unnamed;		/* O_TMPFILE */
	int qdirfd;		/* quarantine directory, or -1 */
	int oflags;		/* FS_IOC_GETFLAGS of the original, or 0 */
	uint8_t *sig;		/* its builtin signature, or NULL */
	uint32_t sig_size;
	char *qname;		/* the original's name in it, "" until linked */
	enum vs_repair_step step;
};

static int fail(struct inst *s, enum vs_repair_step step, int err)
{
	s->step = step;
	return err;
}

/* Split @path into its directory (opened) and its last component. */
static int open_dir(struct inst *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	s->base = slash ? slash + 1 : path;
	if (!*s->base)
		return -EISDIR;
	dir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) :
		      strdup(".");
	if (!dir)
		return -ENOMEM;
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return s->dirfd < 0 ? -errno : 0;
}

/*
 * The original's builtin signature (FS_IOC_READ_VERITY_METADATA), kept to
 * be given to FS_IOC_ENABLE_VERITY of the new file: the digest is the
 * same, so the same signature verifies.  -ENODATA: it has none.
 */
static int read_signature(struct inst *s)
{
	size_t cap = VS_REPAIR_MAX_SIGNATURE;
	int n;

	s->sig = malloc(cap);
	if (!s->sig)
		return -ENOMEM;
	while (s->sig_size < cap) {
		n = vs_repair_sys->read_metadata(s->orig_fd,
						 FS_VERITY_METADATA_TYPE_SIGNATURE,
						 s->sig_size, s->sig + s->sig_size,
						 cap - s->sig_size);
		if (n == -EINTR)
			continue;
		if (n == -ENODATA && !s->sig_size)
			break;
		if (n < 0)
			return n;
		if (n == 0)
			return 0;
		s->sig_size += (uint32_t)n;
	}
	if (s->sig_size == cap)
		return -EFBIG;
	free(s->sig);
	s->sig = NULL;
	return 0;
}

/*
 * The original's inode flags; an immutable or append-only file cannot be
 * replaced (-EPERM); a filesystem without FS_IOC_GETFLAGS has none.
 */
static int read_flags(struct inst *s)
{
	int err = sys_getflags(s->orig_fd, &s->oflags);

	if (err == -ENOTTY || err == -EOPNOTSUPP || err == -EINVAL ||
	    err == -ENOSYS) {
		s->oflags = 0;
		return 0;
	}
	if (err)
		return err;
	return s->oflags & (FS_IMMUTABLE_FL | FS_APPEND_FL) ? -EPERM : 0;
}

/*
 * Carry the user-settable flags in %VS_REPAIR_CARRIED_FLAGS over onto the
 * new file, keeping the flags the filesystem gave it; before verity is
 * enabled.  Nothing is asked of a filesystem when there is nothing to
 * carry.
 */
static int carry_flags(struct inst *s)
{
	int nflags, want, err;

	if (!(s->oflags & VS_REPAIR_CARRIED_FLAGS))
		return 0;
	err = sys_getflags(s->wfd, &nflags);
	if (err)
		return err;
	want = (nflags & ~VS_REPAIR_CARRIED_FLAGS) |
	       (s->oflags & VS_REPAIR_CARRIED_FLAGS);
	return want == nflags ? 0 : sys_setflags(s->wfd, want);
}

/* The original may be replaced: regular, one link, still at @base. */
static int check_orig(struct inst *s)
{
	struct stat pst;

	if (fstat(s->orig_fd, &s->ost) < 0)
		return -errno;
	if (!S_ISREG(s->ost.st_mode))
		return -EINVAL;
	if (s->ost.st_nlink > 1)
		return -EMLINK;
	if (fstatat(s->dirfd, s->base, &pst, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (pst.st_dev != s->ost.st_dev || pst.st_ino != s->ost.st_ino)
		return -ESTALE;
	return 0;
}

static int pick_name(struct inst *s)
{
	unsigned char r[6];
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char suffix[7];
	int i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -errno;
	for (i = 0; i < 6; i++)
		suffix[i] = set[r[i] % (sizeof(set) - 1)];
	suffix[6] = '\0';
	if (snprintf(s->tmpname, sizeof(s->tmpname), ".%s%s%s", s->base,
		     VS_REPAIR_TMP_TAG, suffix) >= (int)sizeof(s->tmpname))
		return -ENAMETOOLONG;
	return 0;
}

/* A named temp file, for filesystems without O_TMPFILE. */
static int create_named(struct inst *s)
{
	int tries, err;

	for (tries = 0; tries < 16; tries++) {
		err = pick_name(s);
		if (err)
			return err;
		s->wfd = openat(s->dirfd, s->tmpname,
				O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
				O_CLOEXEC, 0600);
		if (s->wfd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	err = -errno;
	s->tmpname[0] = '\0';
	return err;
}

static int create_new(struct inst *s)
{
	if (vs_repair_force_named)
		return create_named(s);
	s->wfd = openat(s->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (s->wfd >= 0) {
		s->unnamed = 1;
		return 0;
	}
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	return create_named(s);
}

static int write_content(struct inst *s)
{
	size_t chunk = 1 << 20;
	uint8_t *buf = malloc(chunk);
	uint64_t off, size = s->plan->data_size;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (off = 0; off < size && !err; off += chunk) {
		size_t n = size - off < chunk ? (size_t)(size - off) : chunk;
		size_t done = 0;

		err = vs_repair_read(s->plan, s->in, off, buf, n);
		while (!err && done < n) {
			ssize_t w = pwrite(s->wfd, buf + done, n - done,
					   (off_t)(off + done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				err = w < 0 ? -errno : -EIO;
			else
				done += (size_t)w;
		}
	}
	free(buf);
	return err;
}

/* Every xattr listxattr(2) gives for the original (security.* too). */
static int copy_xattrs(struct inst *s)
{
	ssize_t len = flistxattr(s->orig_fd, NULL, 0), vlen;
	char *names, *name, *val = NULL;
	int err = 0;

	if (len < 0)
		return errno == ENOTSUP ? 0 : -errno;
	if (!len)
		return 0;
	names = malloc((size_t)len);
	if (!names)
		return -ENOMEM;
	len = flistxattr(s->orig_fd, names, (size_t)len);
	if (len < 0)
		err = -errno;
	for (name = names; !err && name < names + len;
	     name += strlen(name) + 1) {
		vlen = fgetxattr(s->orig_fd, name, NULL, 0);
		free(val);
		val = vlen >= 0 ? malloc(vlen ? (size_t)vlen : 1) : NULL;
		if (vlen < 0 || !val) {
			err = vlen < 0 ? -errno : -ENOMEM;
			break;
		}
		vlen = fgetxattr(s->orig_fd, name, val, (size_t)vlen);
		if (vlen < 0 || fsetxattr(s->wfd, name, val, (size_t)vlen, 0))
			err = -errno;
	}
	free(val);
	free(names);
	return err;
}

/* Owner first: chown clears the set-id bits that fchmod then sets. */
static int copy_owner_mode(struct inst *s)
{
	if (fchown(s->wfd, s->ost.st_uid, s->ost.st_gid) < 0)
		return -errno;
	if (fchmod(s->wfd, s->ost.st_mode & 07777) < 0)
		return -errno;
	return 0;
}

/* Close the writer (fs-verity refuses a file open for writing). */
static int reopen_readonly(struct inst *s)
{
	char proc[64];

	if (s->unnamed) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->wfd);
		s->rfd = open(proc, O_RDONLY | O_CLOEXEC);
	} else {
		s->rfd = openat(s->dirfd, s->tmpname,
				O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (s->rfd < 0)
		return -errno;
	close(s->wfd);
	s->wfd = -1;
	return 0;
}

static int enable(struct inst *s)
{
	struct fsverity_enable_arg arg;

	memset(&arg, 0, sizeof(arg));
	arg.version = 1;
	arg.hash_algorithm = s->plan->hash_algorithm;
	arg.block_size = s->plan->block_size;
	arg.salt_size = s->plan->salt_size;
	arg.salt_ptr = (uintptr_t)s->plan->salt;
	arg.sig_size = s->sig_size;
	arg.sig_ptr = (uintptr_t)s->sig;
	return vs_repair_sys->enable_verity(s->rfd, &arg);
}

static int measure_matches(struct inst *s)
{
	const struct vs_repair_digest *want = &s->in->expected;
	struct vs_repair_digest got;
	int err = vs_repair_sys->measure(s->rfd, &got);

	if (err)
		return err;
	if (got.alg != want->alg || got.size != want->size ||
	    memcmp(got.bytes, want->bytes, want->size))
		return -EBADMSG;
	return 0;
}

static int set_times(struct inst *s)
{
	struct timespec ts[2] = { s->ost.st_atim, s->ost.st_mtim };

	return futimens(s->rfd, ts) < 0 ? -errno : 0;
}

/* Same filesystem as the original (else a link cannot keep it). */
static int check_quarantine(struct inst *s)
{
	struct stat qst;

	if (s->qdirfd < 0)
		return 0;
	if (fstat(s->qdirfd, &qst) < 0)
		return -errno;
	if (!S_ISDIR(qst.st_mode))
		return -ENOTDIR;
	return qst.st_dev == s->ost.st_dev ? 0 : -EXDEV;
}

/* "BASE.INO", else "BASE.INO.N": the first free name; the link kept. */
static int quarantine(struct inst *s)
{
	char proc[64];
	unsigned int n;

	if (s->qdirfd < 0)
		return 0;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->orig_fd);
	for (n = 0; n < 1000; n++) {
		if (n)
			snprintf(s->qname, NAME_MAX + 1, "%.*s.%llu.%u",
				 VS_REPAIR_QUARANTINE_BASE_MAX, s->base,
				 (unsigned long long)s->ost.st_ino, n);
		else
			snprintf(s->qname, NAME_MAX + 1, "%.*s.%llu",
				 VS_REPAIR_QUARANTINE_BASE_MAX, s->base,
				 (unsigned long long)s->ost.st_ino);
		if (!linkat(AT_FDCWD, proc, s->qdirfd, s->qname,
			    AT_SYMLINK_FOLLOW))
			return 0;
		if (errno != EEXIST)
			break;
	}
	s->qname[0] = '\0';
	return errno == EEXIST ? -EEXIST : -errno;
}

static int do_rename(struct inst *s)
{
	if (vs_repair_sys->rename)
		return vs_repair_sys->rename(s->dirfd, s->tmpname, s->dirfd,
					     s->base);
	return renameat(s->dirfd, s->tmpname, s->dirfd, s->base) < 0 ?
	       -errno : 0;
}

/*
 * Give the unnamed file its temporary name, keep the original in the
 * quarantine directory (if any), then rename the new file over @base.
 */
static int put_in_place(struct inst *s)
{
	char proc[64];
	int err;

	if (s->unnamed) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->rfd);
		for (;;) {
			err = pick_name(s);
			if (err)
				return err;
			if (!linkat(AT_FDCWD, proc, s->dirfd, s->tmpname,
				    AT_SYMLINK_FOLLOW))
				break;
			err = -errno;
			s->tmpname[0] = '\0';
			if (err != -EEXIST)
				return err;
		}
	}
	/* the original must still be the file we authenticated against */
	err = check_orig(s);
	if (err)
		return err;
	err = quarantine(s);
	if (err) {
		s->step = VS_REPAIR_STEP_QUARANTINE;
		return err;
	}
	err = do_rename(s);
	if (err) {
		if (s->qname && s->qname[0]) {
			unlinkat(s->qdirfd, s->qname, 0);
			s->qname[0] = '\0';
		}
		return err;
	}
	s->tmpname[0] = '\0';
	return 0;
}

static int install_steps(struct inst *s)
{
	int err;

	if ((err = check_orig(s)) || (err = read_flags(s)) ||
	    (err = read_signature(s)) || (err = check_quarantine(s)))
		return fail(s, VS_REPAIR_STEP_CHECK, err);
	if ((err = create_new(s)))
		return fail(s, VS_REPAIR_STEP_CREATE, err);
	if ((err = write_content(s)))
		return fail(s, VS_REPAIR_STEP_WRITE, err);
	if ((err = copy_owner_mode(s)) || (err = copy_xattrs(s)) ||
	    (err = carry_flags(s)))
		return fail(s, VS_REPAIR_STEP_ATTRS, err);
	if (fsync(s->wfd) < 0)
		return fail(s, VS_REPAIR_STEP_SYNC, -errno);
	if ((err = reopen_readonly(s)))
		return fail(s, VS_REPAIR_STEP_CREATE, err);
	if ((err = enable(s)))
		return fail(s, VS_REPAIR_STEP_ENABLE, err);
	if ((err = measure_matches(s)))
		return fail(s, VS_REPAIR_STEP_MEASURE, err);
	if ((err = set_times(s)))
		return fail(s, VS_REPAIR_STEP_ATTRS, err);
	if (fsync(s->rfd) < 0)
		return fail(s, VS_REPAIR_STEP_SYNC, -errno);
	s->step = VS_REPAIR_STEP_NONE;
	if ((err = put_in_place(s)))
		return fail(s, s->step == VS_REPAIR_STEP_QUARANTINE ?
			       VS_REPAIR_STEP_QUARANTINE :
			       err == -ESTALE || err == -EMLINK ?
			       VS_REPAIR_STEP_CHECK : VS_REPAIR_STEP_RENAME, err);
	if (fsync(s->dirfd) < 0 || (s->qdirfd >= 0 && fsync(s->qdirfd) < 0))
		return fail(s, VS_REPAIR_STEP_DIRSYNC, -errno);
	return 0;
}

int vs_repair_install(const struct vs_repair_plan *plan,
		      const struct vs_repair_input *in, const char *path,
		      int orig_fd, enum vs_repair_step *stepp)
{
	return vs_repair_install_keep(plan, in, path, orig_fd, -1, NULL,
				      stepp);
}

int vs_repair_install_keep(const struct vs_repair_plan *plan,
			   const struct vs_repair_input *in, const char *path,
			   int orig_fd, int qdirfd, char *qname,
			   enum vs_repair_step *stepp)
{
	struct inst s = { .plan = plan, .in = in, .orig_fd = orig_fd,
			  .dirfd = -1, .wfd = -1, .rfd = -1,
			  .qdirfd = qname ? qdirfd : -1, .qname = qname };
	int err;

	*stepp = VS_REPAIR_STEP_CHECK;
	if (qname)
		qname[0] = '\0';
	if (plan->verdict != VS_REPAIR_AUTHENTICATED)
		return -EINVAL;
	err = open_dir(&s, path);
	if (!err)
		err = install_steps(&s);
	else
		s.step = VS_REPAIR_STEP_CHECK;
	if (s.tmpname[0])	/* failed before the rename */
		unlinkat(s.dirfd, s.tmpname, 0);
	if (s.wfd >= 0)
		close(s.wfd);
	if (s.rfd >= 0)
		close(s.rfd);
	if (s.dirfd >= 0)
		close(s.dirfd);
	free(s.sig);
	*stepp = err ? s.step : VS_REPAIR_STEP_NONE;
	return err;
}

/* ".BASE.vs-repair.XXXXXX" for @base? */
static int is_stale_name(const char *name, const char *base)
{
	size_t bl = strlen(base), tl = strlen(VS_REPAIR_TMP_TAG);

	return name[0] == '.' && !strncmp(name + 1, base, bl) &&
	       !strncmp(name + 1 + bl, VS_REPAIR_TMP_TAG, tl) &&
	       strlen(name + 1 + bl + tl) == 6;
}

int vs_repair_remove_stale(const char *path)
{
	struct inst s = { .dirfd = -1 };
	struct dirent *de;
	DIR *d;
	int err, n = 0;

	err = open_dir(&s, path);
	if (err)
		return err;
	d = fdopendir(s.dirfd);
	if (!d) {
		err = -errno;
		close(s.dirfd);
		return err;
	}
	while ((de = readdir(d)))
		if (is_stale_name(de->d_name, s.base) &&
		    !unlinkat(dirfd(d), de->d_name, 0))
			n++;
	closedir(d);
	return n;
}
