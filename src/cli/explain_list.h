/* explain_list.h - what `rubric explain` shows of the lists inside an
 * account: a list input's elements as a table, the elements a `where`
 * kept, the one max_by or min_by chose and why (explain_list.c). */
#ifndef RUBRIC_EXPLAIN_LIST_H
#define RUBRIC_EXPLAIN_LIST_H

#include <cjson/cJSON.h>

#include "eval.h"

/* A list input's elements, one line each under its name, indented. */
void explain_list_table(const rb_value *v, const record_type *r);
/* A list (its elements as objects, each with its "element" position) or
 * a chosen element (an object of its fields) for explain's JSON. */
cJSON *explain_list_json(const rb_value *v, const record_type *r);
/* After a step's value line: what its list operation computed for each
 * element (kept or not, each one's key), and a chosen element's fields.
 * js: the step's JSON object, NULL for text. */
void explain_list_step(const program *prog, frame *f, const step *s, cJSON *js);

#endif
