/*
 * sha256.h — SHA-256 (FIPS 180-4), enough for migration checksums.
 *
 * Prisma records the lower-case hex SHA-256 of each migration.sql in
 * `_prisma_migrations.checksum`; refract must compute the same string.
 */
#ifndef REFRACT_SHA256_H
#define REFRACT_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t state[8];
    uint64_t total;       /* bytes fed so far */
    uint8_t block[64];
    size_t used;          /* bytes waiting in `block` */
} sha256_ctx;

#define SHA256_HEX_LEN 64

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, uint8_t digest[32]);

/* One call: the digest of `data` as 64 lower-case hex digits plus NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
