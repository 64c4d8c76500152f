/*
 * progress.h — "[ 12/300] what" on a terminal, nothing when piped.
 *
 * Long commands (deploying many migrations, pulling a large database,
 * preparing typed queries) say how far they are while a person watches,
 * and leave logs and pipes exactly as they were:
 *
 *     progress p = progress_begin(stderr, nmigrations);
 *     for (...) progress_step(&p, name);      // "\r[  3/120] name" + clear to end of line
 *     progress_end(&p);                       // erases the line
 *
 * Only when `out` is a terminal and TERM is not "dumb"; otherwise every
 * call does nothing.
 */
#ifndef REFRACT_PROGRESS_H
#define REFRACT_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

typedef struct progress {
    FILE *out;     /* NULL: not a terminal, nothing is drawn */
    size_t total, done;
    int width;     /* digits of total */
} progress;

progress progress_begin(FILE *out, size_t total);
void progress_step(progress *p, const char *what);
void progress_end(progress *p);

/* Whether progress would be drawn on `out`. */
bool progress_visible(FILE *out);

#endif
