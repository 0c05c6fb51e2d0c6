// SPDX-License-Identifier: GPL-2.0
/*
 * test_hash.c - suite verity_scrub_hash: the module's geometry and salted
 * hashing rebuild, byte for byte, the Merkle trees, root hashes and file
 * digests that libfsverity computed for the same files
 */
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/string.h>

#include "test_util.h"

static const void *vectors_gen_params(const void *prev, char *desc)
{
	const struct vs_vector *v = prev ? (const struct vs_vector *)prev + 1 :
					   vs_test_vectors;

	if (v >= vs_test_vectors + vs_test_nvectors)
		return NULL;
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
	return v;
}

static void test_tree(struct kunit *test)
{
	const struct vs_vector *v = test->param_value;
	u8 digest[VS_MAX_DIGEST_SIZE];
	struct vs_hasher sha256;
	struct vs_tree t;

	vs_test_build(test, v, &t);
	KUNIT_EXPECT_EQ(test, (u64)t.g.tree_blocks << t.g.log_blocksize,
			v->tree_size);
	KUNIT_EXPECT_MEMEQ(test, t.root, v->root_hash, t.g.digest_size);

	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&sha256,
						FS_VERITY_HASH_ALG_SHA256,
						NULL, 0));
	KUNIT_EXPECT_EQ(test, 0, vs_hash_plain(&sha256, t.tree,
					       v->tree_size, digest));
	KUNIT_EXPECT_MEMEQ(test, digest, v->tree_sha256, 32);
	vs_hasher_destroy(&sha256);
	vs_hasher_destroy(&t.h);
}

static void test_file_digest(struct kunit *test)
{
	const struct vs_vector *v = test->param_value;
	u8 digest[VS_MAX_DIGEST_SIZE];
	struct fsverity_descriptor *d;
	struct vs_hasher h;

	d = kunit_kzalloc(test, sizeof(*d) + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	vs_test_desc(v, d);
	d->sig_size = cpu_to_le32(16);	/* not part of the digest */
	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&h, v->alg, NULL, 0));
	KUNIT_EXPECT_EQ(test, 0, vs_file_digest(&h, d, digest));
	KUNIT_EXPECT_MEMEQ(test, digest, v->file_digest,
			   vs_alg_digest_size(v->alg));
	vs_hasher_destroy(&h);
}

/* The salt is zero-padded to the hash block size and prepended. */
static void test_salt_padding(struct kunit *test)
{
	static const u8 salt[3] = { 1, 2, 3 };
	u8 got[32], want[32];
	struct vs_hasher h, plain;
	u8 *buf;

	buf = kunit_kzalloc(test, 64 + 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, salt, sizeof(salt));
	vs_test_fill(buf + 64, 1024, 42);
	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&h, FS_VERITY_HASH_ALG_SHA256,
						salt, sizeof(salt)));
	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&plain,
						FS_VERITY_HASH_ALG_SHA256,
						NULL, 0));
	KUNIT_EXPECT_EQ(test, h.padded_salt_size, 64);
	KUNIT_EXPECT_EQ(test, 0, vs_hash_block(&h, buf + 64, 1024, got));
	KUNIT_EXPECT_EQ(test, 0, vs_hash_plain(&plain, buf, 64 + 1024, want));
	KUNIT_EXPECT_MEMEQ(test, got, want, sizeof(got));
	vs_hasher_destroy(&h);
	vs_hasher_destroy(&plain);
}

static void test_unknown_alg(struct kunit *test)
{
	struct vs_hasher h;

	KUNIT_EXPECT_EQ(test, -EINVAL, vs_hasher_init(&h, 0, NULL, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, vs_hasher_init(&h, 3, NULL, 0));
	KUNIT_EXPECT_EQ(test, 0U, vs_alg_digest_size(3));
}

/*
 * The one algorithm table: its sizes agree with the crypto API's, and
 * numbers outside it (below, between, past the end) are unknown.
 */
static void test_alg_table(struct kunit *test)
{
	static const unsigned int algs[] = { FS_VERITY_HASH_ALG_SHA256,
					     FS_VERITY_HASH_ALG_SHA512 };
	struct vs_hasher h;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, 32U,
			vs_alg_digest_size(FS_VERITY_HASH_ALG_SHA256));
	KUNIT_EXPECT_EQ(test, 64U,
			vs_alg_digest_size(FS_VERITY_HASH_ALG_SHA512));
	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&h, algs[i], NULL, 0));
		KUNIT_EXPECT_EQ(test, h.digest_size,
				vs_alg_digest_size(algs[i]));
		vs_hasher_destroy(&h);
	}
	KUNIT_EXPECT_EQ(test, 0U, vs_alg_digest_size(0));
	KUNIT_EXPECT_EQ(test, 0U, vs_alg_digest_size(255));
	KUNIT_EXPECT_EQ(test, 0U, vs_alg_digest_size(UINT_MAX));
	KUNIT_EXPECT_EQ(test, -EINVAL, vs_hasher_init(&h, 255, NULL, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, vs_hasher_init(&h, UINT_MAX, NULL, 0));
	KUNIT_EXPECT_NULL(test, h.tfm);
}

/*
 * Hashers of one algorithm share one transform, made once: destroying a
 * hasher leaves it to the others, which still hash right.
 */
static void test_shared_tfm(struct kunit *test)
{
	static const u8 block[64] = { 7 };
	struct vs_hasher a, b, c;
	u8 want[32], got[32];

	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&a, FS_VERITY_HASH_ALG_SHA256,
						NULL, 0));
	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&b, FS_VERITY_HASH_ALG_SHA256,
						NULL, 0));
	KUNIT_ASSERT_EQ(test, 0, vs_hasher_init(&c, FS_VERITY_HASH_ALG_SHA512,
						NULL, 0));
	KUNIT_EXPECT_PTR_EQ(test, a.tfm, b.tfm);
	KUNIT_EXPECT_PTR_NE(test, a.tfm, c.tfm);
	KUNIT_EXPECT_EQ(test, 0, vs_hash_plain(&a, block, sizeof(block), want));
	vs_hasher_destroy(&a);
	KUNIT_EXPECT_EQ(test, 0, vs_hash_plain(&b, block, sizeof(block), got));
	KUNIT_EXPECT_MEMEQ(test, got, want, sizeof(got));
	vs_hasher_destroy(&b);
	vs_hasher_destroy(&c);
}

/* A trial's two results: @pick_ns and @other_ns, digests equal or not. */
struct prefer_case {
	const char *name;
	u64 pick_ns, other_ns;
	int pick_err, other_err;
	bool same_digest;
	bool want_other;
};

static const struct prefer_case prefer_cases[] = {
	{ "3.3x faster", 3300, 1000, 0, 0, true, true },
	{ "1.3x faster", 1300, 1000, 0, 0, true, true },
	{ "just inside 4/5", 1000, 799, 0, 0, true, true },
	{ "at 4/5", 1000, 800, 0, 0, true, false },
	{ "1.2x faster", 1200, 1000, 0, 0, true, false },
	{ "a tie", 1000, 1000, 0, 0, true, false },
	{ "slower", 1000, 3300, 0, 0, true, false },
	{ "faster, other digest", 3300, 1000, 0, 0, false, false },
	{ "faster, failed", 3300, 1000, 0, -EINTR, true, false },
	{ "pick failed", 3300, 1000, -ENOMEM, 0, true, false },
	{ "pick not timed", 0, 0, 0, 0, true, false },
	{ "huge times", U64_MAX, U64_MAX / 2, 0, 0, true, true },
};

static void prefer_desc(const struct prefer_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(prefer, prefer_cases, prefer_desc);

/*
 * The generic driver replaces the crypto API's pick only when it hashed
 * the trial's block to the same digest, without error, in less than 4/5
 * of the time.
 */
static void test_prefer_other(struct kunit *test)
{
	const struct prefer_case *c = test->param_value;
	struct vs_hash_trial pick = { .ns = c->pick_ns, .err = c->pick_err };
	struct vs_hash_trial other = { .ns = c->other_ns, .err = c->other_err };

	memset(pick.digest, 0xa5, sizeof(pick.digest));
	memset(other.digest, 0xa5, sizeof(other.digest));
	if (!c->same_digest)
		other.digest[31] ^= 1;
	KUNIT_EXPECT_EQ(test, vs_hash_prefer_other(&pick, &other),
			c->want_other);
}

/* The tree digest of vector @v's tree @t hashed with @tfm. */
static void expect_tree_digest(struct kunit *test, struct crypto_shash *tfm,
			       const struct vs_vector *v, const struct vs_tree *t)
{
	struct vs_hasher h = { .tfm = tfm, .digest_size = 32 };
	u8 digest[32];

	KUNIT_EXPECT_EQ(test, 0, vs_hash_plain(&h, t->tree, v->tree_size,
					       digest));
	KUNIT_EXPECT_MEMEQ(test, digest, v->tree_sha256, 32);
}

/*
 * Whichever driver vs_hash_pick() keeps, it is one of the algorithm's and
 * hashes as the crypto API's pick does: libfsverity's tree digests of the
 * vectors, from both the pick and the generic driver.
 */
static void test_pick_drivers(struct kunit *test)
{
	static const char * const names[] = { "sha256", "sha256-generic" };
	const struct vs_vector *v = &vs_test_vectors[0];
	struct crypto_shash *tfm;
	struct vs_tree t;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, v->alg, FS_VERITY_HASH_ALG_SHA256);
	vs_test_build(test, v, &t);
	tfm = vs_hash_pick("sha256");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tfm));
	KUNIT_EXPECT_TRUE(test, !strcmp(crypto_shash_alg_name(tfm), "sha256"));
	crypto_free_shash(tfm);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		tfm = crypto_alloc_shash(names[i], 0, 0);
		if (IS_ERR(tfm))	/* no generic driver: vs_hash_pick() skips it */
			continue;
		expect_tree_digest(test, tfm, v, &t);
		crypto_free_shash(tfm);
	}
	KUNIT_EXPECT_TRUE(test, IS_ERR(vs_hash_pick("no-such-hash")));
	vs_hasher_destroy(&t.h);
}

/*
 * The trial itself (the 6.12 test kernel's pick is sha256-generic, so
 * vs_hash_pick() skips it there): of two drivers it keeps one, which
 * hashes right whichever it is, and of drivers of two different digest
 * sizes always the pick.
 */
static void test_choose(struct kunit *test)
{
	const struct vs_vector *v = &vs_test_vectors[0];
	struct crypto_shash *a, *b, *got, *kept;
	struct vs_tree t;

	KUNIT_ASSERT_EQ(test, v->alg, FS_VERITY_HASH_ALG_SHA256);
	vs_test_build(test, v, &t);
	a = crypto_alloc_shash("sha256-generic", 0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	b = crypto_alloc_shash("sha256-generic", 0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	got = vs_hash_choose(a, b);
	KUNIT_EXPECT_TRUE(test, got == a || got == b);
	expect_tree_digest(test, got, v, &t);

	b = crypto_alloc_shash("sha512-generic", 0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	kept = vs_hash_choose(got, b);
	if (kept != got)	/* got was freed: keep nothing of it */
		crypto_free_shash(kept);
	KUNIT_ASSERT_PTR_EQ(test, kept, got);
	expect_tree_digest(test, kept, v, &t);
	crypto_free_shash(kept);
	vs_hasher_destroy(&t.h);
}

static struct kunit_case hash_cases[] = {
	KUNIT_CASE_PARAM(test_prefer_other, prefer_gen_params),
	KUNIT_CASE(test_pick_drivers),
	KUNIT_CASE(test_choose),
	KUNIT_CASE_PARAM(test_tree, vectors_gen_params),
	KUNIT_CASE_PARAM(test_file_digest, vectors_gen_params),
	KUNIT_CASE(test_salt_padding),
	KUNIT_CASE(test_unknown_alg),
	KUNIT_CASE(test_alg_table),
	KUNIT_CASE(test_shared_tfm),
	{}
};

static struct kunit_suite hash_suite = {
	.name = "verity_scrub_hash",
	.test_cases = hash_cases,
};

kunit_test_suite(hash_suite);
