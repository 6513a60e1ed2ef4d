/*
 * baseline — the GitLab use-case health scoring (SPEC, seed 000) written by hand as one
 * single-purpose C program: the yardstick `make bench` holds rubric against.
 *
 *   baseline [--as-of YYYY-MM-DD] [-o OUTPUT] [INPUT]     (stdin / stdout by default)
 *
 * It reads the CSV dialect gen_accounts writes (header row, unquoted fields, LF or CRLF) and
 * writes exactly the CSV `rubric run --format csv` writes for use_case_health.rules, so the two
 * outputs can be compared byte for byte. It stops with an error on anything it does not
 * understand (a quote, a malformed number or date) rather than guess: a yardstick that
 * mis-parses would make a fast, wrong comparison.
 *
 * Ratios are decided without division: a/b against p% is a*100 against p*b in integers, the
 * exact answer at every threshold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the inputs the policy reads, found by name in the header ---------------------------- */

enum {
    F_ID, F_DEPLOY, F_START, F_LICENSES, F_BILLABLE, F_ACTIVE, F_GITOPS, F_CIPIPE, F_DEPLOYS,
    F_DEPUSERS, F_SCANNER, F_CONTAINER, F_SECRET,
    NFIELD
};

static const char *const field_name[NFIELD] = {
    "account_id", "deployment", "license_start", "licenses_sold", "billable_users",
    "active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployments_l28d",
    "deployment_users_l28d", "secure_scanner_users_l28d", "container_scanning_users_l28d",
    "secret_detection_users_l28d",
};

enum { MAX_COLUMNS = 256 };

/* ---- bands ------------------------------------------------------------------------------ */

enum band { NA = -1, RED = 0, YELLOW = 1, GREEN = 2 };
static const char *const band_name[3] = { "red", "yellow", "green" };

/* Counts above this are refused so that a*100 and p*b stay inside int64. */
#define MAX_COUNT 1000000000000000LL
#define NA_COUNT (-1LL)

/* a/b banded by percent thresholds: red below `yellow` (or at it, when red_inclusive, the
 * SPEC's `<=` rows), green from `green` up. */
static enum band ratio_band(long long a, long long b, int yellow, int green, int red_inclusive)
{
    if (a == NA_COUNT || b == NA_COUNT || b == 0)
        return NA;
    long long lhs = a * 100;
    if (red_inclusive ? lhs <= yellow * b : lhs < yellow * b)
        return RED;
    return lhs < green * b ? YELLOW : GREEN;
}

/* Mean of the members' scores (red 0, yellow 50, green 100) against 75 and 40, in integers. */
static enum band use_case_band(const enum band *m, int n)
{
    int present = 0, sum = 0;
    for (int i = 0; i < n; i++)
        if (m[i] != NA) {
            present++;
            sum += 50 * m[i];
        }
    if (!present)
        return NA;
    return sum >= 75 * present ? GREEN : sum >= 40 * present ? YELLOW : RED;
}

/* ---- input helpers --------------------------------------------------------------------- */

static unsigned long long line_no;

static void die(const char *what)
{
    fprintf(stderr, "baseline: line %llu: %s\n", line_no, what);
    exit(1);
}

static long long parse_count(const char *s, size_t n)
{
    if (n == 0)
        return NA_COUNT;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            die("not a non-negative integer");
        v = v * 10 + (s[i] - '0');
        if (v > MAX_COUNT)
            die("count too large");
    }
    return v;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* A valid YYYY-MM-DD as the integer YYYYMMDD, which orders the same way as the dates; -1 when
 * it is not one. */
static long parse_date(const char *s, size_t n)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int v[3] = { 0, 0, 0 }, f = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            f++;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v[f] = v[f] * 10 + (s[i] - '0');
    }
    if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month(v[0], v[1]))
        return -1;
    return (long)v[0] * 10000 + v[1] * 100 + v[2];
}

/* as_of minus one calendar month, clamped to the month end (03-31 gives 02-28 or 02-29). */
static long month_before(long ymd)
{
    int y = (int)(ymd / 10000), m = (int)(ymd / 100 % 100), d = (int)(ymd % 100);
    if (--m == 0) {
        m = 12;
        y--;
    }
    int dim = days_in_month(y, m);
    return (long)y * 10000 + m * 100 + (d > dim ? dim : d);
}

/* ---- output ----------------------------------------------------------------------------- */

enum { OUT_SIZE = 1 << 20, LINE_MAX_OUT = 4096 };
static char out_buf[OUT_SIZE];
static size_t out_len;
static FILE *out_file;

static void out_flush(void)
{
    if (out_len && fwrite(out_buf, 1, out_len, out_file) != out_len) {
        perror("baseline: write");
        exit(1);
    }
    out_len = 0;
}

static void put_mem(const char *s, size_t n)
{
    memcpy(out_buf + out_len, s, n);
    out_len += n;
}

static void put_band(enum band b)
{
    out_buf[out_len++] = ',';
    if (b != NA)
        put_mem(band_name[b], strlen(band_name[b]));
}

/* ---- one account ------------------------------------------------------------------------ */

typedef struct {
    const char *p;
    size_t n;
} span;

/* The policy's lower(trim(deployment)) = "self-managed": ASCII white space and the no-break
 * space off both ends, A-Z compared as a-z. */
static int is_self_managed(const char *p, size_t n)
{
    static const char want[] = "self-managed";
    size_t b = 0, e = n;
    for (;;) {
        if (b < e && (p[b] == ' ' || (p[b] >= '\t' && p[b] <= '\r')))
            b++;
        else if (b + 1 < e && (unsigned char)p[b] == 0xC2 && (unsigned char)p[b + 1] == 0xA0)
            b += 2;
        else
            break;
    }
    for (;;) {
        if (e > b && (p[e - 1] == ' ' || (p[e - 1] >= '\t' && p[e - 1] <= '\r')))
            e--;
        else if (e >= b + 2 && (unsigned char)p[e - 1] == 0xA0 && (unsigned char)p[e - 2] == 0xC2)
            e -= 2;
        else
            break;
    }
    if (e - b != sizeof want - 1)
        return 0;
    for (size_t i = 0; i < e - b; i++) {
        char c = p[b + i];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != want[i])
            return 0;
    }
    return 1;
}

static void score(const span *f, long edge)
{
    long long n[NFIELD];
    for (int i = F_LICENSES; i < NFIELD; i++)
        n[i] = parse_count(f[i].p, f[i].n);

    long start = -1;
    if (f[F_START].n) {
        start = parse_date(f[F_START].p, f[F_START].n);
        if (start < 0)
            die("license_start is not a YYYY-MM-DD date");
    }
    /* A missing licence start is not onboarding: na conditions are never true. */
    int onboarding = start > edge;
    int self_managed = is_self_managed(f[F_DEPLOY].p, f[F_DEPLOY].n);

    enum band engagement = self_managed ? ratio_band(n[F_ACTIVE], n[F_BILLABLE], 50, 80, 0) : NA;

    long long lic = onboarding ? NA_COUNT : n[F_LICENSES];
    enum band scm[1] = { ratio_band(n[F_GITOPS], lic, 25, 50, 0) };
    enum band ci[3] = {
        ratio_band(n[F_CIPIPE], lic, 25, 50, 0),
        ratio_band(n[F_DEPLOYS], lic, 3, 8, 0),
        ratio_band(n[F_DEPUSERS], lic, 5, 12, 0),
    };
    enum band dso[3] = {
        ratio_band(n[F_SCANNER], lic, 5, 20, 1),
        ratio_band(n[F_CONTAINER], lic, 3, 10, 1),
        ratio_band(n[F_SECRET], lic, 6, 20, 1),
    };
    enum band cd[1] = { ratio_band(n[F_DEPUSERS], lic, 5, 10, 0) };
    enum band uc[4] = {
        use_case_band(scm, 1), use_case_band(ci, 3), use_case_band(dso, 3), use_case_band(cd, 1),
    };

    if (f[F_ID].n > LINE_MAX_OUT - 256)
        die("account_id too long");
    if (out_len + LINE_MAX_OUT > OUT_SIZE)
        out_flush();
    put_mem(f[F_ID].p, f[F_ID].n);
    put_band(engagement);
    put_band(scm[0]);
    for (int i = 0; i < 3; i++)
        put_band(ci[i]);
    for (int i = 0; i < 3; i++)
        put_band(dso[i]);
    put_band(cd[0]);
    int any = 0, greens = 0;
    for (int i = 0; i < 4; i++) {
        put_band(uc[i]);
        any |= uc[i] != NA;
        greens += uc[i] == GREEN;
    }
    out_buf[out_len++] = ',';
    if (any)
        out_buf[out_len++] = (char)('0' + greens);
    out_buf[out_len++] = '\n';
}

/* ---- the read loop ---------------------------------------------------------------------- */

enum { IN_SIZE = 1 << 20 };
static char in_buf[IN_SIZE];

/* Splits one line (without its LF, with or without a CR) into fields. */
static int split(char *line, size_t len, span *cols, int max)
{
    if (len && line[len - 1] == '\r')
        len--;
    if (memchr(line, '"', len))
        die("quoted CSV fields are not supported by the baseline");
    int c = 0;
    const char *p = line, *end = line + len;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        if (c == max)
            die("too many columns");
        cols[c].p = p;
        cols[c].n = (size_t)(stop - p);
        c++;
        if (!comma)
            return c;
        p = comma + 1;
    }
}

static void usage(void)
{
    fputs("usage: baseline [--as-of YYYY-MM-DD] [-o OUTPUT] [INPUT]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *as_of_text = "2026-11-01", *in_path = NULL, *out_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--as-of") && i + 1 < argc)
            as_of_text = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out_path = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            usage();
        else if (!in_path)
            in_path = argv[i];
        else
            usage();
    }
    long as_of = parse_date(as_of_text, strlen(as_of_text));
    if (as_of < 0) {
        fprintf(stderr, "baseline: bad --as-of '%s'\n", as_of_text);
        return 2;
    }
    long edge = month_before(as_of);

    FILE *in = stdin;
    if (in_path && strcmp(in_path, "-") && !(in = fopen(in_path, "rb"))) {
        perror(in_path);
        return 1;
    }
    out_file = stdout;
    if (out_path && !(out_file = fopen(out_path, "wb"))) {
        perror(out_path);
        return 1;
    }

    static const char header[] =
        "account_id,user_engagement,scm_git_ops,ci_pipelines,ci_deployments_per_user,"
        "ci_deployment_users,devsecops_scanners,devsecops_container_scanning,"
        "devsecops_secret_detection,cd_deployment_users,scm,ci,devsecops,cd,"
        "use_case_adoption_count\n";
    put_mem(header, sizeof header - 1);

    int role_col[NFIELD];      /* input column of each field, found in the header */
    span cols[MAX_COLUMNS], f[NFIELD];
    int ncols = 0;
    size_t have = 0;
    int eof = 0;
    while (!eof || have) {
        if (!eof) {
            size_t got = fread(in_buf + have, 1, IN_SIZE - have, in);
            if (got == 0) {
                if (ferror(in)) {
                    perror("baseline: read");
                    return 1;
                }
                eof = 1;
            }
            have += got;
        }
        char *p = in_buf, *end = in_buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                if (!eof || p == end)
                    break;
                nl = end;              /* last line without a final LF */
            }
            line_no++;
            int n = split(p, (size_t)(nl - p), cols, MAX_COLUMNS);
            if (line_no == 1) {
                ncols = n;
                for (int r = 0; r < NFIELD; r++) {
                    role_col[r] = -1;
                    for (int c = 0; c < n; c++)
                        if (cols[c].n == strlen(field_name[r]) &&
                            !memcmp(cols[c].p, field_name[r], cols[c].n))
                            role_col[r] = c;
                    if (role_col[r] < 0) {
                        fprintf(stderr, "baseline: header lacks column '%s'\n", field_name[r]);
                        return 1;
                    }
                }
            } else if (!(n == 1 && cols[0].n == 0)) {  /* a blank line is not a record */
                if (n != ncols)
                    die("wrong number of columns");
                for (int r = 0; r < NFIELD; r++)
                    f[r] = cols[role_col[r]];
                score(f, edge);
            }
            p = nl + (nl < end);
            if (p >= end)
                break;
        }
        have = (size_t)(end - p);
        if (have == IN_SIZE) {
            line_no++;
            die("line longer than the input buffer");
        }
        memmove(in_buf, p, have);
        if (eof && have == 0)
            break;
    }
    if (line_no == 0) {
        fputs("baseline: empty input, no header\n", stderr);
        return 1;
    }
    out_flush();
    if (fflush(out_file) != 0 || ferror(out_file) || (out_path && fclose(out_file) != 0)) {
        perror("baseline: write");
        return 1;
    }
    return 0;
}
