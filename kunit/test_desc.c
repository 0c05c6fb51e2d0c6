// SPDX-License-Identifier: GPL-2.0
/*
 * test_desc.c - suite verity_scrub_desc: descriptor validation against
 * well-formed and malformed descriptors
 */
#include <linux/string.h>

#include "meta.h"
#include "test_util.h"

#define SIZE	5000ULL

/**
 * struct mangle - one way to break a descriptor
 * @desc: case description
 * @fn: applies it; may change the descriptor size or the file size
 * @ok: whether the result is still valid
 */
struct mangle {
	const char *desc;
	void (*fn)(struct fsverity_descriptor *d, size_t *size, u64 *isize);
	bool ok;
};

static void m_none(struct fsverity_descriptor *d, size_t *s, u64 *i) { }
static void m_version0(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->version = 0;
}

static void m_version2(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->version = 2;
}

static void m_alg0(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->hash_algorithm = 0;
}

static void m_alg3(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->hash_algorithm = 3;
}

static void m_log9(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->log_blocksize = 9;
}

static void m_log13(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->log_blocksize = 13;
}

static void m_log10(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->log_blocksize = 10;
}

static void m_salt32(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->salt_size = 32;
}

static void m_salt33(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->salt_size = 33;
}

static void m_reserved(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->__reserved[143] = 1;
}

static void m_short(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	*s = sizeof(*d) - 1;
}

static void m_huge(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	*s = VS_MAX_DESC_SIZE + 1;
}

static void m_sig_ok(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->sig_size = cpu_to_le32(100);
	*s = sizeof(*d) + 100;
}

static void m_sig_long(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	d->sig_size = cpu_to_le32(101);
	*s = sizeof(*d) + 100;
}

static void m_isize(struct fsverity_descriptor *d, size_t *s, u64 *i)
{
	*i = SIZE + 1;
}

static const struct mangle mangles[] = {
	{ "well formed", m_none, true },
	{ "version 0", m_version0, false },
	{ "version 2", m_version2, false },
	{ "hash algorithm 0", m_alg0, false },
	{ "hash algorithm 3", m_alg3, false },
	{ "block size 512", m_log9, false },
	{ "block size above PAGE_SIZE", m_log13, false },
	{ "block size 1K", m_log10, true },
	{ "salt 32 bytes", m_salt32, true },
	{ "salt 33 bytes", m_salt33, false },
	{ "reserved byte set", m_reserved, false },
	{ "shorter than 256", m_short, false },
	{ "larger than 16K", m_huge, false },
	{ "signature inside", m_sig_ok, true },
	{ "signature past the end", m_sig_long, false },
	{ "data size != i_size", m_isize, false },
};

static void mangle_desc(const struct mangle *m, char *desc)
{
	strscpy(desc, m->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mangles, mangles, mangle_desc);

static void test_validate(struct kunit *test)
{
	const struct mangle *m = test->param_value;
	struct fsverity_descriptor *d;
	size_t size = sizeof(*d);
	u64 isize = SIZE;

	d = kunit_kzalloc(test, VS_MAX_DESC_SIZE + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->version = 1;
	d->hash_algorithm = FS_VERITY_HASH_ALG_SHA256;
	d->log_blocksize = 12;
	d->data_size = cpu_to_le64(SIZE);
	m->fn(d, &size, &isize);
	KUNIT_EXPECT_EQ(test, vs_desc_validate(d, size, isize, 12),
			m->ok ? 0 : -EINVAL);
}

/* 1K Merkle blocks on a filesystem with 1K blocks: max_log_blocksize 10 */
static void test_fs_block_limit(struct kunit *test)
{
	struct fsverity_descriptor d = {
		.version = 1, .hash_algorithm = FS_VERITY_HASH_ALG_SHA512,
		.log_blocksize = 11, .data_size = cpu_to_le64(SIZE),
	};

	KUNIT_EXPECT_EQ(test, -EINVAL, vs_desc_validate(&d, sizeof(d), SIZE,
							10));
	d.log_blocksize = 10;
	KUNIT_EXPECT_EQ(test, 0, vs_desc_validate(&d, sizeof(d), SIZE, 10));
}

/**
 * struct span_case - one call of vs_desc_meta_span()
 * @desc: case description
 * @tree_pos: where the tree starts
 * @tree_bytes: its size
 * @desc_pos: where the descriptor starts
 * @desc_size: its size
 * @bs: filesystem block size
 * @ok: the expected return
 * @from: the expected span start (0xdead: left as it was)
 * @to: the expected span end (0xbeef: left as it was)
 */
struct span_case {
	const char *desc;
	u64 tree_pos, tree_bytes, desc_pos;
	u32 desc_size, bs;
	bool ok;
	u64 from, to;
};

static const struct span_case spans[] = {
	{ "32K file, ext4 4K: tree block + descriptor block",
	  65536, 4096, 69632, 256, 4096, true, 65536, 73728 },
	{ "descriptor across a block boundary",
	  65536, 4096, 69632, 5000, 4096, true, 65536, 77824 },
	{ "f2fs-like: descriptor right after the tree, 1K blocks",
	  65536, 3072, 68608, 256, 1024, true, 65536, 69632 },
	{ "exactly 32K", 65536, 28672, 94208, 4096, 4096, true, 65536, 98304 },
	{ "one block over 32K", 65536, 32768, 98304, 256, 4096, false,
	  0xdead, 0xbeef },
	{ "tree not block-aligned", 65537, 4096, 69633, 256, 4096, false,
	  0xdead, 0xbeef },
	{ "descriptor inside the tree", 65536, 8192, 69632, 256, 4096, false,
	  0xdead, 0xbeef },
};

static void span_desc(const struct span_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(spans, spans, span_desc);

/* The span of tree + descriptor read at once: exact bounds or refused */
static void test_meta_span(struct kunit *test)
{
	const struct span_case *c = test->param_value;
	u64 from = 0xdead, to = 0xbeef;

	KUNIT_EXPECT_EQ(test, c->ok,
			vs_desc_meta_span(c->tree_pos, c->tree_bytes,
					  c->desc_pos, c->desc_size, c->bs,
					  SZ_32K, &from, &to));
	KUNIT_EXPECT_EQ(test, from, c->from);
	KUNIT_EXPECT_EQ(test, to, c->to);
}

static struct kunit_case desc_cases[] = {
	KUNIT_CASE_PARAM(test_meta_span, spans_gen_params),
	KUNIT_CASE_PARAM(test_validate, mangles_gen_params),
	KUNIT_CASE(test_fs_block_limit),
	{}
};

static struct kunit_suite desc_suite = {
	.name = "verity_scrub_desc",
	.test_cases = desc_cases,
};

kunit_test_suite(desc_suite);
