// SPDX-License-Identifier: GPL-2.0
/*
 * hash.c - salted block hashing and the file digest, computed exactly as
 * fs-verity does (fs/verity/hash_algs.c, fs/verity/open.c)
 */
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "vs_private.h"

/**
 * struct vs_hash_alg - an fs-verity hash algorithm
 * @name: its crypto API name
 * @digest_size: bytes of output
 */
struct vs_hash_alg {
	const char *name;
	unsigned int digest_size;
};

/* The algorithms, by FS_VERITY_HASH_ALG_* number; the only list of them. */
static const struct vs_hash_alg vs_hash_algs[] = {
	[FS_VERITY_HASH_ALG_SHA256] = { .name = "sha256", .digest_size = 32 },
	[FS_VERITY_HASH_ALG_SHA512] = { .name = "sha512", .digest_size = 64 },
};

/* The table entry of FS_VERITY_HASH_ALG_* @alg, or NULL if unknown. */
static const struct vs_hash_alg *vs_hash_alg_find(unsigned int alg)
{
	if (alg >= ARRAY_SIZE(vs_hash_algs) || !vs_hash_algs[alg].name)
		return NULL;
	return &vs_hash_algs[alg];
}

/*
 * One transform per algorithm for the module's life, as fs-verity keeps
 * its own (fs/verity/hash_algs.c): a crypto_shash holds no state of a
 * hash in progress, so any number of scrubs hash with it at once, each
 * with its own descriptor on the stack.  Made on first use, freed by
 * vs_hash_exit() when the module goes (no scrub can run then), instead
 * of an algorithm lookup and a transform made and freed by every call.
 * Which driver it is, vs_hash_pick() decides (hashpick.c).
 */
static struct crypto_shash *vs_tfms[ARRAY_SIZE(vs_hash_algs)];
static DEFINE_MUTEX(vs_tfms_lock);

/* The transform of known algorithm @alg (vs_hash_alg_find()). */
static struct crypto_shash *vs_get_tfm(unsigned int alg)
{
	struct crypto_shash *tfm;

	/* pairs with the smp_store_release() below */
	tfm = smp_load_acquire(&vs_tfms[alg]);
	if (tfm)
		return tfm;
	if (mutex_lock_killable(&vs_tfms_lock))
		return ERR_PTR(-EINTR);
	tfm = vs_tfms[alg];
	if (!tfm) {
		tfm = vs_hash_pick(vs_hash_algs[alg].name);
		if (!IS_ERR(tfm))	/* pairs with smp_load_acquire() */
			smp_store_release(&vs_tfms[alg], tfm);
	}
	mutex_unlock(&vs_tfms_lock);
	return tfm;
}

/**
 * vs_hash_exit() - free the transforms (module unload; no hasher in use)
 */
void vs_hash_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vs_tfms); i++) {
		if (vs_tfms[i])
			crypto_free_shash(vs_tfms[i]);
		vs_tfms[i] = NULL;
	}
}

/**
 * vs_alg_digest_size() - digest size of an FS_VERITY_HASH_ALG_*
 * @alg: algorithm number
 *
 * Return: bytes, or 0 for an unknown algorithm.
 */
unsigned int vs_alg_digest_size(unsigned int alg)
{
	const struct vs_hash_alg *a = vs_hash_alg_find(alg);

	return a ? a->digest_size : 0;
}

/**
 * vs_hasher_init() - prepare salted hashing
 * @h: filled in
 * @alg: FS_VERITY_HASH_ALG_*
 * @salt: salt bytes
 * @salt_size: 0..32
 *
 * The salt is zero-padded to the hash's block size and prepended to every
 * block, only if it is not empty.
 *
 * Return: 0 or -errno (-EINVAL for an unknown algorithm, -EINTR on a
 * fatal signal while another call makes the algorithm's transform).
 */
int vs_hasher_init(struct vs_hasher *h, unsigned int alg, const u8 *salt,
		   unsigned int salt_size)
{
	const struct vs_hash_alg *a = vs_hash_alg_find(alg);
	struct crypto_shash *tfm;

	memset(h, 0, sizeof(*h));
	if (!a)
		return -EINVAL;
	tfm = vs_get_tfm(alg);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	h->tfm = tfm;
	h->digest_size = crypto_shash_digestsize(tfm);
	if (salt_size == 0)
		return 0;

	h->padded_salt_size = round_up(salt_size, crypto_shash_blocksize(tfm));
	h->padded_salt = kzalloc(h->padded_salt_size, VS_GFP);
	if (!h->padded_salt) {
		vs_hasher_destroy(h);
		return -ENOMEM;
	}
	memcpy(h->padded_salt, salt, salt_size);
	return 0;
}

/**
 * vs_hasher_destroy() - free what vs_hasher_init() allocated
 * @h: hasher; may be zeroed
 */
void vs_hasher_destroy(struct vs_hasher *h)
{
	kfree(h->padded_salt);
	memset(h, 0, sizeof(*h));
}

/**
 * vs_hash_block() - salted hash of one data or tree block
 * @h: hasher
 * @block: the block
 * @len: the Merkle block size
 * @out: digest_size bytes
 *
 * Return: 0 or -errno from the crypto API.
 */
int vs_hash_block(const struct vs_hasher *h, const void *block,
		  unsigned int len, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, h->tfm);
	int err;

	desc->tfm = h->tfm;
	if (!h->padded_salt)
		return crypto_shash_digest(desc, block, len, out);
	err = crypto_shash_init(desc);
	if (!err)
		err = crypto_shash_update(desc, h->padded_salt,
					  h->padded_salt_size);
	if (!err)
		err = crypto_shash_finup(desc, block, len, out);
	shash_desc_zero(desc);
	return err;
}

/**
 * vs_hash_plain() - unsalted hash of a buffer
 * @h: hasher
 * @buf: data
 * @len: bytes
 * @out: digest_size bytes
 *
 * Return: 0 or -errno.
 */
int vs_hash_plain(const struct vs_hasher *h, const void *buf,
		  unsigned int len, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, h->tfm);

	desc->tfm = h->tfm;
	return crypto_shash_digest(desc, buf, len, out);
}

/**
 * vs_file_digest() - fs-verity file digest of a descriptor
 * @h: hasher of the descriptor's algorithm
 * @desc: the descriptor (at least its first 256 bytes)
 * @out: digest_size bytes
 *
 * The digest covers the 256-byte descriptor with sig_size zeroed, as
 * FS_IOC_MEASURE_VERITY reports it.
 *
 * Return: 0 or -errno.
 */
int vs_file_digest(const struct vs_hasher *h,
		   const struct fsverity_descriptor *desc, u8 *out)
{
	struct fsverity_descriptor *copy;
	int err;

	copy = kmemdup(desc, VS_DESC_HASHED_SIZE, VS_GFP);
	if (!copy)
		return -ENOMEM;
	copy->sig_size = 0;
	err = vs_hash_plain(h, copy, VS_DESC_HASHED_SIZE, out);
	kfree(copy);
	return err;
}
