// SPDX-License-Identifier: GPL-2.0
/*
 * pure_decide.c - the decision table (module/decide.c), built into the test module
 * too: the suites then run without verity_scrub.ko loaded, and the module
 * exports nothing
 */
#include "../module/decide.c"
