// SPDX-License-Identifier: GPL-2.0
/*
 * cachegood.c - is a verified copy of a bad range in the page cache?
 *
 * A page of a verity file is up to date only once fs-verity verified it.
 * ext4 verifies the bio in verity_work() (fsverity_verify_bio() sets
 * bi_status on a mismatch) before __read_end_io() ends the read with
 * folio_end_read(folio, bio->bi_status == 0) (6.12 fs/ext4/readpage.c:74,
 * :111).  f2fs verifies in f2fs_verify_bio() (bi_status = BLK_STS_IOERR
 * when fsverity_verify_page() fails, 6.12 fs/f2fs/data.c:196) before
 * f2fs_finish_read_bio() sets the page up to date only without an error
 * (:153-156).  Linux 6.1 does the same (the project's kernel API notes,
 * from Debian's 6.1 source: cached data is verified, except folios cached
 * before FS_IOC_ENABLE_VERITY, fs/verity/enable.c:395).
 *
 * That exception: pages still cached from before FS_IOC_ENABLE_VERITY were
 * never verified (the ioctl no longer drops the cache, 6.12
 * fs/verity/enable.c:380-393), but they are the pages the Merkle tree was
 * built from.  A repair from the cache checks every block against its
 * leaf anyway.
 *
 * The lookup neither reads nor changes the cache: filemap_get_folio() is
 * __filemap_get_folio(mapping, index, 0, 0) (6.1 include/linux/pagemap.h:
 * 589-593, 6.12 :777-781): without FGP_CREAT it creates nothing, without
 * FGP_ACCESSED it leaves the LRU alone, and it starts no readahead; the
 * reference taken is dropped at once.  Its NULL/ERR_PTR difference is in
 * compat.h (vs_get_folio()).
 */
#include <linux/pagemap.h>

#include "vs_private.h"

/**
 * vs_pages_cached() - are all pages of bytes [from, to) cached, up to date?
 * @mapping: the verity file's page cache
 * @from: first byte
 * @to: end, exclusive; greater than @from
 *
 * Return: true if every page holding a byte of [from, to) is in @mapping
 * and up to date, as seen now (a page may be evicted right after).
 */
bool vs_pages_cached(struct address_space *mapping, u64 from, u64 to)
{
	pgoff_t idx = from >> PAGE_SHIFT, last = (to - 1) >> PAGE_SHIFT;
	struct folio *folio;
	bool ok;

	while (idx <= last) {
		folio = vs_get_folio(mapping, idx);
		if (!folio)
			return false;
		ok = folio_test_uptodate(folio);
		idx = folio->index + folio_nr_pages(folio);
		folio_put(folio);
		if (!ok)
			return false;
	}
	return true;
}
