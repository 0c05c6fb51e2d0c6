// SPDX-License-Identifier: GPL-2.0
/*
 * test_geometry.c - suite verity_scrub_geometry: Merkle tree layouts
 */
#include <linux/kernel.h>

#include "test_util.h"

/**
 * struct layout - a file size and the tree fs-verity gives it
 * @desc: case description
 * @size: file size
 * @log_bs: Merkle block size
 * @digest: digest size
 * @levels: expected number of levels
 * @blocks: expected blocks per level, level 0 first
 */
struct layout {
	const char *desc;
	u64 size;
	u8 log_bs;
	u8 digest;
	u8 levels;
	u64 blocks[8];
};

static const struct layout layouts[] = {
	{ "size 0", 0, 12, 32, 0, { } },
	{ "size 1", 1, 12, 32, 0, { } },
	{ "one block", 4096, 12, 32, 0, { } },
	{ "one block + 1", 4097, 12, 32, 1, { 1 } },
	{ "128 blocks sha256 4K", 128 * 4096, 12, 32, 1, { 1 } },
	{ "129 blocks sha256 4K", 129 * 4096, 12, 32, 2, { 2, 1 } },
	{ "128*128 blocks sha256 4K", 16384ULL * 4096, 12, 32, 2, { 128, 1 } },
	{ "128*128+1 blocks sha256 4K", 16385ULL * 4096, 12, 32, 3,
	  { 129, 2, 1 } },
	{ "1 GiB sha256 4K", 1ULL << 30, 12, 32, 3, { 2048, 16, 1 } },
	{ "65 blocks sha512 4K", 65 * 4096, 12, 64, 2, { 2, 1 } },
	{ "64 blocks sha512 4K", 64 * 4096, 12, 64, 1, { 1 } },
	{ "33 blocks sha256 1K", 33 * 1024, 10, 32, 2, { 2, 1 } },
	{ "1025 blocks sha256 1K", 1025 * 1024, 10, 32, 3, { 33, 2, 1 } },
	{ "257 blocks sha512 1K", 257 * 1024, 10, 64, 3, { 17, 2, 1 } },
	{ "1 TiB sha512 1K", 1ULL << 40, 10, 64, 8,
	  { 1ULL << 26, 1ULL << 22, 1ULL << 18, 1ULL << 14, 1ULL << 10,
	    1ULL << 6, 4, 1 } },
};

static void layout_desc(const struct layout *l, char *desc)
{
	strscpy(desc, l->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(layouts, layouts, layout_desc);

static void test_levels(struct kunit *test)
{
	const struct layout *l = test->param_value;
	struct vs_geom g;
	u64 start = 0;
	int level;

	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, l->size, l->log_bs,
					      l->digest));
	KUNIT_EXPECT_EQ(test, g.data_blocks,
			DIV_ROUND_UP_ULL(l->size, 1U << l->log_bs));
	KUNIT_ASSERT_EQ(test, g.num_levels, l->levels);
	for (level = l->levels - 1; level >= 0; level--) {
		KUNIT_EXPECT_EQ(test, g.level_blocks[level], l->blocks[level]);
		KUNIT_EXPECT_EQ(test, g.level_start[level], start);
		start += l->blocks[level];
	}
	KUNIT_EXPECT_EQ(test, g.tree_blocks, start);
}

/* Where the hashes of a data block live along its path. */
static void test_hash_position(struct kunit *test)
{
	struct vs_geom g;
	u64 first, count;

	/* 1025 x 1K blocks, SHA-256: arity 32, levels 33/2/1, root first */
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 1025 * 1024, 10, 32));
	KUNIT_EXPECT_EQ(test, g.level_start[2], 0);
	KUNIT_EXPECT_EQ(test, g.level_start[1], 1);
	KUNIT_EXPECT_EQ(test, g.level_start[0], 3);
	KUNIT_EXPECT_EQ(test, vs_geom_tree_block(&g, 0, 0), 3);
	KUNIT_EXPECT_EQ(test, vs_geom_tree_block(&g, 0, 1024), 3 + 32);
	KUNIT_EXPECT_EQ(test, vs_geom_hash_offset(&g, 0, 33), 1 * 32);
	KUNIT_EXPECT_EQ(test, vs_geom_tree_block(&g, 1, 1024), 2);
	KUNIT_EXPECT_EQ(test, vs_geom_hash_offset(&g, 1, 1024), 0);
	KUNIT_EXPECT_EQ(test, vs_geom_hash_offset(&g, 1, 64), 2 * 32);
	KUNIT_EXPECT_EQ(test, vs_geom_tree_block(&g, 2, 1024), 0);
	KUNIT_EXPECT_EQ(test, vs_geom_hash_offset(&g, 2, 1024), 32);

	vs_geom_covered(&g, 0, 40, &first, &count);
	KUNIT_EXPECT_EQ(test, first, 32);
	KUNIT_EXPECT_EQ(test, count, 32);
	vs_geom_covered(&g, 0, 1024, &first, &count);
	KUNIT_EXPECT_EQ(test, first, 1024);
	KUNIT_EXPECT_EQ(test, count, 1);
	vs_geom_covered(&g, 1, 1000, &first, &count);
	KUNIT_EXPECT_EQ(test, first, 0);
	KUNIT_EXPECT_EQ(test, count, 1024);
	vs_geom_covered(&g, 2, 5, &first, &count);
	KUNIT_EXPECT_EQ(test, first, 0);
	KUNIT_EXPECT_EQ(test, count, 1025);
}

static void test_bad_params(struct kunit *test)
{
	struct vs_geom g;

	KUNIT_EXPECT_EQ(test, -EINVAL, vs_geom_init(&g, 1, 9, 32));
	KUNIT_EXPECT_EQ(test, -EINVAL, vs_geom_init(&g, 1, 17, 32));
	KUNIT_EXPECT_EQ(test, -EINVAL, vs_geom_init(&g, 1, 12, 48));
	KUNIT_EXPECT_EQ(test, -EINVAL, vs_geom_init(&g, 1, 12, 128));
	KUNIT_EXPECT_EQ(test, 0, vs_geom_init(&g, U64_MAX, 16, 32));
	KUNIT_EXPECT_EQ(test, -EFBIG, vs_geom_init(&g, U64_MAX, 10, 64));
}

/* Blocks wholly past EOF in the page spanning EOF (fs-verity zero rule). */
static void test_tail(struct kunit *test)
{
	struct vs_geom g;
	u64 from, to;

	/* 1K blocks, EOF 300 bytes into a page: blocks 1-3 of it */
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 256 * 1024 + 300, 10, 32));
	KUNIT_EXPECT_TRUE(test, vs_geom_tail(&g, 4096, &from, &to));
	KUNIT_EXPECT_EQ(test, from, 257 * 1024);
	KUNIT_EXPECT_EQ(test, to, 260 * 1024);
	/* EOF in the last block of the page: nothing past it */
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 3 * 1024 + 1, 10, 32));
	KUNIT_EXPECT_FALSE(test, vs_geom_tail(&g, 4096, &from, &to));
	/* EOF on a page boundary */
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 8192, 10, 32));
	KUNIT_EXPECT_FALSE(test, vs_geom_tail(&g, 4096, &from, &to));
	/* blocks of a page, and larger than a page */
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 5000, 12, 32));
	KUNIT_EXPECT_FALSE(test, vs_geom_tail(&g, 4096, &from, &to));
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 5000, 16, 32));
	KUNIT_EXPECT_FALSE(test, vs_geom_tail(&g, 4096, &from, &to));
	/* 4K blocks in a 64K page: blocks 2-15 */
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 65536 + 5000, 12, 32));
	KUNIT_EXPECT_TRUE(test, vs_geom_tail(&g, 65536, &from, &to));
	KUNIT_EXPECT_EQ(test, from, 65536 + 8192);
	KUNIT_EXPECT_EQ(test, to, 2 * 65536);
	/* empty file */
	KUNIT_ASSERT_EQ(test, 0, vs_geom_init(&g, 0, 10, 32));
	KUNIT_EXPECT_FALSE(test, vs_geom_tail(&g, 4096, &from, &to));
}

static struct kunit_case geometry_cases[] = {
	KUNIT_CASE_PARAM(test_levels, layouts_gen_params),
	KUNIT_CASE(test_hash_position),
	KUNIT_CASE(test_bad_params),
	KUNIT_CASE(test_tail),
	{}
};

static struct kunit_suite geometry_suite = {
	.name = "verity_scrub_geometry",
	.test_cases = geometry_cases,
};

kunit_test_suite(geometry_suite);
