/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vf.h - verify-file internals, indexed by file
 */
#ifndef VF_H
#define VF_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include <linux/fsverity.h>

#include "verityscrub.h"

/* Exit status bits, ORed as fsck does. */
#define VF_EXIT_OK		0
#define VF_EXIT_CORRUPT		1	/* hash_mismatch, tree_corrupt, digest */
#define VF_EXIT_IO		2	/* io_error or unknown */
#define VF_EXIT_TRANSIENT	4	/* transient errors, all recovered */
#define VF_EXIT_OPERATIONAL	8	/* cannot open, not verity, no module */
#define VF_EXIT_USAGE		16
#define VF_EXIT_INTERRUPTED	32
#define VF_EXIT_REPAIRED	64	/* --repair-from: damage repaired; with
					 * it, bits 1 and 2 mean damage left */

#define VF_MAX_JOBS		256
#define VF_MAX_DIGEST		64

struct vf_digest {
	uint32_t alg;		/* FS_VERITY_HASH_ALG_* */
	uint32_t size;
	uint8_t bytes[VF_MAX_DIGEST];
};

struct vf_expect_entry {
	char *path;		/* NULL: applies to every file */
	struct vf_digest digest;
};

/*
 * A repair source: --repair-from PATH, --repair-store DIR (store 1), or
 * the page cache of the damaged file itself (cache 1: --repair-from-cache,
 * or --repair without another source; path "page cache").
 */
struct vf_repair_opt {
	const char *path;
	int store, cache;
};

struct vf_opts {
	int json, quiet, verbose, recursive, cross_mounts;
	int keep_cache, page_cache, no_module, fallback;
	unsigned int jobs;
	unsigned int retries;		/* 0: kernel default */
	uint64_t limit;			/* bytes/s, 0: none */
	int have_range;
	uint64_t range_start, range_end;
	struct vf_expect_entry *expect;	/* --expect-digest[-file] */
	size_t nexpect;
	int digest_from_name;		/* expected digest: the file's name */
	char **paths;
	int npaths;
	struct vf_repair_opt *repair_from; /* --repair-from and --repair-store,
					 * in command-line order */
	int nrepair_from;		/* sources of both kinds */
	int repair_dry_run;
	const char *quarantine;		/* --quarantine DIR */
	int repair;			/* --repair */
	int log_mode;			/* --log: enum vf_log_mode */
	const char *metrics;		/* --metrics FILE, or NULL */
	/* --state, --max-time, --status (state.c) */
	const char *state_file;
	uint64_t max_time;		/* seconds, 0: no budget */
	int status;
};

/* --log: where findings go besides stdout (journal.c). */
enum vf_log_mode { VF_LOG_AUTO, VF_LOG_JOURNAL, VF_LOG_STDERR };

enum vf_status { VF_STATUS_OK, VF_STATUS_BAD, VF_STATUS_ERROR,
		 VF_STATUS_INTERRUPTED };

/* One file to scrub and, once scrubbed, what was found. */
struct vf_file {
	char *path;
	unsigned int root;		/* index of the PATH it was found under */
	uint64_t size_hint;		/* from the walk, for progress */
	int started, finished, interrupted, fallback;
	char *error;			/* operational error message */
	int io_errno;			/* EIO, EUCLEAN or EBADMSG from the
					 * lookup, open or stat: a finding */
	int error_told;			/* already said once on stderr */
	int ahead, ahead_fd, ahead_errno; /* openahead.c (its lock) */
	/*
	 * What the scrub found, in the library's own type: verity_scrub_fd()
	 * fills it (module.c), the fallback fills the fields verify-file
	 * reads (fallback.c).  Its digest is the descriptor's on disk
	 * (vf_file_digest()); cursor is where an interrupted scrub stopped.
	 * Of out_flags verify-file reads DIRECT, RETRIES_CUT, DESC_UNREADABLE
	 * and DESCRIPTOR_CHANGED (vf_file_flag()); the engines and the
	 * driver's digest check (scrub.c) also set the last two.  Size,
	 * geometry and digest are known once block_size is (vf_have_info()).
	 */
	struct verity_scrub_result res;
	int descriptor_checked;		/* disk copy compared with the kernel's */
	const char *descriptor_unchecked; /* why not, if not (static text) */
	int descriptor_disk_differs;	/* --no-module: the descriptor on disk
					 * does not describe the data */
	int descriptor_corrupt;		/* -EUCLEAN: malformed on disk */
	struct vf_digest measured;	/* FS_IOC_MEASURE_VERITY, if it differs */
	int expect_checked, expect_match;
	struct vf_digest expected;
	struct verity_scrub_range *ranges;
	size_t nranges, ranges_cap;
	struct vf_repair *repair;	/* --repair-from: what was done */
	/* --state (state.c): where this file is in the pass */
	int resume_skip;		/* done by an earlier run of the pass */
	int state_phase;		/* 0 waiting, 1 running, 2 done (lock) */
	uint64_t start_offset;		/* where this run starts it */
	uint64_t cursor;		/* how far it is (state lock) */
	struct verity_scrub_range *prev_ranges; /* found by earlier runs */
	size_t nprev;
	uint64_t prev_verified;
	int prev_bad;
	int earlier_finding;		/* finished bad or failed by an earlier
					 * run of the pass */
};

struct vf_skipped {
	char *path;
	const char *reason;
	int root;			/* index of the PATH it was found under */
};

/* Everything one run shares between the main thread and the workers. */
struct vf_run {
	const struct vf_opts *o;
	struct vf_file *files;
	size_t nfiles, files_cap;
	struct vf_skipped *skipped;
	size_t nskipped, skipped_cap;
	int module_err;			/* from opening the device, 0 if fine */
	int use_fallback;
	int fallback_err;		/* --fallback downgraded: why, or 0 */
	atomic_size_t next;		/* next file to claim */
	atomic_uint_fast64_t bytes_done;	/* cursor progress, all files */
	uint64_t bytes_total;
	double start_time;
	double seconds;
	struct timespec wall_start, wall_end;	/* CLOCK_REALTIME, for JSON */
	int interrupted;
	int progress_shown;
	int journal;			/* send entries to the journal */
	struct vf_state *state;		/* --state, or NULL */
	size_t nresumed;		/* files skipped: done by earlier runs */
};

/* options.c */
int vf_parse_size(const char *s, uint64_t *out);
int vf_parse_uint(const char *s, unsigned int min, unsigned int max,
		  unsigned int *out);
int vf_parse_range(const char *s, uint64_t *start, uint64_t *end,
		   char *err, size_t errlen);
int vf_parse_digest(const char *s, struct vf_digest *d, char *err,
		    size_t errlen);
int vf_load_digest_file(const char *file, struct vf_opts *o, char *err,
			size_t errlen);
int vf_parse_args(int argc, char **argv, struct vf_opts *o);
void vf_free_opts(struct vf_opts *o);
void vf_usage(FILE *f);
int vf_digest_from_name(const char *path, struct vf_digest *d);
const struct vf_digest *vf_expected_for(const struct vf_opts *o,
					const char *path);
extern const char *vf_prog;

/*
 * msg.c: the one printer of verify-file's messages on stderr, each one
 * line in one write: "verify-file: MSG", "verify-file: warning: MSG" (as
 * fsverity-utils' error_msg() and warning_msg()); vf_note() is vf_error()'s
 * format for what is not an error (interrupted, state saved).
 */
void vf_msg(const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define vf_error(...)	vf_msg("", __VA_ARGS__)
#define vf_warning(...)	vf_msg("warning: ", __VA_ARGS__)
#define vf_note(...)	vf_msg("", __VA_ARGS__)

/* walk.c */
int vf_collect(struct vf_run *run);
void vf_free_run(struct vf_run *run);

/* openahead.c: the next files opened while the workers scrub */
void vf_ahead_start(struct vf_run *run);
void vf_ahead_stop(void);
int vf_open_file(struct vf_file *f);
void vf_ahead_pass(struct vf_file *f);

/* how verify-file opens a file to scrub; O_NONBLOCK: never wait for a
 * writer on a FIFO */
#define VF_OPEN_FLAGS	(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

/* scrub.c: the driver, one file through one of the two engines */
void vf_scrub_file(struct vf_run *run, struct verity_scrub_dev *dev,
		   struct vf_file *f);

/* module.c and fallback.c: the engines, equals behind vf_scrub_file() */
void vf_module_scrub(struct vf_run *run, struct verity_scrub_dev *dev,
		     int fd, struct vf_file *f);
int vf_fallback_scrub(struct vf_run *run, int fd, struct vf_file *f);

/* record.c: what the engines record about a file */
extern volatile sig_atomic_t vf_cancel;
void vf_add_range(struct vf_file *f, const struct verity_scrub_range *r);
struct vf_digest vf_file_digest(const struct vf_file *f);
void vf_file_set_digest(struct vf_file *f, const struct vf_digest *d);
void vf_file_set_flag(struct vf_file *f, uint64_t flag, int on);

/* @f's size, geometry and digest are known: its scrub got that far. */
static inline int vf_have_info(const struct vf_file *f)
{
	return f->res.block_size != 0;
}

/* Whether @f's result has the VERITY_SCRUB_OUT_* @flag. */
static inline int vf_file_flag(const struct vf_file *f, uint64_t flag)
{
	return !!(f->res.out_flags & flag);
}
void vf_set_error(struct vf_file *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *vf_io_errno_name(int err);
void vf_set_path_error(struct vf_file *f, const char *what, int err);
void vf_throttle(struct vf_run *run, uint64_t delta);
double vf_now(void);

/* state.c: --state, --max-time, --status */
extern volatile sig_atomic_t vf_budget_hit;
int vf_parse_duration(const char *s, uint64_t *seconds);
uint64_t vf_state_span(const struct vf_opts *o, uint64_t size);
uint64_t vf_state_left(const struct vf_opts *o, const struct vf_file *f);
void vf_budget_start(const struct vf_opts *o);
int vf_state_begin(struct vf_run *run);
void vf_state_file_start(struct vf_run *run, struct vf_file *f);
void vf_state_progress(struct vf_run *run, struct vf_file *f,
		       uint64_t cursor);
void vf_state_file_done(struct vf_run *run, struct vf_file *f);
int vf_state_end(struct vf_run *run);
int vf_state_pass_unclean(const struct vf_run *run, int root);
int vf_budget_poll(void);
int vf_status_main(const struct vf_opts *o);

/* progress.c: the progress line, sd_notify, the ioctl step */
uint64_t vf_step_for(double rate, uint64_t left);
uint64_t vf_progress_step(const struct vf_run *run, uint64_t left);
void vf_progress_format(const struct vf_run *run, char *buf, size_t len);
void vf_progress_tick(struct vf_run *run, int final);


/* report.c */
enum vf_status vf_file_status(const struct vf_file *f);
int vf_file_exit_bits(const struct vf_file *f);
int vf_format_range(char *buf, size_t len, const struct verity_scrub_range *r);
void vf_escape_path(char *buf, size_t len, const char *path);
char *vf_escape_path_dup(const char *path);
void vf_print_file(FILE *out, const struct vf_run *run,
		   const struct vf_file *f);
void vf_print_summary(FILE *out, const struct vf_run *run);
int vf_print_json(FILE *out, const struct vf_run *run);
int vf_format_digest(char *buf, size_t len, const struct vf_digest *d);
int vf_summary_line(char *buf, size_t len, const struct vf_run *run);

/* repair.c */
struct json_object;
int vf_repair_check_opts(const struct vf_opts *o);
void vf_repair_file(struct vf_run *run, struct verity_scrub_dev *dev, int fd,
		    struct vf_file *f);
void vf_repair_free(struct vf_repair *r);
int vf_repair_exit_bits(const struct vf_file *f, int bits);
void vf_repair_print(FILE *out, const struct vf_run *run,
		     const struct vf_file *f);
struct json_object *vf_repair_json(const struct vf_file *f);
void vf_repair_summary(FILE *out, const struct vf_run *run);
void vf_repair_json_summary(struct json_object *o, const struct vf_run *run);
void vf_repair_json_options(struct json_object *o, const struct vf_opts *opts);

/* journal.c */
int vf_journal_wanted(int log_mode);
void vf_journal_file(const struct vf_run *run, const struct vf_file *f);
int vf_journal_summary(const struct vf_run *run, int exit_status);

/* metrics.c: the counts of one root (or of the run), and --metrics */
#define VF_TALLY_SKIPPED	(VF_STATUS_INTERRUPTED + 1)
struct vf_tally {
	uint64_t status[VF_TALLY_SKIPPED + 1];	/* files by enum vf_status,
						 * then skipped ones */
	uint64_t bytes_verified;
	uint64_t kind_blocks[VERITY_SCRUB_KIND_COUNT];
	int complete;		/* every file done, none interrupted */
};
void vf_tally(const struct vf_run *run, int root, struct vf_tally *t);
struct json_object *vf_range_json(const struct verity_scrub_range *r);

/* replace.c */
int vf_replace_file(const char *file, const char *buf, size_t len,
		    mode_t mode, const char **step);
int vf_metrics_write(const struct vf_run *run, int exit_status);

/* sys.c: system calls verify-file makes itself (tests swap in fakes) */
struct stat;
struct vf_sys {
	int (*open)(const char *path, int flags);	/* fd, or -1 and errno */
	int (*fstat)(int fd, struct stat *st);		/* 0, or -1 and errno */
	int (*measure)(int fd, struct vf_digest *d);
	int (*read_descriptor)(int fd, struct fsverity_descriptor *desc);
	ssize_t (*pread)(int fd, void *buf, size_t count, off_t offset);
	int (*is_verity)(const char *path);	/* 1, 0 or -errno */
	double (*clock)(void);	/* seconds, monotonic: --max-time, rates */
};
extern struct vf_sys vf_sys;

#endif /* VF_H */
