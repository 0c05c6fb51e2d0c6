/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_util.h - shared helpers of the verity_scrub KUnit suites
 */
#ifndef VS_TEST_UTIL_H
#define VS_TEST_UTIL_H

#include <kunit/test.h>

#include "vs_private.h"

/**
 * struct vs_vector - a file hashed by libfsverity (kunit/vectors.h)
 * @name: case name
 * @alg: FS_VERITY_HASH_ALG_*
 * @log_blocksize: Merkle block size
 * @size: file size
 * @seed: seed of the data stream (vs_test_fill())
 * @salt_size: salt bytes
 * @salt: salt
 * @tree_size: bytes of the Merkle tree file
 * @tree_sha256: SHA-256 of the Merkle tree file
 * @root_hash: root hash of the descriptor
 * @file_digest: fs-verity file digest
 */
struct vs_vector {
	const char *name;
	u8 alg;
	u8 log_blocksize;
	u64 size;
	u32 seed;
	u8 salt_size;
	u8 salt[32];
	u64 tree_size;
	u8 tree_sha256[32];
	u8 root_hash[64];
	u8 file_digest[64];
};

/**
 * struct vs_tree - a file and the Merkle tree built for it by the module's
 *	own geometry and hashing
 * @g: layout
 * @h: hasher
 * @data: file data, zero-padded to whole blocks
 * @tree: tree blocks, root level first
 * @root: root hash
 */
struct vs_tree {
	struct vs_geom g;
	struct vs_hasher h;
	u8 *data;
	u8 *tree;
	u8 root[VS_MAX_DIGEST_SIZE];
};

extern const struct vs_vector vs_test_vectors[];
extern const size_t vs_test_nvectors;

/**
 * struct vs_fake - a device holding one file and its tree, for the walks
 * @t: the file and tree as built (and checked against libfsverity)
 * @data: what the device returns for data blocks
 * @tree: what it returns for tree blocks
 * @bad_data: data block whose read fails, or -1
 * @bad_tree: tree block whose read fails, or -1
 * @err: the error of those reads
 * @detail: the detail of those reads
 * @data_reads: number of data reads
 * @tree_reads: number of tree reads
 */
struct vs_fake {
	struct vs_tree t;
	u8 *data;
	u8 *tree;
	s64 bad_data;
	s64 bad_tree;
	int err;
	u32 detail;
	unsigned int data_reads;
	unsigned int tree_reads;
};

extern const struct vs_io_ops vs_fake_ops;

void vs_test_fill(u8 *buf, size_t size, u32 seed);
void vs_test_build(struct kunit *test, const struct vs_vector *v,
		   struct vs_tree *t);
void vs_test_desc(const struct vs_vector *v, struct fsverity_descriptor *d);
struct vs_fake *vs_fake_new(struct kunit *test, const char *name);

#endif /* VS_TEST_UTIL_H */
