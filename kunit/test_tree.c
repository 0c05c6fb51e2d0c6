// SPDX-License-Identifier: GPL-2.0
/*
 * test_tree.c - suite verity_scrub_tree: the tree cursor of the direct
 * path over a fake device serving a libfsverity-checked file and tree:
 * expected hashes, each tree block read once, corrupt and unreadable tree
 * blocks at every level
 */
#include <linux/string.h>

#include "test_util.h"

/* 1026 x 1K blocks, SHA-256, salted: levels of 33, 2 and 1 blocks. */
#define VEC3	"sha256_1k_3lvl"

static struct vs_fake *cursor_new(struct kunit *test,
				  struct vs_tree_cursor *c, const char *name)
{
	struct vs_fake *f = vs_fake_new(test, name);

	KUNIT_ASSERT_EQ(test, 0, vs_tree_init(c, &f->t.g, &f->t.h, f->t.root,
					      &vs_fake_ops, f));
	return f;
}

static void cursor_free(struct vs_tree_cursor *c, struct vs_fake *f)
{
	vs_tree_destroy(c);
	vs_hasher_destroy(&f->t.h);
}

/* vs_tree_want() for @blk succeeds and gives the hash of the data block. */
static void expect_good(struct kunit *test, struct vs_tree_cursor *c,
			struct vs_fake *f, u64 blk)
{
	u32 bs = f->t.g.block_size;
	u8 got[VS_MAX_DIGEST_SIZE];
	const u8 *want = NULL;

	KUNIT_ASSERT_EQ_MSG(test, 0, vs_tree_want(c, blk, &want),
			    "block %llu", blk);
	KUNIT_ASSERT_EQ(test, 0, vs_hash_block(&f->t.h, f->data + blk * bs,
					       bs, got));
	KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(want, got, f->t.g.digest_size),
			    "block %llu", blk);
}

static void expect_err(struct kunit *test, struct vs_tree_cursor *c,
		       u64 blk, int err)
{
	const u8 *want;

	KUNIT_EXPECT_EQ_MSG(test, err, vs_tree_want(c, blk, &want),
			    "block %llu", blk);
}

/* A walk in file order reads every tree block exactly once. */
static void test_tree_sequential(struct kunit *test)
{
	struct vs_tree_cursor c;
	struct vs_fake *f = cursor_new(test, &c, VEC3);
	u64 blk;

	KUNIT_ASSERT_EQ(test, f->t.g.tree_blocks, 36);
	for (blk = 0; blk < f->t.g.data_blocks; blk++)
		expect_good(test, &c, f, blk);
	KUNIT_EXPECT_EQ(test, f->tree_reads, 36);
	cursor_free(&c, f);
}

/* Going back re-reads only what is not held: the path of the block. */
static void test_tree_jump(struct kunit *test)
{
	struct vs_tree_cursor c;
	struct vs_fake *f = cursor_new(test, &c, VEC3);

	expect_good(test, &c, f, 1025);
	KUNIT_EXPECT_EQ(test, f->tree_reads, 3);
	expect_good(test, &c, f, 1024);		/* same leaf */
	KUNIT_EXPECT_EQ(test, f->tree_reads, 3);
	expect_good(test, &c, f, 0);		/* other leaf, other level 1 */
	KUNIT_EXPECT_EQ(test, f->tree_reads, 5);
	cursor_free(&c, f);
}

/*
 * A tree block that does not match its parent fails every block it
 * covers, and only those; it is read again each time (never held).
 */
static void test_tree_corrupt(struct kunit *test)
{
	int level;

	for (level = 0; level < 3; level++) {
		struct vs_tree_cursor c;
		struct vs_fake *f = cursor_new(test, &c, VEC3);
		u64 tblk = vs_geom_tree_block(&f->t.g, level, 500);
		u64 first, count;

		f->tree[tblk * 1024 + 5] ^= 1;
		vs_geom_covered(&f->t.g, level, 500, &first, &count);
		if (first > 0)
			expect_good(test, &c, f, first - 1);
		expect_err(test, &c, first, -EBADMSG);
		expect_err(test, &c, 500, -EBADMSG);
		expect_err(test, &c, first + count - 1, -EBADMSG);
		if (first + count < f->t.g.data_blocks)
			expect_good(test, &c, f, first + count);
		f->tree[tblk * 1024 + 5] ^= 1;		/* repaired */
		expect_good(test, &c, f, 500);
		cursor_free(&c, f);
	}
}

/* A read error is returned as is; the block is read again next time. */
static void test_tree_read_error(struct kunit *test)
{
	struct vs_tree_cursor c;
	struct vs_fake *f = cursor_new(test, &c, VEC3);

	expect_good(test, &c, f, 0);
	f->bad_tree = vs_geom_tree_block(&f->t.g, 1, 1025);
	f->err = -ENODATA;
	expect_err(test, &c, 1025, -ENODATA);
	expect_err(test, &c, 1024, -ENODATA);
	expect_good(test, &c, f, 5);		/* its path is held */
	f->bad_tree = -1;
	expect_good(test, &c, f, 1024);
	cursor_free(&c, f);
}

/* A file of one block has no tree: its expected hash is the root hash. */
static void test_tree_single_block(struct kunit *test)
{
	struct vs_tree_cursor c;
	struct vs_fake *f = cursor_new(test, &c, "one_byte");
	const u8 *want;

	KUNIT_ASSERT_EQ(test, f->t.g.num_levels, 0);
	KUNIT_ASSERT_EQ(test, 0, vs_tree_want(&c, 0, &want));
	KUNIT_EXPECT_PTR_EQ(test, want, (const u8 *)f->t.root);
	expect_good(test, &c, f, 0);
	KUNIT_EXPECT_EQ(test, f->tree_reads, 0);
	cursor_free(&c, f);
}

static struct kunit_case tree_cases[] = {
	KUNIT_CASE(test_tree_sequential),
	KUNIT_CASE(test_tree_jump),
	KUNIT_CASE(test_tree_corrupt),
	KUNIT_CASE(test_tree_read_error),
	KUNIT_CASE(test_tree_single_block),
	{}
};

static struct kunit_suite tree_suite = {
	.name = "verity_scrub_tree",
	.test_cases = tree_cases,
};

kunit_test_suite(tree_suite);
