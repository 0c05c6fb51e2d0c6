// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * repair.c - authenticated repair of a damaged fs-verity file
 *
 * See repair.h for the rules.  The Merkle tree is laid out as the kernel
 * stores it: the level nearest the root first, the leaf level (hashes of
 * the data blocks) last, each level padded to whole blocks.  A block's
 * hash is H(salt padded with zeros to the hash's block size || block),
 * the data's last block padded with zeros; the file digest is H(the
 * descriptor with sig_size 0).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <libfsverity.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/verity_scrub.h>

#include "repair.h"

#define MAX_LEVELS 64

/* Where each level of the tree is; level 0 holds the data blocks' hashes. */
struct geom {
	uint64_t data_blocks;
	uint32_t bs, ds, per_block;	/* block, digest, hashes per block */
	int levels;
	uint64_t level_blocks[MAX_LEVELS];
	uint64_t level_start[MAX_LEVELS];	/* in blocks */
	uint64_t tree_blocks;
};

struct hasher {
	const EVP_MD *md;
	EVP_MD_CTX *salted;	/* state after the padded salt */
	EVP_MD_CTX *work;
};

/* The last tree block read at one level. */
struct level_cache {
	uint64_t idx;
	int loaded, verified;
	uint8_t *data;
};

/* State of one vs_repair_plan() call. */
struct ctx {
	const struct vs_repair_input *in;
	struct vs_repair_plan *plan;
	struct geom g;
	struct hasher h;
	uint8_t root[VS_REPAIR_MAX_DIGEST];
	struct level_cache cache[MAX_LEVELS];
	int err;		/* -ENOMEM while hashing the tree */
};

static const EVP_MD *alg_md(uint32_t alg)
{
	switch (alg) {
	case FS_VERITY_HASH_ALG_SHA256: return EVP_sha256();
	case FS_VERITY_HASH_ALG_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

static void hasher_free(struct hasher *h)
{
	EVP_MD_CTX_free(h->salted);
	EVP_MD_CTX_free(h->work);
}

static int hasher_init(struct hasher *h, uint32_t alg, const uint8_t *salt,
		       uint32_t salt_size)
{
	uint8_t padded[256];
	size_t plen = 0;
	int hbs;

	h->md = alg_md(alg);
	h->salted = EVP_MD_CTX_new();
	h->work = EVP_MD_CTX_new();
	if (!h->md || !h->salted || !h->work)
		return -ENOMEM;
	hbs = EVP_MD_get_block_size(h->md);
	if (salt_size) {
		plen = (salt_size + (size_t)hbs - 1) / (size_t)hbs * (size_t)hbs;
		memset(padded, 0, sizeof(padded));
		memcpy(padded, salt, salt_size);
	}
	if (!EVP_DigestInit_ex(h->salted, h->md, NULL) ||
	    (plen && !EVP_DigestUpdate(h->salted, padded, plen)))
		return -ENOMEM;
	return 0;
}

/* Hash one block (@len bytes, already padded by the caller). */
static int hash_block(struct hasher *h, const uint8_t *blk, size_t len,
		      uint8_t *out)
{
	if (!EVP_MD_CTX_copy_ex(h->work, h->salted) ||
	    !EVP_DigestUpdate(h->work, blk, len) ||
	    !EVP_DigestFinal_ex(h->work, out, NULL))
		return -ENOMEM;
	return 0;
}

/* Plain hash of the descriptor with sig_size 0: the file digest. */
static int descriptor_digest(const struct fsverity_descriptor *desc,
			     const EVP_MD *md, uint8_t *out)
{
	struct fsverity_descriptor d = *desc;
	unsigned int n;

	d.__reserved_0x04 = 0;	/* sig_size */
	return EVP_Digest(&d, sizeof(d), out, &n, md, NULL) ? 0 : -ENOMEM;
}

static void geom_init(struct geom *g, uint64_t size, uint32_t bs,
		      uint32_t ds)
{
	uint64_t n;
	int l;

	memset(g, 0, sizeof(*g));
	g->bs = bs;
	g->ds = ds;
	g->per_block = bs / ds;
	g->data_blocks = (size + bs - 1) / bs;
	for (n = g->data_blocks; n > 1 && g->levels < MAX_LEVELS;) {
		n = (n + g->per_block - 1) / g->per_block;
		g->level_blocks[g->levels++] = n;
	}
	for (l = g->levels - 1; l >= 0; l--) {
		g->level_start[l] = g->tree_blocks;
		g->tree_blocks += g->level_blocks[l];
	}
}

/*
 * The descriptor is trusted only if it hashes to the expected digest;
 * then its root hash, salt, block size and data size are the file's.
 */
static int check_descriptor(struct ctx *c)
{
	const struct fsverity_descriptor *d = &c->in->desc;
	const struct vs_repair_digest *want = &c->in->expected;
	struct vs_repair_plan *p = c->plan;
	uint8_t got[VS_REPAIR_MAX_DIGEST];
	const EVP_MD *md = alg_md(d->hash_algorithm);

	if (d->version != 1 || !md || d->hash_algorithm != want->alg ||
	    (uint32_t)EVP_MD_get_size(md) != want->size ||
	    d->log_blocksize < 10 || d->log_blocksize > 16 ||
	    d->salt_size > sizeof(d->salt))
		return 0;
	if (descriptor_digest(d, md, got))
		return -ENOMEM;
	if (memcmp(got, want->bytes, want->size))
		return 0;
	p->hash_algorithm = d->hash_algorithm;
	p->block_size = 1U << d->log_blocksize;
	p->salt_size = d->salt_size;
	memcpy(p->salt, d->salt, d->salt_size);
	p->data_size = le64toh(d->data_size);
	memcpy(c->root, d->root_hash, want->size);
	return 1;
}

/*
 * The tree block @i of @level, read and hashed against its verified
 * parent (the root hash for the top level); NULL if it cannot be read or
 * does not match.  The bad blocks are handled in ascending order, so the
 * tree blocks each level needs come in ascending order too: one cached
 * block per level means each is read and hashed at most once, in memory
 * of one block per level whatever the size of the file.
 */
static const uint8_t *verified_block(struct ctx *c, int level, uint64_t i)
{
	struct level_cache *lc = &c->cache[level];
	uint8_t got[VS_REPAIR_MAX_DIGEST];
	const uint8_t *want, *parent;

	if (lc->loaded && lc->idx == i)
		return lc->verified ? lc->data : NULL;
	if (level == c->g.levels - 1) {
		want = c->root;
	} else {
		parent = verified_block(c, level + 1, i / c->g.per_block);
		want = parent ? parent + (i % c->g.per_block) * c->g.ds : NULL;
	}
	lc->idx = i;
	lc->loaded = 1;
	lc->verified = 0;
	if (!want || c->in->read_tree(c->in->tree_priv,
				      (c->g.level_start[level] + i) * c->g.bs,
				      lc->data, c->g.bs))
		return NULL;
	if (hash_block(&c->h, lc->data, c->g.bs, got)) {
		c->err = -ENOMEM;
		return NULL;
	}
	lc->verified = !memcmp(got, want, c->g.ds);
	return lc->verified ? lc->data : NULL;
}

static int cache_alloc(struct ctx *c)
{
	int l;

	for (l = 0; l < c->g.levels; l++) {
		c->cache[l].data = malloc(c->g.bs);
		if (!c->cache[l].data)
			return -ENOMEM;
	}
	return 0;
}

static void cache_free(struct ctx *c)
{
	int l;

	for (l = 0; l < MAX_LEVELS; l++)
		free(c->cache[l].data);
}

/* The verified hash of data block @b, or NULL. */
static const uint8_t *leaf(struct ctx *c, uint64_t b)
{
	const uint8_t *blk;

	if (!c->g.levels)
		return c->root;
	blk = verified_block(c, 0, b / c->g.per_block);
	return blk ? blk + (b % c->g.per_block) * c->g.ds : NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The blocks under the repairable bad ranges, sorted, without repeats. */
static int bad_blocks(struct ctx *c, uint64_t **out, size_t *n)
{
	const struct vs_repair_input *in = c->in;
	uint64_t *v = NULL, b, first, last, bs = c->g.bs;
	size_t cnt = 0, cap = 0, i, j;

	for (i = 0; i < in->nbad; i++) {
		if (in->bad[i].kind == VERITY_SCRUB_KIND_TRANSIENT ||
		    !in->bad[i].length || in->bad[i].offset >= c->plan->data_size)
			continue;
		first = in->bad[i].offset / bs;
		last = (in->bad[i].offset + in->bad[i].length - 1) / bs;
		if (last >= c->g.data_blocks)
			last = c->g.data_blocks - 1;
		for (b = first; b <= last; b++) {
			if (cnt == cap) {
				uint64_t *nv;

				cap = cap ? 2 * cap : 16;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[cnt++] = b;
		}
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_u64);
	for (i = j = 0; i < cnt; i++)
		if (!j || v[j - 1] != v[i])
			v[j++] = v[i];
	*out = v;
	*n = j;
	return 0;
}

static void reject(struct vs_repair_plan *p, size_t s, uint64_t off)
{
	p->source_rejected[s]++;
	if (p->source_first_reject[s] == UINT64_MAX)
		p->source_first_reject[s] = off;
}

/* Try the sources in order for block @blk; 0 even when none fits. */
static int fill_block(struct ctx *c, struct vs_repair_block *blk)
{
	struct vs_repair_plan *p = c->plan;
	uint64_t off = blk->index * c->g.bs;
	size_t len = p->data_size - off < c->g.bs ?
		     (size_t)(p->data_size - off) : c->g.bs;
	const uint8_t *want = leaf(c, blk->index);
	uint8_t got[VS_REPAIR_MAX_DIGEST];
	size_t s;
	int err;

	if (c->err)
		return c->err;
	for (s = 0; s < c->in->nsources; s++) {
		const struct vs_repair_source *src = &c->in->sources[s];

		memset(blk->data, 0, c->g.bs);
		if (src->read(src->priv, off, blk->data, len)) {
			reject(p, s, off);
			continue;
		}
		if (want) {
			err = hash_block(&c->h, blk->data, c->g.bs, got);
			if (err)
				return err;
			if (memcmp(got, want, c->g.ds)) {
				reject(p, s, off);
				continue;
			}
		}
		blk->source = (int)s;
		blk->leaf_verified = !!want;
		p->source_bytes[s] += len;
		return 0;
	}
	return 0;
}

static int fill_blocks(struct ctx *c)
{
	struct vs_repair_plan *p = c->plan;
	uint64_t *idx;
	size_t i, n;
	int err;

	err = bad_blocks(c, &idx, &n);
	if (err)
		return err;
	p->blocks = calloc(n ? n : 1, sizeof(*p->blocks));
	if (!p->blocks) {
		free(idx);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct vs_repair_block *blk = &p->blocks[p->nblocks++];

		blk->index = idx[i];
		blk->source = -1;
		blk->data = malloc(c->g.bs);
		if (!blk->data) {
			err = -ENOMEM;
			break;
		}
		err = fill_block(c, blk);
		if (err)
			break;
		if (blk->source < 0 && p->verdict == VS_REPAIR_AUTHENTICATED) {
			p->verdict = VS_REPAIR_NO_SOURCE;
			p->fail_offset = blk->index * c->g.bs;
		}
	}
	free(idx);
	return err;
}

/* Sequential reader of the assembled content for libfsverity. */
struct whole {
	const struct vs_repair_plan *plan;
	const struct vs_repair_input *in;
	uint64_t pos;
	int err;
	uint64_t err_off;
};

static int whole_read(void *priv, void *buf, size_t count)
{
	struct whole *w = priv;
	uint64_t bs = w->plan->block_size, off;
	int err = vs_repair_read(w->plan, w->in, w->pos, buf, count);

	/* say which block failed, not where libfsverity's chunk began */
	for (off = w->pos; err && !w->err && off < w->pos + count; off += bs) {
		size_t n = w->pos + count - off < bs ?
			   (size_t)(w->pos + count - off) : (size_t)bs;
		int e = vs_repair_read(w->plan, w->in, off,
				       (uint8_t *)buf + (off - w->pos), n);

		if (e) {
			w->err = e;
			w->err_off = off;
		}
	}
	if (err && !w->err) {
		w->err = err;
		w->err_off = w->pos;
	}
	w->pos += count;
	return err;
}

/* The last check: the digest of everything that would be written. */
static int check_whole(struct ctx *c)
{
	struct vs_repair_plan *p = c->plan;
	const struct vs_repair_digest *want = &c->in->expected;
	struct libfsverity_merkle_tree_params params;
	struct libfsverity_digest *d = NULL;
	struct whole w = { .plan = p, .in = c->in };
	int err;

	memset(&params, 0, sizeof(params));
	params.version = 1;
	params.hash_algorithm = p->hash_algorithm;
	params.block_size = p->block_size;
	params.salt_size = p->salt_size;
	params.salt = p->salt_size ? p->salt : NULL;
	params.file_size = p->data_size;
	err = libfsverity_compute_digest(&w, whole_read, &params, &d);
	if (w.err) {
		free(d);
		p->verdict = VS_REPAIR_ORIG_UNREADABLE;
		p->fail_offset = w.err_off;
		p->fail_errno = -w.err;
		return 0;
	}
	if (err)
		return err;
	if (d->digest_algorithm != want->alg || d->digest_size != want->size ||
	    memcmp(d->digest, want->bytes, want->size))
		p->verdict = VS_REPAIR_DIGEST_MISMATCH;
	free(d);
	return 0;
}

static struct vs_repair_plan *plan_alloc(size_t nsources)
{
	struct vs_repair_plan *p = calloc(1, sizeof(*p));
	size_t n = nsources ? nsources : 1, i;

	if (!p)
		return NULL;
	p->nsources = nsources;
	p->source_bytes = calloc(n, sizeof(uint64_t));
	p->source_rejected = calloc(n, sizeof(uint64_t));
	p->source_first_reject = calloc(n, sizeof(uint64_t));
	if (!p->source_bytes || !p->source_rejected ||
	    !p->source_first_reject) {
		vs_repair_plan_free(p);
		return NULL;
	}
	for (i = 0; i < nsources; i++)
		p->source_first_reject[i] = UINT64_MAX;
	return p;
}

static int plan_run(struct ctx *c)
{
	int err;

	err = check_descriptor(c);
	if (err <= 0) {
		c->plan->verdict = VS_REPAIR_BAD_DESCRIPTOR;
		return err;
	}
	geom_init(&c->g, c->plan->data_size, c->plan->block_size,
		  c->in->expected.size);
	err = hasher_init(&c->h, c->plan->hash_algorithm, c->plan->salt,
			  c->plan->salt_size);
	if (!err)
		err = cache_alloc(c);
	if (!err)
		err = fill_blocks(c);
	if (!err && c->plan->verdict == VS_REPAIR_AUTHENTICATED)
		err = check_whole(c);
	return err;
}

int vs_repair_plan(const struct vs_repair_input *in,
		   struct vs_repair_plan **planp)
{
	struct ctx c;
	size_t i;
	int err;

	*planp = NULL;
	if (!in->read_tree || !in->read_orig ||
	    in->expected.size > VS_REPAIR_MAX_DIGEST)
		return -EINVAL;
	for (i = 0; i < in->nsources; i++)
		if (!in->sources[i].read)
			return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.in = in;
	c.plan = plan_alloc(in->nsources);
	if (!c.plan)
		return -ENOMEM;
	err = plan_run(&c);
	hasher_free(&c.h);
	cache_free(&c);
	if (err) {
		vs_repair_plan_free(c.plan);
		return err;
	}
	*planp = c.plan;
	return 0;
}

/* First replaced block with index >= @b (binary search), or NULL. */
static const struct vs_repair_block *
next_block(const struct vs_repair_plan *p, uint64_t b)
{
	size_t lo = 0, hi = p->nblocks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->blocks[mid].index < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nblocks ? &p->blocks[lo] : NULL;
}

int vs_repair_read(const struct vs_repair_plan *p,
		   const struct vs_repair_input *in, uint64_t off, void *buf,
		   size_t len)
{
	uint8_t *out = buf;
	uint64_t bs = p->block_size;
	int err;

	while (len) {
		const struct vs_repair_block *nb = next_block(p, off / bs);
		uint64_t in_blk = off % bs, n;

		if (nb && nb->index == off / bs) {
			n = bs - in_blk < len ? bs - in_blk : len;
			memcpy(out, nb->data + in_blk, n);
		} else {
			/* good blocks up to the next replaced one */
			n = nb ? nb->index * bs - off : len;
			if (n > len)
				n = len;
			err = in->read_orig(in->orig_priv, off, out, n);
			if (err)
				return err;
		}
		off += n;
		out += n;
		len -= n;
	}
	return 0;
}

void vs_repair_plan_free(struct vs_repair_plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nblocks; i++)
		free(p->blocks[i].data);
	free(p->blocks);
	free(p->source_bytes);
	free(p->source_rejected);
	free(p->source_first_reject);
	free(p);
}

const char *vs_repair_verdict_name(enum vs_repair_verdict v)
{
	switch (v) {
	case VS_REPAIR_AUTHENTICATED: return "authenticated";
	case VS_REPAIR_BAD_DESCRIPTOR: return "descriptor does not match the expected digest";
	case VS_REPAIR_NO_SOURCE: return "no source has an authenticated copy of a bad block";
	case VS_REPAIR_DIGEST_MISMATCH: return "the assembled content does not have the expected digest";
	case VS_REPAIR_ORIG_UNREADABLE: return "a block of the file the scrub found good could not be read";
	default: return "invalid";
	}
}
