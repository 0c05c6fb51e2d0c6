// SPDX-License-Identifier: GPL-2.0
/*
 * test_decide.c - suite verity_scrub_decide: the classification decision
 * table, and the Merkle walk over a fake device serving a libfsverity-
 * checked file and tree with injected corruption and read errors
 */
#include <linux/string.h>

#include "test_util.h"

#define GOOD	VS_KIND_GOOD
#define HM	VERITY_SCRUB_KIND_HASH_MISMATCH
#define TC	VERITY_SCRUB_KIND_TREE_CORRUPT
#define IO	VERITY_SCRUB_KIND_IO_ERROR
#define TR	VERITY_SCRUB_KIND_TRANSIENT
#define UNK	VERITY_SCRUB_KIND_UNKNOWN
#define MED	VERITY_SCRUB_DETAIL_MEDIUM
#define TRP	VERITY_SCRUB_DETAIL_TRANSPORT

/**
 * struct row - one row of the decision table
 * @desc: case description
 * @ev: evidence
 * @kind: expected kind
 * @detail: expected detail
 * @level: expected level
 */
struct row {
	const char *desc;
	struct vs_evidence ev;
	u32 kind, detail, level;
};

static const struct row rows[] = {
	{ "retry verified", { .retry_ok = true, .bad_level = -1 }, TR },
	{ "retry wins over errors", { .retry_ok = true, .data_err = true,
	  .bad_level = 1 }, TR },
	{ "no raw access", { .no_raw = true, .bad_level = -1 }, UNK },
	{ "data read error", { .data_err = true, .data_detail = MED,
	  .bad_level = -1 }, IO, MED },
	{ "bad tree block", { .bad_level = 2 }, TC, 0, 2 },
	{ "bad leaf block", { .bad_level = 0 }, TC, 0, 0 },
	{ "tree read error", { .tree_err = true, .tree_detail = TRP,
	  .bad_level = -1 }, IO, TRP },
	{ "tree not readable", { .tree_no_raw = true, .bad_level = -1 }, UNK },
	{ "leaf mismatch", { .bad_level = -1 }, HM },
	{ "all good", { .bad_level = -1, .leaf_match = true }, GOOD },
};

static void row_desc(const struct row *r, char *desc)
{
	strscpy(desc, r->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rows, rows, row_desc);

static void test_table(struct kunit *test)
{
	const struct row *r = test->param_value;
	struct vs_verdict v;

	vs_decide(&r->ev, &v);
	KUNIT_EXPECT_EQ(test, v.kind, r->kind);
	KUNIT_EXPECT_EQ(test, v.detail, r->detail);
	KUNIT_EXPECT_EQ(test, v.level, r->level);
}

static void test_blk_status(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(BLK_STS_MEDIUM), MED);
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(BLK_STS_TIMEOUT),
			VERITY_SCRUB_DETAIL_TIMEOUT);
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(BLK_STS_TRANSPORT), TRP);
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(BLK_STS_TARGET), TRP);
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(BLK_STS_OFFLINE), TRP);
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(VS_BLK_STS_RESV), TRP);
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(BLK_STS_IOERR),
			VERITY_SCRUB_DETAIL_OTHER);
	KUNIT_EXPECT_EQ(test, vs_blk_status_detail(BLK_STS_PROTECTION),
			VERITY_SCRUB_DETAIL_OTHER);
}

static struct vs_fake *fake_new(struct kunit *test, struct vs_walk *w,
				const char *name)
{
	struct vs_fake *f = vs_fake_new(test, name);
	u32 bs = f->t.g.block_size;

	w->buf = kunit_kmalloc(test, bs, GFP_KERNEL);
	w->tbuf = kunit_kmalloc(test, bs, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w->buf);
	KUNIT_ASSERT_NOT_NULL(test, w->tbuf);
	vs_walk_init(w, &f->t.g, &f->t.h, f->t.root, &vs_fake_ops, f);
	return f;
}

static void expect_verdict(struct kunit *test, struct vs_walk *w, u64 blk,
			   u32 kind, u32 detail, u32 level)
{
	struct vs_verdict v;

	KUNIT_ASSERT_EQ(test, 0, vs_classify_block(w, blk, &v));
	KUNIT_EXPECT_EQ_MSG(test, v.kind, kind, "block %llu", blk);
	KUNIT_EXPECT_EQ_MSG(test, v.detail, detail, "block %llu", blk);
	KUNIT_EXPECT_EQ_MSG(test, v.level, level, "block %llu", blk);
}

/* 1026 x 1K blocks, SHA-256, salted: levels of 33, 2 and 1 blocks. */
#define VEC3	"sha256_1k_3lvl"

static void test_walk_clean(struct kunit *test)
{
	struct vs_walk w;
	struct vs_fake *f = fake_new(test, &w, VEC3);

	KUNIT_ASSERT_EQ(test, f->t.g.num_levels, 3);
	expect_verdict(test, &w, 0, GOOD, 0, 0);
	expect_verdict(test, &w, 500, GOOD, 0, 0);
	expect_verdict(test, &w, 1025, GOOD, 0, 0);	/* partial */
	vs_hasher_destroy(&f->t.h);
}

static void test_walk_data_corrupt(struct kunit *test)
{
	struct vs_walk w;
	struct vs_fake *f = fake_new(test, &w, VEC3);

	f->data[500 * 1024 + 17] ^= 1;
	f->data[1025 * 1024 + 99] ^= 0x80;	/* last byte of the file */
	expect_verdict(test, &w, 499, GOOD, 0, 0);
	expect_verdict(test, &w, 500, HM, 0, 0);
	expect_verdict(test, &w, 501, GOOD, 0, 0);
	expect_verdict(test, &w, 1025, HM, 0, 0);
	vs_hasher_destroy(&f->t.h);
}

static void test_walk_tree_corrupt(struct kunit *test)
{
	int level;

	for (level = 0; level < 3; level++) {
		struct vs_walk w;
		struct vs_fake *f = fake_new(test, &w, VEC3);
		u64 tblk = vs_geom_tree_block(&f->t.g, level, 500);
		u64 first, count;
		unsigned int reads;

		f->tree[tblk * 1024 + 5] ^= 1;
		vs_geom_covered(&f->t.g, level, 500, &first, &count);
		expect_verdict(test, &w, 500, TC, 0, level);
		reads = f->data_reads;
		expect_verdict(test, &w, first, TC, 0, level);
		expect_verdict(test, &w, first + count - 1, TC, 0, level);
		KUNIT_EXPECT_EQ(test, f->data_reads, reads);	/* memo */
		if (first + count < f->t.g.data_blocks)
			expect_verdict(test, &w, first + count, GOOD, 0, 0);
		if (first > 0)
			expect_verdict(test, &w, first - 1, GOOD, 0, 0);
		vs_hasher_destroy(&f->t.h);
	}
}

static void test_walk_read_errors(struct kunit *test)
{
	struct vs_walk w;
	struct vs_fake *f = fake_new(test, &w, VEC3);

	f->bad_data = 7;
	f->detail = MED;
	expect_verdict(test, &w, 7, IO, MED, 0);
	expect_verdict(test, &w, 8, GOOD, 0, 0);

	f->bad_data = -1;
	f->bad_tree = vs_geom_tree_block(&f->t.g, 0, 7);
	f->detail = TRP;
	expect_verdict(test, &w, 7, IO, TRP, 0);
	expect_verdict(test, &w, 1000, GOOD, 0, 0);

	f->bad_tree = -1;
	f->bad_data = 9;
	f->err = -EOPNOTSUPP;
	expect_verdict(test, &w, 9, UNK, 0, 0);
	vs_hasher_destroy(&f->t.h);
}

/* A file of one block has no tree: its hash is the root hash. */
static void test_walk_single_block(struct kunit *test)
{
	struct vs_walk w;
	struct vs_fake *f = fake_new(test, &w, "one_byte");

	KUNIT_ASSERT_EQ(test, f->t.g.num_levels, 0);
	expect_verdict(test, &w, 0, GOOD, 0, 0);
	f->data[0] ^= 1;
	expect_verdict(test, &w, 0, HM, 0, 0);
	vs_hasher_destroy(&f->t.h);
}

static struct kunit_case decide_cases[] = {
	KUNIT_CASE_PARAM(test_table, rows_gen_params),
	KUNIT_CASE(test_blk_status),
	KUNIT_CASE(test_walk_clean),
	KUNIT_CASE(test_walk_data_corrupt),
	KUNIT_CASE(test_walk_tree_corrupt),
	KUNIT_CASE(test_walk_read_errors),
	KUNIT_CASE(test_walk_single_block),
	{}
};

static struct kunit_suite decide_suite = {
	.name = "verity_scrub_decide",
	.test_cases = decide_cases,
};

kunit_test_suite(decide_suite);
