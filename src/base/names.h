/* names.h - the nearest name to a misspelt one, and case-blind matching. */
#ifndef RUBRIC_NAMES_H
#define RUBRIC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Optimal string alignment distance, 99 past 64 bytes. */
int edit_distance(const char *a, const char *b);
/* The name from candidates closest to a misspelt one, or NULL. */
const char *closest_name(const char *wrong, const char *const *candidates, int n);
/* Equal without regard to ASCII case: how a data cell matches a declared
 * choice of an enumeration. */
bool choice_same(const char *a, size_t alen, const char *b, size_t blen);

#endif
