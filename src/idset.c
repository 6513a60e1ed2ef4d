/* idset.c - open addressing with linear probing over 64-bit hashes (see
 * idset.h).  A part grows by a quarter when it is four-fifths full: memory
 * stays close to what the accounts need, at a few extra probes. */
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
    p->cap = old.cap ? old.cap + old.cap / 4 : 64;
    p->n = 0;
    p->hashes = xcalloc(p->cap, sizeof *p->hashes);
    p->records = xmalloc((size_t)p->cap * sizeof *p->records);
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.hashes[i])
            place(p, old.hashes[i], old.records[i]);
    free(old.hashes);
    free(old.records);
}

long idset_add(idset *s, uint64_t h, long record)
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
    p->records[i] = record > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)record;
    p->n++;
    return 0;
}

void idset_free(idset *s)
{
    for (int i = 0; i < IDSET_PARTS; i++) {
        free(s->parts[i].hashes);
        free(s->parts[i].records);
    }
    memset(s, 0, sizeof *s);
}
