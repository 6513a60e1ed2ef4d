/* policy.h - a loaded and checked policy: its files, declarations and the
 * symbols every name resolved to.
 *
 * Ownership: policy_free() releases everything, the arena (syntax tree,
 * symbols) and the source files.  A policy is read-only once checked; the
 * compiler builds its evaluation tree in an arena of its own. */
#ifndef RUBRIC_POLICY_H
#define RUBRIC_POLICY_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "names.h"

typedef enum sym_kind {
    SYM_INPUT, SYM_PARAM, SYM_LET, SYM_METRIC, SYM_MEASURE, SYM_GROUP, SYM_ACTION,
} sym_kind;

typedef struct scheme {
    const char *name;
    decl *decl;
    int nbands;
    const char **bands;        /* in the order declared: worst first */
    band_rule **rules;         /* rules[i] is the line of bands[i] */
    bool used;
} scheme;

/* A record declaration: the fields each element of a list input has, in
 * the order declared (a field's index is its place in every element). */
typedef struct record_type {
    const char *name;
    decl *decl;
    int nfields;
    decl **fields;
    rb_type *types;            /* TY_NUMBER, TY_TEXT, TY_DATE, TY_BOOL */
    bool used;
} record_type;

typedef struct symbol {
    const char *name;
    sym_kind kind;
    decl *decl;                /* NULL for the built-in as_of */
    rb_type type;
    scheme *scheme;            /* measures and groups */
    const record_type *rec;    /* a list input, a definition of a list or record */
    int index;                 /* position among inputs / params / outputs */
    int state;                 /* cycle search: 0 new, 1 on the path, 2 done */
    int order;                 /* position in evaluation order */
    bool used;
    bool is_output;
    int list_stamp;            /* the checker's duplicate detection */
    int prev_index;            /* an output prev() reads: its place in policy.prevs; else -1 */
    struct symbol *hash_next;
} symbol;

typedef struct policy {
    arena arena;
    source *sources;           /* every file loaded, the root first */
    decl *decls;               /* all files, imports expanded in place */
    comment *comments;
    const char *title, *version;
    const char *id_field;      /* `id NAME`, else NULL: account_id */
    symbol **table;
    unsigned table_size;
    symbol **inputs, **params, **outputs, **order;
    int ninputs, nparams, noutputs, norder;
    scheme **schemes;
    int nschemes;
    record_type **records;
    int nrecords;
    symbol **actions;          /* in the order declared */
    int nactions;
    symbol **prevs;            /* the outputs prev() reads, each once */
    int nprevs;
    decl *unused_imported;     /* of policies imported `as` a name, what nothing uses: did-you-means */
} policy;

/* Reads, parses and checks the policy at path with its imports.  Returns
 * NULL after reporting every error to d. */
policy *policy_load(const char *path, diag *d);
/* The same from text in memory (tests); imports resolve against path. */
policy *policy_load_string(const char *path, const char *text, diag *d);
/* The policy at path (relative to the current directory) as it was at a
 * git revision, its imports read at the same revision. */
policy *policy_load_rev(const char *rev, const char *path, diag *d);
/* The policy at path with one more definition, whose expression is text
 * alone (calibrate --where), named in messages as label.  It is given base
 * as its name, or base_2, base_3... if the policy uses that name; *name
 * says which. */
policy *policy_load_with_expr(const char *path, const char *label, const char *text, const char *base,
                              const char **name, diag *d);
void policy_free(policy *p);

/* Where an editor's files come from before the disk: its open buffers,
 * saved or not.  read gives a new source for path (the loader owns it),
 * or NULL to read the disk; has says whether path is one of them. */
typedef struct source_reader {
    source *(*read)(void *ctx, const char *path);
    bool (*has)(void *ctx, const char *path);
    void *ctx;
} source_reader;
/* For an editor: the policy at path whose text is text[0..len), imports
 * read through r first.  It is returned even with errors (*valid false),
 * parsed as far as it could be, for the editor to find its names in; only
 * a valid one (checked) may be linted or compiled.  Never NULL. */
policy *policy_load_edit(const char *path, const char *text, size_t len, const source_reader *r, bool *valid,
                         diag *d);
/* The path an import names, relative to the directory of the importing
 * file (importer, as the loader named it); the caller frees it. */
char *policy_import_path(const char *importer, const char *target);

symbol *policy_lookup(const policy *p, const char *name);
scheme *policy_scheme(const policy *p, const char *name);
int scheme_band_index(const scheme *s, const char *band);
/* The scheme of namespace ns (NULL: the policy's own files) when it has
 * exactly one; *n: how many it has. */
scheme *policy_only_scheme(const policy *p, const char *ns, int *n);
record_type *policy_record(const policy *p, const char *name);
/* The scheme of a measure or group as an expression names it: x, or
 * prev(x); NULL for anything else. */
scheme *expr_scheme(const expr *e);
/* The index of a field in a record, -1 when it has none of that name. */
int record_field_index(const record_type *r, const char *name);

/* closest_name() among the names of symbols (outputs, parameters...). */
const char *closest_symbol(const char *wrong, symbol *const *syms, int n);

/* What a metric or definition that only names another (`metric alias =
 * usage`) stands for, through any chain of such names; s itself otherwise. */
const symbol *symbol_named(const symbol *s);

/* Whether a number is written as a percentage, so that it and the values
 * compared with it are shown as one: a literal such as `25%`, a parameter
 * or definition whose value is (`param green_at = 50%`, through any chain
 * of names), or arithmetic, a choice or a function with such an operand
 * (`25% * 2`, `if x then 5% else 10%`, `min(25%, 26%)`). */
bool expr_written_in_percent(const expr *e);

/* The first name of a parameter e reads (as_of among them), or NULL;
 * through: also in the definitions e names, and theirs. */
const expr *expr_param(const expr *e, bool through);

/* Only the checker adds symbols. */
symbol *policy_intern(policy *p, const char *name);

#endif
