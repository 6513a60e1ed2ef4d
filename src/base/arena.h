/* arena.h - bump allocation for everything that lives as long as a policy.
 *
 * Ownership rule: the syntax tree, the symbol table and the compiled
 * evaluation tree are all allocated from one arena owned by the policy and
 * freed together by arena_free().  Nothing inside is freed on its own. */
#ifndef RUBRIC_ARENA_H
#define RUBRIC_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
} arena;

void  arena_init(arena *a);
void  arena_free(arena *a);
/* Zero-filled, aligned for any object; aborts the process only if the
 * system is out of memory (see xalloc.h). */
void *arena_alloc(arena *a, size_t size);
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_strdup(arena *a, const char *s);

#endif
