// SPDX-License-Identifier: GPL-2.0
/*
 * pure_hashpick.c - the choice of hash driver (module/hashpick.c), built
 * into the test module too, as pure_hash.c is
 */
#include "../module/hashpick.c"
