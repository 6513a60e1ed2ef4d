/*
 * gen_accounts — synthetic account exports for the GitLab use-case health policy
 * (rules/gitlab/use_case_health.rules, seed 000).
 *
 *   gen_accounts [--count N] [--seed S] [--format csv|ndjson|json] [--as-of YYYY-MM-DD]
 *
 * The same seed gives the same accounts whatever the format, so a CSV and an NDJSON sample
 * made with one seed describe one population. Most accounts are drawn to look like a real
 * export (log-spread licence counts, usage spread over every red/yellow/green band); the rest
 * are the cases a scorer gets wrong: values exactly on each threshold and one either side,
 * empty cells, zero denominators, ratios above 100%, licence starts around the onboarding edge.
 *
 * Only libc, no floating-point library calls, one big output buffer: a million accounts take
 * well under a second, so the benchmark measures the scorer and not this program.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- columns ---------------------------------------------------------------------------- */

enum {
    C_ID, C_TIER, C_DEPLOY, C_START,
    C_LICENSES, C_BILLABLE, C_ACTIVE, C_GITOPS, C_CIPIPE, C_DEPLOYS, C_DEPUSERS,
    C_SCANNER, C_CONTAINER, C_SECRET,
    NCOL
};

static const char *const col_name[NCOL] = {
    "account_id", "tier", "deployment", "license_start",
    "licenses_sold", "billable_users", "active_users_l28d", "git_ops_users_l28d",
    "ci_pipeline_users_l28d", "deployments_l28d", "deployment_users_l28d",
    "secure_scanner_users_l28d", "container_scanning_users_l28d", "secret_detection_users_l28d",
};

enum { TIER_PREMIUM, TIER_ULTIMATE, TIER_FREE };
static const char *const tier_name[] = { "premium", "ultimate", "free" };

enum { DEP_SELF_MANAGED, DEP_SAAS, DEP_DEDICATED };
static const char *const deploy_name[] = { "self-managed", "saas", "dedicated" };

typedef struct {
    uint64_t id;
    int tier, deploy;
    int64_t start;            /* license_start, days since 1970-01-01 */
    int64_t n[NCOL];          /* counts, indexed C_LICENSES..C_SECRET */
    unsigned missing;         /* bit c set: column c is an empty cell */
} account;

/* ---- PRNG: splitmix64, so a seed means the same accounts on every platform ------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n); the modulo bias is far below anything this data cares about. */
static uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

/* ---- civil dates (proleptic Gregorian), after Howard Hinnant's days_from_civil ------------- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Calendar-month arithmetic clamps to the month end (2026-03-31 - 1 month = 2026-02-28), the
 * rule SPEC gives for durations; the onboarding edge is computed this way. */
static int64_t add_months(int64_t day, int months)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    int64_t idx = (int64_t)y * 12 + (m - 1) + months;
    int64_t ny = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
    int nm = (int)(idx - ny * 12) + 1;
    int dim = days_in_month((int)ny, nm);
    return days_from_civil(ny, nm, d > dim ? dim : d);
}

/* Strict YYYY-MM-DD: a typo in --as-of must not quietly shift every onboarding decision. */
static int parse_date(const char *s, int64_t *out)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int v[3] = { 0, 0, 0 }, field = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            field++;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v[field] = v[field] * 10 + (s[i] - '0');
    }
    if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month(v[0], v[1]))
        return -1;
    *out = days_from_civil(v[0], v[1], v[2]);
    return 0;
}

/* ---- output buffer ------------------------------------------------------------------------ */

/* One record is well under RECORD_MAX bytes in every format, so a record reserves its space
 * once and then writes without bounds checks. */
enum { OUT_SIZE = 1 << 20, RECORD_MAX = 2048 };
static char out_buf[OUT_SIZE];
static size_t out_len;

static void out_flush(void)
{
    if (out_len && fwrite(out_buf, 1, out_len, stdout) != out_len) {
        perror("gen_accounts: write");
        exit(1);
    }
    out_len = 0;
}

static void out_reserve(void)
{
    if (out_len + RECORD_MAX > OUT_SIZE)
        out_flush();
}

static void put_mem(const char *s, size_t n)
{
    memcpy(out_buf + out_len, s, n);
    out_len += n;
}

static void put_str(const char *s)
{
    put_mem(s, strlen(s));
}

static void put_char(char c)
{
    out_buf[out_len++] = c;
}

static void put_u64_width(uint64_t v, int min_width)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while ((int)sizeof tmp - i < min_width)
        tmp[--i] = '0';
    put_mem(tmp + i, sizeof tmp - (size_t)i);
}

static void put_date(int64_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    put_u64_width((uint64_t)y, 4);
    put_char('-');
    put_u64_width((uint64_t)m, 2);
    put_char('-');
    put_u64_width((uint64_t)d, 2);
}

/* The text values come from fixed tables and never need quoting today; quoting by the
 * RFC 4180 rule keeps the CSV valid if a table ever gains a comma or quote. */
static void put_csv_text(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        put_str(s);
        return;
    }
    put_char('"');
    for (; *s; s++) {
        if (*s == '"')
            put_char('"');
        put_char(*s);
    }
    put_char('"');
}

/* ---- record emitters ---------------------------------------------------------------------- */

enum format { FMT_CSV, FMT_NDJSON, FMT_JSON };

static void put_id(uint64_t id)
{
    put_str("ACC-");
    put_u64_width(id, 6);
}

static void emit_csv_header(void)
{
    for (int c = 0; c < NCOL; c++) {
        if (c)
            put_char(',');
        put_str(col_name[c]);
    }
    put_char('\n');
}

static void emit_csv(const account *a)
{
    put_id(a->id);
    for (int c = 1; c < NCOL; c++) {
        put_char(',');
        if (a->missing & (1u << c))
            continue;
        if (c == C_TIER)
            put_csv_text(tier_name[a->tier]);
        else if (c == C_DEPLOY)
            put_csv_text(deploy_name[a->deploy]);
        else if (c == C_START)
            put_date(a->start);
        else
            put_u64_width((uint64_t)a->n[c], 1);
    }
    put_char('\n');
}

/* JSON has two spellings of an empty cell, an absent key and null; readers must treat both
 * as na, so the generator alternates between them. The text values need no escaping: they are
 * fixed ASCII words without quotes or backslashes. */
static int json_null_next;

static void emit_json_object(const account *a)
{
    put_str("{\"account_id\":\"");
    put_id(a->id);
    put_char('"');
    for (int c = 1; c < NCOL; c++) {
        if (a->missing & (1u << c)) {
            json_null_next = !json_null_next;
            if (!json_null_next)
                continue;
        }
        put_str(",\"");
        put_str(col_name[c]);
        put_str("\":");
        if (a->missing & (1u << c)) {
            put_str("null");
        } else if (c == C_TIER || c == C_DEPLOY) {
            put_char('"');
            put_str(c == C_TIER ? tier_name[a->tier] : deploy_name[a->deploy]);
            put_char('"');
        } else if (c == C_START) {
            put_char('"');
            put_date(a->start);
            put_char('"');
        } else {
            put_u64_width((uint64_t)a->n[c], 1);
        }
    }
    put_char('}');
}

/* ---- the population ----------------------------------------------------------------------- */

/* Kinds of account. Every block of 32 accounts holds exactly this many of each, shuffled, so
 * even the 200-account sample carries every edge case, and at a fixed few percent. */
enum kind { K_REGULAR, K_THRESHOLD, K_ONBOARD_EDGE, K_ZERO_LICENSES, K_ZERO_BILLABLE,
            K_OVER_100, K_SPARSE, K_EXTREME, NKIND };
static const int kind_per_block[NKIND] = { 20, 4, 2, 1, 1, 1, 2, 1 };
enum { BLOCK = 32 };

/* Band edges of each usage column as a fraction of its denominator, from SPEC's table; the
 * last entry is the top of the green range drawn for regular accounts. deployment_users
 * carries two measures (ci 5%/12%, cd 5%/10%); its yellow draw covers cd's green 10-12% too. */
typedef struct {
    double lo_yellow, lo_green, top;
} band_edges;
static const band_edges edges[NCOL] = {
    [C_ACTIVE]    = { 0.50, 0.80, 1.00 },
    [C_GITOPS]    = { 0.25, 0.50, 1.00 },
    [C_CIPIPE]    = { 0.25, 0.50, 0.95 },
    [C_DEPLOYS]   = { 0.03, 0.08, 2.50 },    /* events, not users: often above 100% */
    [C_DEPUSERS]  = { 0.05, 0.12, 0.45 },
    [C_SCANNER]   = { 0.05, 0.20, 0.70 },
    [C_CONTAINER] = { 0.03, 0.10, 0.50 },
    [C_SECRET]    = { 0.06, 0.20, 0.60 },
};

/* Thresholds (in percent) that the threshold accounts sit on, one below and one above. */
typedef struct {
    int count;
    int pct[3];
} threshold_set;
static const threshold_set thresholds[NCOL] = {
    [C_ACTIVE]    = { 2, { 50, 80 } },
    [C_GITOPS]    = { 2, { 25, 50 } },
    [C_CIPIPE]    = { 2, { 25, 50 } },
    [C_DEPLOYS]   = { 2, { 3, 8 } },
    [C_DEPUSERS]  = { 3, { 5, 10, 12 } },
    [C_SCANNER]   = { 2, { 5, 20 } },
    [C_CONTAINER] = { 2, { 3, 10 } },
    [C_SECRET]    = { 2, { 6, 20 } },
};

typedef struct {
    int64_t as_of, edge;      /* days; license_start > edge means onboarding */
    int kinds[BLOCK];
    uint64_t seen[NKIND];     /* accounts of each kind so far, to cycle through sub-cases */
} population;

static int64_t round_count(double x)
{
    return x <= 0 ? 0 : (int64_t)(x + 0.5);
}

/* Log-ish spread from 5 to 50,000: a decade by weight, then a mantissa skewed low the way
 * a log-uniform draw would be, without needing libm. */
static int64_t draw_licenses(int tier)
{
    static const int64_t decade_lo[4] = { 5, 50, 500, 5000 };
    double u = rng_unit();
    int d = tier == TIER_FREE ? 0 : u < 0.30 ? 0 : u < 0.65 ? 1 : u < 0.90 ? 2 : 3;
    double v = rng_unit();
    return round_count((double)decade_lo[d] * (1.0 + 9.0 * v * v));
}

/* A usage count for column c: the band is drawn with odds tilted by the account's maturity
 * (0..1) so healthy accounts tend to be green across the board, as real ones do. */
static int64_t draw_usage(int c, int64_t den, double maturity)
{
    const band_edges *e = &edges[c];
    double p_red = 0.55 - 0.45 * maturity, p_green = 0.10 + 0.55 * maturity;
    double u = rng_unit(), lo, hi;
    if (u < p_red) {
        lo = 0.0;
        hi = e->lo_yellow;
    } else if (u < 1.0 - p_green) {
        lo = e->lo_yellow;
        hi = e->lo_green;
    } else {
        lo = e->lo_green;
        hi = e->top;
    }
    return round_count((double)den * (lo + (hi - lo) * rng_unit()));
}

static void draw_regular(population *p, account *a)
{
    double u = rng_unit();
    a->tier = u < 0.05 ? TIER_FREE : u < 0.58 ? TIER_PREMIUM : TIER_ULTIMATE;
    u = rng_unit();
    a->deploy = u < 0.55 ? DEP_SELF_MANAGED : u < 0.93 ? DEP_SAAS : DEP_DEDICATED;

    /* A few percent started inside the last month and are still onboarding. */
    if (rng_unit() < 0.04)
        a->start = p->edge + 1 + (int64_t)rng_below((uint64_t)(p->as_of - p->edge));
    else
        a->start = p->edge - (int64_t)rng_below(6 * 365);

    int64_t lic = draw_licenses(a->tier);
    a->n[C_LICENSES] = lic;
    a->n[C_BILLABLE] = round_count((double)lic * (0.55 + 0.6 * rng_unit()));
    if (a->n[C_BILLABLE] == 0)
        a->n[C_BILLABLE] = 1;

    double maturity = rng_unit();
    a->n[C_ACTIVE] = draw_usage(C_ACTIVE, a->n[C_BILLABLE], maturity);
    for (int c = C_GITOPS; c <= C_SECRET; c++) {
        /* Security scanning is mostly an Ultimate feature; Premium and Free use it little. */
        double m = c >= C_SCANNER && a->tier != TIER_ULTIMATE ? maturity * 0.3 : maturity;
        a->n[c] = draw_usage(c, lic, m);
    }

    /* A stray empty cell now and then, as exports have. */
    for (int c = 1; c < NCOL; c++)
        if (rng_below(1000) < 4)
            a->missing |= 1u << c;
}

/* Every usage column on a threshold of its measure or one either side. Denominators 100 and
 * 300 alternate in runs of 9, the largest cycle (deployment_users: 3 thresholds x 3 offsets),
 * so every 18 threshold accounts cover every case at both; 300 brings 15 of 300 = 5% exactly. */
static void draw_threshold(const population *p, account *a, uint64_t k)
{
    int64_t den = (k / 9) % 2 ? 300 : 100;
    a->tier = k % 2 ? TIER_PREMIUM : TIER_ULTIMATE;
    a->deploy = DEP_SELF_MANAGED;          /* so user_engagement applies */
    a->missing = 0;
    a->start = p->edge - 1 - (int64_t)rng_below(5 * 365);  /* past onboarding: all apply */
    a->n[C_LICENSES] = den;
    a->n[C_BILLABLE] = den;
    for (int c = C_ACTIVE; c <= C_SECRET; c++) {
        const threshold_set *t = &thresholds[c];
        uint64_t combos = (uint64_t)t->count * 3;
        uint64_t idx = (k + (uint64_t)c) % combos;  /* rotate so columns do not move in step */
        int64_t offset = (int64_t)(idx % 3) - 1;
        a->n[c] = t->pct[idx / 3] * den / 100 + offset;
    }
}

static void draw_account(population *p, account *a, uint64_t id)
{
    memset(a, 0, sizeof *a);
    a->id = id;
    uint64_t slot = (id - 1) % BLOCK;
    if (slot == 0) {
        int i = 0;
        for (int k = 0; k < NKIND; k++)
            for (int j = 0; j < kind_per_block[k]; j++)
                p->kinds[i++] = k;
        for (int j = BLOCK - 1; j > 0; j--) {
            int r = (int)rng_below((uint64_t)j + 1), t = p->kinds[j];
            p->kinds[j] = p->kinds[r];
            p->kinds[r] = t;
        }
    }
    int kind = p->kinds[slot];
    uint64_t k = p->seen[kind]++;

    draw_regular(p, a);
    switch (kind) {
    case K_REGULAR:
        break;
    case K_THRESHOLD:
        draw_threshold(p, a, k);
        break;
    case K_ONBOARD_EDGE: {
        /* Exactly on the edge (not onboarding), the day after (onboarding), the day before,
         * the as-of day itself, and a start in the future (a pre-booked renewal). */
        static const int64_t from_edge[5] = { 0, 1, -1, 0, 0 };
        int64_t base = k % 5 == 3 ? p->as_of : k % 5 == 4 ? p->as_of + 30 : p->edge;
        a->start = base + from_edge[k % 5];
        a->missing &= ~(1u << C_START);
        break;
    }
    case K_ZERO_LICENSES:
        a->n[C_LICENSES] = 0;
        break;
    case K_ZERO_BILLABLE:
        a->deploy = DEP_SELF_MANAGED;
        a->n[C_BILLABLE] = 0;
        a->n[C_ACTIVE] = k % 2 ? 0 : 3;
        break;
    case K_OVER_100: {
        /* Users counted over 28 days can exceed seats sold (true-ups not yet billed); every
         * fourth such account sits at exactly 100%. */
        int64_t lic = a->n[C_LICENSES];
        a->n[C_ACTIVE] = a->n[C_BILLABLE] + 1 + (int64_t)rng_below(10);
        for (int c = C_GITOPS; c <= C_SECRET; c++)
            if (c == C_GITOPS || rng_below(2))
                a->n[c] = k % 4 == 0 ? lic : round_count((double)lic * (1.0 + 2.0 * rng_unit())) + 1;
        break;
    }
    case K_SPARSE:
        /* Two columns empty in turn, so seven accounts show every column empty; every eighth
         * has nothing but its id, the case where every output is na. */
        if (k % 8 == 7)
            a->missing = (1u << NCOL) - 2;
        else
            a->missing |= 1u << (1 + 2 * (k % 8) % 13) | 1u << (1 + (2 * (k % 8) + 1) % 13);
        break;
    case K_EXTREME: {
        /* The ends of the licence range: 5 seats (20% steps), 1 seat, 50,000 seats. */
        static const int64_t lic[3] = { 5, 1, 50000 };
        int64_t l = lic[k % 3];
        a->n[C_LICENSES] = l;
        a->n[C_BILLABLE] = l;
        double maturity = rng_unit();
        a->n[C_ACTIVE] = draw_usage(C_ACTIVE, l, maturity);
        for (int c = C_GITOPS; c <= C_SECRET; c++)
            a->n[c] = draw_usage(c, l, maturity);
        break;
    }
    default:
        break;
    }
}

/* ---- command line ------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: gen_accounts [--count N] [--seed S] [--format csv|ndjson|json]"
          " [--as-of YYYY-MM-DD]\n"
          "Writes N synthetic accounts (default 200, seed 1, csv, as-of 2026-11-01) to stdout.\n",
          f);
}

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        uint64_t digit = (uint64_t)(*s - '0');
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    *out = v;
    return 0;
}

/* Accepts "--name value" and "--name=value"; returns the value or NULL if this is not it. */
static const char *option(const char *name, int argc, char **argv, int *i)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "gen_accounts: %s needs a value\n", name);
        exit(2);
    }
    return argv[++*i];
}

int main(int argc, char **argv)
{
    uint64_t count = 200, seed = 1;
    enum format fmt = FMT_CSV;
    const char *as_of_text = "2026-11-01";

    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if ((v = option("--count", argc, argv, &i))) {
            if (parse_u64(v, &count) || count > 999999999999u) {
                fprintf(stderr, "gen_accounts: bad --count '%s'\n", v);
                return 2;
            }
        } else if ((v = option("--seed", argc, argv, &i))) {
            if (parse_u64(v, &seed)) {
                fprintf(stderr, "gen_accounts: bad --seed '%s'\n", v);
                return 2;
            }
        } else if ((v = option("--format", argc, argv, &i))) {
            if (!strcmp(v, "csv"))
                fmt = FMT_CSV;
            else if (!strcmp(v, "ndjson"))
                fmt = FMT_NDJSON;
            else if (!strcmp(v, "json"))
                fmt = FMT_JSON;
            else {
                fprintf(stderr, "gen_accounts: unknown --format '%s' (csv, ndjson, json)\n", v);
                return 2;
            }
        } else if ((v = option("--as-of", argc, argv, &i))) {
            as_of_text = v;
        } else {
            fprintf(stderr, "gen_accounts: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }

    population pop;
    memset(&pop, 0, sizeof pop);
    if (parse_date(as_of_text, &pop.as_of)) {
        fprintf(stderr, "gen_accounts: bad --as-of '%s' (want YYYY-MM-DD)\n", as_of_text);
        return 2;
    }
    pop.edge = add_months(pop.as_of, -1);
    rng_state = seed;

    if (fmt == FMT_CSV)
        emit_csv_header();
    else if (fmt == FMT_JSON)
        put_str("[\n");
    account a;
    for (uint64_t id = 1; id <= count; id++) {
        out_reserve();
        draw_account(&pop, &a, id);
        if (fmt == FMT_CSV) {
            emit_csv(&a);
        } else {
            emit_json_object(&a);
            if (fmt == FMT_JSON && id < count)
                put_char(',');
            put_char('\n');
        }
    }
    if (fmt == FMT_JSON)
        put_str("]\n");
    out_flush();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_accounts: write");
        return 1;
    }
    return 0;
}
