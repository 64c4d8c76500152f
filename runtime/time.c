/*
 * time.c — rf_timestamp (µs since the Unix epoch, UTC) to and from calendar
 * dates, ISO 8601 text and PostgreSQL's text output.
 *
 * Calendar arithmetic is the proleptic Gregorian calendar by day number,
 * independent of the C library's time zone and of time_t's range.
 */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define USEC_PER_DAY (INT64_C(86400) * RF_USEC_PER_SEC)

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a date with month in 1..12. Counts in 400-year
 * eras (146097 days each) from 0000-03-01, so that the leap day falls at
 * the end of the counted year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                                 /* 0..399 */
    int64_t day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* from March 1 */
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468; /* 719468: 0000-03-01 to 1970-01-01 */
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t day_of_era = z - era * 146097;                                   /* 0..146096 */
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524
                           - day_of_era / 146096) / 365;                    /* 0..399 */
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t mp = (5 * day_of_year + 2) / 153;                               /* March = 0 */
    *d = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = year_of_era + era * 400 + (*m <= 2);
}

rf_timestamp rf_timestamp_from_civil(int year, int month, int day, int hour, int minute,
                                     int second, int microsecond)
{
    int64_t y = year + floor_div((int64_t)month - 1, 12);
    int m = (int)((int64_t)month - 1 - floor_div((int64_t)month - 1, 12) * 12) + 1;
    int64_t days = days_from_civil(y, m, 1) + (int64_t)day - 1;
    return days * USEC_PER_DAY + (int64_t)hour * 3600 * RF_USEC_PER_SEC
           + (int64_t)minute * 60 * RF_USEC_PER_SEC + (int64_t)second * RF_USEC_PER_SEC
           + microsecond;
}

rf_civil rf_timestamp_to_civil(rf_timestamp t)
{
    rf_civil c;
    int64_t days = floor_div(t, USEC_PER_DAY);
    int64_t rest = t - days * USEC_PER_DAY;
    int64_t y;
    civil_from_days(days, &y, &c.month, &c.day);
    c.year = (int)y;
    c.hour = (int)(rest / (3600 * RF_USEC_PER_SEC));
    rest %= 3600 * RF_USEC_PER_SEC;
    c.minute = (int)(rest / (60 * RF_USEC_PER_SEC));
    rest %= 60 * RF_USEC_PER_SEC;
    c.second = (int)(rest / RF_USEC_PER_SEC);
    c.microsecond = (int)(rest % RF_USEC_PER_SEC);
    return c;
}

rf_timestamp rf_timestamp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * RF_USEC_PER_SEC + ts.tv_nsec / 1000;
}

rf_timestamp rf_timestamp_from_unix(int64_t seconds)
{
    return seconds * RF_USEC_PER_SEC;
}

int64_t rf_timestamp_to_unix(rf_timestamp t)
{
    return floor_div(t, RF_USEC_PER_SEC);
}

size_t rf_timestamp_to_iso8601(rf_timestamp t, char buf[RF_ISO8601_SIZE])
{
    if (t == RF_TIMESTAMP_INFINITY)
        return (size_t)snprintf(buf, RF_ISO8601_SIZE, "infinity");
    if (t == RF_TIMESTAMP_NEG_INFINITY)
        return (size_t)snprintf(buf, RF_ISO8601_SIZE, "-infinity");
    rf_civil c = rf_timestamp_to_civil(t);
    char year[16];
    if (c.year >= 0 && c.year <= 9999)
        snprintf(year, sizeof year, "%04d", c.year);
    else
        snprintf(year, sizeof year, "%c%06d", c.year < 0 ? '-' : '+',
                 c.year < 0 ? -c.year : c.year);
    int n;
    if (c.microsecond % 1000 == 0)
        n = snprintf(buf, RF_ISO8601_SIZE, "%s-%02d-%02dT%02d:%02d:%02d.%03dZ", year, c.month,
                     c.day, c.hour, c.minute, c.second, c.microsecond / 1000);
    else
        n = snprintf(buf, RF_ISO8601_SIZE, "%s-%02d-%02dT%02d:%02d:%02d.%06dZ", year, c.month,
                     c.day, c.hour, c.minute, c.second, c.microsecond);
    return n < 0 ? 0 : (size_t)n;
}

/* ---- parsing ---------------------------------------------------------------- */

/* Reads exactly `width` digits (width 0: one or more). */
static bool digits(const char **p, int width, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;
    int n = 0;
    while (isdigit((unsigned char)*s) && (width == 0 || n < width)) {
        if (v > INT64_MAX / 10 - 10)
            return false;
        v = v * 10 + (*s - '0');
        s++;
        n++;
    }
    if (n == 0 || (width && n != width))
        return false;
    *p = s;
    *out = v;
    return true;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static bool word(const char **p, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)(*p)[i]) != w[i])
            return false;
    *p += n;
    return true;
}

/* "HH:MM[:SS[.frac]]" → µs since midnight. */
static bool parse_clock(const char **p, int64_t *usec)
{
    int64_t h, mi, s = 0, frac = 0;
    if (!digits(p, 2, &h) || **p != ':')
        return false;
    (*p)++;
    if (!digits(p, 2, &mi))
        return false;
    if (**p == ':') {
        (*p)++;
        if (!digits(p, 2, &s))
            return false;
        if (**p == '.' || **p == ',') {
            (*p)++;
            int n = 0;
            if (!isdigit((unsigned char)**p))
                return false;
            while (isdigit((unsigned char)**p)) {
                if (n < 6) {
                    frac = frac * 10 + (**p - '0');
                    n++;
                }
                (*p)++;
            }
            while (n++ < 6)
                frac *= 10;
        }
    }
    bool midnight24 = h == 24 && mi == 0 && s == 0 && frac == 0;
    if ((h > 23 && !midnight24) || mi > 59 || s > 60)
        return false;
    *usec = ((h * 60 + mi) * 60 + s) * RF_USEC_PER_SEC + frac;
    return true;
}

/* "Z", or "+HH", "+HH:MM", "+HHMM", "+HH:MM:SS" → seconds east of UTC. */
static bool parse_offset(const char **p, int64_t *seconds_east)
{
    const char *s = *p;
    *seconds_east = 0;
    if (*s == 'Z' || *s == 'z') {
        *p = s + 1;
        return true;
    }
    if (*s != '+' && *s != '-')
        return false;
    int sign = *s == '-' ? -1 : 1;
    s++;
    int64_t h, m = 0, sec = 0;
    if (!digits(&s, 2, &h))
        return false;
    if (*s == ':') {
        s++;
        if (!digits(&s, 2, &m))
            return false;
        if (*s == ':') {
            s++;
            if (!digits(&s, 2, &sec))
                return false;
        }
    } else if (isdigit((unsigned char)*s)) {
        if (!digits(&s, 2, &m))
            return false;
    }
    if (h > 15 || m > 59 || sec > 59)
        return false;
    *seconds_east = sign * (h * 3600 + m * 60 + sec);
    *p = s;
    return true;
}

rf_status rf_timestamp_parse(const char *s, rf_timestamp *out)
{
    if (!s || !out)
        return RF_INVALID_ARGUMENT;
    const char *p = s;
    while (*p == ' ')
        p++;
    const char *inf = p;
    if (word(&inf, "infinity") || word(&inf, "+infinity")) {
        if (*inf == '\0') {
            *out = RF_TIMESTAMP_INFINITY;
            return RF_OK;
        }
    }
    inf = p;
    if (word(&inf, "-infinity") && *inf == '\0') {
        *out = RF_TIMESTAMP_NEG_INFINITY;
        return RF_OK;
    }

    int sign = 1;
    if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        p++;
    }
    int64_t y, mo, d;
    const char *year_start = p;
    if (!digits(&p, 0, &y) || p - year_start < 4 || p - year_start > 7 || *p != '-')
        return RF_INVALID_ARGUMENT;
    p++;
    if (!digits(&p, 2, &mo) || *p != '-')
        return RF_INVALID_ARGUMENT;
    p++;
    if (!digits(&p, 2, &d))
        return RF_INVALID_ARGUMENT;
    y *= sign;

    int64_t clock = 0, offset = 0;
    if ((*p == 'T' || *p == 't' || *p == ' ') && isdigit((unsigned char)p[1])) {
        p++;
        if (!parse_clock(&p, &clock))
            return RF_INVALID_ARGUMENT;
        while (*p == ' ')
            p++;
        if (*p && *p != 'B' && *p != 'b' && *p != 'A' && *p != 'a') {
            if (!parse_offset(&p, &offset))
                return RF_INVALID_ARGUMENT;
        }
    }
    while (*p == ' ')
        p++;
    if (word(&p, "bc")) {
        if (sign < 0 || y == 0)
            return RF_INVALID_ARGUMENT;
        y = 1 - y; /* 1 BC is year 0 */
    } else if (word(&p, "ad")) {
        /* nothing */
    }
    if (*p != '\0')
        return RF_INVALID_ARGUMENT;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, (int)mo))
        return RF_INVALID_ARGUMENT;
    if (y > 300000 || y < -300000)
        return RF_INVALID_ARGUMENT;
    *out = days_from_civil(y, (int)mo, (int)d) * USEC_PER_DAY + clock
           - offset * RF_USEC_PER_SEC;
    return RF_OK;
}
