/* utf8.c - what well-formed UTF-8 is, for every reader that must refuse
 * what is not (RFC 3629). */
#include "utf8.h"

#include <string.h>

/* Bytes of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. */
int utf8_length(const unsigned char *p, const unsigned char *end)
{
    unsigned char b = p[0];
    int n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
        n = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (end - p < n || p[1] < lo || p[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

bool utf8_ascii(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    uint64_t high = 0;
    for (; end - p >= 8; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        high |= w;
    }
    for (; p < end; p++)
        high |= *p;
    return (high & 0x8080808080808080ULL) == 0;
}

size_t utf8_invalid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        /* Most text is ASCII: eight bytes at a time while no high bit is set. */
        uint64_t w;
        if (end - p >= 8 && (memcpy(&w, p, 8), (w & 0x8080808080808080ULL) == 0)) {
            p += 8;
            continue;
        }
        if (*p < 0x80) {
            p++;
            continue;
        }
        int n = utf8_length(p, end);
        if (n == 0)
            return (size_t)(p - (const unsigned char *)s);
        p += n;
    }
    return len;
}

void utf8_fputs_lossy(const char *s, FILE *out)
{
    size_t len = strlen(s);
    for (;;) {
        size_t ok = utf8_invalid(s, len);
        fwrite(s, 1, ok, out);
        if (ok == len)
            return;
        fputs("\xef\xbf\xbd", out);
        s += ok + 1;
        len -= ok + 1;
    }
}

size_t utf8_lossy_length(const char *s)
{
    size_t len = strlen(s), n = 0;
    for (;;) {
        size_t ok = utf8_invalid(s, len);
        n += ok;
        if (ok == len)
            return n;
        n += 3; /* U+FFFD for the one byte */
        s += ok + 1;
        len -= ok + 1;
    }
}
