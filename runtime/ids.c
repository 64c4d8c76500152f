/*
 * ids.c — the ids Prisma's client fills in for @default(uuid()), uuid(7),
 * cuid(), cuid(2), nanoid(n) and ulid(), in the same textual formats.
 *
 * Randomness comes from the kernel CSPRNG (random.c). The time-ordered ids
 * (uuid v7, ulid) keep a little per-thread state so that ids made in the
 * same millisecond by one thread still sort in creation order; threads
 * never share state, so no locks.
 */
#include "internal.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

static const char base36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
static const char crockford32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char nanoid_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* n characters drawn uniformly from alphabet[0..size) (size <= 256), by
 * rejecting the bytes that would bias the modulo. */
static rf_status uniform_chars(char *out, size_t n, const char *alphabet, unsigned size)
{
    unsigned limit = 256 - 256 % size;
    unsigned char pool[64];
    size_t used = sizeof pool;
    for (size_t i = 0; i < n;) {
        if (used == sizeof pool) {
            if (rf_random_bytes(pool, sizeof pool) != RF_OK)
                return RF_ERROR;
            used = 0;
        }
        unsigned b = pool[used++];
        if (b < limit)
            out[i++] = alphabet[b % size];
    }
    return RF_OK;
}

static const char hex[] = "0123456789abcdef";

static void format_uuid(const unsigned char b[16], char out[RF_UUID_SIZE])
{
    size_t n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[n++] = '-';
        out[n++] = hex[b[i] >> 4];
        out[n++] = hex[b[i] & 15];
    }
    out[n] = '\0';
}

rf_status rf_uuid_v4(char out[RF_UUID_SIZE])
{
    unsigned char b[16];
    if (rf_random_bytes(b, sizeof b) != RF_OK)
        return RF_ERROR;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
    format_uuid(b, out);
    return RF_OK;
}

/*
 * uuid v7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits
 * (12 "rand_a" + 62 "rand_b"). Within one millisecond a thread adds a random
 * positive step to the previous 74 bits instead of drawing fresh ones
 * (RFC 9562, 6.2 method 2), so its ids keep increasing and stay
 * unguessable; on overflow the timestamp moves on by one.
 */
static _Thread_local uint64_t v7_ms;
static _Thread_local uint16_t v7_hi; /* 12 bits */
static _Thread_local uint64_t v7_lo; /* 62 bits */

rf_status rf_uuid_v7(char out[RF_UUID_SIZE])
{
    unsigned char r[12];
    if (rf_random_bytes(r, sizeof r) != RF_OK)
        return RF_ERROR;
    uint64_t ms = now_ms();
    if (ms > v7_ms) {
        v7_ms = ms;
        v7_hi = (uint16_t)(((unsigned)r[0] << 8 | r[1]) & 0x0fff);
        v7_lo = rf_be64(r + 2) & ((UINT64_C(1) << 62) - 1);
        /* leave headroom for increments in the same millisecond */
        v7_hi &= 0x07ff;
    } else {
        uint64_t step = (uint64_t)rf_be32(r + 4) + 1;
        v7_lo += step;
        if (v7_lo >> 62) {
            v7_lo &= (UINT64_C(1) << 62) - 1;
            if (++v7_hi > 0x0fff) {
                v7_ms++;
                v7_hi = 0;
            }
        }
    }
    unsigned char b[16];
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(v7_ms >> (40 - 8 * i));
    b[6] = (unsigned char)(0x70 | (v7_hi >> 8));
    b[7] = (unsigned char)v7_hi;
    uint64_t lo = v7_lo | (UINT64_C(2) << 62); /* variant 10 */
    rf_put_be64(b + 8, lo);
    format_uuid(b, out);
    return RF_OK;
}

/*
 * ULID: 48 bits of Unix milliseconds and 80 random bits, as 26 Crockford
 * base-32 characters (10 for the time, 16 for the randomness). Within one
 * millisecond a thread increments the random part by one, as the ULID spec
 * describes for monotonic ids.
 */
static _Thread_local uint64_t ulid_ms;
static _Thread_local uint16_t ulid_hi; /* top 16 of the 80 random bits */
static _Thread_local uint64_t ulid_lo; /* low 64 */

rf_status rf_ulid(char out[RF_ULID_SIZE])
{
    uint64_t ms = now_ms();
    if (ms > ulid_ms) {
        unsigned char r[10];
        if (rf_random_bytes(r, sizeof r) != RF_OK)
            return RF_ERROR;
        ulid_ms = ms;
        ulid_hi = (uint16_t)((unsigned)r[0] << 8 | r[1]);
        ulid_hi &= 0x7fff; /* headroom for increments */
        ulid_lo = rf_be64(r + 2);
    } else if (++ulid_lo == 0 && ++ulid_hi == 0) {
        ulid_ms++; /* 2^80 ids in one millisecond: move on */
    }
    uint64_t t = ulid_ms & ((UINT64_C(1) << 48) - 1);
    for (int i = 9; i >= 0; i--) {
        out[i] = crockford32[t & 31];
        t >>= 5;
    }
    /* 80 bits = 16 groups of 5, from the top */
    for (int i = 0; i < 16; i++) {
        int shift = 75 - 5 * i; /* bit position of this group's low bit */
        unsigned v;
        if (shift >= 64)
            v = (unsigned)(ulid_hi >> (shift - 64)) & 31;
        else if (shift > 59) /* the group straddles hi and lo */
            v = (unsigned)(((uint64_t)ulid_hi << (64 - shift)) | (ulid_lo >> shift)) & 31;
        else
            v = (unsigned)(ulid_lo >> shift) & 31;
        out[10 + i] = crockford32[v];
    }
    out[26] = '\0';
    return RF_OK;
}

rf_status rf_nanoid(char *out, size_t size)
{
    if (!out || size < 1 || size > RF_NANOID_MAX)
        return RF_INVALID_ARGUMENT;
    if (uniform_chars(out, size, nanoid_alphabet, 64) != RF_OK)
        return RF_ERROR;
    out[size] = '\0';
    return RF_OK;
}

/*
 * cuid2: a random lowercase letter, then 23 base-36 characters. The
 * reference implementation hashes time, a counter, a fingerprint and
 * entropy with SHA3 to get characters indistinguishable from random; we
 * draw them from the CSPRNG directly, which has that property by
 * construction.
 */
rf_status rf_cuid2(char out[RF_CUID2_SIZE])
{
    if (uniform_chars(out, 1, base36 + 10, 26) != RF_OK
        || uniform_chars(out + 1, 23, base36, 36) != RF_OK)
        return RF_ERROR;
    out[24] = '\0';
    return RF_OK;
}

/* Writes v in base 36, left-padded with '0' or cut to its last `width`
 * digits. */
static void base36_fixed(char *out, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = base36[v % 36];
        v /= 36;
    }
}

/* The host half of cuid's fingerprint: a sum over the host name, computed
 * once per thread (the name does not change under a running program). */
static _Thread_local uint32_t host_sum;

static uint32_t host_fingerprint(void)
{
    if (!host_sum) {
        char host[256] = "";
        gethostname(host, sizeof host - 1);
        uint32_t sum = (uint32_t)strlen(host) + 36;
        for (const char *h = host; *h; h++)
            sum += (unsigned char)*h;
        host_sum = sum;
    }
    return host_sum;
}

static _Thread_local bool cuid_seeded;
static _Thread_local uint32_t cuid_counter;

/*
 * cuid (v1): 'c', the time in ms (8 base-36 digits), a counter (4), a
 * fingerprint of the process and host (4), and 8 random digits: 25
 * characters that sort roughly by creation time.
 */
rf_status rf_cuid(char out[RF_CUID_SIZE])
{
    const uint32_t block = 36u * 36u * 36u * 36u; /* 4 base-36 digits */
    unsigned char r[8];
    if (rf_random_bytes(r, sizeof r) != RF_OK)
        return RF_ERROR;
    if (!cuid_seeded) {
        cuid_counter = rf_be32(r) % block;
        cuid_seeded = true;
        if (rf_random_bytes(r, sizeof r) != RF_OK)
            return RF_ERROR;
    }
    out[0] = 'c';
    base36_fixed(out + 1, now_ms(), 8);
    base36_fixed(out + 9, cuid_counter, 4);
    cuid_counter = (cuid_counter + 1) % block;

    base36_fixed(out + 13, (uint64_t)getpid() % (36 * 36), 2);
    base36_fixed(out + 15, host_fingerprint() % (36 * 36), 2);

    base36_fixed(out + 17, rf_be32(r) % block, 4);
    base36_fixed(out + 21, rf_be32(r + 4) % block, 4);
    out[25] = '\0';
    return RF_OK;
}
