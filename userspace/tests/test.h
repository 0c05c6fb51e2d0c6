/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test.h - minimal assertions for the host tests
 *
 * Each test case prints "PASS: name" or "FAIL: name: why" exactly once;
 * tests/run-tests.sh counts those lines.
 */
#ifndef VS_TEST_H
#define VS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failed;		/* in the current case */
static int cases_failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("  %s:%d: check failed: %s\n", __FILE__,		\
		       __LINE__, #cond);				\
		test_failed = 1;					\
	}								\
} while (0)

#define CHECK_U64(a, b) do {						\
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);		\
	if (a_ != b_) {							\
		printf("  %s:%d: %s == %" PRIu64 ", expected %" PRIu64	\
		       "\n", __FILE__, __LINE__, #a, a_, b_);		\
		test_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (!a_ || strcmp(a_, b_)) {					\
		printf("  %s:%d: %s == \"%s\", expected \"%s\"\n",	\
		       __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_);	\
		test_failed = 1;					\
	}								\
} while (0)

#define RUN(fn) do {							\
	test_failed = 0;						\
	fn();								\
	printf("%s: %s\n", test_failed ? "FAIL" : "PASS", #fn);	\
	cases_failed += test_failed;					\
	fflush(stdout);							\
} while (0)

#endif /* VS_TEST_H */
