// SPDX-License-Identifier: GPL-2.0
/*
 * hashpick.c - which driver of a hash algorithm the module hashes with
 *
 * The crypto API ranks the drivers of an algorithm by a fixed priority:
 * the architecture's vector code above the generic C code.  On hardware
 * that order is right.  Under an emulator it can be wrong by a wide
 * margin: qemu's TCG runs x86's sha256-avx2 3.2 times slower than
 * sha256-generic (the hash floors of tests/benchmark/results), because it
 * emulates each vector instruction in a helper call.  So, as the RAID-6
 * and XOR code time their routines before choosing one, the module times
 * the crypto API's pick against the algorithm's generic driver once, when
 * its first scrub needs the algorithm, and keeps the generic driver only
 * if it gives the same digest and is faster by a clear margin.  On
 * hardware, where vector code is several times faster than C, the choice
 * stays the crypto API's.
 *
 * The trial is bounded (VS_PICK_ROUNDS x VS_PICK_BLOCKS blocks of
 * PAGE_SIZE per driver: 64 KiB each, about 9 ms in all under TCG), runs
 * in the caller's context, and stops at a fatal signal, keeping the
 * crypto API's pick.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vs_private.h"

#define VS_PICK_ROUNDS	4
#define VS_PICK_BLOCKS	4

/**
 * vs_hash_prefer_other() - whether a trial's other driver is the better
 * @pick: the crypto API's pick
 * @other: the generic driver
 *
 * Return: true only if both hashed without error, to the same digest, and
 * @other took less than 4/5 of @pick's time (a near tie keeps the crypto
 * API's order).
 */
bool vs_hash_prefer_other(const struct vs_hash_trial *pick,
			  const struct vs_hash_trial *other)
{
	if (pick->err || other->err || !pick->ns)
		return false;
	if (memcmp(pick->digest, other->digest, sizeof(pick->digest)))
		return false;
	return other->ns < pick->ns - pick->ns / 5;
}

/* One timed round of @tfm over @buf; keeps the fastest round in @t. */
static void vs_hash_time(struct crypto_shash *tfm, const u8 *buf,
			 struct vs_hash_trial *t)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	unsigned int i;
	u64 t0, ns;
	int err = 0;

	desc->tfm = tfm;
	t0 = ktime_get_ns();
	for (i = 0; i < VS_PICK_BLOCKS && !err; i++)
		err = crypto_shash_digest(desc, buf, PAGE_SIZE, t->digest);
	ns = ktime_get_ns() - t0;
	if (err && !t->err)
		t->err = err;
	t->ns = t->ns ? min(t->ns, ns) : max_t(u64, ns, 1);
}

/* Times @pick and @other in alternate rounds over one random page. */
static void vs_hash_trial(struct crypto_shash *pick,
			  struct crypto_shash *other,
			  struct vs_hash_trial *tp, struct vs_hash_trial *to)
{
	unsigned int r;
	u8 *buf;

	memset(tp, 0, sizeof(*tp));
	memset(to, 0, sizeof(*to));
	buf = kmalloc(PAGE_SIZE, VS_GFP);
	if (!buf) {
		to->err = -ENOMEM;
		return;
	}
	get_random_bytes(buf, PAGE_SIZE);
	for (r = 0; r < VS_PICK_ROUNDS; r++) {
		if (fatal_signal_pending(current)) {
			to->err = -EINTR;
			break;
		}
		vs_hash_time(pick, buf, tp);
		vs_hash_time(other, buf, to);
		cond_resched();
	}
	kfree(buf);
}

/**
 * vs_hash_choose() - keep the better of two drivers of one algorithm
 * @pick: the crypto API's pick
 * @other: another driver of the same algorithm
 *
 * Times both (vs_hash_trial()) and frees the one not kept.
 *
 * Return: @other if vs_hash_prefer_other() says so, else @pick.
 */
struct crypto_shash *vs_hash_choose(struct crypto_shash *pick,
				    struct crypto_shash *other)
{
	struct vs_hash_trial tp, to;

	if (crypto_shash_digestsize(other) != crypto_shash_digestsize(pick) ||
	    crypto_shash_digestsize(pick) > sizeof(tp.digest)) {
		crypto_free_shash(other);
		return pick;
	}
	vs_hash_trial(pick, other, &tp, &to);
	if (!vs_hash_prefer_other(&tp, &to)) {
		crypto_free_shash(other);
		return pick;
	}
	pr_info("%s using \"%s\" (%llu ns per %u KiB), not \"%s\" (%llu ns)\n",
		crypto_shash_alg_name(pick), crypto_shash_driver_name(other),
		to.ns, VS_PICK_BLOCKS * (unsigned int)PAGE_SIZE / 1024,
		crypto_shash_driver_name(pick), tp.ns);
	crypto_free_shash(pick);
	return other;
}

/**
 * vs_hash_pick() - the transform the module hashes algorithm @name with
 * @name: crypto API name of the algorithm ("sha256", "sha512")
 *
 * Return: the crypto API's pick, or the algorithm's generic driver if
 * vs_hash_choose() keeps it; ERR_PTR() if the algorithm has no driver at
 * all.  Only one of the two is kept.
 */
struct crypto_shash *vs_hash_pick(const char *name)
{
	char generic[CRYPTO_MAX_ALG_NAME];
	struct crypto_shash *pick, *other;

	pick = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(pick))
		return pick;
	if (snprintf(generic, sizeof(generic), "%s-generic", name) >=
	    sizeof(generic) ||
	    !strcmp(crypto_shash_driver_name(pick), generic))
		return pick;
	/* absent where the crypto API has no generic driver of @name */
	other = crypto_alloc_shash(generic, 0, 0);
	if (IS_ERR(other))
		return pick;
	return vs_hash_choose(pick, other);
}
