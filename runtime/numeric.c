/*
 * numeric.c — PostgreSQL's numeric to exact decimal text, as Prisma shows a
 * Decimal.
 *
 * Decimal values are never squeezed through a double: the wire form is a
 * list of base-10000 digits with a weight (the power of 10000 of the first
 * digit) and a display scale (digits after the point), which maps to text
 * one digit group at a time.
 *
 * The display scale is the column's (DECIMAL(65,30) pads every value to 30
 * places), a property of the type rather than of the value. Prisma hands
 * out a Decimal.js value, which has no such padding: 1.50 reads back as 1.5
 * and 0.0000025 as 0.0000025. So the text drops trailing fractional zeros
 * (and a bare point) and a zero is "0" — Decimal.js's toFixed() with no
 * argument. Unlike Decimal.js's toString(), it never switches to exponent
 * notation for very small or large values: plain digits are exact, and both
 * PostgreSQL and strtod read them back.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

enum {
    NUMERIC_POS = 0x0000,
    NUMERIC_NEG = 0x4000,
    NUMERIC_NAN = 0xC000,
    NUMERIC_PINF = 0xD000,
    NUMERIC_NINF = 0xF000
};

static int16_t be16s(const unsigned char *p)
{
    return (int16_t)(uint16_t)((unsigned)p[0] << 8 | p[1]);
}

size_t rf_decimal_trim(const char *s, size_t n, size_t *start)
{
    *start = 0;
    const char *dot = memchr(s, '.', n);
    if (dot) {
        size_t point = (size_t)(dot - s);
        /* only a plain decimal: leave anything else (NaN, exponents) alone */
        for (size_t i = point + 1; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return n;
        while (n > point + 1 && s[n - 1] == '0')
            n--;
        if (n == point + 1)
            n = point;
    }
    if (n == 2 && s[0] == '-' && s[1] == '0')
        *start = 1; /* no negative zero */
    return n - *start;
}

rf_status rf_numeric_binary_to_text(const unsigned char *p, int len, rf_arena *arena,
                                     const char **out, size_t *outlen, const char **why)
{
    if (len < 8) {
        *why = "truncated binary numeric";
        return RF_DECODE;
    }
    int ndigits = be16s(p);
    int weight = be16s(p + 2);
    unsigned sign = (uint16_t)be16s(p + 4);
    int dscale = be16s(p + 6);
    if (ndigits < 0 || dscale < 0 || len != 8 + 2 * ndigits) {
        *why = "malformed binary numeric";
        return RF_DECODE;
    }
    const char *special = sign == NUMERIC_NAN ? "NaN"
                        : sign == NUMERIC_PINF ? "Infinity"
                        : sign == NUMERIC_NINF ? "-Infinity" : NULL;
    if (special) {
        *out = rf_arena_strdup(arena, special);
        *outlen = strlen(special);
        return *out ? RF_OK : RF_NO_MEMORY;
    }
    if (sign != NUMERIC_POS && sign != NUMERIC_NEG) {
        *why = "malformed binary numeric sign";
        return RF_DECODE;
    }
    const unsigned char *dig = p + 8;
    /* sign, integer groups (4 chars each, at least "0"), point, scale, slack */
    size_t int_groups = weight >= 0 ? (size_t)weight + 1 : 1;
    size_t cap = 1 + int_groups * 4 + 1 + (size_t)dscale + 4 + 1;
    char *s = rf_arena_alloc(arena, cap);
    if (!s)
        return RF_NO_MEMORY;
    size_t n = 0;
    if (sign == NUMERIC_NEG)
        s[n++] = '-';
    if (weight < 0) {
        s[n++] = '0';
    } else {
        for (int d = 0; d <= weight; d++) {
            int v = d < ndigits ? be16s(dig + 2 * d) : 0;
            if (v < 0 || v > 9999) {
                *why = "malformed binary numeric digit";
                return RF_DECODE;
            }
            n += (size_t)snprintf(s + n, cap - n, d == 0 ? "%d" : "%04d", v);
        }
    }
    if (dscale > 0) {
        s[n++] = '.';
        size_t end = n + (size_t)dscale;
        for (int d = weight + 1; n < end; d++) {
            int v = d >= 0 && d < ndigits ? be16s(dig + 2 * d) : 0;
            if (v < 0 || v > 9999) {
                *why = "malformed binary numeric digit";
                return RF_DECODE;
            }
            char group[8];
            snprintf(group, sizeof group, "%04d", v);
            for (int i = 0; i < 4 && n < end; i++)
                s[n++] = group[i];
        }
    }
    size_t start;
    n = rf_decimal_trim(s, n, &start);
    s += start;
    s[n] = '\0';
    *out = s;
    *outlen = n;
    return RF_OK;
}
