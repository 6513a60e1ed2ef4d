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

/* trim(), lower(), upper() on a text value.  trim() gives a part of its
 * argument and needs no memory; lower() and upper() give the argument
 * itself when no letter changes (the usual case) and copy it otherwise.
 * Only the letters A-Z and a-z change: other characters, é among them, are
 * kept as they are, so a UTF-8 text stays valid UTF-8. */
const rb_value *eval_text_builtin(int fn, const rb_value *a, frame *f, rb_value *tmp)
{
    const char *s = a->u.text;
    uint32_t len = a->len;
    if (fn == BI_TRIM) {
        uint32_t b = 0, e = len, k;
        while (b < e && (k = space_at(s, e, b)) > 0)
            b += k;
        while (e > b && (k = space_before(s + b, e - b)) > 0)
            e -= k;
        *tmp = value_text(s + b, e - b);
        return tmp;
    }
    char from = fn == BI_LOWER ? 'A' : 'a', shift = fn == BI_LOWER ? 'a' - 'A' : 'A' - 'a';
    uint32_t i = 0;
    while (i < len && (unsigned char)(s[i] - from) >= 26)
        i++;
    if (i == len) {
        *tmp = *a;
        return tmp;
    }
    char *out = frame_text(f, len);
    memcpy(out, s, i);
    for (; i < len; i++)
        out[i] = (char)((unsigned char)(s[i] - from) < 26 ? s[i] + shift : s[i]);
    *tmp = value_text(out, len);
    return tmp;
}

