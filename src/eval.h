/* eval.h - scoring one account with a compiled program. */
#ifndef RUBRIC_EVAL_H
#define RUBRIC_EVAL_H

#include "compile.h"

/* Per-account working memory, reused from one account to the next so that
 * scoring allocates nothing. */
typedef struct frame {
    rb_value *slots;
    rb_value *memo;
    uint32_t *memo_gen;
    uint32_t gen;
    uint32_t unbanded;    /* values of this account no band line caught */
} frame;

void frame_init(frame *f, const program *prog);
void frame_free(frame *f);

/* Call after filling slots 0 .. ninputs-1: evaluates every step. */
void eval_account(const program *prog, frame *f);

rb_value eval_node(const enode *n, frame *f);

/* The band a value of a measure or group gets where every threshold is a
 * constant (BAND_NONE when no line catches it); -2 where a threshold
 * depends on the account.  For charts that draw the bands. */
int eval_fixed_band(const step *s, rb_num v);

/* After eval_account: where a symbol's value is (a parameter, an input or
 * a definition's slot), for the verbs that show values by name. */
const rb_value *eval_symbol_value(const program *prog, const frame *f, const symbol *s);

#endif
