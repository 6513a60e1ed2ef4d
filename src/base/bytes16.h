/* bytes16.h - 16 bytes tested at once, for the readers' scans over text:
 * SSE2 where the target has it (every x86-64), one byte at a time
 * elsewhere, with the same answers.  A test gives a 16-bit mask, bit k for
 * byte k, so a scan takes the first hit with __builtin_ctz. */
#ifndef RUBRIC_BYTES16_H
#define RUBRIC_BYTES16_H

#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#ifdef __SSE2__
typedef __m128i bytes16;

/* The 16 bytes at p (any alignment; all 16 must be readable). */
static inline bytes16 bytes16_load(const char *p) { return _mm_loadu_si128((const __m128i *)(const void *)p); }

/* Each byte of v that is c. */
static inline bytes16 bytes16_eq(bytes16 v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }

/* Each byte of v below 0x20 or of 0x80 and more: a control character, or
 * a byte of a UTF-8 sequence (a signed compare takes both at once). */
static inline bytes16 bytes16_ctl_or_high(bytes16 v) { return _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)); }

static inline bytes16 bytes16_or(bytes16 a, bytes16 b) { return _mm_or_si128(a, b); }

/* The mask of the bytes of v whose top bit is set: a test's hits, or, for
 * v as loaded, the bytes of 0x80 and more. */
static inline uint32_t bytes16_mask(bytes16 v) { return (uint32_t)_mm_movemask_epi8(v); }
#else
typedef struct bytes16 {
    unsigned char b[16];
} bytes16;

static inline bytes16 bytes16_load(const char *p)
{
    bytes16 v;
    for (int k = 0; k < 16; k++)
        v.b[k] = (unsigned char)p[k];
    return v;
}

static inline bytes16 bytes16_eq(bytes16 v, char c)
{
    for (int k = 0; k < 16; k++)
        v.b[k] = v.b[k] == (unsigned char)c ? 0xFF : 0;
    return v;
}

static inline bytes16 bytes16_ctl_or_high(bytes16 v)
{
    for (int k = 0; k < 16; k++)
        v.b[k] = v.b[k] < 0x20 || v.b[k] >= 0x80 ? 0xFF : 0;
    return v;
}

static inline bytes16 bytes16_or(bytes16 a, bytes16 b)
{
    for (int k = 0; k < 16; k++)
        a.b[k] |= b.b[k];
    return a;
}

static inline uint32_t bytes16_mask(bytes16 v)
{
    uint32_t m = 0;
    for (int k = 0; k < 16; k++)
        m |= (uint32_t)(v.b[k] >> 7) << k;
    return m;
}
#endif

#endif
