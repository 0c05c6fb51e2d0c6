/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vs_private.h - declarations shared by the files of verity_scrub.ko,
 * indexed by the file that defines them
 */
#ifndef VS_PRIVATE_H
#define VS_PRIVATE_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/blk_types.h>
#include <uapi/linux/fsverity.h>
#include <linux/verity_scrub.h>

#include "compat.h"

#define VS_MAX_LEVELS		8	/* as FS_VERITY_MAX_LEVELS */
#define VS_MAX_DIGEST_SIZE	64
#define VS_MAX_DESC_SIZE	16384	/* FS_VERITY_MAX_DESCRIPTOR_SIZE */
#define VS_DESC_HASHED_SIZE	256	/* sizeof(struct fsverity_descriptor) */
#define VS_TREE_ALIGN		65536	/* ext4/f2fs: tree starts here past EOF */
#define VS_WINDOW_PAGES		(SZ_4M >> PAGE_SHIFT)	/* readahead window */
#define VS_TREE_RA_PAGES	64	/* tree readahead of the direct path */
#define VS_CALL_BUDGET		(10 * HZ)	/* retry time per call */

/*
 * Every allocation of a scrub: charged to the caller's memory cgroup, and
 * failing with -ENOMEM rather than invoking the OOM killer.
 */
#define VS_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* geometry.c */

/**
 * struct vs_geom - layout of a Merkle tree (see fs/verity/open.c)
 * @data_size: file size in bytes
 * @data_blocks: number of data blocks (last one may be partial)
 * @tree_blocks: number of tree blocks, all levels
 * @block_size: Merkle tree block size
 * @log_blocksize: log2(@block_size)
 * @log_arity: log2(hashes per tree block)
 * @digest_size: hash size in bytes
 * @num_levels: tree levels; 0 when the file has at most one block
 * @level_start: first tree block of each level; level 0 (the leaves) is
 *	stored last, the top level first
 * @level_blocks: number of blocks in each level
 */
struct vs_geom {
	u64 data_size;
	u64 data_blocks;
	u64 tree_blocks;
	u32 block_size;
	u8 log_blocksize;
	u8 log_arity;
	u8 digest_size;
	u8 num_levels;
	u64 level_start[VS_MAX_LEVELS];
	u64 level_blocks[VS_MAX_LEVELS];
};

int vs_geom_init(struct vs_geom *g, u64 data_size, unsigned int log_blocksize,
		 unsigned int digest_size);
u64 vs_geom_tree_block(const struct vs_geom *g, unsigned int level,
		       u64 data_block);
unsigned int vs_geom_hash_offset(const struct vs_geom *g, unsigned int level,
				 u64 data_block);
void vs_geom_covered(const struct vs_geom *g, unsigned int level,
		     u64 data_block, u64 *first, u64 *count);
bool vs_geom_tail(const struct vs_geom *g, u32 page_size, u64 *from, u64 *to);

/* hash.c */

/**
 * struct vs_hasher - salted block hashing exactly as fs-verity does it
 * @tfm: "sha256" or "sha512", the module's (hash.c): not freed with @h
 * @padded_salt: salt zero-padded to the hash block size, or NULL
 * @padded_salt_size: bytes in @padded_salt
 * @digest_size: bytes of output
 */
struct vs_hasher {
	struct crypto_shash *tfm;
	u8 *padded_salt;
	unsigned int padded_salt_size;
	unsigned int digest_size;
};

int vs_hasher_init(struct vs_hasher *h, unsigned int alg, const u8 *salt,
		   unsigned int salt_size);
void vs_hasher_destroy(struct vs_hasher *h);
void vs_hash_exit(void);

/* hashpick.c */

/**
 * struct vs_hash_trial - one driver's result in vs_hash_pick()'s trial
 * @ns: its fastest round
 * @err: its first error, or 0
 * @digest: the digest of the trial's block
 */
struct vs_hash_trial {
	u64 ns;
	int err;
	u8 digest[VS_MAX_DIGEST_SIZE];
};

bool vs_hash_prefer_other(const struct vs_hash_trial *pick,
			  const struct vs_hash_trial *other);
struct crypto_shash *vs_hash_choose(struct crypto_shash *pick,
				    struct crypto_shash *other);
struct crypto_shash *vs_hash_pick(const char *name);
int vs_hash_block(const struct vs_hasher *h, const void *block,
		  unsigned int len, u8 *out);
int vs_hash_plain(const struct vs_hasher *h, const void *buf,
		  unsigned int len, u8 *out);
int vs_file_digest(const struct vs_hasher *h,
		   const struct fsverity_descriptor *desc, u8 *out);
unsigned int vs_alg_digest_size(unsigned int alg);

/* desc.c */
int vs_desc_validate(const struct fsverity_descriptor *desc, size_t size,
		     u64 i_size, unsigned int max_log_blocksize);

/* ranges.c */

/**
 * struct vs_range_acc - merges adjacent bad blocks into ranges
 * @cur: the open range
 * @open: whether @cur holds a range
 */
struct vs_range_acc {
	struct verity_scrub_range cur;
	bool open;
};

void vs_acc_init(struct vs_range_acc *acc);
bool vs_acc_add(struct vs_range_acc *acc, const struct verity_scrub_range *r,
		struct verity_scrub_range *out);
bool vs_acc_flush(struct vs_range_acc *acc, struct verity_scrub_range *out);
u32 vs_range_flags(u32 kind, bool cached, u32 caller_size);

/* cachegood.c */
bool vs_pages_cached(struct address_space *mapping, u64 from, u64 to);

/* decide.c */

/* Result of one data block classification; VS_KIND_GOOD is not reported. */
#define VS_KIND_GOOD	0

/**
 * struct vs_evidence - what classification found out about a data block
 * @retry_ok: a page-cache re-read succeeded and verified
 * @no_raw: the block cannot be read raw (no bmap, hole, inline, ...)
 * @data_err: the raw read of the data block failed
 * @data_detail: VERITY_SCRUB_DETAIL_* of that failure
 * @tree_no_raw: a needed tree block could not be read at all, raw
 *	impossible
 * @tree_err: reading a needed tree block failed
 * @tree_detail: VERITY_SCRUB_DETAIL_* of that failure
 * @bad_level: level of the first tree block not matching its parent, or
 *	-1
 * @leaf_match: the data block's hash matches its leaf entry (or root)
 */
struct vs_evidence {
	bool retry_ok;
	bool no_raw;
	bool data_err;
	u32 data_detail;
	bool tree_no_raw;
	bool tree_err;
	u32 tree_detail;
	int bad_level;
	bool leaf_match;
};

/**
 * struct vs_verdict - classification of a data block
 * @kind: VERITY_SCRUB_KIND_* or VS_KIND_GOOD
 * @detail: VERITY_SCRUB_DETAIL_*
 * @level: tree level for TREE_CORRUPT
 */
struct vs_verdict {
	u32 kind;
	u32 detail;
	u32 level;
};

void vs_evidence_init(struct vs_evidence *ev);
void vs_decide(const struct vs_evidence *ev, struct vs_verdict *v);
u32 vs_blk_status_detail(blk_status_t status);

/* merkle.c */

/**
 * struct vs_io_ops - how the walks read blocks; faked by the KUnit tests
 * @read_data: read data block @blk into @buf (block_size bytes, zeroed
 *	past EOF).  0, -EOPNOTSUPP when raw access is impossible, or another
 *	-errno with *@detail set.
 * @read_tree: read tree block @blk (index in the tree) into @buf; same
 *	return convention.
 */
struct vs_io_ops {
	int (*read_data)(void *priv, u64 blk, u8 *buf, u32 *detail);
	int (*read_tree)(void *priv, u64 blk, u8 *buf, u32 *detail);
};

#define VS_MERKLE_NONE	U64_MAX	/* vs_merkle.held: nothing held */

/**
 * struct vs_merkle - the Merkle-path verifier of one file
 * @geom: tree layout
 * @hasher: salted hashing
 * @root_hash: root hash from the descriptor on disk
 * @ops: block reads (->read_tree only)
 * @priv: argument of @ops
 * @block: per level, block_size bytes the level's tree block is read
 *	into; levels may share one buffer
 * @held: per level, index in the tree of the verified block in @block, or
 *	VS_MERKLE_NONE
 * @keep: hold verified blocks across calls (else every call reads all)
 */
struct vs_merkle {
	const struct vs_geom *geom;
	const struct vs_hasher *hasher;
	const u8 *root_hash;
	const struct vs_io_ops *ops;
	void *priv;
	u8 *block[VS_MAX_LEVELS];
	u64 held[VS_MAX_LEVELS];
	bool keep;
};

/**
 * struct vs_merkle_fault - where and how a path failed to verify
 * @level: level of the tree block that failed, or -1
 * @tblk: its index in the tree
 * @read_err: the error of ->read_tree() if it could not be read, else 0
 * @detail: VERITY_SCRUB_DETAIL_* of that read error
 * @mismatch: it was read, and does not match the hash in its parent
 */
struct vs_merkle_fault {
	int level;
	u64 tblk;
	int read_err;
	u32 detail;
	bool mismatch;
};

void vs_merkle_init(struct vs_merkle *m, const struct vs_geom *geom,
		    const struct vs_hasher *hasher, const u8 *root_hash,
		    const struct vs_io_ops *ops, void *priv);
int vs_merkle_verify_path(struct vs_merkle *m, u64 blk, const u8 **want,
			  struct vs_merkle_fault *fault);

/* classify.c */

/**
 * struct vs_walk - classification state of one scrub
 * @path: verifier; every level is read into @tbuf, nothing is held
 * @buf: block_size bytes for data
 * @tbuf: block_size bytes for tree blocks
 * @bad_level: memo: level of the last tree block found corrupt, or -1
 * @bad_block: memo: index of that block in the tree
 */
struct vs_walk {
	struct vs_merkle path;
	u8 *buf;
	u8 *tbuf;
	int bad_level;
	u64 bad_block;
};

void vs_walk_init(struct vs_walk *w, const struct vs_geom *geom,
		  const struct vs_hasher *hasher, const u8 *root_hash,
		  const struct vs_io_ops *ops, void *priv);
int vs_walk_block(struct vs_walk *w, u64 blk, struct vs_evidence *ev);
bool vs_walk_known_bad(const struct vs_walk *w, u64 blk);
int vs_classify_block(struct vs_walk *w, u64 blk, struct vs_verdict *v);

/* tree.c */

/**
 * struct vs_tree_cursor - the verifier of the direct path: one buffer per
 *	level, verified blocks held until the walk moves past them
 * @path: verifier; owns its buffers
 */
struct vs_tree_cursor {
	struct vs_merkle path;
};

int vs_tree_init(struct vs_tree_cursor *c, const struct vs_geom *geom,
		 const struct vs_hasher *hasher, const u8 *root_hash,
		 const struct vs_io_ops *ops, void *priv);
void vs_tree_destroy(struct vs_tree_cursor *c);
int vs_tree_want(struct vs_tree_cursor *c, u64 blk, const u8 **want);

/* cachemark.c */

#define VS_DESC_MARKS	64	/* descriptor pages noted */

/**
 * struct vs_cachemark - metadata pages cached before a scrub (cachemark.c)
 * @desc: pages the descriptor may be in, and whether each was cached
 * @nr_desc: entries in @desc
 * @tree: bit i: tree page i (from the tree's first page) was cached; NULL
 *	if not noted
 * @tree_pages: bits in @tree
 * @layout: the descriptor was read and the tree layout is known
 */
struct vs_cachemark {
	struct {
		pgoff_t idx;
		bool cached;
	} desc[VS_DESC_MARKS];
	unsigned int nr_desc;
	unsigned long *tree;
	pgoff_t tree_pages;
	bool layout;
};

struct vs_scrub;
u64 vs_desc_pos(const struct inode *inode, u64 tree_pos,
		const struct vs_geom *g);
void vs_mark_desc(struct vs_scrub *s);
void vs_mark_tree(struct vs_scrub *s);
void vs_mark_restore(struct vs_scrub *s);
void vs_drop_pages(struct vs_scrub *s, pgoff_t first, pgoff_t count);

/* progress.c */

/**
 * struct vs_mark - a point of the scrub and what it had counted there, to
 *	rewind to when the range array fills: the counters of a call then
 *	cover exactly [start, returned start), and sums over resumed calls
 *	equal one call
 * @pos: byte offset; everything before it was checked
 * @verified: &verity_scrub_args.bytes_verified at @pos
 * @retried: &verity_scrub_args.blocks_retried at @pos
 * @skipped: &verity_scrub_args.bytes_skipped at @pos
 */
struct vs_mark {
	u64 pos;
	u64 verified;
	u64 retried;
	u64 skipped;
};

void vs_mark_here(struct vs_scrub *s, struct vs_mark *m, u64 pos);
void vs_checked_to(struct vs_scrub *s, u64 pos);
int vs_emit_range(struct vs_scrub *s, const struct verity_scrub_range *r,
		  const struct vs_mark *m);
int vs_report_range(struct vs_scrub *s, u64 from, u64 to,
		    const struct vs_verdict *v);
int vs_report_kind(struct vs_scrub *s, u64 from, u64 to, u32 kind);
void vs_retry_window(struct vs_scrub *s);
bool vs_retry_allowed(const struct vs_scrub *s);
void vs_retry_spent(struct vs_scrub *s, unsigned long since);
unsigned long vs_window_len(const struct vs_scrub *s, pgoff_t w);

/* cachewalk.c */

/**
 * struct vs_run - a run of adjacent folios whose first read failed
 *	(cachewalk.c, "Transient")
 * @open: a run is open
 * @broken: a block of it failed for good
 * @from: its first byte
 * @to: the end of its last folio
 * @mark: the scrub's mark at @from
 * @solo: blocks of it that verified on their first read alone
 * @w: page of bit 0 of @retried
 * @retried: its pages that verified only on a retry (TRANSIENT anyway)
 */
struct vs_run {
	bool open;
	bool broken;
	u64 from;
	u64 to;
	struct vs_mark mark;
	u64 solo;
	pgoff_t w;
	DECLARE_BITMAP(retried, VS_WINDOW_PAGES);
};

/**
 * struct vs_cachewalk - state of the page-cache walk, read and written
 *	only by cachewalk.c
 * @run: the run of folios whose first read failed ("Transient")
 * @dfailed: pages whose direct-path read failed (bit 0 is page
 *	@dfailed_w), or NULL
 * @dfailed_w: see @dfailed
 * @cached: per window slot, pages that were cached before its readahead
 *	(never evicted; verified raw unless KEEP_CACHE)
 * @has_cached: whether @cached of the slot has any bit set
 * @ra: readahead state: zeroed with the scrub, its size and position set
 *	for each window (all that file_ra_state_init() would set)
 */
struct vs_cachewalk {
	struct vs_run run;
	const unsigned long *dfailed;
	pgoff_t dfailed_w;
	DECLARE_BITMAP(cached[2], VS_WINDOW_PAGES);
	bool has_cached[2];
	struct file_ra_state ra;
};

int vs_cachewalk_all(struct vs_scrub *s, const unsigned long *failed);
int vs_cachewalk_pages(struct vs_scrub *s, pgoff_t w, unsigned long nr,
		       const unsigned long *failed, pgoff_t failed_w);

/* setup.c */

/**
 * struct vs_scrub - state of one scrub call
 * @file: the verity file (reference held by the ioctl)
 * @inode: its inode
 * @mapping: its page cache
 * @args: the ioctl arguments; out fields are filled as the scrub goes
 * @uranges: user array of ranges
 * @desc: descriptor read from disk
 * @desc_size: its size
 * @geom: tree layout
 * @hasher: salted hashing
 * @walk: Merkle path walk used by classification
 * @acc: range merging
 * @tree_pos: byte offset of the tree in @mapping (ext4/f2fs layout)
 * @raw: 0 if the file cannot be read raw, else how much of s_bdev can
 *	(vs_raw_limit())
 * @mark: metadata pages cached before the scrub
 * @raw_page: bounce page for raw reads
 * @meta: a small file's tree and descriptor read raw at once, or NULL
 *	(owned by rawio.c)
 * @tree_ra: pages of tree to read ahead on a tree page miss (0: none)
 * @first: first data byte of the scrub (block aligned)
 * @end: end of the scrub, exclusive, clamped to the file size
 * @cursor: first byte not yet reported; becomes args->start.  Written
 *	by setup.c (set_range(): the start of the call) and progress.c
 *	only: vs_checked_to(), called by the walks when they checked up to
 *	a point, and the rewind of vs_emit_range() when the array fills
 * @retry_window: jiffies spent retrying in this window (budget 2 s)
 * @retry_call: jiffies spent retrying in this call (budget 10 s)
 * @full: the range array is full
 * @retries_cut: some read was judged with fewer retries than asked (time
 *	budget or fatal signal)
 * @tail: 0 until the blocks past EOF of the page spanning EOF are read
 *	(vs_tail_bad()), then whether they are zero
 * @folio_mark: the start of the folio being checked (set by the
 *	page-cache walk, read by vs_report_range())
 * @range_mark: @folio_mark of the folio in which the open range began
 * @cw: state of the page-cache walk (cachewalk.c only)
 */
struct vs_meta;

struct vs_scrub {
	struct file *file;
	struct inode *inode;
	struct address_space *mapping;
	struct verity_scrub_args *args;
	struct verity_scrub_range __user *uranges;
	struct fsverity_descriptor *desc;
	size_t desc_size;
	struct vs_geom geom;
	struct vs_hasher hasher;
	struct vs_walk walk;
	struct vs_range_acc acc;
	u64 tree_pos;
	sector_t raw;
	struct vs_cachemark mark;
	struct page *raw_page;
	struct vs_meta *meta;
	unsigned int tree_ra;
	u64 first;
	u64 end;
	u64 cursor;
	unsigned long retry_window;
	unsigned long retry_call;
	bool full;
	bool retries_cut;
	int tail;
	struct vs_mark folio_mark;
	struct vs_mark range_mark;
	struct vs_cachewalk cw;
};

int vs_scrub_setup(struct vs_scrub *s, struct file *file,
		   struct verity_scrub_args *args);
void vs_scrub_teardown(struct vs_scrub *s);

/* rawio.c */
bool vs_direct_possible(const struct vs_scrub *s);
extern const struct vs_io_ops vs_raw_ops;
sector_t vs_raw_limit(struct file *file);
int vs_map_block(struct inode *inode, sector_t limit, u64 pos,
		 sector_t *phys);
int vs_raw_read(struct vs_scrub *s, u64 pos, u8 *buf, unsigned int len,
		u32 *detail);
bool vs_tail_bad(struct vs_scrub *s, u64 from, u64 to);

/* scrub.c */
int vs_scrub_file(struct file *file, struct verity_scrub_args *args,
		  struct verity_scrub_range __user *uranges);

/* dwin.c */

/**
 * struct vs_dwin_bio - a bio of a window, held until the window is waited
 * @bio: the bio (a reference of ours)
 * @first: first page of the window it reads into
 * @last: last page of the window it reads into
 */
struct vs_dwin_bio {
	struct bio *bio;
	unsigned int first;
	unsigned int last;
};

/**
 * struct vs_dwin - a window of the direct path: pages of the file read
 *	straight from the device
 * @parent: the bio every read of the window is chained to, not yet
 *	submitted; NULL when nothing is in flight (dwin.c, "Lifetime")
 * @scratch: the page @parent reads into
 * @parent_page: the page of the window whose first block @parent re-reads
 * @bios: the bios in flight, @nr_bios of them, @max_bios at most
 * @nr_bios: see @bios
 * @max_bios: see @bios
 * @failed_pages: pages some failed bio was to read (after the wait)
 * @unmapped: some block could not be mapped: the rest was not read
 * @w: first page (page index in the file)
 * @nr: number of pages; 0 when the window is idle
 * @hashed: its blocks are being (or were) hashed (direct.c)
 * @base: first block hashed (file block index)
 * @count: number of blocks hashed
 * @digests: their hashes, @count x digest size
 * @nr_pages: pages of @pages (VS_WINDOW_PAGES at most)
 * @pages: the buffer, allocated once
 */
struct vs_dwin {
	struct bio *parent;
	struct page *scratch;
	unsigned int parent_page;
	struct vs_dwin_bio *bios;
	unsigned int nr_bios;
	unsigned int max_bios;
	DECLARE_BITMAP(failed_pages, VS_WINDOW_PAGES);
	bool unmapped;
	pgoff_t w;
	unsigned long nr;
	bool hashed;
	u64 base;
	unsigned int count;
	u8 *digests;
	unsigned int nr_pages;
	struct page *pages[];
};

struct vs_dwin *vs_dwin_alloc(unsigned long nr_pages, unsigned int blkbits);
void vs_dwin_free(struct vs_dwin *dw);
u64 vs_dwin_start(struct vs_dwin *dw, struct inode *inode, sector_t limit,
		  pgoff_t w, unsigned long nr, bool lazy);
void vs_dwin_wait(struct vs_dwin *dw);

/* hashpool.c */

#define VS_MAX_HELPERS	7	/* helper threads of one scrub */

struct vs_pool;

/**
 * struct vs_pool_helper - one helper thread
 * @pool: its pool
 * @task: the thread
 * @seen: the last round it took part in
 * @err: what @pool->fn returned in that round
 */
struct vs_pool_helper {
	struct vs_pool *pool;
	struct task_struct *task;
	unsigned int seen;
	int err;
};

/**
 * struct vs_pool - helper threads hashing beside the caller (hashpool.c)
 * @fn: what each helper does in a round
 * @arg: its argument
 * @helper: the helpers
 * @nr: how many
 * @round: number of the current round
 * @running: a round was started and not waited for
 * @busy: helpers still in the round
 * @go: helpers wait here for a round
 * @done: the caller waits here for the round's end
 */
struct vs_pool {
	int (*fn)(void *arg);
	void *arg;
	struct vs_pool_helper helper[VS_MAX_HELPERS];
	unsigned int nr;
	unsigned int round;
	bool running;
	atomic_t busy;
	wait_queue_head_t go;
	wait_queue_head_t done;
};

void vs_pool_start(struct vs_pool *p, int (*fn)(void *arg), void *arg);
void vs_pool_run(struct vs_pool *p);
int vs_pool_wait(struct vs_pool *p);
void vs_pool_stop(struct vs_pool *p);

/* direct.c */
int vs_scrub_direct(struct vs_scrub *s);

/* ioctl.c */
long vs_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
int vs_ioctl_init(void);

#endif /* VS_PRIVATE_H */
