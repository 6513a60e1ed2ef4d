/* idset.c - open addressing with linear probing over 64-bit hashes (see
 * idset.h).  A part grows by half when it is four-fifths full: memory
 * stays within 1.5 times what the accounts need, and all the growing
 * together allocates about three times the final table. */
#include "idset.h"

#include <string.h>

#include "xalloc.h"

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t idset_hash(const char *id, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xbf58476d1ce4e5b9ULL);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, id + i, 8);
        h = mix(h ^ w);
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, id + i, len - i);
        h = mix(h ^ w ^ 0x94d049bb133111ebULL);
    }
    h = mix(h);
    return h ? h : 1; /* 0 marks an empty slot */
}

/* The slot where h starts its probe in a part of cap slots. */
static inline uint32_t home(uint64_t h, uint32_t cap)
{
    return (uint32_t)(((h & 0xffffffffu) * cap) >> 32);
}

static void place(idset_part *p, uint64_t h, uint32_t record)
{
    uint32_t i = home(h, p->cap);
    while (p->hashes[i]) {
        if (++i == p->cap)
            i = 0;
    }
    p->hashes[i] = h;
    p->records[i] = record;
    p->n++;
}

static void grow(idset_part *p)
{
    idset_part old = *p;
    p->cap = old.cap ? old.cap + old.cap / 2 : 64;
    p->n = 0;
    p->hashes = xcalloc(p->cap, sizeof *p->hashes);
    p->records = xmalloc((size_t)p->cap * sizeof *p->records);
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.hashes[i])
            place(p, old.hashes[i], old.records[i]);
    free(old.hashes);
    free(old.records);
}

void idset_prefetch(const idset *s, uint64_t h)
{
    const idset_part *p = &s->parts[h >> 56];
    if (s->unordered && p->cap)
        __builtin_prefetch(&p->hashes[home(h, p->cap)]);
}

static uint32_t record_number(long record)
{
    return record > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)record;
}

static long table_add(idset *s, uint64_t h, uint32_t record)
{
    idset_part *p = &s->parts[h >> 56];
    if ((uint64_t)(p->n + 1) * 5 > (uint64_t)p->cap * 4)
        grow(p);
    uint32_t i = home(h, p->cap);
    while (p->hashes[i]) {
        if (p->hashes[i] == h)
            return p->records[i];
        if (++i == p->cap)
            i = 0;
    }
    p->hashes[i] = h;
    p->records[i] = record;
    p->n++;
    return 0;
}

/* The ids listed so far into the table.  Written in list order, each
 * would land in a random slot of a table bigger than the cache; grouped
 * by part first (in place, by the top byte of the hash, which names the
 * part), each part is filled while it sits in cache, and sized once. */
static void move_to_table(idset *s)
{
    size_t count[IDSET_PARTS] = {0}, next[IDSET_PARTS], end[IDSET_PARTS];
    for (size_t i = 0; i < s->nlisted; i++)
        count[s->listed[i] >> 56]++;
    size_t at = 0;
    for (int b = 0; b < IDSET_PARTS; b++) {
        next[b] = at;
        at += count[b];
        end[b] = at;
        idset_part *p = &s->parts[b];
        p->cap = (uint32_t)(count[b] + count[b] / 2 + 64);
        p->hashes = xcalloc(p->cap, sizeof *p->hashes);
        p->records = xmalloc((size_t)p->cap * sizeof *p->records);
    }
    /* Each entry is swapped straight to the next free place of its part:
     * 256 places that move forward, so memory is walked in order. */
    for (int b = 0; b < IDSET_PARTS; b++)
        while (next[b] < end[b]) {
            uint64_t h = s->listed[next[b]];
            uint32_t r = s->listed_records[next[b]];
            int home_part = (int)(h >> 56);
            while (home_part != b) {
                size_t j = next[home_part]++;
                uint64_t h2 = s->listed[j];
                uint32_t r2 = s->listed_records[j];
                s->listed[j] = h;
                s->listed_records[j] = r;
                h = h2;
                r = r2;
                home_part = (int)(h >> 56);
            }
            s->listed[next[b]] = h;
            s->listed_records[next[b]++] = r;
        }
    for (size_t i = 0; i < s->nlisted; i++)
        place(&s->parts[s->listed[i] >> 56], s->listed[i], s->listed_records[i]);
    free(s->listed);
    free(s->listed_records);
    s->listed = NULL;
    s->listed_records = NULL;
    s->unordered = true;
}

/* Negative, zero or positive as id sorts before, equal to or after the
 * last id (bytes compared as unsigned, the shorter first on a tie). */
static int versus_last(const idset *s, const char *id, size_t len)
{
    size_t n = len < s->last_len ? len : s->last_len;
    int c = memcmp(id, s->last, n);
    return c ? c : (len > s->last_len) - (len < s->last_len);
}

long idset_add(idset *s, const char *id, size_t len, uint64_t h, long record)
{
    uint32_t rec = record_number(record);
    if (s->unordered)
        return table_add(s, h, rec);
    int order = s->nlisted ? versus_last(s, id, len) : 1;
    if (order == 0)
        return s->last_record;
    if (order < 0) {
        /* Out of order: from here on every id is looked up. */
        move_to_table(s);
        return table_add(s, h, rec);
    }
    if (s->nlisted == s->listed_cap) {
        s->listed_cap = s->listed_cap ? s->listed_cap * 2 : 1024;
        s->listed = xrealloc(s->listed, s->listed_cap * sizeof *s->listed);
        s->listed_records = xrealloc(s->listed_records, s->listed_cap * sizeof *s->listed_records);
    }
    s->listed[s->nlisted] = h;
    s->listed_records[s->nlisted++] = rec;
    if (len + 1 > s->last_cap) {
        s->last_cap = len + 64;
        s->last = xrealloc(s->last, s->last_cap);
    }
    memcpy(s->last, id, len);
    s->last_len = len;
    s->last_record = rec;
    return 0;
}

void idset_free(idset *s)
{
    for (int i = 0; i < IDSET_PARTS; i++) {
        free(s->parts[i].hashes);
        free(s->parts[i].records);
    }
    free(s->last);
    free(s->listed);
    free(s->listed_records);
    memset(s, 0, sizeof *s);
}
