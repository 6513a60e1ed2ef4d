/* idset.h - the account ids a pass has seen, to reject a duplicate with
 * the record where the id was first given.
 *
 * The ids themselves are not kept, only a 64-bit hash of each and its
 * record number: 12 bytes an entry, about 15 to 19 bytes an account with
 * the table's spare room, whatever the ids' length (a million accounts,
 * under 19 MiB).  Two different ids share a hash with a chance of about
 * n^2 / 2^65 in a pass of n accounts (3 in 100 million for a million
 * accounts); docs/cli.md says so.  The table is split in 256 parts that
 * grow one at a time, so growing never holds two copies of the whole
 * table. */
#ifndef RUBRIC_IDSET_H
#define RUBRIC_IDSET_H

#include <stddef.h>
#include <stdint.h>

enum { IDSET_PARTS = 256 };

typedef struct idset_part {
    uint64_t *hashes;   /* 0: an empty slot */
    uint32_t *records;
    uint32_t cap, n;
} idset_part;

typedef struct idset {
    idset_part parts[IDSET_PARTS];
} idset;

uint64_t idset_hash(const char *id, size_t len);
/* Adds the id with hash h (idset_hash) first given at record.  Returns 0
 * when it is new, else the record where it was first given. */
long idset_add(idset *s, uint64_t h, long record);
void idset_free(idset *s);

#endif
