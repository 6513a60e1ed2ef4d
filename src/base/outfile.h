/* outfile.h - where a verb's output goes, so that a failed run leaves
 * nothing behind and never destroys what it reads.
 *
 * A regular file (or a new path) is written to a temporary file beside it
 * and renamed over it only when everything was written: a failed or
 * interrupted run leaves no partial file.  A symbolic link is followed, and
 * its target replaced, not the link.  What cannot be replaced that way (a
 * pipe, a FIFO, standard output redirected to a file) is held until the
 * end, in memory and past a few MiB in an unlinked temporary file, and
 * copied out on commit: a failed run writes nothing there either.  A
 * character device (a terminal, /dev/null) is written as the verb goes: it
 * holds nothing to protect, and a terminal wants rows as they come.
 * A directory is refused. */
#ifndef RUBRIC_OUTFILE_H
#define RUBRIC_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct held_output;

typedef struct outfile {
    FILE *f;                  /* what the verb writes to */
    char *path;               /* atomic replacement: the file renamed into place */
    char *tmp;                /* ... and the temporary file written first */
    int fd;                   /* otherwise the descriptor written to (1: standard output) */
    bool close_fd;
    struct held_output *held; /* output kept back until commit, or NULL */
} outfile;

/* path NULL or "-" is standard output.  False with errno set on failure
 * (EISDIR for a directory). */
bool outfile_open(outfile *o, const char *path);
/* Puts everything written in place (renames, or copies what was held);
 * false, the target untouched where it can be, when anything failed. */
bool outfile_commit(outfile *o);
/* Drops everything written: no file, nothing on standard output. */
void outfile_abort(outfile *o);

/* The input among inputs[0..n) that writing path would overwrite (the same
 * file by device and inode, whatever links lead to it), else NULL.  path
 * NULL or "-" asks about standard output, which the shell may have pointed
 * at an input; an input "-" is standard input, which may be a file too. */
const char *outfile_clobbers(const char *path, const char *const *inputs, int n);

#endif
