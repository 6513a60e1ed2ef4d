/* outfile.h - output files written atomically: to a temporary file beside
 * the target, renamed over it only when everything was written.  A failed
 * or interrupted run leaves no partial file behind. */
#ifndef RUBRIC_OUTFILE_H
#define RUBRIC_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct outfile {
    FILE *f;
    char *path;      /* NULL: standard output */
    char *tmp;
} outfile;

/* path NULL or "-" is standard output.  False with errno set on failure. */
bool outfile_open(outfile *o, const char *path);
/* Renames the temporary file into place; false (and the target untouched)
 * when anything failed. */
bool outfile_commit(outfile *o);
void outfile_abort(outfile *o);

#endif
