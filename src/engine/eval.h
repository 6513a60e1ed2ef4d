/* eval.h - scoring one account with a compiled program. */
#ifndef RUBRIC_EVAL_H
#define RUBRIC_EVAL_H

#include "program.h"

typedef struct text_block text_block;

/* Per-account working memory, reused from one account to the next so that
 * scoring allocates nothing.
 *
 * Text a function makes (lower(), upper()) lives in the frame's text
 * blocks, as input text lives in the reader's buffer: a value made for one
 * account is valid until eval_account() starts the next, which empties the
 * blocks.  A block is never moved or grown in place, since earlier values
 * of the account point into it; when one is full a bigger one is added, and
 * emptying keeps only the newest (the biggest).  So the memory held is a
 * few times the most text one account made, whatever the number of
 * accounts, and once a block fits an account no more is allocated.  The
 * frame owns the blocks; frame_free() frees them. */
typedef struct frame {
    rb_value *slots;
    rb_value *memo;
    uint32_t *memo_gen;
    uint32_t gen;
    uint32_t unbanded;        /* values of this account no band line caught */
    const rb_value *elem;     /* the element a list's condition is looking at */
    text_block *text;         /* newest first; NULL until text is made */
    const struct population *pop; /* the population values' figures (population.h); NULL: none yet */
} frame;

void frame_init(frame *f, const program *prog);
void frame_free(frame *f);

/* Call after filling slots 0 .. ninputs-1: evaluates every step. */
void eval_account(const program *prog, frame *f);

rb_value eval_node(const enode *n, frame *f);

/* eval_account for steps[0..n) of the program only (in that order): the
 * steps a pass that gathers population values needs. */
void eval_steps(const program *prog, frame *f, const int *steps, int n);

/* Two values of one type as scoring orders them (comparisons, min, max,
 * max_by): -1, 0, 1, or 2 when the two cannot be ordered. */
int eval_compare(const rb_value *a, const rb_value *b);

/* A builtin applied to constant arguments, computed by the same code that
 * evaluates it per account: the one folder for the compiler and the lints.
 * Text it makes lives in f (any frame, even one zeroed and never given a
 * program) until f is freed or scores an account. */
rb_value eval_builtin(int fn, const rb_value *args, int nargs, frame *f);

/* The band a value of a measure or group gets where every threshold is a
 * constant (BAND_NONE when no line catches it); -2 where a threshold
 * depends on the account.  For charts that draw the bands. */
int eval_fixed_band(const step *s, rb_num v);

/* How the band of a value was decided, line by line: what `rubric explain`
 * prints.  eval_band_trace() runs the matcher that scoring runs, so the
 * trace cannot disagree with the band an account got. */
typedef struct edge_trace {
    rb_num limit;         /* the threshold as it came out; meaningless when na */
    bool na;              /* the threshold was na: the band is unknown */
    bool holds;
} edge_trace;

typedef struct line_trace {
    int nedges;           /* edges compared; the first that fails ends the line */
    edge_trace edges[2];
} line_trace;

typedef struct band_trace {
    line_trace *lines;    /* the caller's, one per band line (s->ntests) */
    int ntried;           /* lines 0 .. ntried-1 were tried, in order */
} band_trace;

/* After eval_account: the band line of step s (a measure, or a group's
 * score ranges) that catches v, as scoring chose it: its index in
 * s->tests, -1 when no line does, -2 when a threshold it needed was na.
 * Fills out->lines for every line tried. */
int eval_band_trace(const step *s, frame *f, rb_num v, band_trace *out);

/* After eval_account: the `applies when` and `na when` lines of step s (a
 * measure or group) that scoring looked at, with what each was, by the
 * code scoring runs: applies_seen[i] for s->applies[i], na_when_seen[i]
 * for s->na_when[i] (the caller's, n_applies and n_na_when long), each
 * COND_TRUE, COND_NOT_TRUE (false or na), or COND_UNSEEN when an earlier
 * line had decided.  Returns whether s applies. */
enum { COND_UNSEEN, COND_TRUE, COND_NOT_TRUE };
bool eval_applies_trace(const step *s, frame *f, uint8_t *applies_seen, uint8_t *na_when_seen);

/* After eval_account: which members of group s its score used, by the code
 * scoring runs: counted[i] (the caller's, s->nmembers long) for member i,
 * all false when the group is na.  Returns whether it has a score. */
bool eval_members_trace(const step *s, frame *f, bool *counted);

/* After eval_account, for explain: what a list operation n (a `where`, or
 * a list function with a per-element expression) computed for each element
 * of its list, in order: out[k] the value, positions[k] the element's
 * 1-based position in the list read from data.  Fills at most cap; returns
 * how many elements the list has (0 for any other node). */
uint32_t eval_each(const enode *n, frame *f, rb_value *out, uint32_t *positions, uint32_t cap);

/* After eval_account: where a symbol's value is (a parameter, an input or
 * a definition's slot), for the verbs that show values by name. */
const rb_value *eval_symbol_value(const program *prog, const frame *f, const symbol *s);

#endif
