/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib_private.h - libverityscrub internals shared with its tests
 *
 * The system calls the library makes on the device go through a table so
 * that host tests can put a fake device behind the real resume loop.
 */
#ifndef VERITYSCRUB_LIB_PRIVATE_H
#define VERITYSCRUB_LIB_PRIVATE_H

#include "verityscrub.h"

/*
 * The library is built with -fvisibility=hidden: only the definitions
 * marked VS_EXPORT (the functions of verityscrub.h) can be exported from
 * libverityscrub.so, and lib/libverityscrub.map lists which are.  The test
 * hooks below are visible to objects linked with the static archive only.
 */
#define VS_EXPORT __attribute__((visibility("default")))

/**
 * struct vs_sys_ops - how the library reaches the device
 * @open_device: open @path read-write; return the fd or -errno.
 * @scrub: VERITY_SCRUB_IOC_SCRUB on @devfd; return 0 or -errno.  On 0 and
 *	on -EINTR, @args holds the kernel's out fields.
 * @close_device: close the fd from @open_device.
 */
struct vs_sys_ops {
	int (*open_device)(const char *path);
	int (*scrub)(int devfd, struct verity_scrub_args *args);
	void (*close_device)(int devfd);
};

/* lib/verityscrub.c */
extern const struct vs_sys_ops vs_real_ops;
/*
 * Ops used by verity_scrub_open(); tests point it at a fake before any
 * thread starts.  Never changed by the library itself.
 */
extern const struct vs_sys_ops *vs_default_ops;
/* Default capacity of the range buffer handed to the kernel. */
#define VS_RANGES_CAP 256
/* Set the range buffer capacity of @dev (tests use tiny buffers). */
void vs_dev_set_ranges_cap(struct verity_scrub_dev *dev, uint32_t cap);

/* Are the @len bytes at @p all zero?  (The extensible structs' tails.) */
int vs_all_zero(const void *p, size_t len);

/**
 * vs_init_size() - zero an extensible struct and set its size field
 * @p: the struct; its first u32 is its size.
 * @size: the caller's sizeof.
 * @ver0: the smallest size the library accepts.
 *
 * Return: 0, or -EINVAL if @size is below @ver0 or above UINT32_MAX.
 */
int vs_init_size(void *p, size_t size, size_t ver0);

/**
 * vs_copy_in() - take the caller's extensible struct into the library's own
 * @own: the library's struct, already holding its defaults.
 * @own_size: sizeof(*@own).
 * @in: the caller's struct.
 * @in_size: its size field; fields past it keep their defaults.
 *
 * Return: 0, or -E2BIG if the caller's struct is larger and its tail past
 * what the library knows is not all zero.
 */
int vs_copy_in(void *own, size_t own_size, const void *in, size_t in_size);

/**
 * vs_copy_out() - store the library's extensible struct into the caller's
 * @out: the caller's struct, @out_size bytes, zeroed past @full_size.
 * @out_size: its size field.
 * @full: the library's struct.
 * @full_size: sizeof(*@full).
 *
 * The caller keeps its own size field: the size field must be the first
 * u32 of both and is written back.
 */
void vs_copy_out(void *out, uint32_t out_size, const void *full,
		 size_t full_size);

/**
 * vs_range_extend() - the one range merger of the library and verify-file
 * @last: the range found last.
 * @r: the next one.
 *
 * @r continues @last if it starts where @last ends and has the same kind,
 * detail, tree level and flags; then @last grows by @r's length.
 *
 * Return: 1 if @r was merged into @last, 0 if it starts a range of its own.
 */
int vs_range_extend(struct verity_scrub_range *last,
		    const struct verity_scrub_range *r);

/**
 * vs_open_regular() - open a file to scrub or repair
 * @path: the file.
 *
 * Read-only, O_NONBLOCK (never wait for a writer on a FIFO), O_NOCTTY,
 * O_CLOEXEC; then it must be a regular file.
 *
 * Return: the fd, -EISDIR for a directory, -EINVAL for another type that is
 * not a regular file, or the -errno of open(2) or fstat(2).
 */
int vs_open_regular(const char *path);

#endif /* VERITYSCRUB_LIB_PRIVATE_H */
