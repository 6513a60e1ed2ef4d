/* frame.c - an account's working memory: slots, memos, and the blocks
 * that hold what scoring makes for one account (text from lower() and
 * upper(), the lists `where` keeps), emptied when the next account starts.
 * Also the text functions, which are the blocks' main users. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builtins.h"
#include "eval_internal.h"
#include "xalloc.h"

static void text_reset(frame *f);

void frame_init(frame *f, const program *prog)
{
    f->slots = xcalloc((size_t)prog->nslots + 1, sizeof *f->slots);
    f->memo = xcalloc((size_t)prog->nmemo + 1, sizeof *f->memo);
    f->memo_gen = xcalloc((size_t)prog->nmemo + 1, sizeof *f->memo_gen);
    f->gen = 1;
    f->text = NULL;
    f->ovr = NULL;
    f->novr = 0;
    f->computed = xcalloc((size_t)prog->pol->noutputs + 1, sizeof *f->computed);
    f->pop = NULL;
}

void frame_forget_memos(frame *f, const program *prog)
{
    memset(f->memo_gen, 0, (size_t)prog->nmemo * sizeof *f->memo_gen);
    f->gen = 1;
}

struct text_block {
    text_block *next;
    size_t used, size;
    char data[];
};

enum { TEXT_BLOCK = 4096 };

void frame_free(frame *f)
{
    free(f->slots);
    free(f->memo);
    free(f->memo_gen);
    free(f->computed);
    f->computed = NULL;
    for (text_block *b = f->text, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    f->text = NULL;
}

/* Room for len bytes of text made for this account (see frame in eval.h). */
char *frame_text(frame *f, size_t len)
{
    text_block *b = f->text;
    if (!b || b->size - b->used < len) {
        size_t size = b ? b->size * 2 : TEXT_BLOCK;
        if (size < len)
            size = len;
        text_block *nb = xmalloc(sizeof *nb + size);
        nb->next = b;
        nb->used = 0;
        nb->size = size;
        f->text = b = nb;
    }
    char *p = b->data + b->used;
    b->used += len;
    return p;
}

void *frame_scratch(frame *f, size_t size)
{
    enum { ALIGN = _Alignof(max_align_t) };
    char *p = frame_text(f, size + ALIGN - 1);
    return p + (ALIGN - 1 - ((uintptr_t)(p + ALIGN - 1) % ALIGN));
}

/* A new account: no value points into the blocks any more. */
void frame_reset(frame *f)
{
    if (!f->text)
        return;
    text_reset(f);
}

static void text_reset(frame *f)
{
    text_block *keep = f->text;
    for (text_block *b = keep->next, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    keep->next = NULL;
    keep->used = 0;
}

/* Spaces as exports pad cells with: ASCII white space and the no-break
 * space (U+00A0, which spreadsheets write).  Its length, 0 when none. */
static uint32_t space_at(const char *s, uint32_t len, uint32_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    return 0;
}

static uint32_t space_before(const char *s, uint32_t end)
{
    unsigned char c = (unsigned char)s[end - 1];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xA0 && end >= 2 && (unsigned char)s[end - 2] == 0xC2)
        return 2;
    return 0;
}

/* The text's eight bytes from p, in one load: the byte tests below work on
 * each byte alone, so the machine's byte order does not matter. */
static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* 0x20 in each byte of w that lies in lo .. lo + 25 (the letters A-Z or
 * a-z), 0 elsewhere.  A byte from 0x80 up (part of a character beyond
 * ASCII) is never one: its top bit is cleared before adding, so no sum
 * carries into the next byte, and then kept out of the result. */
static inline __attribute__((always_inline)) uint64_t case_bits(uint64_t w, unsigned char lo)
{
    const uint64_t ones = 0x0101010101010101u, tops = ones * 0x80;
    uint64_t low = w & ~tops;
    uint64_t from_lo = low + ones * (0x80 - lo);         /* top bit: byte >= lo */
    uint64_t past_hi = low + ones * (0x80 - (lo + 26)); /* top bit: byte > lo + 25 */
    return ((from_lo & ~past_hi & ~w & tops) >> 2);
}

/* Whether s has a byte case_bits() finds.  Eight bytes at a time, the
 * last eight overlapping the ones before rather than a loop over the rest;
 * a shorter text is gathered into one word (its bytes, some twice). */
static inline __attribute__((always_inline)) bool any_case(const char *s, uint32_t len, unsigned char lo)
{
    uint64_t w;
    if (len >= 8) {
        for (uint32_t i = 0; i < len - 8; i += 8)
            if (case_bits(load8(s + i), lo))
                return true;
        w = load8(s + len - 8);
    } else if (len >= 4) {
        uint32_t head, tail;
        memcpy(&head, s, sizeof head);
        memcpy(&tail, s + len - 4, sizeof tail);
        w = head | (uint64_t)tail << 32;
    } else if (len > 0) {
        w = (unsigned char)s[0] | (unsigned)(unsigned char)s[len / 2] << 8 | (unsigned)(unsigned char)s[len - 1] << 16;
    } else {
        return false;
    }
    return case_bits(w, lo) != 0;
}

/* lower() (lo 'A') or upper() (lo 'a') of a text any_case() found a
 * letter in: a copy with each letter's 0x20 bit flipped.  Kept out of
 * line so that the usual case, nothing to change, does not pay for its
 * registers. */
static __attribute__((noinline)) const rb_value *case_copy(const rb_value *a, unsigned char lo, frame *f, rb_value *tmp)
{
    const char *s = a->u.text;
    uint32_t len = a->len, i = 0;
    char *out = frame_text(f, len);
    if (len >= 8) {
        for (; i < len - 8; i += 8) {
            uint64_t w = load8(s + i);
            w ^= case_bits(w, lo);
            memcpy(out + i, &w, sizeof w);
        }
        uint64_t w = load8(s + len - 8);
        w ^= case_bits(w, lo);
        memcpy(out + len - 8, &w, sizeof w);
    } else {
        for (; i < len; i++)
            out[i] = (char)((unsigned char)((unsigned char)s[i] - lo) < 26 ? s[i] ^ 0x20 : s[i]);
    }
    tmp->kind = VK_TEXT;
    tmp->u.text = out;
    tmp->len = len;
    return tmp;
}

/* lower() (lo 'A') or upper() (lo 'a'): the text itself when no letter
 * changes.  Out of line, as is the copy, so that neither trim() nor this
 * usual case pays for the registers of the other. */
static __attribute__((noinline)) const rb_value *text_case(const rb_value *a, unsigned char lo, frame *f, rb_value *tmp)
{
    /* Each case apart, so that its constants are known here. */
    if (lo == 'A' ? any_case(a->u.text, a->len, 'A') : any_case(a->u.text, a->len, 'a'))
        return case_copy(a, lo, f, tmp);
    /* a may be the caller's temporary: the result is written, not pointed to */
    tmp->kind = VK_TEXT;
    tmp->u.text = a->u.text;
    tmp->len = a->len;
    return tmp;
}

/* trim(), lower(), upper() on a text value.  trim() gives a part of its
 * argument and needs no memory; lower() and upper() give the argument
 * itself when no letter changes (the usual case) and copy it otherwise.
 * Only the letters A-Z and a-z change: other characters, é among them, are
 * kept as they are, so a UTF-8 text stays valid UTF-8. */
const rb_value *eval_text_builtin(int fn, const rb_value *a, frame *f, rb_value *tmp)
{
    if (fn != BI_TRIM)
        return text_case(a, fn == BI_LOWER ? 'A' : 'a', f, tmp);
    const char *s = a->u.text;
    uint32_t b = 0, e = a->len, k;
    while (b < e && (k = space_at(s, e, b)) > 0)
        b += k;
    while (e > b && (k = space_before(s + b, e - b)) > 0)
        e -= k;
    tmp->kind = VK_TEXT;
    tmp->u.text = s + b;
    tmp->len = e - b;
    return tmp;
}
