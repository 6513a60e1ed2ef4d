/* mutate.c - deterministic corruptions of a policy and of account data, for
 * tests/corrupt/run.sh.
 *
 *   mutate policy SRC.rules OUTDIR SEED COUNT
 *   mutate csv    SRC.csv   OUTDIR SEED COUNT
 *   mutate json   SRC.ndjson OUTDIR SEED COUNT
 *
 * Writes the variants into OUTDIR (which must exist) and prints one manifest
 * line per variant on standard output:
 *
 *   NAME <TAB> RECORDS <TAB> BAD <TAB> DESCRIPTION
 *
 * RECORDS is the number of records the variant holds and BAD how many of them
 * must be rejected; -1 where the corruption makes either unknowable (a random
 * byte flip may add a newline or a quote).  For policies both are -1.
 *
 * Every variant i is made from its own generator state, seeded from SEED and
 * i, so one variant can be reproduced without the others.  libc only. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- utilities ---------------------------------------------------------- */

static void die(const char *msg)
{
    fprintf(stderr, "mutate: %s\n", msg);
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void b_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

static void b_put(buf *b, const void *s, size_t n)
{
    b_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void b_puts(buf *b, const char *s) { b_put(b, s, strlen(s)); }

static void b_putc(buf *b, int c)
{
    char ch = (char)c;
    b_put(b, &ch, 1);
}

static void b_repeat(buf *b, const char *s, size_t times)
{
    size_t n = strlen(s);
    b_reserve(b, n * times);
    for (size_t i = 0; i < times; i++)
        b_put(b, s, n);
}

static void b_printf(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("format error");
    b_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void b_clear(buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static void b_free(buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static buf b_copy(const buf *src)
{
    buf b = {0};
    b_put(&b, src->p, src->len);
    return b;
}

/* Replaces b[at, at+del) with s[0, n). */
static void b_splice(buf *b, size_t at, size_t del, const char *s, size_t n)
{
    if (at > b->len)
        at = b->len;
    if (del > b->len - at)
        del = b->len - at;
    b_reserve(b, n);
    memmove(b->p + at + n, b->p + at + del, b->len - at - del);
    if (n)
        memcpy(b->p + at, s, n);
    b->len = b->len - del + n;
    b->p[b->len] = '\0';
}

static buf load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "mutate: cannot read %s\n", path);
        exit(2);
    }
    buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        b_put(&b, tmp, n);
    fclose(f);
    if (!b.p)
        b_put(&b, "", 0);
    return b;
}

static const char *outdir;

static void save(const char *name, const buf *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (b->len && fwrite(b->p, 1, b->len, f) != b->len) || fclose(f) != 0) {
        fprintf(stderr, "mutate: cannot write %s\n", path);
        exit(2);
    }
}

/* Saves the variant and prints its manifest line. */
static void emit(const char *name, const buf *b, long records, long bad, const char *fmt, ...)
{
    char desc[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(desc, sizeof desc, fmt, ap);
    va_end(ap);
    for (char *c = desc; *c; c++)
        if (*c == '\t' || *c == '\n' || *c == '\r')
            *c = ' ';
    save(name, b);
    printf("%s\t%ld\t%ld\t%s\n", name, records, bad, desc);
}

/* ---- the generator: splitmix64, one state per variant ------------------- */

static uint64_t rng;

static void seed_variant(uint64_t seed, uint64_t index)
{
    rng = seed * 0x100000001B3ull + index * 0x9E3779B97F4A7C15ull + 1;
}

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t rn(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

static const char *pick(const char *const *list, size_t n) { return list[rn(n)]; }

#define PICK(list) pick(list, sizeof list / sizeof list[0])

/* k distinct indices out of [0, n), in out[]. */
static void distinct(size_t n, size_t k, size_t *out)
{
    size_t *all = xrealloc(NULL, n * sizeof *all);
    for (size_t i = 0; i < n; i++)
        all[i] = i;
    for (size_t i = 0; i < k && i < n; i++) {
        size_t j = i + rn(n - i);
        size_t t = all[i];
        all[i] = all[j];
        all[j] = t;
        out[i] = all[i];
    }
    free(all);
}

/* ---- lines and tokens of a text ------------------------------------------ */

typedef struct span {
    size_t at, len;
} span;

/* Lines, each with its '\n' (the last may lack one). */
static size_t lines_of(const buf *b, span **out)
{
    size_t n = 0, cap = 64;
    span *s = xrealloc(NULL, cap * sizeof *s);
    size_t start = 0;
    for (size_t i = 0; i <= b->len; i++) {
        if (i == b->len || b->p[i] == '\n') {
            size_t end = i < b->len ? i + 1 : i;
            if (end > start) {
                if (n == cap)
                    s = xrealloc(s, (cap *= 2) * sizeof *s);
                s[n].at = start;
                s[n].len = end - start;
                n++;
            }
            start = end;
        }
    }
    *out = s;
    return n;
}

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '%';
}

/* Tokens as the policy language roughly sees them: words, strings, single
 * punctuation characters; spaces and comments are not tokens. */
static size_t tokens_of(const buf *b, span **out)
{
    size_t n = 0, cap = 256;
    span *s = xrealloc(NULL, cap * sizeof *s);
    size_t i = 0;
    while (i < b->len) {
        unsigned char c = (unsigned char)b->p[i];
        size_t start = i;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        if (c == '#') {
            while (i < b->len && b->p[i] != '\n')
                i++;
            continue;
        }
        if (is_word(c)) {
            while (i < b->len && is_word((unsigned char)b->p[i]))
                i++;
        } else if (c == '"') {
            i++;
            while (i < b->len && b->p[i] != '"' && b->p[i] != '\n')
                i++;
            if (i < b->len && b->p[i] == '"')
                i++;
        } else {
            i++;
        }
        if (n == cap)
            s = xrealloc(s, (cap *= 2) * sizeof *s);
        s[n].at = start;
        s[n].len = i - start;
        n++;
    }
    *out = s;
    return n;
}

/* A byte for a replacement: the ones most likely to upset a scanner, or any. */
static char nasty_byte(void)
{
    static const unsigned char set[] = {0x00, 0xFF, '\r', '"', '#', '%', '(', ')', '\n', '\t', ',', '=', '<',
                                        '>', 0x80, 0xC3, 0xEF, '\\', '\'', ':', '-', '.', '0', '9', ' ', 0x7F, 0x1B};
    if (rn(4) == 0)
        return (char)rn(256);
    return (char)set[rn(sizeof set)];
}

/* ---- policies ------------------------------------------------------------ */

static const char *const snippets[] = {
    "measure ", "let ", "(", ")", "%", " na ", " when ", " = ", " ?? ", " of ", " 1 month", "\"", "#",
    "scheme rag\n", "group g = mean(", " and ", " not ", "-", " / 0", " 1e999", " 99999999999999999999999",
    "\n  red < 5%\n", "  applies when ", "input x: number\n", "import \"missing.rules\"\n", " if ", " then ",
    " else ", " count green of (", "param p = ", " 9999-99-99", " 2026-02-30", "\t", "\r", "\xEF\xBB\xBF",
    "\\", "''", " weight ", " scores ", "test \"t\"\n", " given ", " expect ", " one of ", ", ", ",,",
    "metric m = ", "\n", "  green >= 200%\n", "  red <= -5%\n", " as_of", " licenses_sold", " scm", " rag",
    " 0.0000000000000000000000001", " -9223372036854775808", " 1 day", " 99999 months", "\"\\", "((", "))",
    " is ", " otherwise ", "id ", "policy \"p\" version \"1\"\n", " true", " false", " >= ", " < ", " <= ",
    " from ", " na when ", " onboarding", "`", "$", "@", "{", "}", "[", "]", ";", "\x01", "\xC3\xA9", "\xE2\x89\xA4",
};

static void mutate_policy_once(buf *b, int kind, char *what, size_t wlen)
{
    span *ls = NULL, *ts = NULL;
    size_t nl = lines_of(b, &ls);
    size_t nt = tokens_of(b, &ts);
    switch (kind) {
    case 0: { /* delete a line */
        if (!nl)
            break;
        size_t i = rn(nl);
        b_splice(b, ls[i].at, ls[i].len, "", 0);
        snprintf(what, wlen, "delete line %zu", i + 1);
        break;
    }
    case 1: { /* duplicate a line elsewhere */
        if (!nl)
            break;
        size_t i = rn(nl), j = rn(nl);
        buf line = {0};
        b_put(&line, b->p + ls[i].at, ls[i].len);
        b_splice(b, ls[j].at, 0, line.p, line.len);
        b_free(&line);
        snprintf(what, wlen, "copy line %zu before line %zu", i + 1, j + 1);
        break;
    }
    case 2: { /* swap two lines */
        if (nl < 2)
            break;
        size_t i = rn(nl), j = rn(nl);
        if (i > j) {
            size_t t = i;
            i = j;
            j = t;
        }
        if (i == j)
            j = (i + 1) % nl;
        if (i > j) {
            size_t t = i;
            i = j;
            j = t;
        }
        buf out = {0};
        b_put(&out, b->p, ls[i].at);
        b_put(&out, b->p + ls[j].at, ls[j].len);
        b_put(&out, b->p + ls[i].at + ls[i].len, ls[j].at - (ls[i].at + ls[i].len));
        b_put(&out, b->p + ls[i].at, ls[i].len);
        b_put(&out, b->p + ls[j].at + ls[j].len, b->len - (ls[j].at + ls[j].len));
        b_free(b);
        *b = out;
        snprintf(what, wlen, "swap lines %zu and %zu", i + 1, j + 1);
        break;
    }
    case 3: { /* truncate */
        size_t at = rn(b->len + 1);
        b->len = at;
        if (b->p)
            b->p[at] = '\0';
        snprintf(what, wlen, "truncate at byte %zu", at);
        break;
    }
    case 4: { /* replace a byte */
        if (!b->len)
            break;
        size_t at = rn(b->len);
        char c = nasty_byte();
        b->p[at] = c;
        snprintf(what, wlen, "byte %zu := 0x%02X", at, (unsigned char)c);
        break;
    }
    case 5: { /* insert garbage */
        static const char syntax[] = "()%#\"=<>!?.,:;-+*/\\ \t\n\r0123456789abcxyz_";
        size_t n = 1 + rn(64), at = rn(b->len + 1);
        buf g = {0};
        for (size_t k = 0; k < n; k++)
            b_putc(&g, rn(3) == 0 ? (int)rn(256) : syntax[rn(sizeof syntax - 1)]);
        b_splice(b, at, 0, g.p, g.len);
        b_free(&g);
        snprintf(what, wlen, "insert %zu garbage bytes at %zu", n, at);
        break;
    }
    case 6: { /* delete a token */
        if (!nt)
            break;
        size_t i = rn(nt);
        b_splice(b, ts[i].at, ts[i].len, "", 0);
        snprintf(what, wlen, "delete token %zu (byte %zu)", i, ts[i].at);
        break;
    }
    case 7: { /* a line 100 times */
        if (!nl)
            break;
        size_t i = rn(nl);
        buf rep = {0};
        for (int k = 0; k < 99; k++)
            b_put(&rep, b->p + ls[i].at, ls[i].len);
        if (ls[i].len && b->p[ls[i].at + ls[i].len - 1] != '\n')
            b_putc(&rep, '\n');
        b_splice(b, ls[i].at, 0, rep.p, rep.len);
        b_free(&rep);
        snprintf(what, wlen, "line %zu 100 times", i + 1);
        break;
    }
    case 8: { /* flip bits */
        if (!b->len)
            break;
        size_t n = 1 + rn(8);
        for (size_t k = 0; k < n; k++)
            b->p[rn(b->len)] ^= (char)(1u << rn(8));
        snprintf(what, wlen, "flip %zu bits", n);
        break;
    }
    case 9: { /* replace a token with another */
        if (nt < 2)
            break;
        size_t i = rn(nt), j = rn(nt);
        buf tok = {0};
        b_put(&tok, b->p + ts[j].at, ts[j].len);
        b_splice(b, ts[i].at, ts[i].len, tok.p, tok.len);
        b_free(&tok);
        snprintf(what, wlen, "token %zu := token %zu", i, j);
        break;
    }
    case 10: { /* delete a range */
        if (!b->len)
            break;
        size_t at = rn(b->len), n = 1 + rn(200);
        b_splice(b, at, n, "", 0);
        snprintf(what, wlen, "delete %zu bytes at %zu", n, at);
        break;
    }
    case 11: { /* insert a piece of the language */
        size_t at = nt ? (rn(2) ? ts[rn(nt)].at : ts[rn(nt)].at + ts[rn(nt)].len) : 0;
        size_t which = rn(sizeof snippets / sizeof snippets[0]);
        const char *s = snippets[which];
        b_splice(b, at, 0, s, strlen(s));
        snprintf(what, wlen, "insert snippet %zu at %zu", which, at);
        break;
    }
    default: { /* move a line */
        if (nl < 2)
            break;
        size_t i = rn(nl);
        buf line = {0};
        b_put(&line, b->p + ls[i].at, ls[i].len);
        b_splice(b, ls[i].at, ls[i].len, "", 0);
        size_t at = rn(b->len + 1);
        while (at > 0 && b->p[at - 1] != '\n')
            at--;
        b_splice(b, at, 0, line.p, line.len);
        b_free(&line);
        snprintf(what, wlen, "move line %zu to byte %zu", i + 1, at);
        break;
    }
    }
    free(ls);
    free(ts);
}

enum { POLICY_KINDS = 13 };

static void random_bytes(buf *b, size_t n, int printable)
{
    static const char vocab[] = "abcdefghijklmnopqrstuvwxyz_0123456789 ()%#\"=<>.,:-+*/\n\t";
    b_reserve(b, n);
    for (size_t i = 0; i < n; i++)
        b_putc(b, printable ? vocab[rn(sizeof vocab - 1)] : (int)rn(256));
}

/* The shipped policy with `metric NAME = EXPR` appended. */
static buf with_metric(const buf *src, const char *name, const buf *expr)
{
    buf b = b_copy(src);
    b_printf(&b, "\nmetric %s = ", name);
    b_put(&b, expr->p, expr->len);
    b_putc(&b, '\n');
    return b;
}

static void gen_policies(const buf *src, uint64_t seed, long count)
{
    long idx = 0;
    char name[64];
    buf b = {0}, e = {0};
#define NEXT(ext) (seed_variant(seed, (uint64_t)idx), snprintf(name, sizeof name, "p%04ld%s", idx++, ext), name)

    NEXT(".rules");
    emit(name, &b, -1, -1, "empty file");

    NEXT(".rules");
    for (int i = 0; i < 50; i++)
        b_printf(&b, "# comment %d: policy \"x\" version \"1\" measure m = 1\n", i);
    emit(name, &b, -1, -1, "only comments");

    NEXT(".rules");
    b_clear(&b);
    b_puts(&b, "# a comment and no newline");
    emit(name, &b, -1, -1, "one comment without a newline");

    NEXT(".rules");
    b_clear(&b);
    b_repeat(&b, " \t\r\n", 1000);
    emit(name, &b, -1, -1, "only white space and CRLFs");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "# ");
    b_repeat(&b, "comment ", 100 * 1024 / 8);
    b_putc(&b, '\n');
    emit(name, &b, -1, -1, "a 100 KB comment line");

    NEXT(".rules");
    b_clear(&e);
    b_puts(&e, "licenses_sold");
    b_repeat(&e, " + 1", 100 * 1024 / 4);
    b_free(&b);
    b = with_metric(src, "long_sum", &e);
    emit(name, &b, -1, -1, "a 100 KB expression line (25,600 terms)");

    NEXT(".rules");
    b_clear(&e);
    b_puts(&e, "licenses_sold");
    b_repeat(&e, " + 1", 100000);
    b_free(&b);
    b = with_metric(src, "longer_sum", &e);
    emit(name, &b, -1, -1, "a 400 KB expression line (100,000 terms)");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nlet ");
    b_repeat(&b, "n", 100 * 1024);
    b_puts(&b, " = 1\n");
    emit(name, &b, -1, -1, "a 100 KB name");

    NEXT(".rules");
    b_clear(&b);
    b_puts(&b, "policy \"");
    b_repeat(&b, "s", 100 * 1024);
    b_puts(&b, "\" version \"1\"\ninput licenses_sold: number\nmetric m = licenses_sold\n");
    emit(name, &b, -1, -1, "a 100 KB string");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nparam big = ");
    b_repeat(&b, "9", 100 * 1024);
    b_puts(&b, "\nmetric big_m = licenses_sold + big\n");
    emit(name, &b, -1, -1, "a 100 KB number");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nmetric tiny = licenses_sold * 0.");
    b_repeat(&b, "0", 100 * 1024);
    b_puts(&b, "1\n");
    emit(name, &b, -1, -1, "a number with 100 KB of decimals");

    static const long depths[] = {10000, 100000};
    for (int d = 0; d < 2; d++) {
        NEXT(".rules");
        b_clear(&e);
        b_repeat(&e, "(", (size_t)depths[d]);
        b_puts(&e, "licenses_sold");
        b_repeat(&e, ")", (size_t)depths[d]);
        b_free(&b);
        b = with_metric(src, "deep", &e);
        emit(name, &b, -1, -1, "%ld nested parentheses", depths[d]);

        NEXT(".rules");
        b_clear(&e);
        b_repeat(&e, "- ", (size_t)depths[d]);
        b_puts(&e, "licenses_sold");
        b_free(&b);
        b = with_metric(src, "negated", &e);
        emit(name, &b, -1, -1, "%ld unary minuses", depths[d]);

        NEXT(".rules");
        b_clear(&e);
        b_repeat(&e, "not ", (size_t)depths[d]);
        b_puts(&e, "onboarding");
        b_free(&b);
        b = with_metric(src, "nots", &e);
        emit(name, &b, -1, -1, "%ld nested 'not'", depths[d]);

        NEXT(".rules");
        b_clear(&e);
        b_repeat(&e, "if onboarding then 1 else ", (size_t)depths[d] / 10);
        b_puts(&e, "2");
        b_free(&b);
        b = with_metric(src, "ifs", &e);
        emit(name, &b, -1, -1, "%ld nested if/then/else", depths[d] / 10);

        NEXT(".rules");
        b_clear(&e);
        b_puts(&e, "licenses_sold");
        b_repeat(&e, " ?? 1", (size_t)depths[d]);
        b_free(&b);
        b = with_metric(src, "defaults", &e);
        emit(name, &b, -1, -1, "a chain of %ld ?? operators", depths[d]);

        NEXT(".rules");
        b_clear(&e);
        b_puts(&e, "onboarding");
        b_repeat(&e, " and onboarding", (size_t)depths[d]);
        b_free(&b);
        b = with_metric(src, "ands", &e);
        emit(name, &b, -1, -1, "a chain of %ld 'and'", depths[d]);
    }

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nmetric unclosed = ");
    b_repeat(&b, "(", 10000);
    b_puts(&b, "licenses_sold\n");
    emit(name, &b, -1, -1, "10,000 unclosed parentheses");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nmetric closers = licenses_sold");
    b_repeat(&b, ")", 10000);
    b_putc(&b, '\n');
    emit(name, &b, -1, -1, "10,000 stray closing parentheses");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\ngroup wide = mean(scm_git_ops");
    b_repeat(&b, ", scm_git_ops", 60000);
    b_puts(&b, ")\n");
    emit(name, &b, -1, -1, "a group of 60,001 members");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (int i = 0; i < 20000; i++)
        b_printf(&b, "let chain_%d = chain_%d + 1\n", i, i + 1);
    b_puts(&b, "let chain_20000 = licenses_sold\nmetric chain_top = chain_0\n");
    emit(name, &b, -1, -1, "a chain of 20,000 definitions, each using the next");

    /* Each definition within the nesting limit, the chain within the
     * definition limit: together they are as deep as their product. */
    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (int i = 0; i < 999; i++) {
        b_printf(&b, "let deep_%d = ", i);
        b_repeat(&b, "- ", 250);
        b_printf(&b, "deep_%d\n", i + 1);
    }
    b_puts(&b, "let deep_999 = licenses_sold\nmetric deep_top = deep_0\n");
    emit(name, &b, -1, -1, "a chain of 999 definitions, each 250 levels deep");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (int i = 0; i < 999; i++) {
        b_printf(&b, "measure dm_%d = ", i);
        b_repeat(&b, "- ", 250);
        b_printf(&b, "dm_%d\n  red < 25%%\n  green >= 25%%\n", i + 1);
    }
    b_puts(&b, "measure dm_999 = git_ops_users_l28d / licenses_sold\n  red < 25%\n  green >= 25%\n");
    emit(name, &b, -1, -1, "a chain of 999 measures, each 250 levels deep");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (int i = 0; i < 999; i++)
        b_printf(&b, "group chain_g_%d = mean(chain_g_%d, scm)\n", i, i + 1);
    b_puts(&b, "group chain_g_999 = mean(scm_git_ops)\n");
    emit(name, &b, -1, -1, "a chain of 1,000 groups, each of the next");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (int i = 0; i < 999; i++)
        b_printf(&b, "measure chain_m_%d = chain_m_%d + 0.01\n  red < 25%%\n  green >= 25%%\n", i, i + 1);
    b_puts(&b, "measure chain_m_999 = git_ops_users_l28d / licenses_sold\n  red < 25%\n  green >= 25%\n");
    emit(name, &b, -1, -1, "a chain of 1,000 measures, each of the next");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (int i = 0; i < 5000; i++)
        b_printf(&b, "let cyc_%d = cyc_%d + 1\n", i, (i + 1) % 5000);
    b_puts(&b, "metric cyc_top = cyc_0\n");
    emit(name, &b, -1, -1, "a cycle through 5,000 definitions");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (int i = 0; i < 3000; i++)
        b_printf(&b, "measure copy_%d = git_ops_users_l28d / licenses_sold\n  na when onboarding\n  red < 25%%\n  yellow < 50%%\n  green >= 50%%\n", i);
    emit(name, &b, -1, -1, "3,000 measures");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_put(&b, src->p, src->len);
    emit(name, &b, -1, -1, "the policy twice (every name defined twice)");

    NEXT(".rules");
    b_clear(&b);
    for (int i = 0; i < 10000; i++)
        b_puts(&b, "foo bar ) ( baz\n");
    emit(name, &b, -1, -1, "10,000 lines with a syntax error each");

    NEXT(".rules");
    b_clear(&b);
    random_bytes(&b, 1 << 20, 0);
    emit(name, &b, -1, -1, "1 MB of random bytes");

    NEXT(".rules");
    b_clear(&b);
    random_bytes(&b, 1 << 20, 1);
    emit(name, &b, -1, -1, "1 MB of random printable characters");

    NEXT(".rules");
    b_clear(&b);
    for (int i = 0; i < (1 << 20) / 8; i++)
        b_puts(&b, PICK(snippets));
    emit(name, &b, -1, -1, "about 1 MB of random pieces of the language");

    NEXT(".rules");
    b_clear(&b);
    b_reserve(&b, 1 << 20);
    memset(b.p, 0, 1 << 20);
    b.len = 1 << 20;
    emit(name, &b, -1, -1, "1 MB of NUL bytes");

    NEXT(".rules");
    b_clear(&b);
    b_repeat(&b, "\xFF", 4096);
    emit(name, &b, -1, -1, "4 KB of 0xFF");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    for (size_t i = 0; i < b.len; i++)
        if (b.p[i] == '\n')
            b.p[i] = '\r';
    emit(name, &b, -1, -1, "CR line ends");

    NEXT(".rules");
    b_clear(&b);
    for (size_t i = 0; i < src->len; i++) {
        if (src->p[i] == '\n')
            b_putc(&b, '\r');
        b_putc(&b, src->p[i]);
    }
    emit(name, &b, -1, -1, "CRLF line ends");

    NEXT(".rules");
    b_clear(&b);
    b_puts(&b, "\xEF\xBB\xBF");
    b_put(&b, src->p, src->len);
    emit(name, &b, -1, -1, "a UTF-8 byte order mark");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    while (b.len && (b.p[b.len - 1] == '\n'))
        b.len--;
    b.p[b.len] = '\0';
    emit(name, &b, -1, -1, "no final newline");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nmetric str = \"unterminated");
    emit(name, &b, -1, -1, "a string not closed at the end of the file");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_splice(&b, 0, 0, "let s = \"open\n", 14);
    emit(name, &b, -1, -1, "a string not closed on the first line");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nmetric nul = licenses_sold");
    b_putc(&b, 0);
    b_puts(&b, " + 1\n");
    emit(name, &b, -1, -1, "a NUL byte inside an expression");

    NEXT(".rules");
    {
        char self[80];
        snprintf(self, sizeof self, "import \"%s\"\n", name);
        b_free(&b);
        b = b_copy(src);
        b_splice(&b, 0, 0, self, strlen(self));
        emit(name, &b, -1, -1, "imports itself");
    }

    NEXT(".rules");
    {
        char other[200], first[80];
        snprintf(first, sizeof first, "%s", name);
        NEXT(".rules"); /* the second file of the pair */
        snprintf(other, sizeof other, "import \"%s\"\n", name);
        b_free(&b);
        b = b_copy(src);
        b_splice(&b, 0, 0, other, strlen(other));
        emit(first, &b, -1, -1, "imports the next file, which imports this one");
        snprintf(other, sizeof other, "import \"%s\"\ninput extra: number\n", first);
        b_clear(&b);
        b_puts(&b, other);
        emit(name, &b, -1, -1, "imports the previous file, which imports this one");
    }

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_splice(&b, 0, 0, "import \"no-such-file.rules\"\n", 28);
    emit(name, &b, -1, -1, "imports a file that does not exist");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_splice(&b, 0, 0, "import \".\"\n", 11);
    emit(name, &b, -1, -1, "imports a directory");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_splice(&b, 0, 0, "import \"\"\n", 10);
    emit(name, &b, -1, -1, "imports the empty name");

    NEXT(".rules");
    b_free(&b);
    b = b_copy(src);
    b_puts(&b, "\nparam onboarding_period = 99999999 months\nparam far = 9999-12-31\nmetric far_m = as_of + 999999 days\n");
    emit(name, &b, -1, -1, "durations and dates out of range");

    /* Random corruptions of the shipped policy, round robin over the kinds;
     * the last kind applies two to four of the others. */
    while (idx < count) {
        NEXT(".rules");
        b_free(&b);
        b = b_copy(src);
        int kind = (int)(idx % (POLICY_KINDS + 1));
        char what[160], all[400] = "";
        int times = kind == POLICY_KINDS ? 2 + (int)rn(3) : 1;
        for (int t = 0; t < times; t++) {
            int k = kind == POLICY_KINDS ? (int)rn(POLICY_KINDS) : kind;
            snprintf(what, sizeof what, "nothing (kind %d)", k);
            mutate_policy_once(&b, k, what, sizeof what);
            size_t used = strlen(all);
            snprintf(all + used, sizeof all - used, "%s%s", t ? "; " : "", what);
        }
        emit(name, &b, -1, -1, "%s", all);
    }
    b_free(&b);
    b_free(&e);
#undef NEXT
}

/* ---- CSV ----------------------------------------------------------------- */

typedef struct cellv {
    char *s;
    size_t n;
} cellv;

typedef struct row {
    cellv *c;
    int n;
    const char *eol;
} row;

typedef struct table {
    row *r;
    int n;
} table;

enum { COL_ID = 0, COL_TIER = 1, COL_DEPLOYMENT = 2, COL_DATE = 3, COL_NUM0 = 4, COL_NUM1 = 13 };

static cellv cell_of(const char *s, size_t n)
{
    cellv c;
    c.s = xrealloc(NULL, n + 1);
    memcpy(c.s, s, n);
    c.s[n] = '\0';
    c.n = n;
    return c;
}

static void set_cell(table *t, int r, int col, const char *s, size_t n)
{
    if (col >= t->r[r].n)
        return;
    free(t->r[r].c[col].s);
    t->r[r].c[col] = cell_of(s, n);
}

static void set_cells(table *t, int r, int col, const char *s) { set_cell(t, r, col, s, strlen(s)); }

/* Splits the (quote-free) sample into rows of cells; row 0 is the header. */
static table parse_csv(const buf *src)
{
    table t = {0};
    span *ls = NULL;
    size_t nl = lines_of(src, &ls);
    t.r = xrealloc(NULL, (nl + 1) * sizeof *t.r);
    for (size_t i = 0; i < nl; i++) {
        const char *p = src->p + ls[i].at;
        size_t len = ls[i].len;
        while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
            len--;
        if (!len)
            continue;
        row *r = &t.r[t.n++];
        r->n = 0;
        r->c = NULL;
        r->eol = "\n";
        size_t start = 0;
        for (size_t k = 0; k <= len; k++)
            if (k == len || p[k] == ',') {
                r->c = xrealloc(r->c, (size_t)(r->n + 1) * sizeof *r->c);
                r->c[r->n++] = cell_of(p + start, k - start);
                start = k + 1;
            }
    }
    free(ls);
    return t;
}

static table copy_table(const table *src)
{
    table t;
    t.n = src->n;
    t.r = xrealloc(NULL, (size_t)(src->n + 1) * sizeof *t.r);
    for (int i = 0; i < src->n; i++) {
        t.r[i].n = src->r[i].n;
        t.r[i].eol = src->r[i].eol;
        t.r[i].c = xrealloc(NULL, (size_t)(src->r[i].n + 1) * sizeof *t.r[i].c);
        for (int k = 0; k < src->r[i].n; k++)
            t.r[i].c[k] = cell_of(src->r[i].c[k].s, src->r[i].c[k].n);
    }
    return t;
}

static void free_table(table *t)
{
    for (int i = 0; i < t->n; i++) {
        for (int k = 0; k < t->r[i].n; k++)
            free(t->r[i].c[k].s);
        free(t->r[i].c);
    }
    free(t->r);
    t->r = NULL;
    t->n = 0;
}

static void add_cell(row *r, const char *s, size_t n)
{
    r->c = xrealloc(r->c, (size_t)(r->n + 1) * sizeof *r->c);
    r->c[r->n++] = cell_of(s, n);
}

static void drop_last_cell(row *r)
{
    if (r->n) {
        free(r->c[r->n - 1].s);
        r->n--;
    }
}

static buf write_csv(const table *t)
{
    buf b = {0};
    for (int i = 0; i < t->n; i++) {
        for (int k = 0; k < t->r[i].n; k++) {
            if (k)
                b_putc(&b, ',');
            b_put(&b, t->r[i].c[k].s, t->r[i].c[k].n);
        }
        b_puts(&b, t->r[i].eol);
    }
    return b;
}

/* The cell text quoted as RFC 4180 wants. */
static buf quoted(const char *s, size_t n)
{
    buf q = {0};
    b_putc(&q, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            b_putc(&q, '"');
        b_putc(&q, s[i]);
    }
    b_putc(&q, '"');
    return q;
}

static int num_col(void) { return COL_NUM0 + (int)rn(COL_NUM1 - COL_NUM0 + 1); }

static const char *const not_numbers[] = {
    "abc", "12x", "1.2.3", "1234567890123456789.1.2", "--5", "1e", "e5", "0x1F", "NaN", "nan", "inf", "-inf", "Infinity", "\"1,5\"",
    "12 34", "+-1", ".", "-", "1e5e5", "\xD9\xA1\xD9\xA2", "1_000", "$12", "12$", "(12)", "true", "\"\"\"\"", "%",
    "5%%", "1..2", "0b101", "\xEF\xBC\x91", "1\xC2\xA0" "000", "\"1\n2\"", "1e+", "--", "+", "1-2",
};
static const char *const bad_dates[] = {
    "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "0000-00-00", "9999-99-99",
    "2026-02-3O", "yesterday", "2026-06-31", "2026-11-00", "2026-01-32", "abcd-ef-gh", "2026--01-01",
    "2026-01-01-01", "2026-1a-01", "\"2026-02-30\"", "2100-02-29", "1900-02-29",
};
/* Spellings an export may use for tier or deployment.  The shipped policy
 * reads both as plain text, so these accounts must be scored, not rejected. */
static const char *const bad_tiers[] = {"Ultimate", "gold", "ULTIMATE", "enterprise", "ultimate!", "\"free \"\"x\"\"\"", "\"premium,\"", "fre e"};
static const char *const negatives[] = {"-1", "-0", "-183", "-0.5", "-999999", "-1e3", "-00012", "-0.0000001"};
static const char *const big_ok[] = {
    "123456789012345678901234567890", "9223372036854775807", "9223372036854775808", "18446744073709551616",
    "0.000000000000000000000000001", "1e300", "-1e300", "1e-300", "99999999999999999999.5", "1E10",
    "0.1e1", "1.7976931348623157e308",
};
static const char *const json_negatives[] = {"-1", "-0", "-183", "-0.5", "-999999", "-1e3", "-12.25", "-0.0000001"};
static const char *const out_of_range[] = {"1e400", "-1e400", "1e99999", "1e100000000", "2e308", "1e-400", "-2e-324", "1e-99999"};

enum { CSV_KINDS = 35 };

/* Variants of the CSV with one kind of damage in k records. */
static void gen_csv(const buf *src, uint64_t seed, long count)
{
    table base = parse_csv(src);
    if (base.n < 3 || base.r[0].n != 14)
        die("the CSV sample is not the 14-column accounts file");
    const int nrec = base.n - 1;
    long idx = 0;
    char name[64];
    size_t *pickv = xrealloc(NULL, (size_t)nrec * sizeof *pickv);
#define NEXT() (seed_variant(seed, (uint64_t)idx), snprintf(name, sizeof name, "c%04ld.csv", idx++), name)

    /* A few whole files first. */
    buf b = {0};
    NEXT();
    emit(name, &b, -1, -1, "empty file");
    NEXT();
    b_puts(&b, "\xEF\xBB\xBF");
    emit(name, &b, -1, -1, "only a byte order mark");
    NEXT();
    b_clear(&b);
    b_repeat(&b, "\n", 5);
    emit(name, &b, -1, -1, "only newlines");
    {
        table t = copy_table(&base);
        t.n = 1;
        buf h = write_csv(&t);
        NEXT();
        emit(name, &h, 0, 0, "only the header");
        h.len--; /* without its newline */
        NEXT();
        emit(name, &h, 0, 0, "only the header, no newline");
        b_free(&h);
        t.n = base.n;
        free_table(&t);
    }
    {
        table t = copy_table(&base);
        buf h = write_csv(&t);
        h.len--;
        NEXT();
        emit(name, &h, nrec, 0, "no final newline");
        b_free(&h);
        free_table(&t);
    }
    {
        table t = copy_table(&base);
        for (int i = 1; i < t.n; i++)
            set_cells(&t, i, COL_NUM0, "x");
        buf h = write_csv(&t);
        NEXT();
        emit(name, &h, nrec, nrec, "every record has a bad number");
        b_free(&h);
        free_table(&t);
    }
    {
        table t = copy_table(&base);
        for (int i = 1; i < t.n; i++)
            add_cell(&t.r[i], "", 0);
        buf h = write_csv(&t);
        NEXT();
        emit(name, &h, nrec, nrec, "every record has an extra empty field");
        b_free(&h);
        free_table(&t);
    }
    {
        table t = copy_table(&base);
        for (int k = 0; k < 5000; k++)
            add_cell(&t.r[0], "col", 3);
        buf h = write_csv(&t);
        NEXT();
        emit(name, &h, -1, -1, "a header of 5,014 columns");
        b_free(&h);
        free_table(&t);
    }
    {
        table t = copy_table(&base);
        set_cells(&t, 0, COL_NUM0 + 1, "licenses_sold");
        buf h = write_csv(&t);
        NEXT();
        emit(name, &h, -1, -1, "a column named twice in the header");
        b_free(&h);
        free_table(&t);
    }
    {
        table t = copy_table(&base);
        set_cells(&t, 0, COL_NUM0, "licences_sold");
        buf h = write_csv(&t);
        NEXT();
        emit(name, &h, -1, -1, "a misspelt column in the header");
        b_free(&h);
        free_table(&t);
    }
    {
        table t = copy_table(&base);
        buf h = write_csv(&t);
        for (size_t i = 0; i < h.len; i++)
            if (h.p[i] == '\n')
                h.p[i] = '\r';
        NEXT();
        emit(name, &h, -1, -1, "CR line ends only");
        b_free(&h);
        free_table(&t);
    }
    {
        /* One 65 MiB record: past any sane record size. */
        table t = copy_table(&base);
        t.n = 3;
        buf big = {0};
        b_reserve(&big, (65u << 20) + 16);
        memset(big.p, 'x', 65u << 20);
        big.len = 65u << 20;
        big.p[big.len] = '\0';
        set_cell(&t, 2, COL_ID, big.p, big.len);
        b_free(&big);
        buf h = write_csv(&t);
        NEXT();
        emit(name, &h, -1, -1, "a 65 MiB field");
        b_free(&h);
        t.n = base.n;
        free_table(&t);
    }

    while (idx < count) {
        NEXT();
        table t = copy_table(&base);
        int kind = (int)(idx % CSV_KINDS);
        size_t k = 1 + rn(20);
        long records = nrec, bad = 0;
        char desc[300];
        buf out = {0};
        int written = 0; /* set when the case serialises itself */
        distinct((size_t)nrec, k, pickv);
        switch (kind) {
        case 0:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, num_col(), PICK(not_numbers));
            bad = (long)k;
            snprintf(desc, sizeof desc, "not a number in %zu records", k);
            break;
        case 1:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, COL_DATE, PICK(bad_dates));
            bad = (long)k;
            snprintf(desc, sizeof desc, "invalid dates in %zu records", k);
            break;
        case 2:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, rn(2) ? COL_TIER : COL_DEPLOYMENT, PICK(bad_tiers));
            bad = 0;
            snprintf(desc, sizeof desc, "unusual tier or deployment spellings (plain text, scored) in %zu records", k);
            break;
        case 3:
            for (size_t j = 0; j < k; j++) {
                row *r = &t.r[pickv[j] + 1];
                size_t extra = 1 + rn(3);
                for (size_t x = 0; x < extra; x++)
                    add_cell(r, "extra", rn(2) ? 5 : 0);
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "extra fields in %zu records", k);
            break;
        case 4:
            for (size_t j = 0; j < k; j++) {
                row *r = &t.r[pickv[j] + 1];
                size_t fewer = 1 + rn(13);
                for (size_t x = 0; x < fewer; x++)
                    drop_last_cell(r);
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "missing fields in %zu records", k);
            break;
        case 5:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, COL_ID, rn(2) ? "" : "\"\"");
            bad = (long)k;
            snprintf(desc, sizeof desc, "empty account id in %zu records", k);
            break;
        case 6:
            for (size_t j = 0; j < k; j++) {
                int col = (int)rn(14);
                row *r = &t.r[pickv[j] + 1];
                buf v = {0};
                b_put(&v, r->c[col].s, r->c[col].n);
                b_splice(&v, rn(v.len + 1), 0, "\"", 1);
                if (v.p[0] == '"') /* a leading quote would open a quoted field */
                    b_splice(&v, 0, 0, "x", 1);
                set_cell(&t, (int)pickv[j] + 1, col, v.p, v.len);
                b_free(&v);
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "a quote inside an unquoted field in %zu records", k);
            break;
        case 7:
            for (size_t j = 0; j < k; j++) {
                int col = num_col();
                row *r = &t.r[pickv[j] + 1];
                buf v = {0};
                b_put(&v, r->c[col].s, r->c[col].n);
                b_splice(&v, rn(v.len + 1), 0, "\0", 1);
                set_cell(&t, (int)pickv[j] + 1, col, v.p, v.len);
                b_free(&v);
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "a NUL byte in a number in %zu records", k);
            break;
        case 8:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, num_col(), PICK(negatives));
            snprintf(desc, sizeof desc, "negative numbers in %zu records", k);
            break;
        case 9:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, num_col(), PICK(big_ok));
            snprintf(desc, sizeof desc, "huge, tiny and long numbers in %zu records", k);
            break;
        case 10:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, num_col(), PICK(out_of_range));
            bad = (long)k;
            snprintf(desc, sizeof desc, "numbers beyond the range of a double (1e400, 1e-400) in %zu records", k);
            break;
        case 11:
            for (int i = 0; i < t.n; i++)
                if (rn(2))
                    t.r[i].eol = "\r\n";
            snprintf(desc, sizeof desc, "a mix of LF and CRLF line ends");
            break;
        case 12: { /* valid quoting: quotes, commas and newlines inside ids */
            static const char *const tails[] = {"A,B", "say \"hi\"", "two\nlines", "cr\r\nlf", "\"", ",", "\n", " "};
            for (size_t j = 0; j < k; j++) {
                int r = (int)pickv[j] + 1;
                buf id = {0};
                b_put(&id, t.r[r].c[COL_ID].s, t.r[r].c[COL_ID].n);
                b_puts(&id, PICK(tails));
                buf q = quoted(id.p, id.len);
                set_cell(&t, r, COL_ID, q.p, q.len);
                b_free(&q);
                b_free(&id);
                int col = num_col(); /* and a quoted number */
                q = quoted(t.r[r].c[col].s, t.r[r].c[col].n);
                set_cell(&t, r, col, q.p, q.len);
                b_free(&q);
            }
            snprintf(desc, sizeof desc, "quoted fields with quotes, commas and newlines in %zu records", k);
            break;
        }
        case 13:
            set_cell(&t, 0, COL_ID, "\xEF\xBB\xBF" "account_id", 13);
            snprintf(desc, sizeof desc, "a byte order mark at the start");
            break;
        case 14:
            for (size_t j = 0; j < k; j++) {
                int col = num_col();
                row *r = &t.r[pickv[j] + 1];
                buf v = {0};
                b_put(&v, r->c[col].s, r->c[col].n);
                b_splice(&v, rn(v.len + 1), 0, "\xEF\xBB\xBF", 3);
                set_cell(&t, (int)pickv[j] + 1, col, v.p, v.len);
                b_free(&v);
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "a byte order mark inside a number in %zu records", k);
            break;
        case 15: {
            static const char *const pads[] = {" ", "  ", "\t", " \t "};
            for (size_t j = 0; j < k; j++) {
                int col = num_col();
                row *r = &t.r[pickv[j] + 1];
                buf v = {0};
                b_puts(&v, PICK(pads));
                b_put(&v, r->c[col].s, r->c[col].n);
                b_puts(&v, PICK(pads));
                set_cell(&t, (int)pickv[j] + 1, col, v.p, v.len);
                b_free(&v);
            }
            snprintf(desc, sizeof desc, "numbers padded with blanks in %zu records", k);
            break;
        }
        case 16:
        case 17:
        case 18: { /* a 10 MB field: in an id, in a number, quoted with newlines */
            size_t n = 10u << 20;
            buf v = {0};
            b_reserve(&v, n + 2);
            for (size_t x = 0; x < n; x++)
                v.p[x] = kind == 18 && x % 1000 == 999 ? (x % 2000 == 1999 ? '\n' : ',') : (char)('a' + x % 26);
            v.len = n;
            v.p[n] = '\0';
            int r = (int)pickv[0] + 1;
            if (kind == 18) {
                buf q = quoted(v.p, v.len);
                set_cell(&t, r, COL_ID, q.p, q.len);
                b_free(&q);
            } else
                set_cell(&t, r, kind == 16 ? COL_ID : num_col(), v.p, v.len);
            b_free(&v);
            bad = kind == 17;
            snprintf(desc, sizeof desc, "a 10 MB %s in record %zu", kind == 16 ? "id" : kind == 17 ? "number" : "quoted id with commas and newlines", pickv[0] + 1);
            break;
        }
        case 19: { /* cut in the middle of a record */
            out = write_csv(&t);
            size_t cut = out.len - 1 - rn(out.len * 3 / 10);
            out.len = cut;
            out.p[cut] = '\0';
            span *ls = NULL;
            size_t nl = lines_of(&out, &ls);
            records = (long)nl - 1;
            free(ls);
            bad = -1;
            written = 1;
            snprintf(desc, sizeof desc, "truncated at byte %zu", cut);
            break;
        }
        case 20: { /* cut inside a quoted field */
            int r = (int)pickv[0] + 1;
            buf id = {0};
            b_put(&id, t.r[r].c[COL_ID].s, t.r[r].c[COL_ID].n);
            b_puts(&id, ", and a long \"\"quoted\"\" tail\nover two lines");
            buf q = {0};
            b_putc(&q, '"');
            b_put(&q, id.p, id.len);
            b_putc(&q, '"');
            set_cell(&t, r, COL_ID, q.p, q.len);
            b_free(&q);
            b_free(&id);
            out = write_csv(&t);
            /* the quoted field starts the line of record r: find it */
            size_t line = 0, at = 0;
            while (at < out.len && line < (size_t)r) {
                if (out.p[at] == '\n')
                    line++;
                at++;
            }
            size_t cut = at + 1 + rn(20);
            out.len = cut;
            out.p[cut] = '\0';
            records = bad = -1;
            written = 1;
            snprintf(desc, sizeof desc, "truncated inside a quoted field of record %d", r);
            break;
        }
        case 21: {
            int r = (int)pickv[0] + 1, col = (int)rn(14);
            buf v = {0};
            b_putc(&v, '"');
            b_put(&v, t.r[r].c[col].s, t.r[r].c[col].n);
            set_cell(&t, r, col, v.p, v.len);
            b_free(&v);
            records = bad = -1;
            snprintf(desc, sizeof desc, "a quote opened in record %d and never closed", r);
            break;
        }
        case 22: {
            out = write_csv(&t);
            size_t n = 1 + rn(10);
            for (size_t x = 0; x < n; x++)
                out.p[rn(out.len)] = nasty_byte();
            records = bad = -1;
            written = 1;
            snprintf(desc, sizeof desc, "%zu random bytes replaced", n);
            break;
        }
        case 23: {
            int r = (int)pickv[0] + 1;
            for (int x = 0; x < 10000; x++)
                add_cell(&t.r[r], "1", 1);
            bad = 1;
            snprintf(desc, sizeof desc, "10,014 fields in record %d", r);
            break;
        }
        case 24: {
            out = write_csv(&t);
            for (size_t j = 0; j < k; j++) {
                size_t at = rn(out.len);
                while (at > 0 && out.p[at - 1] != '\n')
                    at--;
                b_splice(&out, at, 0, rn(2) ? "\n" : "\r\n", rn(2) ? 1 : 2);
            }
            records = bad = -1;
            written = 1;
            snprintf(desc, sizeof desc, "%zu blank lines", k);
            break;
        }
        case 25:
            for (int i = 0; i < t.n; i++)
                t.r[i].eol = "\r\n";
            for (size_t j = 0; j < k; j++) {
                int r = (int)pickv[j] + 1;
                buf q = quoted(t.r[r].c[COL_ID].s, t.r[r].c[COL_ID].n);
                set_cell(&t, r, COL_ID, q.p, q.len);
                b_free(&q);
                set_cells(&t, r, num_col(), PICK(not_numbers));
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "CRLF, quoted ids and not a number in %zu records", k);
            break;
        case 26:
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, COL_ID, "ACC-000001");
            bad = -1;
            snprintf(desc, sizeof desc, "%zu duplicate account ids", k);
            break;
        case 27: {
            static const char *const ids[] = {"\xC3\xA9t\xC3\xA9", "\xFF\xFE", "\xC3", "\xE2\x80\xAE", "\x1B[31m", "\x7F", "a\tb", "\xF0\x9F\x98\x80"};
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, COL_ID, PICK(ids));
            bad = -1;
            snprintf(desc, sizeof desc, "UTF-8, invalid UTF-8 and control bytes in %zu ids", k);
            break;
        }
        case 28: {
            static const char *const nums[] = {"50%", "1.5", "1e3", "+5", "0.", ".5", "00", "1.0e0", "5 %"};
            for (size_t j = 0; j < k; j++)
                set_cells(&t, (int)pickv[j] + 1, num_col(), PICK(nums));
            bad = -1;
            snprintf(desc, sizeof desc, "unusual number spellings in %zu records", k);
            break;
        }
        case 29:
            for (size_t j = 0; j < k; j++)
                set_cell(&t, (int)pickv[j] + 1, COL_ID, "ACC\0x", 5);
            bad = -1;
            snprintf(desc, sizeof desc, "a NUL byte in %zu ids", k);
            break;
        case 30: { /* the columns in another order */
            int perm[14];
            for (int c = 0; c < 14; c++)
                perm[c] = c;
            for (int c = 13; c > 0; c--) {
                int d = (int)rn((size_t)c + 1), x = perm[c];
                perm[c] = perm[d];
                perm[d] = x;
            }
            for (int i = 0; i < t.n; i++) {
                cellv tmp[14];
                for (int c = 0; c < 14; c++)
                    tmp[c] = t.r[i].c[perm[c]];
                memcpy(t.r[i].c, tmp, sizeof tmp);
            }
            snprintf(desc, sizeof desc, "columns shuffled");
            break;
        }
        case 31:
            for (int i = 0; i < t.n; i++)
                add_cell(&t.r[i], i ? "zzz" : "unknown_column", i ? 3 : 14);
            snprintf(desc, sizeof desc, "an extra column no input uses");
            break;
        case 32: {
            int col = 1 + (int)rn(13);
            for (int i = 0; i < t.n; i++) {
                free(t.r[i].c[col].s);
                memmove(&t.r[i].c[col], &t.r[i].c[col + 1], (size_t)(t.r[i].n - col - 1) * sizeof *t.r[i].c);
                t.r[i].n--;
            }
            records = bad = -1;
            snprintf(desc, sizeof desc, "column %d missing everywhere", col + 1);
            break;
        }
        case 33:
            for (size_t j = 0; j < k; j++) {
                int r = (int)pickv[j] + 1;
                for (int col = COL_NUM0; col <= COL_NUM1; col++) {
                    buf q = quoted(t.r[r].c[col].s, t.r[r].c[col].n);
                    set_cell(&t, r, col, q.p, q.len);
                    b_free(&q);
                }
            }
            snprintf(desc, sizeof desc, "quoted numbers in %zu records", k);
            break;
        default: /* 34: a byte order mark at the start of lines */
            for (size_t j = 0; j < k; j++) {
                int r = (int)pickv[j] + 1;
                buf v = {0};
                b_puts(&v, "\xEF\xBB\xBF");
                b_put(&v, t.r[r].c[COL_ID].s, t.r[r].c[COL_ID].n);
                set_cell(&t, r, COL_ID, v.p, v.len);
                b_free(&v);
            }
            bad = -1;
            snprintf(desc, sizeof desc, "a byte order mark at the start of %zu lines", k);
            break;
        }
        if (!written)
            out = write_csv(&t);
        emit(name, &out, records, bad, "%s", desc);
        b_free(&out);
        free_table(&t);
    }
    b_free(&b);
    free(pickv);
    free_table(&base);
#undef NEXT
}

/* ---- JSON and NDJSON ------------------------------------------------------ */

enum { NDJSON, ARRAY, WRAPPED };
static const char *const container_name[] = {"NDJSON", "JSON array", "{\"accounts\": [...]}"};

typedef struct recs {
    buf *r;
    int n;
} recs;

static recs parse_ndjson(const buf *src)
{
    recs rs = {0};
    span *ls = NULL;
    size_t nl = lines_of(src, &ls);
    rs.r = xrealloc(NULL, (nl + 1) * sizeof *rs.r);
    for (size_t i = 0; i < nl; i++) {
        size_t len = ls[i].len;
        while (len && (src->p[ls[i].at + len - 1] == '\n' || src->p[ls[i].at + len - 1] == '\r'))
            len--;
        if (!len)
            continue;
        buf b = {0};
        b_put(&b, src->p + ls[i].at, len);
        rs.r[rs.n++] = b;
    }
    free(ls);
    return rs;
}

static recs copy_recs(const recs *src)
{
    recs rs;
    rs.n = src->n;
    rs.r = xrealloc(NULL, (size_t)(src->n + 1) * sizeof *rs.r);
    for (int i = 0; i < src->n; i++)
        rs.r[i] = b_copy(&src->r[i]);
    return rs;
}

static void free_recs(recs *rs)
{
    for (int i = 0; i < rs->n; i++)
        b_free(&rs->r[i]);
    free(rs->r);
    rs->r = NULL;
    rs->n = 0;
}

/* Where the value of "key" is in a flat record: [*at, *at + *len). */
static int find_value(const buf *rec, const char *key, size_t *at, size_t *len)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(rec->p, pat);
    if (!p)
        return 0;
    size_t i = (size_t)(p - rec->p) + strlen(pat), start = i;
    if (i < rec->len && rec->p[i] == '"') {
        i++;
        while (i < rec->len && rec->p[i] != '"')
            i += rec->p[i] == '\\' ? 2 : 1;
        i++;
    } else {
        while (i < rec->len && rec->p[i] != ',' && rec->p[i] != '}')
            i++;
    }
    *at = start;
    *len = i - start;
    return 1;
}

static void add_key(buf *rec, const char *text);

/* Sets "key" to the value text, adding the key where the record lacks it. */
static void set_value(buf *rec, const char *key, const char *text, size_t n)
{
    size_t at, len;
    if (find_value(rec, key, &at, &len)) {
        b_splice(rec, at, len, text, n);
        return;
    }
    buf kv = {0};
    b_printf(&kv, ",\"%s\":", key);
    b_put(&kv, text, n);
    add_key(rec, kv.p);
    b_free(&kv);
}

static void set_values(buf *rec, const char *key, const char *text) { set_value(rec, key, text, strlen(text)); }

/* Removes "key":value and one neighbouring comma. */
static void drop_key(buf *rec, const char *key)
{
    size_t at, len;
    if (!find_value(rec, key, &at, &len))
        return;
    size_t start = at - strlen(key) - 3, end = at + len;
    if (end < rec->len && rec->p[end] == ',')
        end++;
    else if (start > 0 && rec->p[start - 1] == ',')
        start--;
    b_splice(rec, start, end - start, "", 0);
}

static void add_key(buf *rec, const char *text)
{
    size_t end = rec->len;
    while (end > 0 && rec->p[end - 1] != '}')
        end--;
    if (end == 0)
        return;
    b_splice(rec, end - 1, 0, text, strlen(text));
}

static buf write_json(const recs *rs, int container, const char *sep)
{
    buf b = {0};
    if (container == ARRAY)
        b_puts(&b, "[\n");
    else if (container == WRAPPED)
        b_puts(&b, "{\"accounts\": [\n");
    for (int i = 0; i < rs->n; i++) {
        b_put(&b, rs->r[i].p, rs->r[i].len);
        if (container != NDJSON && i + 1 < rs->n)
            b_putc(&b, ',');
        b_puts(&b, sep);
    }
    if (container == ARRAY)
        b_puts(&b, "]\n");
    else if (container == WRAPPED)
        b_puts(&b, "]}\n");
    return b;
}

static const char *const num_keys[] = {
    "licenses_sold", "billable_users", "active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d",
    "deployments_l28d", "deployment_users_l28d", "secure_scanner_users_l28d", "container_scanning_users_l28d",
    "secret_detection_users_l28d",
};
static const char *const all_keys[] = {
    "tier", "deployment", "license_start", "licenses_sold", "billable_users", "active_users_l28d",
    "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployments_l28d", "deployment_users_l28d",
    "secure_scanner_users_l28d", "container_scanning_users_l28d", "secret_detection_users_l28d",
};

static void gen_json(const buf *src, uint64_t seed, long count)
{
    recs base = parse_ndjson(src);
    if (base.n < 3)
        die("the NDJSON sample has too few records");
    const int nrec = base.n;
    long idx = 0;
    char name[64];
    size_t *pickv = xrealloc(NULL, (size_t)nrec * sizeof *pickv);
    buf b = {0};
#define NEXT(ext) (seed_variant(seed, (uint64_t)idx), snprintf(name, sizeof name, "j%04ld%s", idx++, ext), name)

    /* Whole files. */
    static const struct {
        const char *ext, *text;
        long records, bad;
        const char *desc;
    } files[] = {
        {".json", "", -1, -1, "empty .json file"},
        {".ndjson", "", 0, 0, "empty .ndjson file"},
        {".ndjson", "\n\n  \n\r\n", 0, 0, "NDJSON of blank lines"},
        {".json", "[]", 0, 0, "an empty array"},
        {".json", "{\"accounts\": []}", 0, 0, "an empty accounts array"},
        {".json", "{\"accounts\": 5}", -1, -1, "accounts is a number"},
        {".json", "{\"accounts\": {\"account_id\": \"A\"}}", -1, -1, "accounts is an object"},
        {".json", "{}", -1, -1, "an empty object"},
        {".json", "{\"other\": [{\"account_id\": \"A\"}]}", -1, -1, "no accounts key"},
        {".json", "5", -1, -1, "a number"},
        {".json", "\"accounts\"", -1, -1, "a string"},
        {".json", "null", -1, -1, "null"},
        {".json", "[", -1, -1, "only ["},
        {".json", "]", -1, -1, "only ]"},
        {".json", "{\"accounts\": [", -1, -1, "an accounts array cut after ["},
        {".json", "{\"accounts\"", -1, -1, "cut after the key"},
        {".json", "{\"accounts\":", -1, -1, "cut after the colon"},
        {".json", "{\"accounts\" [] }", -1, -1, "no colon"},
        {".json", "{\"a\\\"ccounts\": [], \"accounts\": []}", 0, 0, "an escaped quote in an earlier key"},
        /* {} is a record without a single key the policy declares: the file as a whole is refused. */
        {".json", "[1, \"x\", null, true, [], {}]", -1, -1, "an array of things that are not accounts"},
        {".ndjson", "1\n\"x\"\nnull\ntrue\n[]\n{}\n", -1, -1, "NDJSON lines that are not accounts"},
        {".json", "[1, \"x\", null, true, []]", 5, 5, "an array of values that are not objects"},
        {".json", "[{\"account_id\": \"A\"},]", -1, -1, "a trailing comma"},
        {".json", "[{\"account_id\": \"A\"} {\"account_id\": \"B\"}]", -1, -1, "a missing comma"},
        {".json", "[,{\"account_id\": \"A\"}]", -1, -1, "a leading comma"},
        {".json", "[{\"account_id\": \"A\"}] trailing", -1, -1, "garbage after the array"},
        {".ndjson", ",\n", -1, -1, "an NDJSON line with only a comma"},
        {".ndjson", "}\n", -1, -1, "an NDJSON line with only a closing brace"},
        {".ndjson", "{\"account_id\": \"A\"}{\"account_id\": \"B\"}\n", -1, -1, "two objects on one line"},
        {".json", "\xEF\xBB\xBF[]", 0, 0, "a byte order mark before an empty array"},
        /* Not RFC 8259, each in its own way. */
        {".json", "[][]", -1, -1, "two arrays"},
        {".json", "[]\f", -1, -1, "a form feed after the array"},
        {".json", "\f[]", -1, -1, "a form feed before the array"},
        {".json", "{\"generated\": 01, \"accounts\": []}", -1, -1, "a leading zero before the accounts"},
        {".json", "{\"accounts\": [], \"total\": tru}", -1, -1, "a bad word after the accounts"},
        {".json", "{\"accounts\": [], \"accounts\": []}", -1, -1, "two accounts keys"},
        {".json", "{\"accounts\": []}}", -1, -1, "an extra brace after the object"},
        {".json", "{\"note\": \"a\tb\", \"accounts\": []}", -1, -1, "a raw tab in a string before the accounts"},
        {".ndjson", "{\"account_id\": \"A\", \"licenses_sold\": -01}\n", 1, 1, "a number with a leading zero"},
        {".ndjson", "{\"account_id\": \"A\", \"licenses_sold\": 1.}\n", 1, 1, "a number ending in a point"},
        {".ndjson", "{\"account_id\": \"A\", \"licenses_sold\": 2.e3}\n", 1, 1, "a point then an exponent"},
        {".ndjson", "{\"account_id\": \"A\", \"licenses_sold\": -.5}\n", 1, 1, "a number without a whole part"},
        {".ndjson", "{\"account_id\": \"A\",\f\"licenses_sold\": 1.5}\n", 1, 1, "a form feed between members"},
        {".ndjson", "{\"account_id\": \"A\\uqqqq\"}\n", 1, 1, "a bad \\u escape"},
        {".ndjson", "{\"account_id\": \"A\\ud800\"}\n", 1, 1, "a lone surrogate"},
        {".ndjson", "{\"account_id\": \"A\x01\"}\n", 1, 1, "a raw control character in a string"},
        {".ndjson", "{\"account_id\": \"caf\xe9\"}\n", 1, 1, "Latin-1 in a string"},
        {".ndjson", "{\"account_id\": \"A\\u0000\"}\n", -1, -1, "a NUL in the only key of the only record"},
        {".ndjson", "{\"account_id\": \"A\"}\n", -1, -1, "one record without the policy's keys"},
    };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        NEXT(files[f].ext);
        b_clear(&b);
        b_puts(&b, files[f].text);
        emit(name, &b, files[f].records, files[f].bad, "%s", files[f].desc);
    }

    while (idx < count) {
        int kind = (int)(idx % 26);
        int container = (int)((idx / 26) % 3);
        if (kind == 7 || kind == 8)
            container = NDJSON; /* line-level damage: each line is a record */
        if (kind == 20)
            container = WRAPPED;
        NEXT(container == NDJSON ? ".ndjson" : ".json");
        recs rs = copy_recs(&base);
        size_t k = 1 + rn(20);
        long records = nrec, bad = 0;
        char desc[300];
        const char *sep = "\n";
        buf out = {0};
        int written = 0;
        distinct((size_t)nrec, k, pickv);
        switch (kind) {
        case 0: {
            static const char *const v[] = {"\"abc\"", "\"12x\"", "\"1.2.3\"", "\"NaN\"", "\"inf\"", "\"0x10\"", "\"1,5\"",
                                            "\"--5\"", "true", "false", "\"true\"", "\"1e\"", "\"\\u0031\\u0000\""};
            for (size_t j = 0; j < k; j++)
                set_values(&rs.r[pickv[j]], PICK(num_keys), PICK(v));
            bad = (long)k;
            snprintf(desc, sizeof desc, "not a number in %zu records", k);
            break;
        }
        case 1:
            for (size_t j = 0; j < k; j++) {
                char v[64];
                snprintf(v, sizeof v, "\"%s\"", PICK(bad_dates));
                if (v[1] == '"') /* the quoted date of the CSV list */
                    snprintf(v, sizeof v, "\"2026-02-30\"");
                set_values(&rs.r[pickv[j]], "license_start", v);
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "invalid dates in %zu records", k);
            break;
        case 2: {
            static const char *const v[] = {"{\"a\": 1}", "[1, 2]", "[]", "{}", "[[[]]]", "{\"licenses_sold\": 5}"};
            for (size_t j = 0; j < k; j++)
                set_values(&rs.r[pickv[j]], PICK(all_keys), PICK(v));
            bad = (long)k;
            snprintf(desc, sizeof desc, "a list or object as a value in %zu records", k);
            break;
        }
        case 3:
            for (size_t j = 0; j < k; j++) {
                const char *key = PICK(all_keys);
                if (rn(2))
                    set_values(&rs.r[pickv[j]], key, "null");
                else
                    drop_key(&rs.r[pickv[j]], key);
            }
            snprintf(desc, sizeof desc, "null or absent keys in %zu records", k);
            break;
        case 4:
            for (size_t j = 0; j < k; j++)
                set_values(&rs.r[pickv[j]], PICK(num_keys), PICK(json_negatives));
            snprintf(desc, sizeof desc, "negative numbers in %zu records", k);
            break;
        case 5:
            for (size_t j = 0; j < k; j++)
                set_values(&rs.r[pickv[j]], PICK(num_keys), rn(2) ? "1e400" : "-1e400");
            bad = (long)k;
            snprintf(desc, sizeof desc, "numbers beyond the range of a double (1e400) in %zu records", k);
            break;
        case 6: {
            static const char *const v[] = {"null", "\"\"", "absent"};
            for (size_t j = 0; j < k; j++) {
                const char *x = PICK(v);
                if (strcmp(x, "absent") == 0)
                    drop_key(&rs.r[pickv[j]], "account_id");
                else
                    set_values(&rs.r[pickv[j]], "account_id", x);
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "no account id (null, empty or absent) in %zu records", k);
            break;
        }
        case 7:
        case 8: { /* NDJSON: one damaged line is one bad record */
            static const char *const how[] = {"no closing brace", "an extra closing brace", "a ] for the }", "an extra {",
                                              "no opening brace", "a missing quote", "a stray comma at the end"};
            int h = (int)rn(sizeof how / sizeof how[0]);
            buf *r = &rs.r[pickv[0]];
            switch (h) {
            case 0: r->len--; r->p[r->len] = '\0'; break;
            case 1: b_putc(r, '}'); break;
            case 2: r->p[r->len - 1] = ']'; break;
            case 3: b_splice(r, 0, 0, "{", 1); break;
            case 4: b_splice(r, 0, 1, "", 0); break;
            case 5: b_splice(r, 1, 1, "", 0); break;
            default: b_putc(r, ','); break;
            }
            bad = 1;
            snprintf(desc, sizeof desc, "NDJSON line %zu: %s", pickv[0] + 1, how[h]);
            break;
        }
        case 9: { /* truncated anywhere */
            out = write_json(&rs, container, sep);
            size_t cut = rn(out.len);
            out.len = cut;
            out.p[cut] = '\0';
            records = bad = -1;
            written = 1;
            snprintf(desc, sizeof desc, "truncated at byte %zu", cut);
            break;
        }
        case 10: { /* truncated inside a record */
            out = write_json(&rs, container, sep);
            size_t cut = out.len - 5 - rn(out.len / 3);
            while (cut > 0 && (out.p[cut] == '\n' || out.p[cut - 1] == '\n' || out.p[cut - 1] == '}'))
                cut--;
            out.len = cut;
            out.p[cut] = '\0';
            records = bad = -1;
            written = 1;
            snprintf(desc, sizeof desc, "truncated inside a record at byte %zu", cut);
            break;
        }
        case 11: {
            out = write_json(&rs, container, sep);
            size_t n = 1 + rn(10);
            for (size_t x = 0; x < n; x++)
                out.p[rn(out.len)] = nasty_byte();
            records = bad = -1;
            written = 1;
            snprintf(desc, sizeof desc, "%zu random bytes replaced", n);
            break;
        }
        case 12:
            out = write_json(&rs, container, sep);
            b_splice(&out, 0, 0, "\xEF\xBB\xBF", 3);
            written = 1;
            snprintf(desc, sizeof desc, "a byte order mark at the start");
            break;
        case 13:
            b_splice(&rs.r[pickv[0] == 0 ? 1 : pickv[0]], 0, 0, "\xEF\xBB\xBF", 3);
            bad = -1; /* cJSON skips a byte order mark: either answer is honest */
            snprintf(desc, sizeof desc, "a byte order mark before record %zu", (pickv[0] == 0 ? 1 : pickv[0]) + 1);
            break;
        case 14:
            sep = rn(2) ? "\r\n" : "\r\n\r\n";
            snprintf(desc, sizeof desc, "CRLF line ends");
            break;
        case 15:
            for (size_t j = 0; j < k; j++) {
                size_t at, len;
                buf *r = &rs.r[pickv[j]];
                if (find_value(r, "account_id", &at, &len))
                    b_splice(r, at + 1 + rn(len - 1), 0, "\0", 1);
            }
            records = nrec;
            bad = -1;
            snprintf(desc, sizeof desc, "a raw NUL byte inside %zu ids", k);
            break;
        case 16:
        case 17: {
            size_t n = 10u << 20;
            buf v = {0};
            b_reserve(&v, n + 2);
            v.p[0] = '"';
            for (size_t x = 1; x < n; x++)
                v.p[x] = x % 1000 == 0 ? ',' : (char)('a' + x % 26);
            v.p[n] = '"';
            v.len = n + 1;
            v.p[v.len] = '\0';
            set_value(&rs.r[pickv[0]], kind == 16 ? "account_id" : PICK(num_keys), v.p, v.len);
            b_free(&v);
            bad = kind == 17;
            snprintf(desc, sizeof desc, "a 10 MB string as the %s of record %zu", kind == 16 ? "id" : "number", pickv[0] + 1);
            break;
        }
        case 18: {
            buf v = {0};
            size_t depth = 1000 + rn(100000);
            b_repeat(&v, "[", depth);
            b_repeat(&v, "]", depth);
            set_value(&rs.r[pickv[0]], PICK(all_keys), v.p, v.len);
            b_free(&v);
            bad = 1;
            snprintf(desc, sizeof desc, "%zu nested lists as a value in record %zu", depth, pickv[0] + 1);
            break;
        }
        case 19:
            for (size_t j = 0; j < k; j++)
                add_key(&rs.r[pickv[j]], rn(2) ? ",\"unknown\":{\"x\":[1,{\"y\":null}]}" : ",\"other\":\"}]\\\"\"");
            snprintf(desc, sizeof desc, "unknown keys in %zu records", k);
            break;
        case 20: { /* the accounts array among other keys */
            out = write_json(&rs, ARRAY, sep);
            b_splice(&out, 0, 0, "{\"meta\": {\"accounts\": 1, \"x\": [\"]\", {}]}, \"accounts\": ", 53);
            b_puts(&out, ", \"after\": [1, 2]}\n");
            written = 1;
            snprintf(desc, sizeof desc, "{\"meta\": ..., \"accounts\": [...], \"after\": ...}");
            break;
        }
        case 21: {
            static const char *const ids[] = {"\"\\u00e9t\\u00e9\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\u0000b\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
                                              "\"\\uZZZZ\"", "\"\\x41\"", "\"\xFF\xFE\""};
            for (size_t j = 0; j < k; j++)
                set_values(&rs.r[pickv[j]], "account_id", PICK(ids));
            bad = -1;
            snprintf(desc, sizeof desc, "escapes and bad escapes in %zu ids", k);
            break;
        }
        case 22: {
            static const char *const v[] = {"\"12\"", "\" 12 \"", "\"1e3\"", "+5", "0012", ".5", "5.", "1.5e-3", "1E2", "-0"};
            for (size_t j = 0; j < k; j++)
                set_values(&rs.r[pickv[j]], PICK(num_keys), PICK(v));
            bad = -1;
            snprintf(desc, sizeof desc, "numbers as strings and odd spellings in %zu records", k);
            break;
        }
        case 23:
            for (size_t j = 0; j < k; j++)
                add_key(&rs.r[pickv[j]], ",\"licenses_sold\":7,\"tier\":\"free\"");
            bad = -1;
            snprintf(desc, sizeof desc, "keys repeated in %zu records", k);
            break;
        case 24:
            for (size_t j = 0; j < k; j++) {
                buf *r = &rs.r[pickv[j]];
                char *p = strstr(r->p, "\"tier\"");
                if (p) {
                    p[0] = '\'';
                    p[5] = '\'';
                }
            }
            bad = (long)k;
            snprintf(desc, sizeof desc, "single-quoted keys in %zu records", k);
            break;
        default: /* 25 */
            for (size_t j = 0; j < k; j++)
                set_values(&rs.r[pickv[j]], PICK(num_keys), PICK(big_ok));
            snprintf(desc, sizeof desc, "huge, tiny and long numbers in %zu records", k);
            break;
        }
        if (!written)
            out = write_json(&rs, container, sep);
        emit(name, &out, records, bad, "%s: %s", container_name[kind == 20 ? WRAPPED : container], desc);
        b_free(&out);
        free_recs(&rs);
    }
    b_free(&b);
    free(pickv);
    free_recs(&base);
#undef NEXT
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: mutate policy|csv|json SRC OUTDIR SEED COUNT\n");
        return 2;
    }
    outdir = argv[3];
    uint64_t seed = strtoull(argv[4], NULL, 10);
    long count = strtol(argv[5], NULL, 10);
    buf src = load(argv[2]);
    if (strcmp(argv[1], "policy") == 0)
        gen_policies(&src, seed, count);
    else if (strcmp(argv[1], "csv") == 0)
        gen_csv(&src, seed, count);
    else if (strcmp(argv[1], "json") == 0)
        gen_json(&src, seed, count);
    else
        die("unknown mode");
    b_free(&src);
    return 0;
}
