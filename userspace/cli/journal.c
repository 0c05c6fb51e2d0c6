// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * journal.c - verify-file's structured journal entries (--log)
 *
 * Under systemd (stderr is the journal stream) or with --log=journal,
 * each bad range, each file repaired by --repair-from and the run's
 * summary are one journal entry each, sent with sd_journal_sendv(): a
 * fixed MESSAGE_ID (message_ids.h), a PRIORITY, the line verify-file
 * prints as MESSAGE, and VERITY_SCRUB_* fields a program can match on
 * (`journalctl MESSAGE_ID=... VERITY_SCRUB_KIND=hash_mismatch`).  The text
 * on stdout is unchanged.  Entries of a file are sent from the worker that
 * reported it, under the output lock (main.c), so they come in the order
 * of the report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>
/* no CODE_FILE= of our sources in the entries: plain sd_journal_sendv */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "message_ids.h"
#include "vf.h"

#define MAX_FIELDS 24

/* One entry being built: NAME=VALUE fields, each allocated. */
struct entry {
	struct iovec iov[MAX_FIELDS];
	int n;
	int nomem;
};

/* Some entry could not be sent: said once, and exit bit 8 at the end. */
static atomic_int send_failed;

static void add_field(struct entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_field(struct entry *e, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (e->n == MAX_FIELDS) {
		e->nomem = 1;
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		e->nomem = 1;
		return;
	}
	e->iov[e->n].iov_base = s;
	e->iov[e->n].iov_len = (size_t)n;
	e->n++;
}

static void send_entry(struct entry *e)
{
	int i, err = e->nomem ? -ENOMEM : 0;

	add_field(e, "SYSLOG_IDENTIFIER=%s", vf_prog);
	if (!err)
		err = sd_journal_sendv(e->iov, e->n);
	for (i = 0; i < e->n; i++)
		free(e->iov[i].iov_base);
	e->n = 0;
	if (err < 0 && !atomic_exchange(&send_failed, 1))
		vf_warning("cannot log to the journal: %s", strerror(-err));
}

/*
 * --log=auto: the journal when stderr is the journal stream systemd
 * connected, i.e. $JOURNAL_STREAM ("DEV:INO", decimal) names fd 2.
 */
static int stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	if (!env || sscanf(env, "%llu:%llu%c", &dev, &ino, &tail) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

/* Return: 1 if this run sends journal entries (--log=@log_mode). */
int vf_journal_wanted(int log_mode)
{
	if (log_mode == VF_LOG_JOURNAL)
		return 1;
	return log_mode == VF_LOG_AUTO && stderr_is_journal();
}

static const char *msgid_of(uint32_t kind)
{
	switch (kind) {
	case VERITY_SCRUB_KIND_HASH_MISMATCH: return VF_MSGID_HASH_MISMATCH;
	case VERITY_SCRUB_KIND_TREE_CORRUPT: return VF_MSGID_TREE_CORRUPT;
	case VERITY_SCRUB_KIND_IO_ERROR: return VF_MSGID_IO_ERROR;
	case VERITY_SCRUB_KIND_TRANSIENT: return VF_MSGID_TRANSIENT;
	default: return VF_MSGID_UNKNOWN;
	}
}

/* The fields every entry about @f has: path, root, the kernel's digest. */
static void add_file_fields(struct entry *e, const struct vf_run *run,
			    const struct vf_file *f)
{
	struct vf_digest disk = vf_file_digest(f);
	const struct vf_digest *d =
		vf_file_flag(f, VERITY_SCRUB_OUT_DESCRIPTOR_CHANGED) &&
		f->measured.size ? &f->measured : &disk;
	char digest[160];

	add_field(e, "VERITY_SCRUB_PATH=%s", f->path);
	add_field(e, "VERITY_SCRUB_ROOT=%s", run->o->paths[f->root]);
	if (vf_have_info(f) && d->size) {
		vf_format_digest(digest, sizeof(digest), d);
		add_field(e, "VERITY_SCRUB_DIGEST=%s", digest);
	}
}

static void send_range(const struct vf_run *run, const struct vf_file *f,
		       const char *path, const struct verity_scrub_range *r)
{
	struct entry e = { .n = 0 };
	char text[256];

	vf_format_range(text, sizeof(text), r);
	add_field(&e, "MESSAGE_ID=%s", msgid_of(r->kind));
	add_field(&e, "PRIORITY=%d", r->kind == VERITY_SCRUB_KIND_TRANSIENT ?
		  LOG_WARNING : LOG_ERR);
	add_field(&e, "MESSAGE=%s: %s", path, text);
	add_file_fields(&e, run, f);
	add_field(&e, "VERITY_SCRUB_OFFSET=%llu", (unsigned long long)r->offset);
	add_field(&e, "VERITY_SCRUB_LENGTH=%llu", (unsigned long long)r->length);
	add_field(&e, "VERITY_SCRUB_KIND=%s", verity_scrub_kind_name(r->kind));
	add_field(&e, "VERITY_SCRUB_DETAIL=%s",
		  r->kind == VERITY_SCRUB_KIND_IO_ERROR ?
		  verity_scrub_detail_name(r->detail) : "");
	if (r->kind == VERITY_SCRUB_KIND_TREE_CORRUPT)
		add_field(&e, "VERITY_SCRUB_TREE_LEVEL=%u", r->tree_level);
	send_entry(&e);
}

/* The first line vf_repair_print() prints for @f, allocated, or NULL. */
static char *repair_line(const struct vf_run *run, const struct vf_file *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	vf_repair_print(m, run, f);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	if (buf)
		buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void send_repaired(const struct vf_run *run, const struct vf_file *f)
{
	struct entry e = { .n = 0 };
	char *line = repair_line(run, f);

	add_field(&e, "MESSAGE_ID=%s", VF_MSGID_REPAIRED);
	add_field(&e, "PRIORITY=%d", LOG_NOTICE);
	if (line)
		add_field(&e, "MESSAGE=%s", line);
	else
		e.nomem = 1;
	add_file_fields(&e, run, f);
	free(line);
	send_entry(&e);
}

/*
 * vf_journal_file() - the entries of one file whose result is final: one
 * per bad range (transient ones included), one if it was repaired.
 * Called under the output lock.
 */
void vf_journal_file(const struct vf_run *run, const struct vf_file *f)
{
	char *path;
	size_t i;

	if (!run->journal)
		return;
	path = vf_escape_path_dup(f->path);
	for (i = 0; i < f->nranges; i++)
		send_range(run, f, path ? path : "(out of memory)",
			   &f->ranges[i]);
	free(path);
	if (vf_file_exit_bits(f) & VF_EXIT_REPAIRED)
		send_repaired(run, f);
}

/*
 * vf_journal_summary() - the run's summary entry, @exit_status its exit
 * status so far.
 *
 * Return: VF_EXIT_OPERATIONAL if an entry of the run could not be sent
 * (said once on stderr), else 0.
 */
int vf_journal_summary(const struct vf_run *run, int exit_status)
{
	struct entry e = { .n = 0 };
	struct vf_tally t;
	char line[256];

	if (!run->journal)
		return 0;
	vf_tally(run, -1, &t);
	vf_summary_line(line, sizeof(line), run);
	add_field(&e, "MESSAGE_ID=%s", VF_MSGID_SUMMARY);
	add_field(&e, "PRIORITY=%d", exit_status ? LOG_WARNING : LOG_NOTICE);
	add_field(&e, "MESSAGE=%s", line);
	add_field(&e, "VERITY_SCRUB_FILES_OK=%llu",
		  (unsigned long long)t.status[VF_STATUS_OK]);
	add_field(&e, "VERITY_SCRUB_FILES_BAD=%llu",
		  (unsigned long long)t.status[VF_STATUS_BAD]);
	add_field(&e, "VERITY_SCRUB_FILES_ERROR=%llu",
		  (unsigned long long)t.status[VF_STATUS_ERROR]);
	add_field(&e, "VERITY_SCRUB_FILES_INTERRUPTED=%llu",
		  (unsigned long long)t.status[VF_STATUS_INTERRUPTED]);
	add_field(&e, "VERITY_SCRUB_FILES_SKIPPED=%llu",
		  (unsigned long long)t.status[VF_TALLY_SKIPPED]);
	add_field(&e, "VERITY_SCRUB_BYTES_VERIFIED=%llu",
		  (unsigned long long)t.bytes_verified);
	add_field(&e, "VERITY_SCRUB_EXIT=%d", exit_status);
	add_field(&e, "VERITY_SCRUB_ROOT=%s", run->o->paths[0]);
	send_entry(&e);
	return atomic_load(&send_failed) ? VF_EXIT_OPERATIONAL : 0;
}
