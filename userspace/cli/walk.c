// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * walk.c - turn the PATH operands into the list of files to scrub
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vf.h"

static int add_file(struct vf_run *run, const char *path, uint64_t size)
{
	struct vf_file *f;

	if (run->nfiles == run->files_cap) {
		size_t cap = run->files_cap ? 2 * run->files_cap : 16;

		f = realloc(run->files, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		run->files = f;
		run->files_cap = cap;
	}
	f = &run->files[run->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	f->size_hint = size;
	run->nfiles++;
	return 0;
}

static int add_skipped(struct vf_run *run, const char *path,
		       const char *reason)
{
	struct vf_skipped *s;

	if (run->nskipped == run->skipped_cap) {
		size_t cap = run->skipped_cap ? 2 * run->skipped_cap : 16;

		s = realloc(run->skipped, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		run->skipped = s;
		run->skipped_cap = cap;
	}
	s = &run->skipped[run->nskipped];
	s->path = strdup(path);
	if (!s->path)
		return -ENOMEM;
	s->reason = reason;
	run->nskipped++;
	return 0;
}

/* nftw() has no user pointer: the walk runs before any thread starts. */
static struct vf_run *walk_run;
static dev_t walk_dev;
static int walk_err;

static int walk_error(const char *path, const char *what, int err)
{
	struct vf_file *f;

	if (add_file(walk_run, path, 0))
		return -ENOMEM;
	f = &walk_run->files[walk_run->nfiles - 1];
	vf_set_path_error(f, what, err);
	f->finished = 1;	/* nothing to scrub: report the error */
	return 0;
}

static int walk_regular(const char *path, const struct stat *sb)
{
	int v = vf_sys.is_verity(path);

	if (v < 0)
		return walk_error(path, "cannot check for fs-verity", -v);
	if (!v)
		return add_skipped(walk_run, path, "not an fs-verity file");
	return add_file(walk_run, path, (uint64_t)sb->st_size);
}

static int walk_one(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	DIR *d;
	int err = 0;

	(void)ftw;
	switch (type) {
	case FTW_F:
		if (S_ISREG(sb->st_mode))
			err = walk_regular(path, sb);
		else
			err = add_skipped(walk_run, path, "not a regular file");
		break;
	case FTW_SL:
	case FTW_SLN:
		err = add_skipped(walk_run, path, "symbolic link");
		break;
	case FTW_D:
		if (sb->st_dev != walk_dev && !walk_run->o->cross_mounts) {
			err = add_skipped(walk_run, path,
					  "mount point (use --cross-mounts)");
			if (!err)
				return FTW_SKIP_SUBTREE;
		}
		break;
	case FTW_DNR:
		d = opendir(path);
		err = d ? 0 : errno;
		if (d)
			closedir(d);
		err = walk_error(path, "cannot read directory",
				 err ? err : EACCES);
		break;
	case FTW_NS:
	default:
		err = walk_error(path, "cannot stat", errno ? errno : EIO);
		break;
	}
	if (err) {
		walk_err = err;
		return FTW_STOP;
	}
	return FTW_CONTINUE;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct vf_file *)a)->path,
		      ((const struct vf_file *)b)->path);
}

static int cmp_skipped(const void *a, const void *b)
{
	return strcmp(((const struct vf_skipped *)a)->path,
		      ((const struct vf_skipped *)b)->path);
}

static int walk_dir(struct vf_run *run, const char *path, dev_t dev)
{
	size_t first = run->nfiles, first_skipped = run->nskipped;

	walk_run = run;
	walk_dev = dev;
	walk_err = 0;
	if (nftw(path, walk_one, 64, FTW_PHYS | FTW_ACTIONRETVAL) < 0 &&
	    !walk_err)
		walk_err = walk_error(path, "cannot walk", errno);
	/* readdir order is arbitrary: report in path order */
	if (run->nfiles > first)
		qsort(run->files + first, run->nfiles - first,
		      sizeof(*run->files), cmp_file);
	if (run->nskipped > first_skipped)
		qsort(run->skipped + first_skipped,
		      run->nskipped - first_skipped, sizeof(*run->skipped),
		      cmp_skipped);
	return walk_err ? -ENOMEM : 0;
}

/* The files and skips from @first and @first_skipped on are under @root. */
static void set_root(struct vf_run *run, size_t first, size_t first_skipped,
		     int root)
{
	for (; first < run->nfiles; first++)
		run->files[first].root = root;
	for (; first_skipped < run->nskipped; first_skipped++)
		run->skipped[first_skipped].root = root;
}

/* Return: 0, or -ENOMEM. */
int vf_collect(struct vf_run *run)
{
	struct stat st;
	int i, err;

	for (i = 0; i < run->o->npaths; i++) {
		const char *path = run->o->paths[i];
		size_t first = run->nfiles, first_skipped = run->nskipped;

		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    run->o->recursive) {
			err = walk_dir(run, path, st.st_dev);
		} else {
			/* errors are reported when the file is scrubbed */
			err = add_file(run, path, stat(path, &st) == 0 &&
					S_ISREG(st.st_mode) ?
					(uint64_t)st.st_size : 0);
		}
		set_root(run, first, first_skipped, i);
		if (err)
			return err;
	}
	return 0;
}

void vf_free_run(struct vf_run *run)
{
	size_t i;

	for (i = 0; i < run->nfiles; i++) {
		free(run->files[i].path);
		free(run->files[i].error);
		free(run->files[i].ranges);
		free(run->files[i].prev_ranges);
		vf_repair_free(run->files[i].repair);
	}
	free(run->files);
	for (i = 0; i < run->nskipped; i++)
		free(run->skipped[i].path);
	free(run->skipped);
}
