// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_repair.c - libverityscrub's authenticated repair, in memory
 *
 * The good file's Merkle tree and descriptor are made by libfsverity (its
 * metadata callbacks), not by the code under test; the damaged file is a
 * copy whose bad blocks fail to read, as through fs-verity.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libfsverity.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/verity_scrub.h>

#include "../lib/repair.h"
#include "verityscrub.h"
#include "test.h"

/* A file in memory; reads of blocks listed in @fail fail with EIO. */
struct mem {
	uint8_t *data;
	uint64_t size;
	uint32_t bs;
	uint64_t fail[8];
	int nfail;
	int reads;
};

static int mem_read(void *priv, uint64_t off, void *buf, size_t len)
{
	struct mem *m = priv;
	uint64_t b;
	int i;

	m->reads++;
	if (off + len > m->size)
		return -ENODATA;
	for (b = m->bs ? off / m->bs : 0; m->bs && b * m->bs < off + len; b++)
		for (i = 0; i < m->nfail; i++)
			if (m->fail[i] == b)
				return -EIO;
	memcpy(buf, m->data + off, len);
	return 0;
}

/* What libfsverity made for the good content. */
struct made {
	uint8_t *tree;
	uint64_t tree_size;
	struct fsverity_descriptor desc;
	struct vs_repair_digest digest;
};

static int cb_tree_size(void *ctx, uint64_t size)
{
	struct made *m = ctx;

	m->tree_size = size;
	m->tree = calloc(size ? size : 1, 1);
	return m->tree ? 0 : -ENOMEM;
}

static int cb_tree_block(void *ctx, const void *block, size_t size,
			 uint64_t offset)
{
	struct made *m = ctx;

	memcpy(m->tree + offset, block, size);
	return 0;
}

static int cb_descriptor(void *ctx, const void *desc, size_t size)
{
	struct made *m = ctx;

	memcpy(&m->desc, desc, size < sizeof(m->desc) ? size : sizeof(m->desc));
	return 0;
}

struct seq {
	const uint8_t *data;
	uint64_t pos;
};

static int seq_read(void *priv, void *buf, size_t count)
{
	struct seq *s = priv;

	memcpy(buf, s->data + s->pos, count);
	s->pos += count;
	return 0;
}

static void make(struct made *m, const uint8_t *data, uint64_t size,
		 uint32_t alg, uint32_t bs, const uint8_t *salt,
		 uint32_t salt_size)
{
	struct libfsverity_metadata_callbacks cbs = {
		.ctx = m, .merkle_tree_size = cb_tree_size,
		.merkle_tree_block = cb_tree_block,
		.descriptor = cb_descriptor,
	};
	struct libfsverity_merkle_tree_params p;
	struct libfsverity_digest *d = NULL;
	struct seq s = { .data = data };

	memset(m, 0, sizeof(*m));
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.hash_algorithm = alg;
	p.block_size = bs;
	p.salt_size = salt_size;
	p.salt = salt;
	p.file_size = size;
	p.metadata_callbacks = &cbs;
	if (libfsverity_compute_digest(&s, seq_read, &p, &d)) {
		printf("  libfsverity_compute_digest failed\n");
		exit(2);
	}
	m->digest.alg = d->digest_algorithm;
	m->digest.size = d->digest_size;
	memcpy(m->digest.bytes, d->digest, d->digest_size);
	free(d);
}

/* A world: good content, its tree, a damaged copy and up to 3 sources. */
struct world {
	uint64_t size;
	uint32_t bs;
	uint8_t *good;
	struct made made;
	struct mem orig, tree, src[3];
	struct vs_repair_source sources[3];
	struct vs_repair_bad bad[8];
	struct vs_repair_input in;
};

static uint8_t *pattern(uint64_t size, unsigned int seed)
{
	uint8_t *p = malloc(size ? size : 1);
	uint64_t i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)((i * 2654435761u + seed) >> 7);
	return p;
}

static uint8_t *dup_bytes(const uint8_t *d, uint64_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	memcpy(p, d, size);
	return p;
}

static void world_init(struct world *w, uint64_t size, uint32_t alg,
		       uint32_t bs, const uint8_t *salt, uint32_t salt_size,
		       int nsources)
{
	int i;

	memset(w, 0, sizeof(*w));
	w->size = size;
	w->bs = bs;
	w->good = pattern(size, 7);
	make(&w->made, w->good, size, alg, bs, salt, salt_size);
	w->orig = (struct mem){ .data = dup_bytes(w->good, size),
				.size = size, .bs = bs };
	w->tree = (struct mem){ .data = w->made.tree,
				.size = w->made.tree_size };
	for (i = 0; i < nsources; i++) {
		w->src[i] = (struct mem){ .data = dup_bytes(w->good, size),
					  .size = size, .bs = bs };
		w->sources[i].read = mem_read;
		w->sources[i].priv = &w->src[i];
	}
	w->in.desc = w->made.desc;
	w->in.expected = w->made.digest;
	w->in.read_tree = mem_read;
	w->in.tree_priv = &w->tree;
	w->in.read_orig = mem_read;
	w->in.orig_priv = &w->orig;
	w->in.bad = w->bad;
	w->in.sources = w->sources;
	w->in.nsources = (size_t)nsources;
}

/* Block @b of the damaged file is bad: its bytes rot, its reads fail. */
static void damage(struct world *w, uint64_t b, uint32_t kind)
{
	uint64_t off = b * w->bs;
	uint64_t len = w->size - off < w->bs ? w->size - off : w->bs;

	w->orig.data[off + len / 2] ^= 0x40;
	w->orig.fail[w->orig.nfail++] = b;
	w->bad[w->in.nbad++] = (struct vs_repair_bad){ off, len, kind };
}

static void world_free(struct world *w)
{
	int i;

	free(w->good);
	free(w->made.tree);
	free(w->orig.data);
	for (i = 0; i < 3; i++)
		free(w->src[i].data);
}

/* The assembled content equals the good file, byte for byte. */
static int assembled_is_good(const struct vs_repair_plan *p, struct world *w)
{
	uint8_t *buf = malloc(w->size ? w->size : 1);
	int ok;

	w->orig.nfail = 0;	/* read the good blocks; bad ones come from p */
	memset(w->orig.fail, 0xff, sizeof(w->orig.fail));
	ok = !vs_repair_read(p, &w->in, 0, buf, w->size) &&
	     !memcmp(buf, w->good, w->size);
	free(buf);
	return ok;
}

#define SIZE (10 * 4096 + 1000)

/* The usual world: SIZE bytes, SHA-256, 4096-byte blocks, no salt. */
static void world_default(struct world *w, int nsources)
{
	world_init(w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0,
		   nsources);
}

static void test_good_source_two_blocks(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(&w, 7, VERITY_SCRUB_KIND_HASH_MISMATCH);
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_STR(vs_repair_verdict_name(p->verdict), "authenticated");
	CHECK_U64(p->nblocks, 2);
	CHECK_U64(p->blocks[0].index, 2);
	CHECK_U64(p->blocks[1].index, 7);
	CHECK_U64(p->blocks[0].source, 0);
	CHECK_U64(p->blocks[1].leaf_verified, 1);
	CHECK_U64(p->source_bytes[0], 8192);
	CHECK_U64(p->source_rejected[0], 0);
	CHECK_U64(p->data_size, SIZE);
	CHECK_U64(p->block_size, 4096);
	CHECK(assembled_is_good(p, &w));
	vs_repair_plan_free(p);
	world_free(&w);
}

static void test_wrong_byte_in_needed_block(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(&w, 7, VERITY_SCRUB_KIND_HASH_MISMATCH);
	w.src[0].data[7 * 4096 + 100] ^= 1;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_NO_SOURCE);
	CHECK_U64(p->fail_offset, 7 * 4096);
	CHECK_U64(p->source_bytes[0], 4096);	/* block 2 was fine */
	CHECK_U64(p->source_rejected[0], 1);
	CHECK_U64(p->source_first_reject[0], 7 * 4096);
	CHECK_U64(p->blocks[1].source, (uint64_t)-1);
	vs_repair_plan_free(p);
	world_free(&w);
}

static void test_wrong_only_in_unneeded_blocks(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(&w, 7, VERITY_SCRUB_KIND_IO_ERROR);
	w.src[0].data[4 * 4096] ^= 1;
	w.src[0].data[SIZE - 1] ^= 1;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_AUTHENTICATED);
	CHECK_U64(p->source_bytes[0], 8192);
	CHECK(assembled_is_good(p, &w));
	vs_repair_plan_free(p);
	world_free(&w);
}

static void test_two_sources_each_good_for_one(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 2);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(&w, 7, VERITY_SCRUB_KIND_UNKNOWN);
	w.src[0].data[7 * 4096 + 5] ^= 1;	/* first: good for block 2 */
	w.src[1].data[2 * 4096 + 5] ^= 1;	/* second: good for block 7 */
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_AUTHENTICATED);
	CHECK_U64(p->blocks[0].source, 0);
	CHECK_U64(p->blocks[1].source, 1);
	CHECK_U64(p->source_bytes[0], 4096);
	CHECK_U64(p->source_bytes[1], 4096);
	CHECK_U64(p->source_rejected[0], 1);
	CHECK_U64(p->source_first_reject[0], 7 * 4096);
	CHECK_U64(p->source_rejected[1], 0);
	CHECK(assembled_is_good(p, &w));
	vs_repair_plan_free(p);
	world_free(&w);
}

/* A source that cannot read a block is passed over for the next one. */
static void test_unreadable_source_passed_over(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 2);
	damage(&w, 10, VERITY_SCRUB_KIND_HASH_MISMATCH);	/* last, partial */
	w.src[0].fail[w.src[0].nfail++] = 10;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_AUTHENTICATED);
	CHECK_U64(p->blocks[0].source, 1);
	CHECK_U64(p->source_bytes[0], 0);
	CHECK_U64(p->source_bytes[1], 1000);
	CHECK_U64(p->source_rejected[0], 1);
	CHECK(assembled_is_good(p, &w));
	vs_repair_plan_free(p);
	world_free(&w);
}

/* The expected digest is not the descriptor's: nothing is trusted. */
static void test_descriptor_not_expected(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	w.in.expected.bytes[0] ^= 1;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_BAD_DESCRIPTOR);
	CHECK_U64(w.src[0].reads, 0);
	vs_repair_plan_free(p);
	/* a rotten descriptor (its root hash) with the right digest */
	w.in.expected = w.made.digest;
	w.in.desc.root_hash[3] ^= 1;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_BAD_DESCRIPTOR);
	vs_repair_plan_free(p);
	world_free(&w);
}

/*
 * SHA-512, 1024-byte blocks and a salt: a three-level tree (300 blocks,
 * 16 hashes per block); the salt is padded to SHA-512's 128 bytes.
 */
static void test_sha512_salt_three_levels(void)
{
	static const uint8_t salt[5] = { 1, 2, 3, 4, 5 };
	uint64_t size = 299 * 1024 + 77;
	struct vs_repair_plan *p;
	struct world w;

	world_init(&w, size, FS_VERITY_HASH_ALG_SHA512, 1024, salt, 5, 1);
	CHECK_U64(w.made.tree_size, (19 + 2 + 1) * 1024);
	damage(&w, 0, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(&w, 150, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(&w, 299, VERITY_SCRUB_KIND_HASH_MISMATCH);
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_AUTHENTICATED);
	CHECK_U64(p->nblocks, 3);
	CHECK_U64(p->blocks[0].leaf_verified + p->blocks[1].leaf_verified +
		  p->blocks[2].leaf_verified, 3);
	CHECK_U64(p->source_bytes[0], 2 * 1024 + 77);
	CHECK_U64(p->salt_size, 5);
	/* only the paths to the three leaves: level 0 blocks 0, 9 and 18,
	 * level 1 blocks 0 and 1, the top block; each read once */
	CHECK_U64(w.tree.reads, 6);
	CHECK(assembled_is_good(p, &w));
	vs_repair_plan_free(p);
	/* one wrong byte in a needed block is caught by its leaf */
	w.src[0].data[150 * 1024 + 1023] ^= 0x80;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_NO_SOURCE);
	CHECK_U64(p->fail_offset, 150 * 1024);
	vs_repair_plan_free(p);
	world_free(&w);
}

/*
 * A corrupt leaf-level tree block: the data blocks under it have no
 * verified leaf, so only the whole-file digest can accept them.
 */
static void test_tree_corrupt_whole_file_check(void)
{
	uint64_t size = 300 * 1024;
	struct vs_repair_plan *p;
	struct world w;

	world_init(&w, size, FS_VERITY_HASH_ALG_SHA512, 1024, NULL, 0, 1);
	/* level 0 starts after 1 + 2 blocks; its block 5: data 80..95 */
	w.made.tree[(3 + 5) * 1024 + 10] ^= 1;
	damage(&w, 81, VERITY_SCRUB_KIND_TREE_CORRUPT);
	w.bad[0].offset = 80 * 1024;
	w.bad[0].length = 16 * 1024;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_AUTHENTICATED);
	CHECK_U64(p->nblocks, 16);
	CHECK_U64(p->blocks[1].leaf_verified, 0);
	CHECK_U64(p->source_bytes[0], 16 * 1024);
	CHECK(assembled_is_good(p, &w));
	vs_repair_plan_free(p);
	/* a wrong byte under the corrupt tree block fails the whole file */
	w.orig.nfail = 1;
	w.orig.fail[0] = 81;
	w.src[0].data[90 * 1024] ^= 1;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_DIGEST_MISMATCH);
	vs_repair_plan_free(p);
	world_free(&w);
}

/* One block: no tree; the root hash is the block's hash. */
static void test_single_block_file(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_init(&w, 3000, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
	CHECK_U64(w.made.tree_size, 0);
	damage(&w, 0, VERITY_SCRUB_KIND_IO_ERROR);
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_AUTHENTICATED);
	CHECK_U64(p->blocks[0].leaf_verified, 1);
	CHECK_U64(p->source_bytes[0], 3000);
	CHECK(assembled_is_good(p, &w));
	vs_repair_plan_free(p);
	w.src[0].data[0] ^= 1;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_NO_SOURCE);
	vs_repair_plan_free(p);
	world_free(&w);
}

/* A block the scrub did not report fails to read: refused, and where. */
static void test_original_unreadable_elsewhere(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	w.orig.fail[w.orig.nfail++] = 5;
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_ORIG_UNREADABLE);
	CHECK_U64(p->fail_offset, 5 * 4096);
	CHECK_U64(p->fail_errno, EIO);
	vs_repair_plan_free(p);
	world_free(&w);
}

/* TRANSIENT ranges are not repaired (their blocks read fine). */
static void test_transient_not_replaced(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	w.bad[w.in.nbad++] = (struct vs_repair_bad){ 4 * 4096, 4096,
						     VERITY_SCRUB_KIND_TRANSIENT };
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_AUTHENTICATED);
	CHECK_U64(p->nblocks, 1);
	CHECK_U64(p->source_bytes[0], 4096);
	vs_repair_plan_free(p);
	world_free(&w);
}

/*
 * Installing: a fake fs-verity behind vs_repair_sys.  ENABLE_VERITY
 * computes the digest of the fd's content with libfsverity (refusing a
 * writable fd, as the kernel does); MEASURE returns it.
 */
#define FAKE_SIG_SIZE 300

static struct {
	dev_t dev;
	ino_t ino;
	struct vs_repair_digest digest;
	struct fsverity_enable_arg arg;
	int enabled, enable_err, measure_wrong, signed_orig;
	uint8_t sig[FAKE_SIG_SIZE];	/* the signature enable was given */
	/* FS_IOC_GETFLAGS: of the original (orig_ino), of other files */
	ino_t orig_ino;
	int orig_flags, new_flags, getflags_err;
	int setflags_calls, set_flags, set_while_enabled;
	ino_t set_ino;
} fv;

/* The fake's builtin signature of the original: byte i is i * 3 + 1. */
static uint8_t sig_byte(size_t i)
{
	return (uint8_t)(i * 3 + 1);
}

static int fd_seq_read(void *priv, void *buf, size_t count)
{
	struct seq *s = priv;
	int fd = (int)(intptr_t)s->data;

	if (pread(fd, buf, count, (off_t)s->pos) != (ssize_t)count)
		return -EIO;
	s->pos += count;
	return 0;
}

static int fake_enable(int fd, const struct fsverity_enable_arg *arg)
{
	struct libfsverity_merkle_tree_params p;
	struct libfsverity_digest *d = NULL;
	struct seq sq = { .data = (const uint8_t *)(intptr_t)fd };
	struct stat st;

	if ((fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY)
		return -ETXTBSY;
	if (fv.enable_err)
		return fv.enable_err;
	fstat(fd, &st);
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.hash_algorithm = arg->hash_algorithm;
	p.block_size = arg->block_size;
	p.salt_size = arg->salt_size;
	p.salt = (const uint8_t *)(uintptr_t)arg->salt_ptr;
	p.file_size = (uint64_t)st.st_size;
	if (libfsverity_compute_digest(&sq, fd_seq_read, &p, &d))
		return -EIO;
	fv.dev = st.st_dev;
	fv.ino = st.st_ino;
	fv.digest.alg = d->digest_algorithm;
	fv.digest.size = d->digest_size;
	memcpy(fv.digest.bytes, d->digest, d->digest_size);
	fv.arg = *arg;
	if (arg->sig_size && arg->sig_size <= FAKE_SIG_SIZE)
		memcpy(fv.sig, (const void *)(uintptr_t)arg->sig_ptr,
		       arg->sig_size);
	fv.enabled++;
	free(d);
	return 0;
}

/* The world whose damaged file the public API tests put on disk. */
static struct world *api_w;

static int fake_measure(int fd, struct vs_repair_digest *d)
{
	struct stat st;

	fstat(fd, &st);
	if (api_w && st.st_ino == fv.orig_ino) {
		*d = api_w->made.digest;	/* the kernel's, of the original */
		return 0;
	}
	if (!fv.enabled || st.st_ino != fv.ino || st.st_dev != fv.dev)
		return -ENODATA;
	*d = fv.digest;
	if (fv.measure_wrong)
		d->bytes[0] ^= 1;
	return 0;
}

static int fake_read_metadata(int fd, uint64_t type, uint64_t off, void *buf,
			      size_t len)
{
	const uint8_t *src = NULL;
	uint64_t size = 0;
	struct stat st;
	size_t i;

	fstat(fd, &st);
	if (api_w && st.st_ino == fv.orig_ino &&
	    type != FS_VERITY_METADATA_TYPE_SIGNATURE) {
		if (type == FS_VERITY_METADATA_TYPE_DESCRIPTOR) {
			src = (const uint8_t *)&api_w->made.desc;
			size = sizeof(api_w->made.desc);
		} else {
			src = api_w->made.tree;
			size = api_w->made.tree_size;
		}
		if (off >= size)
			return 0;
		len = len < size - off ? len : (size_t)(size - off);
		memcpy(buf, src + off, len);
		return (int)len;
	}
	if (type == FS_VERITY_METADATA_TYPE_SIGNATURE && fv.signed_orig) {
		if (off >= FAKE_SIG_SIZE)
			return 0;
		if (len > FAKE_SIG_SIZE - off)
			len = (size_t)(FAKE_SIG_SIZE - off);
		if (len > 128)		/* short reads, as the kernel may */
			len = 128;
		for (i = 0; i < len; i++)
			((uint8_t *)buf)[i] = sig_byte((size_t)off + i);
		return (int)len;
	}
	return type == FS_VERITY_METADATA_TYPE_SIGNATURE ? -ENODATA :
	       -EOPNOTSUPP;
}

static int fake_getflags(int fd, int *flags)
{
	struct stat st;

	fstat(fd, &st);
	if (fv.getflags_err)
		return fv.getflags_err;
	*flags = st.st_ino == fv.orig_ino ? fv.orig_flags : fv.new_flags;
	return 0;
}

static int fake_setflags(int fd, int flags)
{
	struct stat st;

	fstat(fd, &st);
	fv.setflags_calls++;
	fv.set_flags = flags;
	fv.set_ino = st.st_ino;
	fv.set_while_enabled = fv.enabled;
	return 0;
}

static const struct vs_repair_sys *real_sys;
static const struct vs_repair_sys fake_sys = {
	.read_metadata = fake_read_metadata,
	.enable_verity = fake_enable,
	.measure = fake_measure,
	.getflags = fake_getflags,
	.setflags = fake_setflags,
};

/* A directory with the damaged file "f" (mode 0640, an xattr, old times). */
struct disk {
	char dir[64], path[80];
	int fd;
	struct vs_repair_fd orig;
	struct stat st;
};

static void disk_init(struct disk *k, struct world *w)
{
	struct timespec ts[2] = { { 1000000000, 123 }, { 1100000000, 456789 } };
	int fd;

	memset(&fv, 0, sizeof(fv));
	real_sys = vs_repair_sys;
	vs_repair_sys = &fake_sys;
	strcpy(k->dir, "/tmp/vs-test-repair-XXXXXX");
	if (!mkdtemp(k->dir))
		exit(2);
	snprintf(k->path, sizeof(k->path), "%s/f", k->dir);
	fd = open(k->path, O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (fd < 0 || write(fd, w->orig.data, w->size) != (ssize_t)w->size)
		exit(2);
	fchmod(fd, 0640);
	if (fsetxattr(fd, "user.vs", "kept", 4, 0))
		printf("  no user xattrs here\n");
	futimens(fd, ts);
	close(fd);
	k->fd = open(k->path, O_RDONLY);
	fstat(k->fd, &k->st);
	fv.orig_ino = k->st.st_ino;
	fv.orig_flags = fv.new_flags = FS_EXTENT_FL;
	k->orig.fd = k->fd;
	w->in.read_orig = vs_repair_read_fd;
	w->in.orig_priv = &k->orig;
}

/* Names in the directory, sorted, joined by spaces. */
static const char *listing(const struct disk *k)
{
	static char out[512];
	struct dirent **names;
	int i, n = scandir(k->dir, &names, NULL, alphasort);

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") &&
		    strcmp(names[i]->d_name, "..")) {
			size_t used = strlen(out);

			snprintf(out + used, sizeof(out) - used, "%s%s",
				 used ? " " : "", names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

/* @path has exactly @want's bytes. */
static int has_bytes(const char *path, const uint8_t *want, uint64_t size)
{
	uint8_t *buf = malloc(size + 1);
	int fd = open(path, O_RDONLY), ok;

	ok = fd >= 0 && read(fd, buf, size + 1) == (ssize_t)size &&
	     !memcmp(buf, want, size);
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok;
}

/* The damaged original is as it was: same inode, same bytes. */
static void check_untouched(const struct disk *k, const struct world *w)
{
	struct stat st;

	CHECK(stat(k->path, &st) == 0);
	CHECK_U64(st.st_ino, k->st.st_ino);
	CHECK(has_bytes(k->path, w->orig.data, w->size));
}

static void disk_free(struct disk *k)
{
	DIR *d = opendir(k->dir);
	struct dirent *de;
	char p[400];

	close(k->fd);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' || strlen(de->d_name) > 2) {
			snprintf(p, sizeof(p), "%s/%s", k->dir, de->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(k->dir);
	vs_repair_sys = real_sys;
	api_w = NULL;
}

static struct vs_repair_plan *planned(struct world *w)
{
	struct vs_repair_plan *p = NULL;

	if (vs_repair_plan(&w->in, &p) || p->verdict) {
		printf("  plan not authenticated\n");
		test_failed = 1;
	}
	return p;
}

static void test_install_replaces(void)
{
	static const uint8_t salt[3] = { 9, 8, 7 };
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;
	struct stat st, before;
	char val[16] = "";

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, salt, 3, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(&w, 7, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(&k, &w);
	p = planned(&w);
	/* reading the original for the plan may have moved its atime */
	fstat(k.fd, &before);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), 0);
	CHECK_STR(vs_repair_step_name(step), "none");
	CHECK(stat(k.path, &st) == 0);	/* before a read moves the atime */
	CHECK(has_bytes(k.path, w.good, SIZE));
	CHECK(st.st_ino != k.st.st_ino);
	CHECK_U64(st.st_ino, fv.ino);
	CHECK_U64(st.st_mode, S_IFREG | 0640);
	CHECK_U64(st.st_uid, k.st.st_uid);
	CHECK_U64(st.st_mtim.tv_sec, 1100000000);
	CHECK_U64(st.st_mtim.tv_nsec, 456789);
	CHECK_U64(st.st_atim.tv_sec, before.st_atim.tv_sec);
	CHECK_U64(st.st_atim.tv_nsec, before.st_atim.tv_nsec);
	CHECK_U64(getxattr(k.path, "user.vs", val, sizeof(val)), 4);
	CHECK_STR(val, "kept");
	CHECK_U64(fv.enabled, 1);
	CHECK_U64(fv.arg.hash_algorithm, FS_VERITY_HASH_ALG_SHA256);
	CHECK_U64(fv.arg.block_size, 4096);
	CHECK_U64(fv.arg.salt_size, 3);
	CHECK_STR(listing(&k), "f");
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

static void test_install_hard_link_refused(void)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;
	char link2[100];

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(&k, &w);
	snprintf(link2, sizeof(link2), "%s/g", k.dir);
	CHECK(link(k.path, link2) == 0);
	p = planned(&w);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), -EMLINK);
	CHECK_U64(step, VS_REPAIR_STEP_CHECK);
	check_untouched(&k, &w);
	CHECK_STR(listing(&k), "f g");
	CHECK_U64(fv.enabled, 0);
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

/* fs-verity measures the new file differently: nothing is replaced. */
static void test_install_measure_differs(void)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(&k, &w);
	fv.measure_wrong = 1;
	p = planned(&w);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), -EBADMSG);
	CHECK_STR(vs_repair_step_name(step), "measure");
	check_untouched(&k, &w);
	CHECK_STR(listing(&k), "f");
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

static void test_install_enable_fails(void)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(&k, &w);
	fv.enable_err = -ENOSPC;
	p = planned(&w);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), -ENOSPC);
	CHECK_STR(vs_repair_step_name(step), "enable-verity");
	check_untouched(&k, &w);
	CHECK_STR(listing(&k), "f");
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

/* The path no longer names the file that was authenticated. */
static void test_install_path_replaced(void)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;
	char other[100];
	int fd;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(&k, &w);
	p = planned(&w);
	snprintf(other, sizeof(other), "%s/o", k.dir);
	fd = open(other, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && write(fd, "new", 3) == 3);
	close(fd);
	CHECK(rename(other, k.path) == 0);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), -ESTALE);
	CHECK_U64(step, VS_REPAIR_STEP_CHECK);
	CHECK(has_bytes(k.path, (const uint8_t *)"new", 3));
	CHECK_STR(listing(&k), "f");
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

/* A builtin signature is read whole (short reads) and given to enable. */
static void test_install_signed_kept(void)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;
	size_t i, same = 0;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(&k, &w);
	fv.signed_orig = 1;
	p = planned(&w);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), 0);
	CHECK_U64(fv.enabled, 1);
	CHECK_U64(fv.arg.sig_size, FAKE_SIG_SIZE);
	for (i = 0; i < FAKE_SIG_SIZE; i++)
		same += fv.sig[i] == sig_byte(i);
	CHECK_U64(same, FAKE_SIG_SIZE);
	CHECK(has_bytes(k.path, w.good, SIZE));
	CHECK_STR(listing(&k), "f");
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

/* Without a signature, enable gets none. */
static void test_install_unsigned_no_sig(void)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(&k, &w);
	p = planned(&w);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), 0);
	CHECK_U64(fv.arg.sig_size, 0);
	CHECK_U64(fv.arg.sig_ptr, 0);
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

/* Install with the original's inode flags @orig; the new file has @newf. */
static int install_with_flags(int orig, int newf, int getflags_err,
			      struct disk *k, struct world *w)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	int err;

	world_init(w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
	damage(w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	disk_init(k, w);
	fv.orig_flags = orig;
	fv.new_flags = newf;
	fv.getflags_err = getflags_err;
	p = planned(w);
	err = vs_repair_install(p, &w->in, k->path, k->fd, &step);
	if (err)
		CHECK_U64(step, VS_REPAIR_STEP_CHECK);
	vs_repair_plan_free(p);
	return err;
}

/*
 * The user-settable flags NODUMP, NOATIME and SYNC are carried over onto
 * the new file (keeping its own, e.g. EXTENTS), before verity is enabled;
 * VERITY, COMPR, NOCOW, ... are not.
 */
static void test_install_flags_carried(void)
{
	struct world w;
	struct disk k;

	CHECK_U64(install_with_flags(FS_NODUMP_FL | FS_NOATIME_FL | FS_SYNC_FL |
				     FS_VERITY_FL | FS_EXTENT_FL | FS_COMPR_FL |
				     FS_NOCOW_FL, FS_EXTENT_FL, 0, &k, &w), 0);
	CHECK_U64(fv.setflags_calls, 1);
	CHECK_U64(fv.set_flags, FS_EXTENT_FL | FS_NODUMP_FL | FS_NOATIME_FL |
				FS_SYNC_FL);
	CHECK_U64(fv.set_ino, fv.ino);		/* the new file */
	CHECK_U64(fv.set_while_enabled, 0);	/* before enable */
	CHECK(has_bytes(k.path, w.good, SIZE));
	disk_free(&k);
	world_free(&w);
}

/* Nothing to carry (or FS_IOC_GETFLAGS unsupported): no FS_IOC_SETFLAGS. */
static void test_install_no_flags_to_carry(void)
{
	struct world w;
	struct disk k;

	CHECK_U64(install_with_flags(FS_EXTENT_FL | FS_VERITY_FL, FS_EXTENT_FL,
				     0, &k, &w), 0);
	CHECK_U64(fv.setflags_calls, 0);
	disk_free(&k);
	world_free(&w);
	CHECK_U64(install_with_flags(0, 0, -ENOTTY, &k, &w), 0);
	CHECK_U64(fv.setflags_calls, 0);
	CHECK(has_bytes(k.path, w.good, SIZE));
	disk_free(&k);
	world_free(&w);
}

/* An immutable or append-only original cannot be replaced: -EPERM. */
static void test_install_immutable_refused(void)
{
	static const int bad[] = { FS_IMMUTABLE_FL, FS_APPEND_FL };
	struct world w;
	struct disk k;
	size_t i;

	for (i = 0; i < 2; i++) {
		CHECK_U64(install_with_flags(bad[i] | FS_VERITY_FL, 0, 0, &k,
					     &w), -EPERM);
		check_untouched(&k, &w);
		CHECK_STR(listing(&k), "f");
		CHECK_U64(fv.enabled, 0);
		CHECK_U64(fv.setflags_calls, 0);
		disk_free(&k);
		world_free(&w);
	}
}

/* A refused plan is never installed. */
static void test_install_refused_plan(void)
{
	enum vs_repair_step step;
	struct vs_repair_plan *p;
	struct world w;
	struct disk k;

	world_default(&w, 1);
	damage(&w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	w.src[0].data[2 * 4096] ^= 1;
	disk_init(&k, &w);
	CHECK_U64(vs_repair_plan(&w.in, &p), 0);
	CHECK_U64(p->verdict, VS_REPAIR_NO_SOURCE);
	CHECK_U64(vs_repair_install(p, &w.in, k.path, k.fd, &step), -EINVAL);
	check_untouched(&k, &w);
	CHECK_STR(listing(&k), "f");
	vs_repair_plan_free(p);
	disk_free(&k);
	world_free(&w);
}

/* Named temporary files left by a killed run are removed, only those. */
static void test_remove_stale(void)
{
	static const char *const names[] = {
		".f.vs-repair.ab12cd", ".f.vs-repair.ab12cde", ".g.vs-repair.ab12cd",
		".f.vs-repair.", "f.vs-repair.ab12cd",
	};
	struct world w;
	struct disk k;
	char p[200];
	size_t i;
	int fd;

	world_init(&w, 100, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 0);
	disk_init(&k, &w);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", k.dir, names[i]);
		fd = open(p, O_WRONLY | O_CREAT, 0600);
		close(fd);
	}
	CHECK_U64(vs_repair_remove_stale(k.path), 1);
	CHECK_STR(listing(&k), ".f.vs-repair. .f.vs-repair.ab12cde "
		  ".g.vs-repair.ab12cd f f.vs-repair.ab12cd");
	disk_free(&k);
	world_free(&w);
}

/* Again with a named temp file, as where there is no O_TMPFILE. */
#define NAMED(fn)							\
static void test_install_named_##fn(void)				\
{									\
	vs_repair_force_named = 1;					\
	test_install_##fn();						\
	vs_repair_force_named = 0;					\
}
NAMED(replaces)
NAMED(measure_differs)
NAMED(enable_fails)

/*
 * The public interface (verityscrub.h): callback sources.  The damaged
 * file is on disk; the fake serves its descriptor, tree and digest.
 */
struct cb_src {
	const uint8_t *data;	/* what it supplies */
	uint64_t size;
	uint64_t wrong_block;	/* supplied with a flipped byte (or ~0) */
	int err;		/* returned instead, if not 0 */
	int calls;
	uint64_t offs[8];
};

static int cb_read(void *priv, uint64_t off, void *buf, size_t len)
{
	struct cb_src *c = priv;

	if (c->calls < 8)
		c->offs[c->calls] = off;
	c->calls++;
	if (c->err)
		return c->err;
	if (off + len > c->size)
		return -ENODATA;
	memcpy(buf, c->data + off, len);
	if (off / 4096 == c->wrong_block)
		((uint8_t *)buf)[len / 3] ^= 1;
	return 0;
}

/* Blocks 2 and 7 bad; a transient range at 0 that is not repaired. */
static const struct verity_scrub_range api_ranges[] = {
	{ .offset = 0, .length = 4096, .kind = VERITY_SCRUB_KIND_TRANSIENT },
	{ .offset = 2 * 4096, .length = 4096,
	  .kind = VERITY_SCRUB_KIND_HASH_MISMATCH },
	{ .offset = 7 * 4096, .length = 4096,
	  .kind = VERITY_SCRUB_KIND_IO_ERROR },
};

static void api_setup(struct world *w, struct disk *k,
		      struct verity_scrub_repair_opts *o,
		      struct verity_scrub_repair_result *r)
{
	world_init(w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 0);
	damage(w, 2, VERITY_SCRUB_KIND_HASH_MISMATCH);
	damage(w, 7, VERITY_SCRUB_KIND_IO_ERROR);
	disk_init(k, w);
	api_w = w;
	CHECK_U64(verity_scrub_repair_opts_init(o), 0);
	CHECK_U64(verity_scrub_repair_result_init(r), 0);
	o->ranges = api_ranges;
	o->nranges = 3;
}

static void test_api_callback_source_repairs(void)
{
	struct verity_scrub_repair_source src[1];
	struct verity_scrub_repair_opts o;
	struct verity_scrub_repair_result r;
	struct cb_src c = { .wrong_block = ~0ull };
	struct world w;
	struct disk k;
	struct stat st;

	api_setup(&w, &k, &o, &r);
	c.data = w.good;
	c.size = SIZE;
	memset(src, 0, sizeof(src));
	src[0].read = cb_read;
	src[0].priv = &c;
	o.sources = src;
	o.nsources = 1;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), 0);
	CHECK_STR(verity_scrub_repair_status_name(r.status), "replaced");
	CHECK_STR(verity_scrub_repair_step_name(r.step), "none");
	CHECK_U64(r.error, 0);
	CHECK_U64(r.blocks, 2);
	CHECK_U64(src[0].bytes, 8192);
	CHECK_U64(src[0].rejected_blocks, 0);
	CHECK_U64(src[0].first_rejected_offset, UINT64_MAX);
	/* asked for the two bad blocks only, once each */
	CHECK_U64(c.calls, 2);
	CHECK_U64(c.offs[0], 2 * 4096);
	CHECK_U64(c.offs[1], 7 * 4096);
	CHECK(has_bytes(k.path, w.good, SIZE));
	CHECK(stat(k.path, &st) == 0 && st.st_ino != k.st.st_ino);
	CHECK_U64(fv.enabled, 1);
	CHECK_STR(r.quarantine_name, "");
	CHECK_STR(listing(&k), "f");
	disk_free(&k);
	world_free(&w);
}

/* Two callbacks, each wrong for a different block: repaired together. */
static void test_api_two_sources(void)
{
	struct verity_scrub_repair_source src[2];
	struct verity_scrub_repair_opts o;
	struct verity_scrub_repair_result r;
	struct cb_src a = { .wrong_block = 7 }, b = { .wrong_block = 2 };
	struct world w;
	struct disk k;

	api_setup(&w, &k, &o, &r);
	a.data = b.data = w.good;
	a.size = b.size = SIZE;
	memset(src, 0, sizeof(src));
	src[0].read = src[1].read = cb_read;
	src[0].priv = &a;
	src[1].priv = &b;
	o.sources = src;
	o.nsources = 2;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), 0);
	CHECK_U64(r.status, VERITY_SCRUB_REPAIR_REPLACED);
	CHECK_U64(src[0].bytes, 4096);
	CHECK_U64(src[0].rejected_blocks, 1);
	CHECK_U64(src[0].first_rejected_offset, 7 * 4096);
	CHECK_U64(src[1].bytes, 4096);
	CHECK_U64(src[1].rejected_blocks, 0);
	CHECK_U64(b.calls, 1);
	CHECK_U64(b.offs[0], 7 * 4096);
	CHECK(has_bytes(k.path, w.good, SIZE));
	disk_free(&k);
	world_free(&w);
}

/* A failing callback, a dry run: nothing written. */
static void test_api_refused_and_dry_run(void)
{
	struct verity_scrub_repair_source src[1];
	struct verity_scrub_repair_opts o;
	struct verity_scrub_repair_result r;
	struct cb_src c = { .wrong_block = ~0ull, .err = -ECONNRESET };
	struct world w;
	struct disk k;

	api_setup(&w, &k, &o, &r);
	c.data = w.good;
	c.size = SIZE;
	memset(src, 0, sizeof(src));
	src[0].read = cb_read;
	src[0].priv = &c;
	o.sources = src;
	o.nsources = 1;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), 0);
	CHECK_STR(verity_scrub_repair_status_name(r.status), "no_source");
	CHECK_U64(r.fail_offset, 2 * 4096);
	CHECK_U64(src[0].rejected_blocks, 2);	/* every bad block tried */
	CHECK_U64(c.calls, 2);
	CHECK_U64(fv.enabled, 0);
	check_untouched(&k, &w);
	c.err = 0;
	o.flags = VERITY_SCRUB_REPAIR_DRY_RUN;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), 0);
	CHECK_STR(verity_scrub_repair_status_name(r.status), "repairable");
	CHECK_U64(r.blocks, 2);
	CHECK_U64(src[0].bytes, 8192);
	CHECK_U64(fv.enabled, 0);
	check_untouched(&k, &w);
	CHECK_STR(listing(&k), "f");
	disk_free(&k);
	world_free(&w);
}

/* quarantine_dir: the original kept as f.INO; the name reported. */
static void test_api_quarantine(void)
{
	struct verity_scrub_repair_source src[1];
	struct verity_scrub_repair_opts o;
	struct verity_scrub_repair_result r;
	struct cb_src c = { .wrong_block = ~0ull };
	char q[200], want[64];
	struct world w;
	struct disk k;

	api_setup(&w, &k, &o, &r);
	c.data = w.good;
	c.size = SIZE;
	memset(src, 0, sizeof(src));
	src[0].read = cb_read;
	src[0].priv = &c;
	o.sources = src;
	o.nsources = 1;
	snprintf(q, sizeof(q), "%s/q", k.dir);
	CHECK(mkdir(q, 0700) == 0);
	o.quarantine_dir = q;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), 0);
	CHECK_U64(r.status, VERITY_SCRUB_REPAIR_REPLACED);
	snprintf(want, sizeof(want), "f.%llu",
		 (unsigned long long)k.st.st_ino);
	CHECK_STR(r.quarantine_name, want);
	snprintf(q, sizeof(q), "%s/q/%s", k.dir, want);
	CHECK(has_bytes(q, w.orig.data, SIZE));
	unlink(q);
	snprintf(q, sizeof(q), "%s/q", k.dir);
	rmdir(q);
	disk_free(&k);
	world_free(&w);
}

/* The extensible-struct rules and invalid options. */
static void test_api_contract(void)
{
	struct verity_scrub_repair_source src[1];
	struct {
		struct verity_scrub_repair_opts o;
		uint64_t newer;
	} big;
	struct verity_scrub_repair_opts o;
	struct verity_scrub_repair_result r;
	struct cb_src c = { .wrong_block = ~0ull };
	struct world w;
	struct disk k;

	CHECK_U64(verity_scrub_repair_opts_init_size(&o, 8), -EINVAL);
	CHECK_U64(verity_scrub_repair_result_init_size(&r, 8), -EINVAL);
	api_setup(&w, &k, &o, &r);
	c.data = w.good;
	c.size = SIZE;
	memset(src, 0, sizeof(src));
	src[0].read = cb_read;
	src[0].priv = &c;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), -EINVAL);
	o.sources = src;
	o.nsources = 1;
	o.nranges = 1;		/* only the transient range */
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), -EINVAL);
	o.nranges = 3;
	src[0].reserved[2] = 1;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), -EINVAL);
	src[0].reserved[2] = 0;
	o.flags = 1u << 5;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), -E2BIG);
	o.flags = 0;
	CHECK_U64(verity_scrub_repair_opts_init_size(&big.o, sizeof(big)), 0);
	big.o.ranges = api_ranges;
	big.o.nranges = 3;
	big.o.sources = src;
	big.o.nsources = 1;
	big.newer = 1;
	CHECK_U64(verity_scrub_repair_path(k.path, &big.o, &r), -E2BIG);
	r.size = 4;
	CHECK_U64(verity_scrub_repair_path(k.path, &o, &r), -EINVAL);
	CHECK_U64(c.calls, 0);
	CHECK_U64(fv.enabled, 0);
	check_untouched(&k, &w);
	big.newer = 0;		/* zero past what the library knows: fine */
	CHECK_U64(verity_scrub_repair_result_init(&r), 0);
	CHECK_U64(verity_scrub_repair_path(k.path, &big.o, &r), 0);
	CHECK_U64(r.status, VERITY_SCRUB_REPAIR_REPLACED);
	CHECK_STR(verity_scrub_repair_status_name(99), "invalid");
	disk_free(&k);
	world_free(&w);
}

int main(void)
{
	RUN(test_good_source_two_blocks);
	RUN(test_wrong_byte_in_needed_block);
	RUN(test_wrong_only_in_unneeded_blocks);
	RUN(test_two_sources_each_good_for_one);
	RUN(test_unreadable_source_passed_over);
	RUN(test_descriptor_not_expected);
	RUN(test_sha512_salt_three_levels);
	RUN(test_tree_corrupt_whole_file_check);
	RUN(test_single_block_file);
	RUN(test_original_unreadable_elsewhere);
	RUN(test_transient_not_replaced);
	RUN(test_install_replaces);
	RUN(test_install_hard_link_refused);
	RUN(test_install_measure_differs);
	RUN(test_install_enable_fails);
	RUN(test_install_named_replaces);
	RUN(test_install_named_measure_differs);
	RUN(test_install_named_enable_fails);
	RUN(test_install_path_replaced);
	RUN(test_install_refused_plan);
	RUN(test_install_signed_kept);
	RUN(test_install_unsigned_no_sig);
	RUN(test_install_flags_carried);
	RUN(test_install_no_flags_to_carry);
	RUN(test_install_immutable_refused);
	RUN(test_api_callback_source_repairs);
	RUN(test_api_two_sources);
	RUN(test_api_refused_and_dry_run);
	RUN(test_api_quarantine);
	RUN(test_api_contract);
	RUN(test_remove_stale);
	return cases_failed ? 1 : 0;
}
