// SPDX-License-Identifier: GPL-2.0
/*
 * hashfloor.c - test-only module: how long verity_scrub's own block hashing
 * (module/hash.c, compiled into this module) takes over bytes already in
 * memory, on every CPU.  No I/O is timed: this is the floor under any
 * verifier in the same machine.
 *
 * Control file /sys/kernel/debug/vs_hashfloor/run.  Write one command:
 *
 *   fd=N      hash the pages of the open file N (read and pinned first,
 *             untimed; the file must fit in half of RAM)
 *   buf=MIB   hash a kernel buffer of MIB MiB of random bytes
 *
 * followed by optional key=value pairs:
 *
 *   bytes=N   bytes to hash (default: the file or buffer size; the source
 *             is reused cyclically when N is larger)
 *   threads=N workers (default: every online CPU), one bound to each CPU
 *   alg=N     FS_VERITY_HASH_ALG_* (default 1, SHA-256)
 *   salt=HEX  salt, as fs-verity's (default none)
 *   block=N   Merkle block size, 1024..PAGE_SIZE (default PAGE_SIZE)
 *   driver=NAME  the crypto driver to hash with, e.g. sha256-generic
 *             (default: the module's own transform, the crypto API's pick)
 *
 * then read the file for the result of the last run:
 *
 *   ns=N bytes=N blocks=N threads=N driver=NAME per_worker=N,N check=HEX
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <crypto/hash.h>

#include "vs_private.h"

#define HF_CHUNK_BLOCKS	64	/* blocks a worker claims at a time */
#define HF_MAX_WORKERS	64
#define HF_CMD_MAX	256
#define HF_RESULT_MAX	512

/**
 * struct hf_job - one timed run
 * @hasher: salted hashing, as verity_scrub sets it up
 * @pages: the source pages
 * @npages: number of @pages
 * @block_size: bytes per hashed block
 * @blocks_per_page: PAGE_SIZE / @block_size
 * @nblocks: blocks to hash in total
 * @next: next block to claim
 * @err: first crypto error
 */
struct hf_job {
	struct vs_hasher hasher;
	struct page **pages;
	unsigned long npages;
	unsigned int block_size;
	unsigned int blocks_per_page;
	u64 nblocks;
	atomic64_t next;
	atomic_t err;
};

/**
 * struct hf_worker - one CPU's share
 * @work: queued on its CPU
 * @job: the run
 * @blocks: blocks this worker hashed
 * @check: sum of the first 8 bytes of its digests (keeps the work honest)
 */
struct hf_worker {
	struct work_struct work;
	struct hf_job *job;
	u64 blocks;
	u64 check;
};

static DEFINE_MUTEX(hf_lock);
static struct dentry *hf_dir;
static struct workqueue_struct *hf_wq;
static char hf_result[HF_RESULT_MAX] = "none\n";

static void hf_work(struct work_struct *work)
{
	struct hf_worker *w = container_of(work, struct hf_worker, work);
	struct hf_job *job = w->job;
	u8 digest[VS_MAX_DIGEST_SIZE];
	u64 first, blk, end, head;
	unsigned int off;
	void *addr;
	int err;

	for (;;) {
		first = atomic64_fetch_add(HF_CHUNK_BLOCKS, &job->next);
		if (first >= job->nblocks)
			break;
		end = min_t(u64, first + HF_CHUNK_BLOCKS, job->nblocks);
		for (blk = first; blk < end; blk++) {
			struct page *page;

			page = job->pages[div_u64(blk, job->blocks_per_page) %
					  job->npages];
			off = (blk % job->blocks_per_page) * job->block_size;
			addr = kmap_local_page(page);
			err = vs_hash_block(&job->hasher, addr + off,
					    job->block_size, digest);
			kunmap_local(addr);
			if (err) {
				atomic_cmpxchg(&job->err, 0, err);
				return;
			}
			memcpy(&head, digest, sizeof(head));
			w->check += head;
			w->blocks++;
		}
		cond_resched();
	}
}

static void hf_put_pages(struct page **pages, unsigned long n)
{
	while (n--)
		put_page(pages[n]);
	kvfree(pages);
}

/* Read and pin every page of the file; not timed. */
static int hf_file_pages(struct hf_job *job, unsigned int fd)
{
	struct file *file = fget(fd);
	struct address_space *mapping;
	unsigned long i, n;
	struct page *page;
	loff_t size;
	int err = 0;

	if (!file)
		return -EBADF;
	mapping = file->f_mapping;
	size = i_size_read(file_inode(file));
	n = DIV_ROUND_UP(size, PAGE_SIZE);
	if (!n || n > totalram_pages() / 2) {
		err = n ? -EFBIG : -EINVAL;
		goto out_fput;
	}
	job->pages = kvmalloc_array(n, sizeof(*job->pages), GFP_KERNEL);
	if (!job->pages) {
		err = -ENOMEM;
		goto out_fput;
	}
	for (i = 0; i < n; i++) {
		page = read_mapping_page(mapping, i, file);
		if (IS_ERR(page)) {
			err = PTR_ERR(page);
			hf_put_pages(job->pages, i);
			job->pages = NULL;
			goto out_fput;
		}
		job->pages[i] = page;
		if (fatal_signal_pending(current)) {
			hf_put_pages(job->pages, i + 1);
			job->pages = NULL;
			err = -EINTR;
			goto out_fput;
		}
		cond_resched();
	}
	job->npages = n;
	job->nblocks = div_u64(size + job->block_size - 1, job->block_size);
out_fput:
	fput(file);
	return err;
}

/* Allocate @mib MiB of random pages; not timed. */
static int hf_buf_pages(struct hf_job *job, unsigned long mib)
{
	unsigned long i, n = mib << (20 - PAGE_SHIFT);
	struct page *page;

	if (!n || n > totalram_pages() / 2)
		return n ? -EFBIG : -EINVAL;
	job->pages = kvmalloc_array(n, sizeof(*job->pages), GFP_KERNEL);
	if (!job->pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		page = alloc_page(GFP_KERNEL);
		if (!page) {
			hf_put_pages(job->pages, i);
			job->pages = NULL;
			return -ENOMEM;
		}
		get_random_bytes(page_address(page), PAGE_SIZE);
		job->pages[i] = page;
		cond_resched();
	}
	job->npages = n;
	job->nblocks = (u64)n * job->blocks_per_page;
	return 0;
}

/* Hash job->nblocks blocks on @nworkers CPUs; returns elapsed ns. */
static u64 hf_run(struct hf_job *job, struct hf_worker *workers,
		  unsigned int nworkers)
{
	unsigned int i = 0, cpu;
	u64 t0, t1;

	atomic64_set(&job->next, 0);
	t0 = ktime_get_ns();
	for_each_online_cpu(cpu) {
		if (i == nworkers)
			break;
		workers[i].job = job;
		INIT_WORK(&workers[i].work, hf_work);
		queue_work_on(cpu, hf_wq, &workers[i].work);
		i++;
	}
	for (i = 0; i < nworkers; i++)
		flush_work(&workers[i].work);
	t1 = ktime_get_ns();
	return t1 - t0;
}

struct hf_cmd {
	int fd;
	unsigned long buf_mib;
	u64 bytes;
	unsigned int threads;
	unsigned int alg;
	unsigned int block;
	u8 salt[32];
	unsigned int salt_size;
	char driver[CRYPTO_MAX_ALG_NAME];
};

static int hf_parse(char *line, struct hf_cmd *c)
{
	char *tok, *val;
	unsigned long long v;
	int err;

	c->fd = -1;
	c->alg = FS_VERITY_HASH_ALG_SHA256;
	c->block = PAGE_SIZE;
	c->threads = num_online_cpus();
	while ((tok = strsep(&line, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = 0;
		if (!strcmp(tok, "salt")) {
			c->salt_size = strlen(val) / 2;
			if (strlen(val) % 2 || c->salt_size > sizeof(c->salt) ||
			    hex2bin(c->salt, val, c->salt_size))
				return -EINVAL;
			continue;
		}
		if (!strcmp(tok, "driver")) {
			if (strscpy(c->driver, val, sizeof(c->driver)) < 0)
				return -EINVAL;
			continue;
		}
		err = kstrtoull(val, 0, &v);
		if (err)
			return err;
		if (!strcmp(tok, "fd"))
			c->fd = v;
		else if (!strcmp(tok, "buf"))
			c->buf_mib = v;
		else if (!strcmp(tok, "bytes"))
			c->bytes = v;
		else if (!strcmp(tok, "threads"))
			c->threads = v;
		else if (!strcmp(tok, "alg"))
			c->alg = v;
		else if (!strcmp(tok, "block"))
			c->block = v;
		else
			return -EINVAL;
	}
	if (c->fd >= 0 && c->buf_mib)
		return -EINVAL;		/* one source only */
	if (c->fd < 0 && !c->buf_mib)
		return -EINVAL;
	if (!c->threads || c->threads > min(num_online_cpus(), HF_MAX_WORKERS))
		return -EINVAL;
	if (c->block < 1024 || c->block > PAGE_SIZE || !is_power_of_2(c->block))
		return -EINVAL;
	return 0;
}

/*
 * Hash with driver @name instead of the module's transform: the hasher's
 * tfm is swapped for one of the same algorithm (digest and block size
 * checked), which the caller frees with crypto_free_shash().
 */
static struct crypto_shash *hf_use_driver(struct vs_hasher *h,
					  const char *name)
{
	struct crypto_shash *tfm = crypto_alloc_shash(name, 0, 0);

	if (IS_ERR(tfm))
		return tfm;
	if (crypto_shash_digestsize(tfm) != h->digest_size ||
	    crypto_shash_blocksize(tfm) != crypto_shash_blocksize(h->tfm)) {
		crypto_free_shash(tfm);
		return ERR_PTR(-EINVAL);
	}
	h->tfm = tfm;
	return tfm;
}

static int hf_execute(struct hf_cmd *c)
{
	struct crypto_shash *own_tfm = NULL;
	struct hf_worker *workers;
	struct hf_job *job;
	u64 ns, blocks = 0, check = 0;
	unsigned int i, len;
	int err;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	workers = kcalloc(c->threads, sizeof(*workers), GFP_KERNEL);
	if (!job || !workers) {
		err = -ENOMEM;
		goto out_free;
	}
	job->block_size = c->block;
	job->blocks_per_page = PAGE_SIZE / c->block;
	err = vs_hasher_init(&job->hasher, c->alg, c->salt, c->salt_size);
	if (err)
		goto out_free;
	if (c->driver[0]) {
		own_tfm = hf_use_driver(&job->hasher, c->driver);
		if (IS_ERR(own_tfm)) {
			err = PTR_ERR(own_tfm);
			own_tfm = NULL;
			goto out_hasher;
		}
	}
	if (c->fd >= 0)
		err = hf_file_pages(job, c->fd);
	else
		err = hf_buf_pages(job, c->buf_mib);
	if (err)
		goto out_hasher;
	if (c->bytes)
		job->nblocks = div_u64(c->bytes + c->block - 1, c->block);

	ns = hf_run(job, workers, c->threads);
	err = atomic_read(&job->err);
	if (!err) {
		len = scnprintf(hf_result, sizeof(hf_result),
				"ns=%llu bytes=%llu blocks=%llu threads=%u driver=%s per_worker=",
				ns, job->nblocks * c->block, job->nblocks,
				c->threads,
				crypto_shash_driver_name(job->hasher.tfm));
		for (i = 0; i < c->threads; i++) {
			blocks += workers[i].blocks;
			check += workers[i].check;
			len += scnprintf(hf_result + len, sizeof(hf_result) - len,
					 "%s%llu", i ? "," : "",
					 workers[i].blocks);
		}
		scnprintf(hf_result + len, sizeof(hf_result) - len,
			  " check=%016llx\n", check);
		if (blocks != job->nblocks)
			err = -EIO;
	}
	hf_put_pages(job->pages, job->npages);
out_hasher:
	vs_hasher_destroy(&job->hasher);
	if (own_tfm)
		crypto_free_shash(own_tfm);
out_free:
	kfree(workers);
	kfree(job);
	return err;
}

static ssize_t hf_write(struct file *f, const char __user *ubuf, size_t len,
			loff_t *ppos)
{
	char line[HF_CMD_MAX];
	struct hf_cmd c = { 0 };
	int err;

	if (len >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, len))
		return -EFAULT;
	line[len] = 0;
	err = hf_parse(line, &c);
	if (err)
		return err;
	if (mutex_lock_killable(&hf_lock))
		return -EINTR;
	err = hf_execute(&c);
	mutex_unlock(&hf_lock);
	return err ? err : len;
}

static ssize_t hf_read(struct file *f, char __user *ubuf, size_t len,
		       loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_killable(&hf_lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, len, ppos, hf_result,
				      strlen(hf_result));
	mutex_unlock(&hf_lock);
	return ret;
}

static const struct file_operations hf_fops = {
	.owner = THIS_MODULE,
	.read = hf_read,
	.write = hf_write,
	.llseek = default_llseek,
};

static int __init hf_init(void)
{
	hf_wq = alloc_workqueue("vs_hashfloor", WQ_HIGHPRI, 0);
	if (!hf_wq)
		return -ENOMEM;
	hf_dir = debugfs_create_dir("vs_hashfloor", NULL);
	debugfs_create_file("run", 0600, hf_dir, NULL, &hf_fops);
	return 0;
}

static void __exit hf_exit(void)
{
	debugfs_remove_recursive(hf_dir);
	destroy_workqueue(hf_wq);
	vs_hash_exit();		/* hash.c's transforms, shared by the jobs */
}

module_init(hf_init);
module_exit(hf_exit);
MODULE_DESCRIPTION("verity-scrub benchmark: hash floor (test only)");
MODULE_LICENSE("GPL");
