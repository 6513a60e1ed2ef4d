/* xalloc.h - allocation that cannot return NULL.
 *
 * rubric's inputs are bounded by policy size and by one record at a time, so
 * running out of memory is not a condition the user can recover from; we
 * report it and exit with status 2 rather than thread NULL checks through
 * every builder. */
#ifndef RUBRIC_XALLOC_H
#define RUBRIC_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
