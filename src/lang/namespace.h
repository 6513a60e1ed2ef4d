/* namespace.h - `import "x.rules" as usage`: the imported policy's names
 * as usage.NAME, so that they cannot meet the importer's (namespace.c). */
#ifndef RUBRIC_NAMESPACE_H
#define RUBRIC_NAMESPACE_H

#include "ast.h"
#include "diag.h"

/* In the declarations src itself wrote (loc.src == src), usage.scm for an
 * alias of one of its `as` imports becomes the one name "usage.scm". */
void ns_qualify(arena *a, decl *list, const source *src, diag *d);

/* Puts a loaded file's declarations (its plain imports with them) into
 * namespace alias: each name it declares becomes "alias.NAME", and so does
 * each use of one.  Inputs keep their names (they are columns of the data,
 * shared with the importer); tests, actions, the policy and id lines stay
 * with the imported file.  Returns the list without those. */
decl *ns_enter(arena *a, decl *list, const char *alias);

/* Leaves out every declaration of a namespace that nothing the policy's
 * own files declare uses, directly or through others: a composed policy
 * reads only the inputs the imported outputs it uses need. */
decl *ns_prune(decl *list, decl **dropped);

#endif
