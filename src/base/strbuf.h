/* strbuf.h - a growable string: bytes and printf-style text appended in
 * place, the result taken as one malloc'd NUL-terminated string.
 *
 * All zero is an empty buffer (`strbuf b = {0};` or strbuf_init()).  Once
 * something is added, s[len] is a NUL, so s can be passed as a C string;
 * strbuf_str() also covers the buffer that never allocated.  Ownership: the
 * buffer owns s until strbuf_take() hands it over; strbuf_free() releases
 * it otherwise.  Allocation goes through xalloc.h, so nothing here fails. */
#ifndef RUBRIC_STRBUF_H
#define RUBRIC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "diag.h" /* RB_PRINTF */

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

void strbuf_init(strbuf *b);
/* Room for n more bytes and the NUL after them, for a caller that writes
 * into s + len itself (a read()) and then calls strbuf_setlen(). */
void strbuf_grow(strbuf *b, size_t n);
void strbuf_add(strbuf *b, const void *s, size_t n);
void strbuf_adds(strbuf *b, const char *s);
/* n copies of c: padding to a column. */
void strbuf_addchars(strbuf *b, char c, size_t n);
void strbuf_addf(strbuf *b, const char *fmt, ...) RB_PRINTF(2, 3);
void strbuf_vaddf(strbuf *b, const char *fmt, va_list ap) RB_PRINTF(2, 0);
/* A file path as the path of a URI (RFC 3986): every byte but letters,
 * digits and / - . _ ~ percent-encoded, so a space, % or # stays a name. */
void strbuf_add_uri_path(strbuf *b, const char *path);
/* Cuts the text to len bytes, or keeps len bytes written into the room
 * strbuf_grow() made; len never passes cap - 1. */
void strbuf_setlen(strbuf *b, size_t len);
/* The text so far; "" for a buffer that never allocated.  Valid until the
 * next change. */
const char *strbuf_str(const strbuf *b);
/* The text (never NULL), now the caller's to free, its length in *len
 * when len is not NULL; the buffer is empty again. */
char *strbuf_take(strbuf *b, size_t *len);
void strbuf_free(strbuf *b);

#endif
