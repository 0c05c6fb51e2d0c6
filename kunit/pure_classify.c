// SPDX-License-Identifier: GPL-2.0
/*
 * pure_classify.c - the Merkle path walk (module/classify.c), built into the test module
 * too: the suites then run without verity_scrub.ko loaded, and the module
 * exports nothing
 */
#include "../module/classify.c"
