/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - the --state file, shared by state.c, state_io.c and status.c
 */
#ifndef VF_STATE_H
#define VF_STATE_H

#include <json-c/json.h>
#include <pthread.h>

#include "vf.h"

#define VF_STATE_FORMAT		"verify-file-state"
#define VF_STATE_VERSION	1

/* How the run that wrote the state ended, or that it is running. */
enum vf_run_state { VF_RUN_RUNNING, VF_RUN_FINISHED, VF_RUN_INTERRUPTED,
		    VF_RUN_MAX_TIME };

struct vf_state_totals {
	uint64_t ok, bad, errors, bytes_verified;
};

/* A file of the pass by its walk position: the root index and path. */
struct vf_state_ref {
	unsigned int root;
	char *path;
};

/* A file begun and not finished ("current"). */
struct vf_state_part {
	unsigned int root;
	char *path;
	uint64_t offset;	/* resume here */
	uint64_t position;	/* got this far (progress only) */
	uint64_t bytes_verified;
	int bad;
	struct verity_scrub_range *ranges;
	size_t nranges;
};

/* A state file, as read back. */
struct vf_state_doc {
	json_object *root;		/* the whole document */
	json_object *key;		/* roots and options (in @root) */
	int complete;			/* the pass is over */
	int64_t pass_started, pass_ended, run_started, updated;
	unsigned int runs;
	long pid;
	enum vf_run_state run_state;
	double seconds;			/* scrubbing, summed over the runs */
	uint64_t bytes_scrubbed;	/* by the cursors, over the runs */
	uint64_t files_total, files_done, bytes_total, bytes_done;
	struct vf_state_totals totals;
	int have_until;
	unsigned int until_root;
	const char *until_path;		/* in @root */
	struct vf_state_ref *done_after;
	size_t ndone_after;
	struct vf_state_part *current;
	size_t ncurrent;
	json_object *findings;		/* array, a reference of its own */
};

/* The state of the run going on. */
struct vf_state {
	const char *file;
	pthread_mutex_t lock;		/* the files' state fields, saving */
	double last_save;		/* vf_now() */
	double clock_start;		/* vf_sys.clock() at the start */
	int resumed;			/* continues a pass */
	int save_failed;		/* said once */
	int64_t pass_started, run_started;
	unsigned int runs;		/* of the pass, this one included */
	double prev_seconds;		/* the earlier runs' */
	uint64_t prev_scrubbed;
	struct vf_state_totals prev;
	json_object *prev_findings;	/* files finished by earlier runs */
};

json_object *vf_state_key(const struct vf_opts *o);
int vf_state_read(const char *file, struct vf_state_doc *d, char *why,
		  size_t len);
void vf_state_doc_free(struct vf_state_doc *d);
int vf_state_save(struct vf_run *run, struct vf_state *st,
		  enum vf_run_state how);
void vf_state_tell_resume(const struct vf_run *run,
			  const struct vf_state *st);
/*
 * One range of a state file's JSON into @r, checked as vf_state_read()
 * checks it: 0, or -EINVAL.
 */
int vf_state_range(json_object *e, struct verity_scrub_range *r);
json_object *
vf_state_ranges_json(const struct verity_scrub_range *a, size_t na,
		     const struct verity_scrub_range *b, size_t nb);

#endif /* VF_STATE_H */
