/*
 * progress.c — see progress.h.
 */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool progress_visible(FILE *out)
{
    const char *term = getenv("TERM");
    return out && isatty(fileno(out)) && !(term && !strcmp(term, "dumb"));
}

progress progress_begin(FILE *out, size_t total)
{
    progress p = {progress_visible(out) ? out : NULL, total, 0, 1};
    for (size_t t = total; t >= 10; t /= 10)
        p.width++;
    return p;
}

void progress_step(progress *p, const char *what)
{
    if (!p->out)
        return;
    p->done++;
    /* the line is cut to 70 columns so it never wraps on a narrow terminal */
    fprintf(p->out, "\r[%*zu/%zu] %.60s\033[K", p->width, p->done, p->total, what ? what : "");
    fflush(p->out);
}

void progress_end(progress *p)
{
    if (!p->out)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->out = NULL;
}
