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

void vf_msg(const char *kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "%s: %s(out of memory)\n", vf_prog, kind);
		return;
	}
	fprintf(stderr, "%s: %s%s\n", vf_prog, kind, msg);
	free(msg);
}
