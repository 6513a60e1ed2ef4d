/* git_source.h - policy files as they were at a git revision, for
 * `rubric diff REV:path`.
 *
 * git itself reads them (git cat-file), in the repository holding the
 * current directory, so every revision syntax git knows works here. */
#ifndef RUBRIC_GIT_SOURCE_H
#define RUBRIC_GIT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "source.h"

typedef struct git_rev {
    char *rev;     /* as the user wrote it, shown in messages */
    char *commit;  /* the tree it named when resolved: imports read the same one */
    char *prefix;  /* the current directory relative to the repository's top */
} git_rev;

/* "REV:path" splits at its first colon outside @{...} and ^{...},
 * unless arg names an existing file (a file name may hold a colon). */
bool git_rev_spec(const char *arg, char **rev, char **path);

/* Resolves rev in the repository of the current directory.  False, having
 * said why on d, when there is no repository or no such revision. */
bool git_rev_open(git_rev *g, const char *rev, diag *d);
void git_rev_close(git_rev *g);

/* dir/../x/./y as x/y; NULL when it climbs above the top.  Caller frees. */
char *git_path_normalize(const char *path);

/* Whether the revision has a regular file at top_path. */
bool git_has_file(const git_rev *g, const char *top_path);

/* The file at top_path (relative to the repository's top) at the revision,
 * named "REV:top_path".  NULL, having said why on d. */
source *git_source_load(const git_rev *g, const char *top_path, diag *d);

#endif
