// SPDX-License-Identifier: GPL-2.0
/*
 * pure_tree.c - the tree cursor (module/tree.c), built into the test
 * module too: the suites then run without verity_scrub.ko loaded, and the
 * module exports nothing
 */
#include "../module/tree.c"
