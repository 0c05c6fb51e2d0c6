// SPDX-License-Identifier: GPL-2.0
/*
 * pure_merkle.c - the Merkle-path verifier (module/merkle.c), built into
 * the test module too: the suites then run without verity_scrub.ko loaded,
 * and the module exports nothing
 */
#include "../module/merkle.c"
