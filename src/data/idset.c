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

/* Any strict order proves ids in it distinct; this one (idset.h) holds
 * for more exports than bytes alone. */
int idset_compare(const char *id, size_t len, const char *other, size_t other_len)
{
    const unsigned char *a = (const unsigned char *)id, *b = (const unsigned char *)other;
    size_t alen = len, blen = other_len, n = alen < blen ? alen : blen;
    /* Ids in order share most of their text: skip it, eight bytes at a
     * time, and look only where they part. */
    size_t p = 0;
    while (p + 8 <= n) {
        uint64_t x, y;
        memcpy(&x, a + p, 8);
        memcpy(&y, b + p, 8);
        if (x != y)
            break;
        p += 8;
    }
    while (p < n && a[p] == b[p])
        p++;
    if (p == alen && p == blen)
        return 0;
    /* The usual pair, ACC-000041 after ACC-000040: the same length and
     * digits from where they part to the end.  Digit runs of one length
     * order as numbers the way their bytes do. */
    if (alen == blen && (unsigned)(a[p] - '0') < 10u && (unsigned)(b[p] - '0') < 10u) {
        size_t k = p + 1;
        while (k < alen && (unsigned)(a[k] - '0') < 10u && (unsigned)(b[k] - '0') < 10u)
            k++;
        if (k == alen)
            return a[p] < b[p] ? -1 : 1;
    }
    /* Inside or at the start of a run of digits, the runs are compared as
     * numbers from where they begin. */
    size_t i = p;
    while (i > 0 && (unsigned)(a[i - 1] - '0') < 10u)
        i--;
    bool da = p < alen && (unsigned)(a[p] - '0') < 10u, db = p < blen && (unsigned)(b[p] - '0') < 10u;
    if (i == p && !(da && db)) {
        if (p == alen || p == blen)
            return p == alen ? -1 : 1;
        return a[p] < b[p] ? -1 : 1;
    }
    size_t j = i;
    while (i < alen && j < blen) {
        bool xa = (unsigned)(a[i] - '0') < 10u, xb = (unsigned)(b[j] - '0') < 10u;
        if (!xa || !xb) {
            if (a[i] != b[j])
                return a[i] < b[j] ? -1 : 1;
            i++, j++;
            continue;
        }
        /* Two numbers: the one with more digits (past leading zeros) is
         * larger, else the first digit that differs decides. */
        size_t si = i, sj = j;
        while (si < alen && a[si] == '0')
            si++;
        while (sj < blen && b[sj] == '0')
            sj++;
        size_t ei = si, ej = sj;
        while (ei < alen && (unsigned)(a[ei] - '0') < 10u)
            ei++;
        while (ej < blen && (unsigned)(b[ej] - '0') < 10u)
            ej++;
        if (ei - si != ej - sj)
            return ei - si < ej - sj ? -1 : 1;
        int c = memcmp(a + si, b + sj, ei - si);
        if (c)
            return c;
        i = ei, j = ej;
    }
    if (i < alen || j < blen)
        return i < alen ? 1 : -1;
    /* Equal as numbers and text (ACC-01, ACC-1): the bytes decide. */
    return a[p] < b[p] ? -1 : 1;
}

long idset_add(idset *s, const char *id, size_t len, uint64_t h, long record)
{
    uint32_t rec = record_number(record);
    if (s->unordered)
        return table_add(s, h, rec);
    int order = s->listed ? idset_compare(id, len, s->last, s->last_len) : 1;
    if (order == 0)
        return s->last_record;
    if (order < 0) {
        /* Out of order: from here on every id is looked up. */
        move_to_table(s);
        return table_add(s, h, rec);
    }
    idset_chunk *c = s->listed_tail;
    if (!c || c->n == c->cap) {
        bool first = !c;
        size_t each = sizeof *c->hashes + sizeof *c->records;
        uint32_t cap = first ? IDSET_CHUNK : (uint32_t)((HUGE_PAGE - sizeof *c) / each);
        size_t size = sizeof *c + cap * each;
        c = first ? xmalloc(size) : xmalloc_huge(size);
        c->n = 0;
        c->cap = cap;
        c->records = (uint32_t *)(c->hashes + cap);
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
