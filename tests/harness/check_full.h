/*
 * check_full.h — whether this run is `make check-full` (what CI runs).
 *
 * `make check` must stay short on a 2-core machine, so the tests whose cost
 * grows with their size (random round trips, the corpus under every compiler
 * mode) run a smaller, fixed part of their cases by default, and all of them
 * when REFRACT_CHECK_FULL=1 (set by `make check-full`). Any value but empty
 * or "0" counts as set here; `make check-full` sets exactly "1".
 */
#ifndef REFRACT_CHECK_FULL_H
#define REFRACT_CHECK_FULL_H

#include <stdbool.h>
#include <stdlib.h>

static inline bool check_full(void)
{
    const char *v = getenv("REFRACT_CHECK_FULL");
    return v && *v && !(v[0] == '0' && v[1] == '\0');
}

#endif
