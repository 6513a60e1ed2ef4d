/* source.h - a policy file held in memory, and positions within it.
 *
 * Locations are byte offsets; line and column are worked out from a line
 * map only when a message is printed, so the scanner does no line
 * bookkeeping of its own. */
#ifndef RUBRIC_SOURCE_H
#define RUBRIC_SOURCE_H

#include <stddef.h>

typedef struct source {
    char *path;        /* as the user or the importing file named it */
    char *text;        /* NUL-terminated copy of the file */
    size_t len;
    size_t *line_starts; /* offset of each line's first byte */
    size_t nlines;
    struct source *next; /* list of every file loaded for one policy */
} source;

typedef struct rb_loc {
    const source *src;
    unsigned begin, end; /* byte offsets, end exclusive */
} rb_loc;

/* NULL with errno set when the file cannot be read. */
source *source_load(const char *path);
source *source_from_string(const char *path, const char *text, size_t len);
void source_free(source *s);

/* 1-based line and column (in bytes) of an offset. */
void source_line_col(const source *s, unsigned offset, unsigned *line, unsigned *col);
/* The 1-based column of an offset counted in characters (Unicode code
 * points), a byte order mark at the start of the file not counted: what
 * a reader outside rubric (SARIF) counts. */
unsigned source_char_col(const source *s, unsigned offset);
/* The text of a 1-based line, without its line end. */
const char *source_line(const source *s, unsigned line, size_t *len);

#endif
