/* sha256.h - SHA-256 (FIPS 180-4), for the score history's record of which
 * policy text produced a period: a digest any tool (sha256sum, Python,
 * PostgreSQL's sha256()) can recompute. */
#ifndef RUBRIC_SHA256_H
#define RUBRIC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256 {
    uint32_t h[8];
    uint64_t total;       /* bytes hashed so far */
    unsigned char block[64];
    size_t used;          /* bytes waiting in block */
} sha256;

void sha256_init(sha256 *s);
void sha256_update(sha256 *s, const void *data, size_t n);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(sha256 *s, char out[65]);

#endif
