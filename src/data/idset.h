/* idset.h - the account ids a pass has seen, to reject a duplicate with
 * the record where the id was first given.
 *
 * Most exports list their accounts in id order.  While every id is
 * greater than the one before, none can repeat an earlier one, so each is
 * only compared with the last and its hash appended to a list: no lookup
 * into a table far bigger than the cache.  The first id out of order moves
 * that list into a hash table, and every later id is looked up there.
 *
 * The ids themselves are not kept, only a 64-bit hash of each and its
 * record number: 12 bytes an entry, 15 to 23 bytes an account in the table
 * with its spare room, whatever the ids' length (a million accounts, under
 * 23 MiB).  Two different ids share a hash with a chance of about
 * n^2 / 2^65 in a pass of n accounts (3 in 100 million for a million
 * accounts); docs/cli.md says so.  The table is split in 256 parts that
 * grow one at a time, so growing never holds two copies of the whole
 * table. */
#ifndef RUBRIC_IDSET_H
#define RUBRIC_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { IDSET_PARTS = 256 };

typedef struct idset_part {
    uint64_t *hashes;   /* 0: an empty slot */
    uint32_t *records;
    uint32_t cap, n;
} idset_part;

/* While in order: every id's hash and record so far, in chunks, so that
 * moving them to the table can free them as it goes.  The first chunk
 * holds IDSET_CHUNK ids; every later one is a huge page (xmalloc_huge),
 * so that a million accounts take 200 page faults instead of 3,000 (in a
 * virtual machine a fault can cost 10-20 microseconds), while a run of
 * fewer accounts does not pay for 2 MiB. */
enum { IDSET_CHUNK = 1 << 16 };
typedef struct idset_chunk {
    struct idset_chunk *next;
    uint32_t n, cap;
    uint32_t *records;  /* cap of them, after the hashes */
    uint64_t hashes[];  /* cap of them */
} idset_chunk;

typedef struct idset {
    bool unordered;           /* an id came out of order: the table is in use */
    char *last;               /* in order: the last id, and its record */
    size_t last_len, last_cap;
    uint32_t last_record;
    idset_chunk *listed, *listed_tail;
    idset_part parts[IDSET_PARTS];
} idset;

uint64_t idset_hash(const char *id, size_t len);
/* Negative, zero or positive as id sorts before, equal to or after other:
 * runs of digits compared as numbers (ACC-999 before ACC-1000, as exports
 * number accounts), the bytes breaking any tie, so that only the same id
 * compares equal.  The order in which ids are "in order", here and for
 * --table (table.h). */
int idset_compare(const char *id, size_t len, const char *other, size_t other_len);
/* Asks the processor for the table slot where h will be looked up, when
 * the table is in use: called as a record is read, the lookup after
 * scoring it finds the slot in cache instead of waiting on memory. */
void idset_prefetch(const idset *s, uint64_t h);
/* Adds the id (hash h, from idset_hash) first given at record.  Returns 0
 * when it is new, else the record where it was first given. */
long idset_add(idset *s, const char *id, size_t len, uint64_t h, long record);
void idset_free(idset *s);

#endif
