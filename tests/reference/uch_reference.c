/*
 * uch_reference.c -- an independent reference implementation of the shipped
 * policy rules/gitlab/use_case_health.rules (seed 000).
 *
 * It is written from the table in SPEC.md ("rules/gitlab/use_case_health.rules
 * (seed 000)") alone and shares no code with the interpreter: its own CSV
 * reader, its own date arithmetic, and its own exact decimal comparison.  The
 * test suite runs it and rubric on the same accounts and diffs the outputs.
 *
 *   uch_reference --as-of YYYY-MM-DD < accounts.csv > scores.csv
 *
 * Input: RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF, optional UTF-8
 * BOM) with a header naming the columns in any order; unknown columns are
 * ignored, every column of the policy must be present.  An empty cell is na.
 *
 * Output: CSV, the account id then one column per output, one row per
 * account in input order; a band prints its name, na an empty cell.
 *
 * Exactness: every number is kept as a decimal digit string times a power of
 * ten, never as a double.  "ratio a/b against p%" is decided by comparing a
 * with b*p*10^-2 digit by digit (the sign of b flips the answer), so 0.35 of 7
 * is exactly 5% and 15 of 300 exactly 5%, at any magnitude.
 *
 * Errors (malformed CSV, a number cell that is not a number, a date that is
 * not a valid YYYY-MM-DD, a missing column): a message naming the record on
 * stderr and exit status 2.  Crosscheck data must be clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Small utilities                                                          */

static const char *g_prog = "uch_reference";

static _Noreturn void die(const char *msg)
{
    fprintf(stderr, "%s: %s\n", g_prog, msg);
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory");
    return q;
}

/* A growable NUL-terminated byte buffer. */
typedef struct {
    char *p;
    size_t len, cap;
} Buf;

static void buf_push(Buf *b, char c)
{
    if (b->len + 2 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->p = xrealloc(b->p, b->cap);
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

static void buf_clear(Buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Exact decimals                                                           */

/*
 * A decimal is sign * D * 10^exp where D is the digit string dig[0..n),
 * normalised: no leading and no trailing zeros (zero has n == 0, sign 0).
 */
typedef struct {
    int sign;       /* -1, 0, +1 */
    char *dig;      /* malloc'd, '0'..'9', not NUL-terminated */
    size_t n;
    long long exp;
} Dec;

static void dec_free(Dec *d)
{
    free(d->dig);
    d->dig = NULL;
    d->n = 0;
}

/* Strip leading and trailing zeros; sets sign 0 when nothing is left. */
static void dec_normalise(Dec *d)
{
    size_t lead = 0;
    while (lead < d->n && d->dig[lead] == '0')
        lead++;
    if (lead) {
        memmove(d->dig, d->dig + lead, d->n - lead);
        d->n -= lead;
    }
    while (d->n > 0 && d->dig[d->n - 1] == '0') {
        d->n--;
        d->exp++;
    }
    if (d->n == 0) {
        d->sign = 0;
        d->exp = 0;
    }
}

#define EXP_LIMIT 100000LL

/*
 * Parse s as a number: [+-]? digits? ('.' digits?)? ([eE] [+-]? digits)?
 * with at least one mantissa digit.  Returns 0 on success, -1 if s is not a
 * number.  No whitespace, no "nan"/"inf", no thousands separators.
 */
static int dec_parse(const char *s, Dec *out)
{
    Dec d = {1, NULL, 0, 0};
    size_t len = strlen(s), i = 0, ndig = 0, nfrac = 0;

    d.dig = xrealloc(NULL, len + 1);
    if (s[i] == '+' || s[i] == '-') {
        if (s[i] == '-')
            d.sign = -1;
        i++;
    }
    while (s[i] >= '0' && s[i] <= '9') {
        d.dig[d.n++] = s[i++];
        ndig++;
    }
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9') {
            d.dig[d.n++] = s[i++];
            ndig++;
            nfrac++;
        }
    }
    if (ndig == 0) {
        dec_free(&d);
        return -1;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        int esign = 1;
        long long e = 0;
        size_t edig = 0;
        i++;
        if (s[i] == '+' || s[i] == '-') {
            if (s[i] == '-')
                esign = -1;
            i++;
        }
        while (s[i] >= '0' && s[i] <= '9') {
            if (e < EXP_LIMIT)
                e = e * 10 + (s[i] - '0');
            i++;
            edig++;
        }
        if (edig == 0 || e >= EXP_LIMIT) {
            dec_free(&d);
            return -1;
        }
        d.exp = esign * e;
    }
    if (s[i] != '\0') {
        dec_free(&d);
        return -1;
    }
    d.exp -= (long long)nfrac;
    dec_normalise(&d);
    *out = d;
    return 0;
}

/* |a| compared with |b|: -1, 0, +1.  Both normalised and nonzero. */
static int dec_cmp_mag(const Dec *a, const Dec *b)
{
    /* Position just above the most significant digit. */
    long long ta = (long long)a->n + a->exp;
    long long tb = (long long)b->n + b->exp;
    size_t i, n;

    if (ta != tb)
        return ta < tb ? -1 : 1;
    n = a->n > b->n ? a->n : b->n;
    for (i = 0; i < n; i++) {
        char ca = i < a->n ? a->dig[i] : '0';
        char cb = i < b->n ? b->dig[i] : '0';
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

/* a compared with b: -1, 0, +1. */
static int dec_cmp(const Dec *a, const Dec *b)
{
    int m;
    if (a->sign != b->sign)
        return a->sign < b->sign ? -1 : 1;
    if (a->sign == 0)
        return 0;
    m = dec_cmp_mag(a, b);
    return a->sign > 0 ? m : -m;
}

/* a * k for a small non-negative k, as a new normalised decimal. */
static Dec dec_mul_small(const Dec *a, unsigned k)
{
    Dec r = {a->sign, NULL, 0, a->exp};
    size_t cap = a->n + 12, pos = cap, i;
    unsigned long carry = 0;
    char *tmp = xrealloc(NULL, cap);

    for (i = a->n; i-- > 0;) {
        unsigned long v = (unsigned long)(a->dig[i] - '0') * k + carry;
        tmp[--pos] = (char)('0' + v % 10);
        carry = v / 10;
    }
    while (carry) {
        tmp[--pos] = (char)('0' + carry % 10);
        carry /= 10;
    }
    r.n = cap - pos;
    r.dig = xrealloc(NULL, r.n + 1);
    memcpy(r.dig, tmp + pos, r.n);
    free(tmp);
    if (k == 0)
        r.n = 0;
    dec_normalise(&r);
    return r;
}

/*
 * The sign of (num / den) - (pct / 100), exactly.  den must be nonzero.
 * num/den - p/100 has the sign of (num - den*p/100) times the sign of den.
 */
static int ratio_vs_pct(const Dec *num, const Dec *den, unsigned pct)
{
    Dec y = dec_mul_small(den, pct);
    int c;
    if (y.sign != 0)
        y.exp -= 2;
    c = dec_cmp(num, &y);
    dec_free(&y);
    return den->sign < 0 ? -c : c;
}

/* ------------------------------------------------------------------------ */
/* Dates                                                                    */

/* lower(trim(deployment)) = "self-managed": ASCII white space and the
 * no-break space (C2 A0) off both ends, A-Z compared as a-z. */
static int is_self_managed(const char *s)
{
    static const char want[] = "self-managed";
    size_t b = 0, e = strlen(s);
    for (;;) {
        if (b < e && (s[b] == ' ' || (s[b] >= '\t' && s[b] <= '\r')))
            b++;
        else if (b + 1 < e && (unsigned char)s[b] == 0xC2 && (unsigned char)s[b + 1] == 0xA0)
            b += 2;
        else
            break;
    }
    for (;;) {
        if (e > b && (s[e - 1] == ' ' || (s[e - 1] >= '\t' && s[e - 1] <= '\r')))
            e--;
        else if (e >= b + 2 && (unsigned char)s[e - 1] == 0xA0 && (unsigned char)s[e - 2] == 0xC2)
            e -= 2;
        else
            break;
    }
    if (e - b != sizeof want - 1)
        return 0;
    for (size_t i = 0; i < e - b; i++) {
        char c = s[b + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != want[i])
            return 0;
    }
    return 1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Parse exactly YYYY-MM-DD, a real calendar day.  Returns 0 or -1. */
static int date_parse(const char *s, int *y, int *m, int *d)
{
    int i;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

/* A date as one comparable integer (year may go to -1 after subtraction). */
static long date_key(int y, int m, int d)
{
    return (long)y * 10000L + m * 100L + d;
}

/* date - 1 calendar month, clamped to the end of the shorter month. */
static long date_minus_one_month(int y, int m, int d)
{
    if (--m == 0) {
        m = 12;
        y--;
    }
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    return date_key(y, m, d);
}

/* ------------------------------------------------------------------------ */
/* CSV reader                                                               */

typedef struct {
    FILE *in;
    int pushback[4];
    int npush;
    long line;          /* physical line of the next byte, 1-based */
    long record_line;   /* line on which the current record started */
    Buf *fields;
    size_t nfields, capfields;
} Csv;

static int csv_getc(Csv *c)
{
    if (c->npush > 0)
        return c->pushback[--c->npush];
    return getc(c->in);
}

static void csv_ungetc(Csv *c, int ch)
{
    c->pushback[c->npush++] = ch;
}

static Buf *csv_new_field(Csv *c)
{
    if (c->nfields == c->capfields) {
        size_t old = c->capfields;
        c->capfields = old ? old * 2 : 16;
        c->fields = xrealloc(c->fields, c->capfields * sizeof *c->fields);
        memset(c->fields + old, 0, (c->capfields - old) * sizeof *c->fields);
    }
    buf_clear(&c->fields[c->nfields]);
    buf_push(&c->fields[c->nfields], 'x');   /* make sure p is allocated */
    buf_clear(&c->fields[c->nfields]);
    return &c->fields[c->nfields++];
}

/* Skip a UTF-8 byte order mark at the very start of the input. */
static void csv_skip_bom(Csv *c)
{
    int a = csv_getc(c), b, d;
    if (a != 0xEF) {
        if (a != EOF)
            csv_ungetc(c, a);
        return;
    }
    b = csv_getc(c);
    if (b == 0xBB) {
        d = csv_getc(c);
        if (d == 0xBF)
            return;
        if (d != EOF)
            csv_ungetc(c, d);
    }
    if (b != EOF)
        csv_ungetc(c, b);
    csv_ungetc(c, a);
}

/*
 * Read one record.  Returns 1 when a record was read, 0 at end of input,
 * and -1 on malformed CSV with *err set.
 */
static int csv_read(Csv *c, const char **err)
{
    int ch = csv_getc(c);
    Buf *f;

    c->nfields = 0;
    c->record_line = c->line;
    if (ch == EOF)
        return 0;
    for (;;) {
        f = csv_new_field(c);
        if (ch == '"') {
            for (;;) {
                ch = csv_getc(c);
                if (ch == EOF) {
                    *err = "unterminated quoted field";
                    return -1;
                }
                if (ch == '"') {
                    ch = csv_getc(c);
                    if (ch != '"')
                        break;
                } else if (ch == '\n') {
                    c->line++;
                }
                buf_push(f, (char)ch);
            }
            if (ch != ',' && ch != '\r' && ch != '\n' && ch != EOF) {
                *err = "text after the closing quote of a field";
                return -1;
            }
        } else {
            while (ch != ',' && ch != '\r' && ch != '\n' && ch != EOF) {
                if (ch == '"') {
                    *err = "quote inside an unquoted field";
                    return -1;
                }
                buf_push(f, (char)ch);
                ch = csv_getc(c);
            }
        }
        if (ch == ',') {
            ch = csv_getc(c);
            continue;
        }
        if (ch == '\r') {
            ch = csv_getc(c);
            if (ch != '\n') {
                *err = "carriage return not followed by a line feed";
                return -1;
            }
        }
        if (ch == '\n')
            c->line++;
        return 1;
    }
}

/* ------------------------------------------------------------------------ */
/* The policy                                                               */

enum col {
    C_ACCOUNT_ID,
    C_TIER,
    C_DEPLOYMENT,
    C_LICENSE_START,
    C_LICENSES_SOLD,
    C_BILLABLE_USERS,
    C_ACTIVE_USERS,
    C_GIT_OPS_USERS,
    C_CI_PIPELINE_USERS,
    C_DEPLOYMENTS,
    C_DEPLOYMENT_USERS,
    C_SECURE_SCANNER_USERS,
    C_CONTAINER_SCANNING_USERS,
    C_SECRET_DETECTION_USERS,
    NCOLS
};

static const char *const COL_NAMES[NCOLS] = {
    "account_id",
    "tier",
    "deployment",
    "license_start",
    "licenses_sold",
    "billable_users",
    "active_users_l28d",
    "git_ops_users_l28d",
    "ci_pipeline_users_l28d",
    "deployments_l28d",
    "deployment_users_l28d",
    "secure_scanner_users_l28d",
    "container_scanning_users_l28d",
    "secret_detection_users_l28d",
};

/* Which columns hold numbers (validated on every record, used or not). */
static int col_is_number(int c)
{
    return c >= C_LICENSES_SOLD;
}

enum band { NA = -1, RED = 0, YELLOW = 1, GREEN = 2 };

static const char *const BAND_NAMES[3] = {"red", "yellow", "green"};

/*
 * How the red edge is written in the table: "< t1" (red below t1, yellow
 * from t1 on) or "<= t1" (red up to and including t1, yellow above it).
 * The yellow/green edge is "< t2" / ">= t2" in every row.
 */
enum red_edge { RED_LT, RED_LE };

typedef struct {
    const char *name;
    int num, den;            /* columns */
    unsigned t1, t2;         /* percent */
    enum red_edge edge;
    int use_case_measure;    /* na while onboarding */
    int self_managed_only;   /* na unless deployment is self-managed (any case, spaces around) */
} Measure;

enum {
    M_USER_ENGAGEMENT,
    M_SCM_GIT_OPS,
    M_CI_PIPELINES,
    M_CI_DEPLOYMENTS_PER_USER,
    M_CI_DEPLOYMENT_USERS,
    M_DEVSECOPS_SCANNERS,
    M_DEVSECOPS_CONTAINER_SCANNING,
    M_DEVSECOPS_SECRET_DETECTION,
    M_CD_DEPLOYMENT_USERS,
    NMEASURES
};

/* The SPEC table, row by row. */
static const Measure MEASURES[NMEASURES] = {
    {"user_engagement", C_ACTIVE_USERS, C_BILLABLE_USERS, 50, 80, RED_LT, 0, 1},
    {"scm_git_ops", C_GIT_OPS_USERS, C_LICENSES_SOLD, 25, 50, RED_LT, 1, 0},
    {"ci_pipelines", C_CI_PIPELINE_USERS, C_LICENSES_SOLD, 25, 50, RED_LT, 1, 0},
    {"ci_deployments_per_user", C_DEPLOYMENTS, C_LICENSES_SOLD, 3, 8, RED_LT, 1, 0},
    {"ci_deployment_users", C_DEPLOYMENT_USERS, C_LICENSES_SOLD, 5, 12, RED_LT, 1, 0},
    {"devsecops_scanners", C_SECURE_SCANNER_USERS, C_LICENSES_SOLD, 5, 20, RED_LE, 1, 0},
    {"devsecops_container_scanning", C_CONTAINER_SCANNING_USERS, C_LICENSES_SOLD, 3, 10, RED_LE, 1, 0},
    {"devsecops_secret_detection", C_SECRET_DETECTION_USERS, C_LICENSES_SOLD, 6, 20, RED_LE, 1, 0},
    {"cd_deployment_users", C_DEPLOYMENT_USERS, C_LICENSES_SOLD, 5, 10, RED_LT, 1, 0},
};

enum { U_SCM, U_CI, U_DEVSECOPS, U_CD, NUSECASES };

typedef struct {
    const char *name;
    int members[3];
    int nmembers;
} UseCase;

static const UseCase USECASES[NUSECASES] = {
    {"scm", {M_SCM_GIT_OPS, 0, 0}, 1},
    {"ci", {M_CI_PIPELINES, M_CI_DEPLOYMENTS_PER_USER, M_CI_DEPLOYMENT_USERS}, 3},
    {"devsecops",
     {M_DEVSECOPS_SCANNERS, M_DEVSECOPS_CONTAINER_SCANNING, M_DEVSECOPS_SECRET_DETECTION},
     3},
    {"cd", {M_CD_DEPLOYMENT_USERS, 0, 0}, 1},
};

/* A measure's band from its ratio num/den. */
static enum band band_of_ratio(const Measure *m, const Dec *num, const Dec *den)
{
    int c1 = ratio_vs_pct(num, den, m->t1);
    int c2 = ratio_vs_pct(num, den, m->t2);
    if (m->edge == RED_LT ? c1 < 0 : c1 <= 0)
        return RED;
    if (c2 < 0)
        return YELLOW;
    return GREEN;
}

/* Measure score: red 0, yellow 50, green 100. */
static int band_score(enum band b)
{
    return b == GREEN ? 100 : b == YELLOW ? 50 : 0;
}

/*
 * Use case band: the mean of the non-na member scores, green at >= 75,
 * yellow at >= 40, else red; decided exactly as sum >= 75 * count.
 */
static enum band usecase_band(const UseCase *u, const enum band *mb)
{
    int i, sum = 0, count = 0;
    for (i = 0; i < u->nmembers; i++) {
        enum band b = mb[u->members[i]];
        if (b == NA)
            continue;
        sum += band_score(b);
        count++;
    }
    if (count == 0)
        return NA;
    if (sum >= 75 * count)
        return GREEN;
    if (sum >= 40 * count)
        return YELLOW;
    return RED;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */

static void put_id(const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void put_band(enum band b)
{
    putchar(',');
    if (b != NA)
        fputs(BAND_NAMES[b], stdout);
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                   */

static _Noreturn void record_error(long recno, long line, const char *id, const char *col,
                         const char *what, const char *value)
{
    fprintf(stderr, "%s: record %ld (line %ld", g_prog, recno, line);
    if (id)
        fprintf(stderr, ", account_id '%s'", id);
    fprintf(stderr, "): ");
    if (col)
        fprintf(stderr, "column '%s': ", col);
    fprintf(stderr, "%s", what);
    if (value)
        fprintf(stderr, ": '%s'", value);
    fputc('\n', stderr);
    exit(2);
}

static void usage(FILE *to)
{
    fprintf(to, "usage: %s --as-of YYYY-MM-DD < accounts.csv > scores.csv\n", g_prog);
}

int main(int argc, char **argv)
{
    const char *as_of = NULL;
    int ay, am, ad, i, c;
    long onboarding_edge;
    Csv csv;
    const char *err = NULL;
    int colidx[NCOLS];
    size_t nheader;
    long recno = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
            as_of = argv[++i];
        } else if (strncmp(argv[i], "--as-of=", 8) == 0) {
            as_of = argv[i] + 8;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!as_of) {
        usage(stderr);
        return 2;
    }
    if (date_parse(as_of, &ay, &am, &ad) != 0) {
        fprintf(stderr, "%s: --as-of: not a valid YYYY-MM-DD date: '%s'\n", g_prog, as_of);
        return 2;
    }
    /* onboarding when license_start > as_of - 1 month */
    onboarding_edge = date_minus_one_month(ay, am, ad);

    memset(&csv, 0, sizeof csv);
    csv.in = stdin;
    csv.line = 1;
    csv_skip_bom(&csv);

    /* Header. */
    switch (csv_read(&csv, &err)) {
    case 0:
        die("empty input: no header line");
        break;
    case -1:
        fprintf(stderr, "%s: header (line %ld): %s\n", g_prog, csv.record_line, err);
        return 2;
    default:
        break;
    }
    nheader = csv.nfields;
    for (c = 0; c < NCOLS; c++)
        colidx[c] = -1;
    for (i = 0; (size_t)i < nheader; i++) {
        for (c = 0; c < NCOLS; c++) {
            if (strcmp(csv.fields[i].p, COL_NAMES[c]) != 0)
                continue;
            if (colidx[c] >= 0) {
                fprintf(stderr, "%s: header: column '%s' appears twice\n", g_prog, COL_NAMES[c]);
                return 2;
            }
            colidx[c] = i;
        }
    }
    for (c = 0; c < NCOLS; c++) {
        if (colidx[c] < 0) {
            fprintf(stderr, "%s: header: missing column '%s'\n", g_prog, COL_NAMES[c]);
            return 2;
        }
    }

    fputs("account_id", stdout);
    for (i = 0; i < NMEASURES; i++)
        printf(",%s", MEASURES[i].name);
    for (i = 0; i < NUSECASES; i++)
        printf(",%s", USECASES[i].name);
    fputs(",use_case_adoption_count\n", stdout);

    for (;;) {
        const char *cell[NCOLS];
        Dec num[NCOLS];
        int have[NCOLS];
        enum band mb[NMEASURES], ub[NUSECASES];
        int onboarding = 0, self_managed, any_uc = 0, greens = 0;
        int r = csv_read(&csv, &err);

        if (r == 0)
            break;
        recno++;
        if (r < 0)
            record_error(recno, csv.record_line, NULL, NULL, err, NULL);
        if (csv.nfields != nheader) {
            char what[96];
            snprintf(what, sizeof what, "%zu fields, the header has %zu", csv.nfields, nheader);
            record_error(recno, csv.record_line, NULL, NULL, what, NULL);
        }
        for (c = 0; c < NCOLS; c++)
            cell[c] = csv.fields[colidx[c]].p;

        /* Validate and convert every typed cell. */
        for (c = 0; c < NCOLS; c++) {
            have[c] = 0;
            if (!col_is_number(c) || cell[c][0] == '\0')
                continue;
            if (dec_parse(cell[c], &num[c]) != 0)
                record_error(recno, csv.record_line, cell[C_ACCOUNT_ID], COL_NAMES[c],
                             "not a number", cell[c]);
            have[c] = 1;
        }
        if (cell[C_LICENSE_START][0] != '\0') {
            int y, m, d;
            if (date_parse(cell[C_LICENSE_START], &y, &m, &d) != 0)
                record_error(recno, csv.record_line, cell[C_ACCOUNT_ID], "license_start",
                             "not a valid YYYY-MM-DD date", cell[C_LICENSE_START]);
            /* A missing license_start is not onboarding (na is not true). */
            onboarding = date_key(y, m, d) > onboarding_edge;
        }
        self_managed = is_self_managed(cell[C_DEPLOYMENT]);

        /* Measures. */
        for (i = 0; i < NMEASURES; i++) {
            const Measure *m = &MEASURES[i];
            mb[i] = NA;
            if (m->use_case_measure && onboarding)
                continue;
            if (m->self_managed_only && !self_managed)
                continue;
            if (!have[m->num] || !have[m->den] || num[m->den].sign == 0)
                continue;
            mb[i] = band_of_ratio(m, &num[m->num], &num[m->den]);
        }

        /* Use cases and the adoption count. */
        for (i = 0; i < NUSECASES; i++) {
            ub[i] = usecase_band(&USECASES[i], mb);
            if (ub[i] != NA)
                any_uc = 1;
            if (ub[i] == GREEN)
                greens++;
        }

        put_id(cell[C_ACCOUNT_ID]);
        for (i = 0; i < NMEASURES; i++)
            put_band(mb[i]);
        for (i = 0; i < NUSECASES; i++)
            put_band(ub[i]);
        putchar(',');
        if (any_uc)
            printf("%d", greens);
        putchar('\n');

        for (c = 0; c < NCOLS; c++)
            if (have[c])
                dec_free(&num[c]);
    }

    for (i = 0; (size_t)i < csv.capfields; i++)
        free(csv.fields[i].p);
    free(csv.fields);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror(g_prog);
        return 2;
    }
    return 0;
}
