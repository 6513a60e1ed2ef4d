/* index.h - every name written in a policy and what it names: the
 * declarations (definitions) and each use, found by walking the syntax
 * tree the loader built, so that hover, definition, references, rename
 * and completion all read the one list. */
#ifndef RUBRIC_LSP_INDEX_H
#define RUBRIC_LSP_INDEX_H

#include <stdbool.h>

#include "policy.h"

typedef enum occ_kind {
    OCC_NAME,     /* an input, parameter, let, metric, measure, group or action */
    OCC_SCHEME,
    OCC_RECORD,
    OCC_FIELD,    /* a record's field */
    OCC_BAND,     /* a band of a scheme */
    OCC_BUILTIN,  /* a function of the builtin table */
} occ_kind;

typedef struct occ {
    occ_kind kind;
    bool def;            /* where the name is declared */
    const char *name;
    /* A band: its scheme's name; a field: its record's; NULL when the
     * policy has errors that hide it. */
    const char *owner;
    rb_loc loc;
    const decl *decl;    /* a definition: its declaration (a field's D_FIELD, a band's scheme) */
    const band_rule *band; /* a band's definition: its line in the scheme */
} occ;

typedef struct occ_index {
    occ *v;
    size_t n, cap;
} occ_index;

/* The names of p; valid: p was checked, so its symbols say what the
 * syntax alone cannot (a measure's scheme when it names none). */
void index_build(occ_index *ix, const policy *p, bool valid);
void index_free(occ_index *ix);

/* The name at byte offset of src (its end included, where a cursor stands
 * after typing it), or NULL. */
const occ *index_at(const occ_index *ix, const source *src, unsigned offset);
/* The definition o names, in the same index, or NULL (a builtin, as_of, a
 * name declared nowhere). */
const occ *index_def(const occ_index *ix, const occ *o);
/* The declaration of a name of OCC_NAME kind, or NULL. */
const occ *index_find(const occ_index *ix, occ_kind kind, const char *name, const char *owner);
/* The scheme a measure or group declaration uses, by name; NULL if unknown. */
const char *index_scheme_of(const policy *p, bool valid, const decl *d);



/* The lines a declaration spans in its file, as byte offsets: from its
 * header line's start to the end of the last indented line under it. */
void index_block(const decl *d, unsigned *begin, unsigned *end);
/* The comment lines directly above a declaration (no blank line between),
 * without their '#', one a line; "" when there are none.  Directives such
 * as `# rubric: allow` are left out.  The caller frees it. */
char *index_comment_above(const decl *d);

#endif
