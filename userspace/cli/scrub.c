// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scrub.c - scrub one file: open it, run one of the two engines on it
 * (module.c with the kernel module, fallback.c with pread), check its
 * digests, repair it
 *
 * Calls the engines, never called by them (they record through record.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf.h"

static int digest_equal(const struct vf_digest *a, const struct vf_digest *b)
{
	return a->alg == b->alg && a->size == b->size &&
	       !memcmp(a->bytes, b->bytes, a->size);
}

#define VF_NOT_A_DIGEST "name is not a digest (expected XX/ and 62 or " \
	"126 lowercase hex digits, or 64 or 128)"

/*
 * Compare the digest of the descriptor on disk with the one the kernel
 * holds for the open file (FS_IOC_MEASURE_VERITY) and with --expect-digest,
 * --expect-digest-file or, with --digest-from-name, the file's name.
 */
static void check_digests(struct vf_run *run, int fd, struct vf_file *f)
{
	const struct vf_digest *want = vf_expected_for(run->o, f->path);
	struct vf_digest disk = vf_file_digest(f), m, named;
	int err;

	/*
	 * Without the module the fallback measured and compared already:
	 * @f->measured is the kernel's digest if it differs from the disk's.
	 */
	err = f->fallback ? 0 : vf_sys.measure(fd, &m);
	if (f->fallback) {
		m = f->measured.size ? f->measured : disk;
	} else if (err) {
		vf_set_error(f, "FS_IOC_MEASURE_VERITY failed: %s",
			     strerror(-err));
	} else {
		f->descriptor_checked = 1;
		if (!digest_equal(&m, &disk)) {
			vf_file_set_flag(f,
					 VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED, 1);
			f->measured = m;
		}
	}
	if (run->o->nexpect && !want) {
		vf_set_error(f, "no expected digest for this path in "
			     "--expect-digest-file");
		return;
	}
	if (run->o->digest_from_name) {
		/* nothing to compare with: an operational error, as above */
		if (vf_digest_from_name(f->path, &named)) {
			vf_set_error(f, VF_NOT_A_DIGEST);
			return;
		}
		want = &named;
	}
	if (!want)
		return;
	f->expect_checked = 1;
	f->expected = *want;
	f->expect_match = digest_equal(want, &disk) &&
			  (err || digest_equal(want, &m));
}

static const char *type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "is a directory (use -r to scrub the verity files under it)";
	if (S_ISFIFO(mode))
		return "not a regular file (a FIFO)";
	if (S_ISSOCK(mode))
		return "not a regular file (a socket)";
	if (S_ISCHR(mode))
		return "not a regular file (a character device)";
	if (S_ISBLK(mode))
		return "not a regular file (a block device)";
	return "not a regular file";
}

/* Scrub @f with @dev, or with pread when the run uses the fallback. */
void vf_scrub_file(struct vf_run *run, struct verity_scrub_dev *dev,
		   struct vf_file *f)
{
	struct stat st;
	int fd;

	f->started = 1;
	verity_scrub_result_init(&f->res);	/* the engine fills it */
	fd = vf_open_file(f);	/* maybe opened ahead (openahead.c) */
	if (fd < 0) {
		vf_set_path_error(f, "cannot open", errno);
		return;
	}
	if (vf_sys.fstat(fd, &st) < 0) {
		vf_set_path_error(f, "cannot stat", errno);
	} else if (!S_ISREG(st.st_mode)) {
		vf_set_error(f, "%s", type_name(st.st_mode));
	} else if (run->use_fallback) {
		vf_fallback_scrub(run, fd, f);
	} else if (!dev) {
		vf_set_error(f, "%s", verity_scrub_strerror(
				     VERITY_SCRUB_OP_OPEN_DEVICE, run->module_err));
		f->error_told = 1;	/* main() said it once for all files */
	} else {
		vf_module_scrub(run, dev, fd, f);
	}
	if (vf_have_info(f))
		check_digests(run, fd, f);
	vf_repair_file(run, dev, fd, f);
	close(fd);
}
