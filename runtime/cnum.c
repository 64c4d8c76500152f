/*
 * cnum.c — doubles to and from text in the C locale, whatever locale the
 * program chose: PostgreSQL always writes "1.5", and a program that set
 * LC_NUMERIC to de_DE must not turn that into 1 or send "1,5".
 */
#include "internal.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* The C locale for this thread until the matching leave(); (locale_t)0 when
 * it could not be made, in which case the current locale stays. */
static locale_t enter(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale ? uselocale(c_locale) : (locale_t)0;
}

static void leave(locale_t previous)
{
    if (previous)
        uselocale(previous);
}

double rf_strtod_c(const char *s, char **end)
{
    locale_t previous = enter();
    double d = strtod(s, end);
    leave(previous);
    return d;
}

int rf_format_double_c(char *buf, size_t size, double d)
{
    /* The fewest digits that read back as the same double, as PostgreSQL
     * (12+) prints floats: 0.1, not 0.10000000000000001. */
    locale_t previous = enter();
    int n = 0;
    for (int digits = 15; digits <= 17; digits++) {
        n = snprintf(buf, size, "%.*g", digits, d);
        if (n < 0 || (size_t)n >= size || strtod(buf, NULL) == d)
            break;
    }
    leave(previous);
    return n;
}
