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

/* One chunk of the list into the table.  Written in list order, each id
 * would land in a random slot of a table bigger than the cache; grouped
 * by part first (in place, by the top byte of the hash, which names the
 * part), each part takes its run of ids while it sits in cache. */
static void move_chunk(idset *s, idset_chunk *c)
{
    uint32_t count[IDSET_PARTS] = {0}, next[IDSET_PARTS], end[IDSET_PARTS];
    for (uint32_t i = 0; i < c->n; i++)
        count[c->hashes[i] >> 56]++;
    uint32_t at = 0;
    for (int b = 0; b < IDSET_PARTS; b++) {
        next[b] = at;
        at += count[b];
        end[b] = at;
    }
    /* Each id is swapped straight to the next free place of its part:
     * 256 places that move forward, so memory is walked in order. */
    for (int b = 0; b < IDSET_PARTS; b++)
        while (next[b] < end[b]) {
            uint64_t h = c->hashes[next[b]];
            uint32_t r = c->records[next[b]];
            int home_part = (int)(h >> 56);
            while (home_part != b) {
                uint32_t j = next[home_part]++;
                uint64_t h2 = c->hashes[j];
                uint32_t r2 = c->records[j];
                c->hashes[j] = h;
                c->records[j] = r;
                h = h2;
                r = r2;
                home_part = (int)(h >> 56);
            }
            c->hashes[next[b]] = h;
            c->records[next[b]++] = r;
        }
    for (uint32_t i = 0; i < c->n; i++)
        table_add(s, c->hashes[i], c->records[i]);
}

/* The whole list into the table, a chunk at a time, each chunk freed once
 * moved: the list and the table it becomes are never both whole in
 * memory. */
static void move_to_table(idset *s)
{
    s->unordered = true;
    for (idset_chunk *c = s->listed, *next; c; c = next) {
        next = c->next;
        move_chunk(s, c);
        free(c);
    }
    s->listed = s->listed_tail = NULL;
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
    int order = s->listed ? versus_last(s, id, len) : 1;
    if (order == 0)
        return s->last_record;
    if (order < 0) {
        /* Out of order: from here on every id is looked up. */
        move_to_table(s);
        return table_add(s, h, rec);
    }
    idset_chunk *c = s->listed_tail;
    if (!c || c->n == IDSET_CHUNK) {
        c = xmalloc(sizeof *c);
        c->n = 0;
        c->next = NULL;
        if (s->listed_tail)
            s->listed_tail->next = c;
        else
            s->listed = c;
        s->listed_tail = c;
    }
    c->hashes[c->n] = h;
    c->records[c->n++] = rec;
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
    for (idset_chunk *c = s->listed, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    memset(s, 0, sizeof *s);
}
