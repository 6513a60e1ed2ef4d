/* utf8.h - checking that text is well-formed UTF-8. */
#ifndef RUBRIC_UTF8_H
#define RUBRIC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0; p[0] is not ASCII. */
int utf8_length(const unsigned char *p, const unsigned char *end);
/* Whether s[0..len) is all ASCII (which is well-formed UTF-8). */
bool utf8_ascii(const char *s, size_t len);
/* The offset of the first byte of s[0..len) that is not well-formed UTF-8,
 * or len when all of it is. */
size_t utf8_invalid(const char *s, size_t len);
/* Writes s to out, each byte that is not part of well-formed UTF-8 as
 * U+FFFD: for a document (JSON) that must be UTF-8 whatever bytes a policy
 * held. */
void utf8_fputs_lossy(const char *s, FILE *out);
/* The bytes utf8_fputs_lossy() writes for s: a message's length before
 * its body. */
size_t utf8_lossy_length(const char *s);

#endif
