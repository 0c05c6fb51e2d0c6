// SPDX-License-Identifier: GPL-2.0
/*
 * setup.c - prepare a scrub: read the descriptor, check its copy on the
 * device, derive the tree layout and the hashing, compute the file digest
 * and compare it with the one the kernel holds.  Nothing is evicted; the
 * metadata pages it brings in are dropped at the end (cachemark.c).
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include "meta.h"
#include "vs_private.h"

static bool keep_cache(const struct vs_scrub *s)
{
	return s->args->flags & VERITY_SCRUB_FLAG_KEEP_CACHE;
}

static int read_desc(struct vs_scrub *s, struct fsverity_descriptor **out,
		     size_t *out_size)
{
	const struct fsverity_operations *vop = s->inode->i_sb->s_vop;
	struct fsverity_descriptor *desc;
	int size, again;

	size = vop->get_verity_descriptor(s->inode, NULL, 0);
	if (size < 0)
		return size;
	if (size < (int)sizeof(*desc) || size > VS_MAX_DESC_SIZE)
		return -EUCLEAN;
	desc = kzalloc(size, VS_GFP);
	if (!desc)
		return -ENOMEM;
	again = vop->get_verity_descriptor(s->inode, desc, size);
	if (again != size) {
		kfree(desc);
		return again < 0 ? again : -EUCLEAN;
	}
	*out = desc;
	*out_size = size;
	return 0;
}

/* Read the descriptor's @size bytes raw into @buf.  As vs_raw_read(). */
static int read_desc_raw(struct vs_scrub *s, u8 *buf, size_t size)
{
	u32 bs = i_blocksize(s->inode), detail = 0, len;
	u64 pos = vs_desc_pos(s->inode, s->tree_pos, &s->geom);
	size_t done;
	int err;

	for (done = 0; done < size; done += len, pos += len) {
		len = min_t(u64, size - done, bs - (pos & (bs - 1)));
		err = vs_raw_read(s, pos, buf + done, len, &detail);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Compare the descriptor the filesystem gave (maybe from the page cache)
 * with its copy on the device, read raw.  An unreadable or different copy
 * is reported in the out flags; the scrub goes on with the filesystem's,
 * which is what every reader of the file uses.
 */
static int check_desc_on_disk(struct vs_scrub *s)
{
	struct verity_scrub_args *a = s->args;
	u8 *disk;
	int err;

	if (!s->raw || keep_cache(s))
		return 0;
	vs_meta_prefetch(s);
	disk = kmalloc(s->desc_size, VS_GFP);
	if (!disk)
		return -ENOMEM;
	vs_retry_window(s);
	err = read_desc_raw(s, disk, s->desc_size);
	if (err == -EIO)
		a->out_flags |= VERITY_SCRUB_OUT_DESC_UNREADABLE;
	else if (!err && memcmp(disk, s->desc, s->desc_size))
		a->out_flags |= VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED;
	if (!err)
		a->out_flags |= VERITY_SCRUB_OUT_DESC_FROM_DISK;
	kfree(disk);
	return err == -EIO || err == -EOPNOTSUPP ? 0 : err;
}

static int check_desc(struct vs_scrub *s)
{
	unsigned int max_log = min_t(unsigned int, PAGE_SHIFT,
				     s->inode->i_blkbits);
	const struct fsverity_descriptor *d = s->desc;
	int err;

	if (vs_desc_validate(d, s->desc_size, i_size_read(s->inode), max_log))
		return -EUCLEAN;
	err = vs_geom_init(&s->geom, le64_to_cpu(d->data_size),
			   d->log_blocksize,
			   vs_alg_digest_size(d->hash_algorithm));
	if (err)
		return -EUCLEAN;
	return vs_hasher_init(&s->hasher, d->hash_algorithm, d->salt,
			      d->salt_size);
}

static int report_digest(struct vs_scrub *s)
{
	struct verity_scrub_args *a = s->args;
	u8 held[VS_MAX_DIGEST_SIZE];
	int n, err;

	err = vs_file_digest(&s->hasher, s->desc, a->digest);
	if (err)
		return err;
	err = check_desc_on_disk(s);
	if (err)
		return err;
	a->digest_size = s->geom.digest_size;
	a->hash_algorithm = s->desc->hash_algorithm;
	a->block_size = s->geom.block_size;
	a->file_size = s->geom.data_size;

	n = vs_kernel_digest(s->inode, held);
	if (n <= 0)
		return 0;
	a->out_flags |= VERITY_SCRUB_OUT_DIGEST_CHECKED;
	if (n != a->digest_size || memcmp(held, a->digest, n))
		a->out_flags |= VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED;
	return 0;
}

static int alloc_buffers(struct vs_scrub *s)
{
	s->walk.buf = kmalloc(s->geom.block_size, VS_GFP);
	s->walk.tbuf = kmalloc(s->geom.block_size, VS_GFP);
	s->raw_page = alloc_page(VS_GFP);
	if (!s->walk.buf || !s->walk.tbuf || !s->raw_page)
		return -ENOMEM;
	return 0;
}

/* Round the requested range outward to blocks and clamp it to the file. */
static void set_range(struct vs_scrub *s)
{
	const struct verity_scrub_args *a = s->args;
	u64 size = s->geom.data_size;
	u64 bs = s->geom.block_size;

	s->first = round_down(a->start, bs);
	s->end = a->end >= size ? size : min(round_up(a->end, bs), size);
	s->cursor = s->first < s->end ? s->first : a->start;
}

/**
 * vs_scrub_setup() - prepare @s for scrubbing @file
 * @s: zeroed state
 * @file: verity file, open for reading
 * @args: ioctl arguments, out fields zeroed
 *
 * Return: 0; -EUCLEAN if the descriptor on disk is unusable; -EIO if it
 * cannot be read at all; -ENOMEM.  vs_scrub_teardown() must be called anyway.
 */
int vs_scrub_setup(struct vs_scrub *s, struct file *file,
		   struct verity_scrub_args *args)
{
	int err;

	s->file = file;
	s->inode = file_inode(file);
	s->mapping = s->inode->i_mapping;
	s->args = args;
	s->tree_pos = round_up(i_size_read(s->inode), VS_TREE_ALIGN);
	s->raw = vs_raw_limit(file);
	vs_acc_init(&s->acc);

	vs_mark_desc(s);
	err = read_desc(s, &s->desc, &s->desc_size);
	if (!err)
		err = check_desc(s);
	if (!err)
		vs_mark_tree(s);
	if (!err)
		err = alloc_buffers(s);
	if (!err)
		err = report_digest(s);
	if (err)
		return err;
	vs_walk_init(&s->walk, &s->geom, &s->hasher, s->desc->root_hash,
		     &vs_raw_ops, s);
	set_range(s);
	vs_meta_route(s);
	return 0;
}

/**
 * vs_scrub_teardown() - free what vs_scrub_setup() allocated
 * @s: state
 */
void vs_scrub_teardown(struct vs_scrub *s)
{
	vs_mark_restore(s);
	vs_meta_free(s);
	if (s->raw_page)
		__free_page(s->raw_page);
	kfree(s->walk.tbuf);
	kfree(s->walk.buf);
	vs_hasher_destroy(&s->hasher);
	kfree(s->desc);
}
