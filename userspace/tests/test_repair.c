// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_repair.c - libverityscrub's authenticated repair, in memory
 *
 * The good file's Merkle tree and descriptor are made by libfsverity (its
 * metadata callbacks), not by the code under test; the damaged file is a
 * copy whose bad blocks fail to read, as through fs-verity.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libfsverity.h>
#include <stdlib.h>
#include <linux/verity_scrub.h>

#include "../lib/repair.h"
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

static void test_good_source_two_blocks(void)
{
	struct vs_repair_plan *p;
	struct world w;

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
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

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
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

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
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

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 2);
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

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 2);
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

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
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

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
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

	world_init(&w, SIZE, FS_VERITY_HASH_ALG_SHA256, 4096, NULL, 0, 1);
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
	return cases_failed ? 1 : 0;
}
