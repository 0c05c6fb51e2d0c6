// SPDX-License-Identifier: GPL-2.0
/*
 * test_ranges.c - suite verity_scrub_ranges: merging bad blocks into
 * ranges
 */
#include "test_util.h"

#define HM	VERITY_SCRUB_KIND_HASH_MISMATCH
#define TC	VERITY_SCRUB_KIND_TREE_CORRUPT
#define IO	VERITY_SCRUB_KIND_IO_ERROR

static struct verity_scrub_range rng(u64 off, u64 len, u32 kind, u32 detail,
				     u32 level)
{
	struct verity_scrub_range r = {
		.offset = off, .length = len, .kind = kind, .detail = detail,
		.tree_level = level,
	};
	return r;
}

/* Feed @in to a fresh accumulator; return the ranges it emits. */
static int run(const struct verity_scrub_range *in, int n,
	       struct verity_scrub_range *out)
{
	struct vs_range_acc acc;
	int i, k = 0;

	vs_acc_init(&acc);
	for (i = 0; i < n; i++)
		if (vs_acc_add(&acc, &in[i], &out[k]))
			k++;
	if (vs_acc_flush(&acc, &out[k]))
		k++;
	return k;
}

static void expect_range(struct kunit *test,
			 const struct verity_scrub_range *r, u64 off,
			 u64 len, u32 kind, u32 detail, u32 level)
{
	KUNIT_EXPECT_EQ(test, r->offset, off);
	KUNIT_EXPECT_EQ(test, r->length, len);
	KUNIT_EXPECT_EQ(test, r->kind, kind);
	KUNIT_EXPECT_EQ(test, r->detail, detail);
	KUNIT_EXPECT_EQ(test, r->tree_level, level);
	KUNIT_EXPECT_EQ(test, r->flags, 0);
}

static void test_empty(struct kunit *test)
{
	struct verity_scrub_range out[1];

	KUNIT_EXPECT_EQ(test, run(NULL, 0, out), 0);
}

static void test_adjacent_merge(struct kunit *test)
{
	struct verity_scrub_range in[] = {
		rng(4096, 4096, HM, 0, 0), rng(8192, 4096, HM, 0, 0),
		rng(12288, 100, HM, 0, 0),
	};
	struct verity_scrub_range out[3];

	KUNIT_ASSERT_EQ(test, run(in, 3, out), 1);
	expect_range(test, &out[0], 4096, 8192 + 100, HM, 0, 0);
}

static void test_gap_splits(struct kunit *test)
{
	struct verity_scrub_range in[] = {
		rng(0, 4096, HM, 0, 0), rng(8192, 4096, HM, 0, 0),
	};
	struct verity_scrub_range out[2];

	KUNIT_ASSERT_EQ(test, run(in, 2, out), 2);
	expect_range(test, &out[0], 0, 4096, HM, 0, 0);
	expect_range(test, &out[1], 8192, 4096, HM, 0, 0);
}

static void test_kind_detail_level_split(struct kunit *test)
{
	struct verity_scrub_range in[] = {
		rng(0, 1024, IO, VERITY_SCRUB_DETAIL_MEDIUM, 0),
		rng(1024, 1024, IO, VERITY_SCRUB_DETAIL_OTHER, 0),
		rng(2048, 1024, TC, 0, 0),
		rng(3072, 1024, TC, 0, 1),
		rng(4096, 1024, TC, 0, 1),
		rng(5120, 1024, HM, 0, 0),
	};
	struct verity_scrub_range out[6];

	KUNIT_ASSERT_EQ(test, run(in, 6, out), 5);
	expect_range(test, &out[0], 0, 1024, IO, VERITY_SCRUB_DETAIL_MEDIUM,
		     0);
	expect_range(test, &out[1], 1024, 1024, IO, VERITY_SCRUB_DETAIL_OTHER,
		     0);
	expect_range(test, &out[2], 2048, 1024, TC, 0, 0);
	expect_range(test, &out[3], 3072, 2048, TC, 0, 1);
	expect_range(test, &out[4], 5120, 1024, HM, 0, 0);
}

#define CACHED	VERITY_SCRUB_RANGE_CACHED

static void test_unknown_flags_cleared(struct kunit *test)
{
	struct verity_scrub_range in[] = { rng(0, 4096, HM, 0, 0) };
	struct verity_scrub_range out[1];

	in[0].flags = 0xf0 | CACHED;
	KUNIT_ASSERT_EQ(test, run(in, 1, out), 1);
	KUNIT_EXPECT_EQ(test, out[0].flags, CACHED);
}

/* A cached block next to an uncached one of the same kind: two ranges. */
static void test_cached_boundary_splits(struct kunit *test)
{
	struct verity_scrub_range in[] = {
		rng(0, 4096, HM, 0, 0), rng(4096, 4096, HM, 0, 0),
		rng(8192, 4096, HM, 0, 0), rng(12288, 4096, HM, 0, 0),
		rng(16384, 4096, HM, 0, 0),
	};
	struct verity_scrub_range out[5];

	in[0].flags = CACHED;
	in[1].flags = CACHED;
	in[3].flags = CACHED;
	KUNIT_ASSERT_EQ(test, run(in, 5, out), 4);
	KUNIT_EXPECT_EQ(test, out[0].offset, 0);
	KUNIT_EXPECT_EQ(test, out[0].length, 8192);
	KUNIT_EXPECT_EQ(test, out[0].flags, CACHED);
	KUNIT_EXPECT_EQ(test, out[1].offset, 8192);
	KUNIT_EXPECT_EQ(test, out[1].length, 4096);
	KUNIT_EXPECT_EQ(test, out[1].flags, 0);
	KUNIT_EXPECT_EQ(test, out[2].offset, 12288);
	KUNIT_EXPECT_EQ(test, out[2].length, 4096);
	KUNIT_EXPECT_EQ(test, out[2].flags, CACHED);
	KUNIT_EXPECT_EQ(test, out[3].offset, 16384);
	KUNIT_EXPECT_EQ(test, out[3].length, 4096);
	KUNIT_EXPECT_EQ(test, out[3].flags, 0);
}

static void test_range_flags(struct kunit *test)
{
	u32 v0 = VERITY_SCRUB_ARGS_SIZE_VER0, v1 = VERITY_SCRUB_ARGS_SIZE_VER1;

	KUNIT_EXPECT_EQ(test, vs_range_flags(HM, true, v1), CACHED);
	KUNIT_EXPECT_EQ(test, vs_range_flags(TC, true, v1 + 8), CACHED);
	KUNIT_EXPECT_EQ(test, vs_range_flags(IO, true, v1), CACHED);
	KUNIT_EXPECT_EQ(test, vs_range_flags(VERITY_SCRUB_KIND_UNKNOWN, true,
					     v1), CACHED);
	/* an old caller's field was reserved: always 0 */
	KUNIT_EXPECT_EQ(test, vs_range_flags(HM, true, v0), 0);
	KUNIT_EXPECT_EQ(test, vs_range_flags(HM, false, v1), 0);
	/* TRANSIENT data read good from the device: never flagged */
	KUNIT_EXPECT_EQ(test, vs_range_flags(VERITY_SCRUB_KIND_TRANSIENT, true,
					     v1), 0);
}

static struct kunit_case ranges_cases[] = {
	KUNIT_CASE(test_empty),
	KUNIT_CASE(test_adjacent_merge),
	KUNIT_CASE(test_gap_splits),
	KUNIT_CASE(test_kind_detail_level_split),
	KUNIT_CASE(test_unknown_flags_cleared),
	KUNIT_CASE(test_cached_boundary_splits),
	KUNIT_CASE(test_range_flags),
	{}
};

static struct kunit_suite ranges_suite = {
	.name = "verity_scrub_ranges",
	.test_cases = ranges_cases,
};

kunit_test_suite(ranges_suite);
