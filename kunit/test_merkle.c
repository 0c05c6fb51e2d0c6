// SPDX-License-Identifier: GPL-2.0
/*
 * test_merkle.c - suite verity_scrub_merkle: the one Merkle-path verifier
 * over a fake device serving a libfsverity-checked file and tree, with one
 * buffer per level (direct path) and one buffer for all levels
 * (classification): expected hashes, reads, and where a path fails
 */
#include <linux/string.h>

#include "test_util.h"

/* 1026 x 1K blocks, SHA-256, salted: levels of 33, 2 and 1 blocks. */
#define VEC3	"sha256_1k_3lvl"

/* A verifier over vector @name: @shared, one buffer for every level. */
static struct vs_fake *verifier_new(struct kunit *test, struct vs_merkle *m,
				    const char *name, bool shared, bool keep)
{
	struct vs_fake *f = vs_fake_new(test, name);
	u32 bs = f->t.g.block_size;
	unsigned int level;

	vs_merkle_init(m, &f->t.g, &f->t.h, f->t.root, &vs_fake_ops, f);
	m->keep = keep;
	for (level = 0; level < VS_MAX_LEVELS; level++) {
		m->block[level] = shared && level ? m->block[0] :
				  kunit_kmalloc(test, bs, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, m->block[level]);
	}
	return f;
}

/* The path of @blk verifies and gives the hash of the data block. */
static void expect_path_good(struct kunit *test, struct vs_merkle *m,
			     struct vs_fake *f, u64 blk)
{
	u32 bs = f->t.g.block_size;
	struct vs_merkle_fault fault;
	u8 got[VS_MAX_DIGEST_SIZE];
	const u8 *want = NULL;

	KUNIT_ASSERT_EQ_MSG(test, 0,
			    vs_merkle_verify_path(m, blk, &want, &fault),
			    "block %llu", blk);
	KUNIT_EXPECT_EQ(test, fault.level, -1);
	KUNIT_EXPECT_EQ(test, fault.read_err, 0);
	KUNIT_EXPECT_FALSE(test, fault.mismatch);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_EQ(test, 0, vs_hash_block(&f->t.h, f->data + blk * bs,
					       bs, got));
	KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(want, got, f->t.g.digest_size),
			    "block %llu", blk);
}

/*
 * One buffer for all levels, nothing kept: every path verifies, and every
 * call reads each level again.
 */
static void test_merkle_shared_buffer(struct kunit *test)
{
	struct vs_merkle m;
	struct vs_fake *f = verifier_new(test, &m, VEC3, true, false);
	u64 blk;

	KUNIT_ASSERT_EQ(test, f->t.g.num_levels, 3);
	for (blk = 0; blk < f->t.g.data_blocks; blk++)
		expect_path_good(test, &m, f, blk);
	KUNIT_EXPECT_EQ(test, f->tree_reads, 3 * 1026);
	vs_hasher_destroy(&f->t.h);
}

/* One buffer a level, kept: each tree block is read once in file order. */
static void test_merkle_kept(struct kunit *test)
{
	struct vs_merkle m;
	struct vs_fake *f = verifier_new(test, &m, VEC3, false, true);
	u64 blk;

	for (blk = 0; blk < f->t.g.data_blocks; blk++)
		expect_path_good(test, &m, f, blk);
	KUNIT_EXPECT_EQ(test, f->tree_reads, 36);
	KUNIT_EXPECT_EQ(test, m.held[2], 0);
	KUNIT_EXPECT_EQ(test, m.held[1], 2);
	KUNIT_EXPECT_EQ(test, m.held[0], 35);
	vs_hasher_destroy(&f->t.h);
}

/*
 * A tree block that does not match its parent: the walk stops there (the
 * levels below are not read), the fault names it, and it is not held.
 */
static void test_merkle_mismatch(struct kunit *test)
{
	int level;

	for (level = 0; level < 3; level++) {
		struct vs_merkle m;
		struct vs_fake *f = verifier_new(test, &m, VEC3, false, true);
		u64 tblk = vs_geom_tree_block(&f->t.g, level, 500);
		struct vs_merkle_fault fault;
		const u8 *want = NULL;

		f->tree[tblk * 1024 + 5] ^= 1;
		KUNIT_EXPECT_EQ(test, -EBADMSG,
				vs_merkle_verify_path(&m, 500, &want, &fault));
		KUNIT_EXPECT_NULL(test, want);
		KUNIT_EXPECT_EQ(test, fault.level, level);
		KUNIT_EXPECT_EQ(test, fault.tblk, tblk);
		KUNIT_EXPECT_TRUE(test, fault.mismatch);
		KUNIT_EXPECT_EQ(test, fault.read_err, 0);
		KUNIT_EXPECT_EQ(test, f->tree_reads, 3 - level);
		KUNIT_EXPECT_EQ(test, m.held[level], VS_MERKLE_NONE);
		/* again: only the bad block is read, the levels above are held */
		KUNIT_EXPECT_EQ(test, -EBADMSG,
				vs_merkle_verify_path(&m, 500, &want, &fault));
		KUNIT_EXPECT_EQ(test, f->tree_reads, 4 - level);
		vs_hasher_destroy(&f->t.h);
	}
}

/* A read error: returned as is, with its detail and the block it hit. */
static void test_merkle_read_error(struct kunit *test)
{
	struct vs_merkle m;
	struct vs_fake *f = verifier_new(test, &m, VEC3, true, false);
	u64 tblk = vs_geom_tree_block(&f->t.g, 1, 7);
	struct vs_merkle_fault fault;
	const u8 *want = NULL;

	f->bad_tree = tblk;
	f->err = -ENODATA;
	f->detail = VERITY_SCRUB_DETAIL_TRANSPORT;
	KUNIT_EXPECT_EQ(test, -ENODATA,
			vs_merkle_verify_path(&m, 7, &want, &fault));
	KUNIT_EXPECT_NULL(test, want);
	KUNIT_EXPECT_EQ(test, fault.level, 1);
	KUNIT_EXPECT_EQ(test, fault.tblk, tblk);
	KUNIT_EXPECT_EQ(test, fault.read_err, -ENODATA);
	KUNIT_EXPECT_EQ(test, fault.detail, VERITY_SCRUB_DETAIL_TRANSPORT);
	KUNIT_EXPECT_FALSE(test, fault.mismatch);
	KUNIT_EXPECT_EQ(test, f->tree_reads, 2);
	expect_path_good(test, &m, f, 1025);	/* other level-1 block */
	vs_hasher_destroy(&f->t.h);
}

/* A file of one block has no tree: the root hash, no reads. */
static void test_merkle_no_tree(struct kunit *test)
{
	struct vs_merkle m;
	struct vs_fake *f = verifier_new(test, &m, "one_byte", true, false);
	struct vs_merkle_fault fault;
	const u8 *want = NULL;

	KUNIT_ASSERT_EQ(test, f->t.g.num_levels, 0);
	KUNIT_EXPECT_EQ(test, 0, vs_merkle_verify_path(&m, 0, &want, &fault));
	KUNIT_EXPECT_PTR_EQ(test, want, (const u8 *)f->t.root);
	KUNIT_EXPECT_EQ(test, fault.level, -1);
	KUNIT_EXPECT_EQ(test, f->tree_reads, 0);
	vs_hasher_destroy(&f->t.h);
}

static struct kunit_case merkle_cases[] = {
	KUNIT_CASE(test_merkle_shared_buffer),
	KUNIT_CASE(test_merkle_kept),
	KUNIT_CASE(test_merkle_mismatch),
	KUNIT_CASE(test_merkle_read_error),
	KUNIT_CASE(test_merkle_no_tree),
	{}
};

static struct kunit_suite merkle_suite = {
	.name = "verity_scrub_merkle",
	.test_cases = merkle_cases,
};

kunit_test_suite(merkle_suite);
