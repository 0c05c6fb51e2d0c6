// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * repair_cache.c - a repair source that reads the damaged file itself,
 * from the page cache only
 *
 * A block that rotted on disk may still be cached, verified (the module
 * reports such ranges with VERITY_SCRUB_RANGE_CACHED).  This reader serves
 * a repair those bytes with preadv2(RWF_NOWAIT): served from the cache or
 * not at all (EAGAIN, or a short read where the cached part ends), which
 * it reports as -ENODATA, so the repair's checks (each block against its
 * verified leaf, the whole file's digest) apply to it as to any source.
 *
 * It reads only inside the ranges the module flagged cached, and fails
 * others with -ENODATA without a system call: RWF_NOWAIT reads no disk on
 * Linux 6.1 (it implies IOCB_NOIO there, include/linux/fs.h
 * kiocb_set_rw_flags()), but from 6.10 on ("mm: allow read-ahead with
 * IOCB_NOWAIT set") an uncached page starts a readahead before the read
 * fails with EAGAIN (6.12 mm/filemap.c filemap_get_pages(): NOIO is not
 * set, page_cache_sync_readahead()), and a cached page marked for readahead
 * (PG_readahead) starts the next window asynchronously
 * (filemap_readahead()).  The restriction avoids the first; the second
 * can still read ahead past the range on 6.12, and a page evicted since
 * the scrub is read ahead (and fails its verification) before -ENODATA.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/uio.h>

#include "repair.h"

/* Whether [off, off + len) lies within the flagged ranges of @c. */
static int all_flagged(const struct vs_repair_cache *c, uint64_t off,
		       size_t len)
{
	uint64_t pos = off, end = off + len;
	size_t i;
	int found;

	while (pos < end) {
		found = 0;
		for (i = 0; i < c->ncached; i++) {
			const struct vs_repair_bad *r = &c->cached[i];

			if (pos >= r->offset && pos < r->offset + r->length) {
				pos = r->offset + r->length;
				found = 1;
			}
		}
		if (!found)
			return 0;
	}
	return 1;
}

/**
 * vs_repair_read_cache() - a vs_repair_read_fn reading only cached bytes
 * @priv: a &struct vs_repair_cache.
 * @off: first byte.
 * @buf: where to put exactly @len bytes.
 * @len: bytes wanted.
 *
 * Return: 0 when all @len bytes came from the page cache; -ENODATA when
 * some are not cached (or not in a flagged range, or past the end of the
 * file); another -errno when the read failed otherwise (-EOPNOTSUPP: the
 * filesystem does not support RWF_NOWAIT).
 */
int vs_repair_read_cache(void *priv, uint64_t off, void *buf, size_t len)
{
	const struct vs_repair_cache *c = priv;
	size_t done = 0;
	ssize_t n;

	if (!all_flagged(c, off, len))
		return -ENODATA;
	while (done < len) {
		struct iovec iov = { (char *)buf + done, len - done };

		n = preadv2(c->fd, &iov, 1, (off_t)(off + done), RWF_NOWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ENODATA : -errno;
		if (n == 0)
			return -ENODATA;	/* past the end of the file */
		done += (size_t)n;
	}
	return 0;
}
