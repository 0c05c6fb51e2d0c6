// SPDX-License-Identifier: GPL-2.0
/*
 * test_util.c - test vectors and a reference Merkle tree builder for the
 * KUnit suites; module information of verity_scrub_test.ko
 */
#include <linux/module.h>
#include <linux/string.h>

#include "test_util.h"
#include "vectors.h"

/**
 * vs_test_fill() - the deterministic data stream of the test vectors
 * @buf: output
 * @size: bytes
 * @seed: stream seed; gen-vectors.sh uses the same generator
 */
void vs_test_fill(u8 *buf, size_t size, u32 seed)
{
	u32 x = seed;
	size_t i;

	for (i = 0; i < size; i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (x >> 16) & 0xff;
	}
}

static const u8 *level_input(const struct vs_tree *t, int level, u64 i)
{
	u32 bs = t->g.block_size;

	if (level == 0)
		return t->data + i * bs;
	return t->tree + (t->g.level_start[level - 1] + i) * bs;
}

static void build_level(struct kunit *test, struct vs_tree *t, int level)
{
	const struct vs_geom *g = &t->g;
	u64 n = level ? g->level_blocks[level - 1] : g->data_blocks;
	u64 mask = (1ULL << g->log_arity) - 1;
	u8 *out;
	u64 i;

	for (i = 0; i < n; i++) {
		out = t->tree + (g->level_start[level] + (i >> g->log_arity)) *
				g->block_size + (i & mask) * g->digest_size;
		KUNIT_ASSERT_EQ(test, 0, vs_hash_block(&t->h,
						       level_input(t, level, i),
						       g->block_size, out));
	}
}

/**
 * vs_test_build() - build the file and tree of vector @v
 * @test: test; allocations are freed with it
 * @v: vector
 * @t: filled in; t->h must be destroyed by the caller
 */
void vs_test_build(struct kunit *test, const struct vs_vector *v,
		   struct vs_tree *t)
{
	struct vs_geom *g = &t->g;
	int level;

	memset(t, 0, sizeof(*t));
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(g, v->size, v->log_blocksize,
					      vs_alg_digest_size(v->alg)));
	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&t->h, v->alg, v->salt,
						v->salt_size));
	t->data = kunit_kzalloc(test, (g->data_blocks + 1) * g->block_size,
				GFP_KERNEL);
	t->tree = kunit_kzalloc(test, (g->tree_blocks + 1) * g->block_size,
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->data);
	KUNIT_ASSERT_NOT_NULL(test, t->tree);
	vs_test_fill(t->data, v->size, v->seed);

	for (level = 0; level < g->num_levels; level++)
		build_level(test, t, level);
	if (g->data_blocks == 0)
		return;		/* empty file: root hash is all zeros */
	KUNIT_ASSERT_EQ(test, 0,
			vs_hash_block(&t->h, g->num_levels ?
				      t->tree : t->data, g->block_size,
				      t->root));
}

/**
 * vs_test_desc() - the descriptor `fsverity digest` writes for @v
 * @v: vector
 * @d: filled in
 */
void vs_test_desc(const struct vs_vector *v, struct fsverity_descriptor *d)
{
	memset(d, 0, sizeof(*d));
	d->version = 1;
	d->hash_algorithm = v->alg;
	d->log_blocksize = v->log_blocksize;
	d->salt_size = v->salt_size;
	d->data_size = cpu_to_le64(v->size);
	memcpy(d->root_hash, v->root_hash, vs_alg_digest_size(v->alg));
	memcpy(d->salt, v->salt, v->salt_size);
}

static int fake_read(struct vs_fake *f, const u8 *src, u64 blk, s64 bad,
		     u8 *buf, u32 *detail)
{
	if ((s64)blk == bad) {
		*detail = f->detail;
		return f->err;
	}
	memcpy(buf, src + blk * f->t.g.block_size, f->t.g.block_size);
	return 0;
}

static int fake_read_data(void *priv, u64 blk, u8 *buf, u32 *detail)
{
	struct vs_fake *f = priv;

	f->data_reads++;
	return fake_read(f, f->data, blk, f->bad_data, buf, detail);
}

static int fake_read_tree(void *priv, u64 blk, u8 *buf, u32 *detail)
{
	struct vs_fake *f = priv;

	f->tree_reads++;
	return fake_read(f, f->tree, blk, f->bad_tree, buf, detail);
}

/* Reads of a struct vs_fake (the ops' @priv). */
const struct vs_io_ops vs_fake_ops = {
	.read_data = fake_read_data,
	.read_tree = fake_read_tree,
};

static const struct vs_vector *find_vector(const char *name)
{
	size_t i;

	for (i = 0; i < vs_test_nvectors; i++)
		if (!strcmp(vs_test_vectors[i].name, name))
			return &vs_test_vectors[i];
	return NULL;
}

/**
 * vs_fake_new() - a fake device serving vector @name, nothing broken yet
 * @test: test; allocations are freed with it
 * @name: name of a vector in kunit/vectors.h
 *
 * Return: the device; f->t.h must be destroyed by the caller.
 */
struct vs_fake *vs_fake_new(struct kunit *test, const char *name)
{
	const struct vs_vector *v = find_vector(name);
	struct vs_fake *f;
	u32 bs;

	KUNIT_ASSERT_NOT_NULL(test, v);
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	vs_test_build(test, v, &f->t);
	KUNIT_ASSERT_EQ(test, 0, memcmp(f->t.root, v->root_hash,
					f->t.g.digest_size));
	bs = f->t.g.block_size;
	f->data = kunit_kmalloc(test, (f->t.g.data_blocks + 1) * bs,
				GFP_KERNEL);
	f->tree = kunit_kmalloc(test, (f->t.g.tree_blocks + 1) * bs,
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->data);
	KUNIT_ASSERT_NOT_NULL(test, f->tree);
	memcpy(f->data, f->t.data, (f->t.g.data_blocks + 1) * bs);
	memcpy(f->tree, f->t.tree, (f->t.g.tree_blocks + 1) * bs);
	f->bad_data = -1;
	f->bad_tree = -1;
	f->err = -EIO;
	return f;
}

/* The suites' hashers share hash.c's transforms, freed with the module. */
static void __exit vs_test_exit(void)
{
	vs_hash_exit();
}
module_exit(vs_test_exit);

MODULE_DESCRIPTION("KUnit tests of verity_scrub.ko");
MODULE_LICENSE("GPL");
