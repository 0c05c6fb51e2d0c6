// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * msg.c - the one printer of verify-file's error, warning and note lines
 *
 * "PROG: [warning: ]MSG\n" in one write to stderr, so that lines of
 * several workers never interleave; the library itself never prints.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vf.h"

/* One line "vf_prog: @kind@fmt..." on stderr. */
static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0) {
		fprintf(stderr, "%s: %s(out of memory)\n", vf_prog, kind);
		return;
	}
	fprintf(stderr, "%s: %s%s\n", vf_prog, kind, msg);
	free(msg);
}

void vf_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void vf_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void vf_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}
