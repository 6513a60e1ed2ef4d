/* overrides.h - outputs set by hand for some accounts (run --overrides,
 * explain --overrides, check --overrides): a CSV file of
 *
 *   account_id,output,value,reason,author,expires
 *
 * one row per account and output.  value is a band name of the output's
 * scheme or a number for a measure or group, else a value of the output's
 * type; the row holds from the file's reading until its expires date
 * (YYYY-MM-DD) included.  docs/overrides.md tells the rules.
 *
 * Everything is resolved when the file is read: each row's output becomes
 * the program's step and its text a value, and rows are grouped by account
 * in step order behind a hash table of the ids, so scoring an account costs
 * one lookup of its id and no name is looked up per record.  The file's
 * errors are all said, each with the file, line and column, and the file
 * is then refused as a whole.
 *
 * Ownership: overrides_load returns what overrides_free frees; rows, and
 * the values set into a frame, stay valid until then. */
#ifndef RUBRIC_OVERRIDES_H
#define RUBRIC_OVERRIDES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "eval.h"

typedef enum override_state {
    OVR_ACTIVE,          /* to be applied to its account, if scored */
    OVR_EXPIRED,         /* as_of is after its expires date */
    OVR_UNKNOWN_OUTPUT,  /* names no output of the policy */
} override_state;

typedef struct override_row {
    const char *account, *output, *cell, *reason, *author;
    uint32_t account_len;
    rb_date expires;
    long record, line;        /* the row's record number, and its line in the file */
    int output_index;         /* among the policy's outputs; -1 unknown */
    override_state state;
    eval_override ev;         /* what the engine applies */
} override_row;

typedef struct overrides overrides;

/* Reads path for prog's outputs, as of prog's as_of.  NULL after saying
 * every error of the file on d (each "PATH: record N (line L): column
 * 'NAME': ...", as a bad data record is said). */
overrides *overrides_load(const char *path, const program *prog, diag *d);
void overrides_free(overrides *o);

/* The date the rows were read as of: the program's as_of. */
rb_date overrides_as_of(const overrides *o);
/* Every row of the file, in the file's order. */
const override_row *overrides_rows(const overrides *o, int *n);

/* Before eval_account: the account's active overrides set into f (none:
 * f->novr is 0), and the account noted as scored.  hash: idset_hash(id). */
void overrides_set(overrides *o, const char *id, size_t len, uint64_t hash, frame *f);
/* After overrides_set: the row of f->ovr[k], for k < f->novr. */
const override_row *overrides_row_of(const overrides *o, const frame *f, int k);

/* What a run says at its end, each row counted once: naming an output the
 * policy has not, else expired, else for an account the run did not score
 * (unknown to the data, or its record rejected), else applied. */
typedef struct override_counts {
    long applied, expired, unknown_output, unknown_account;
} override_counts;
void overrides_count(const overrides *o, override_counts *c);

#endif
