/* parser.y - the grammar of rubric policies.
 *
 * A policy is a list of statements, one per line.  Measures, groups and
 * schemes own the indented-by-convention lines that follow them (band lines,
 * `na when`, `applies when`); since every statement starts with a keyword and
 * every owned line does not, indentation carries no meaning.
 *
 * Actions stay thin: they call the builders in src/ast.c. */
%define api.pure full
%define api.location.type {rb_loc}
%define parse.error detailed
%locations
%expect 0
%param {void *scanner}
%parse-param {parse_ctx *ctx}

%code requires {
#include "ast.h"
#include "parse.h"
}

%code provides {
int rb_yylex(YYSTYPE *yylval, YYLTYPE *yylloc, void *scanner);
}

%code {
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

#define yylex rb_yylex
#define A (ctx->arena)

/* A rule's location spans its first to its last symbol; empty rules sit at
 * the end of what came before. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                          \
    do {                                                     \
        if (N) {                                             \
            (Cur) = YYRHSLOC(Rhs, 1);                        \
            if (YYRHSLOC(Rhs, N).src == (Cur).src)           \
                (Cur).end = YYRHSLOC(Rhs, N).end;            \
        } else {                                             \
            (Cur) = YYRHSLOC(Rhs, 0);                        \
            (Cur).begin = (Cur).end;                         \
        }                                                    \
    } while (0)

static void yyerror(YYLTYPE *loc, void *scanner, parse_ctx *ctx, const char *msg);
static band_rule *band_line(parse_ctx *ctx, rb_loc loc, const char *band, rb_loc band_loc, band_rule *cond);
static band_rule *edges(parse_ctx *ctx, edge a, const edge *b);
static edge make_edge(rb_op op, expr *limit, rb_loc loc);
static bool owned(parse_ctx *ctx, rb_loc loc, const char *what, decl_kind k1, decl_kind k2);
static void after_error(parse_ctx *ctx, rb_loc loc);
static void parse_add_decl(parse_ctx *ctx, decl *d);
static expr *shallow(parse_ctx *ctx, expr *e);
static void add_field(parse_ctx *ctx, decl *f);
static name_ref *given_prev(parse_ctx *ctx, name_ref *list, const char *fn, rb_loc fn_loc, const char *name, expr *value);
static void action_line(parse_ctx *ctx, const char *word, rb_loc loc, expr *value, const char *text, rb_loc vloc);
}

%union {
    rb_num num;
    rb_date date;
    struct { int amount; dur_unit unit; } dur;
    struct { const char *s; unsigned len; } text;
    const char *name;
    expr *e;
    expr_list *el;
    name_ref *refs;
    text_list *texts;
    decl *d;
    clause *cl;
    band_rule *br;
    rb_op op;
}

%token END 0 "end of file"
%token NEWLINE "end of line"
%token <num> NUMBER "number" PERCENT "percentage"
%token <date> DATE "date"
%token <dur> DURATION "duration"
%token <text> STRING "text in quotes"
%token <name> IDENT "name"
%token POLICY "policy" VERSION "version" IMPORT "import" ID "id"
%token INPUT "input" PARAM "param" LET "let" METRIC "metric"
%token MEASURE "measure" GROUP "group" SCHEME "scheme"
%token NA "na" WHEN "when" APPLIES "applies" SCORES "scores"
%token OTHERWISE "otherwise" AND "and" OR "or" NOT "not"
%token IF "if" THEN "then" ELSE "else" IS "is" COUNT "count" OF "of"
%token ONE "one" TRUE "true" FALSE "false" WEIGHT "weight"
%token TEST "test" GIVEN "given" EXPECT "expect" FROM "from"
%token BY "by" RECORD "record" WHERE "where" LIST_OF "list of" ACTION "action" PRIORITY "priority" REASON "reason"
%token LE "<=" GE ">=" NE "!=" DEFAULT "??"
%token BAD_CHAR "invalid character" BAD_DATE "invalid date"
%token BAD_NUMBER "malformed number" UNTERMINATED_STRING "unterminated text"
%token BAD_ESCAPE "unknown escape in text (use \\\" \\\\ \\n or \\t)"

%type <e> expr where_expr or_expr and_expr not_expr cmp_expr arith sum product unary primary
%type <el> args arg_list
%type <refs> members member names givens
%type <texts> choices
%type <d> measure_head group_head scheme_head
%type <cl> clause
%type <br> band_cond band_line scheme_line
%type <op> cmp_op edge_op
%type <name> version_opt

%%

policy
    : statements
    ;

statements
    : %empty
    | statements statement
    | statements error NEWLINE          { yyerrok; after_error(ctx, @2); }
    ;

/* policy "GitLab use case health" version "2.0" */
statement
    : POLICY STRING version_opt NEWLINE {
          decl *d = ast_decl(A, D_POLICY, @$, $2.s, @2);
          d->version = $3;
          parse_add_decl(ctx, d);
      }
    | IMPORT STRING NEWLINE             { parse_add_decl(ctx, ast_decl(A, D_IMPORT, @$, $2.s, @2)); }
    | ID IDENT NEWLINE                  { parse_add_decl(ctx, ast_decl(A, D_ID, @$, $2, @2)); }
    /* input licenses_sold: number        input tier: one of "premium", "ultimate" */
    | INPUT IDENT ':' IDENT NEWLINE {
          decl *d = ast_decl(A, D_INPUT, @$, $2, @2);
          d->type_name = $4;
          d->type_loc = @4;
          parse_add_decl(ctx, d);
      }
    /* input instances: list of instance */
    | INPUT IDENT ':' LIST_OF IDENT NEWLINE {
          decl *d = ast_decl(A, D_INPUT, @$, $2, @2);
          d->type_name = "list";
          d->type_loc = @4;
          d->elem_name = $5;
          d->elem_loc = @5;
          parse_add_decl(ctx, d);
      }
    /* record instance
     *   instance_id: text
     *   tier: one of "free", "premium" */
    | RECORD IDENT NEWLINE              { parse_add_decl(ctx, ast_decl(A, D_RECORD, @$, $2, @2)); }
    /* action seat_expansion when utilization >= 90%
     *   priority 2
     *   reason "{utilization} of licenses in use" */
    | ACTION IDENT WHEN expr NEWLINE {
          decl *d = ast_decl(A, D_ACTION, @$, $2, @2);
          d->value = shallow(ctx, $4);
          parse_add_decl(ctx, d);
      }
    | PRIORITY NUMBER NEWLINE {
          if (owned(ctx, @1, "'priority' lines", D_ACTION, D_ACTION))
              action_line(ctx, "priority", @1, ast_num(A, @2, $2), NULL, @2);
      }
    | REASON STRING NEWLINE {
          if (owned(ctx, @1, "'reason' lines", D_ACTION, D_ACTION))
              action_line(ctx, "reason", @1, NULL, $2.s, @2);
      }
    | IDENT ':' IDENT NEWLINE {
          if (owned(ctx, @1, "field lines ('name: type')", D_RECORD, D_RECORD)) {
              decl *f = ast_decl(A, D_FIELD, @$, $1, @1);
              f->type_name = $3;
              f->type_loc = @3;
              add_field(ctx, f);
          }
      }
    | IDENT ':' ONE OF choices NEWLINE {
          if (owned(ctx, @1, "field lines ('name: type')", D_RECORD, D_RECORD)) {
              decl *f = ast_decl(A, D_FIELD, @$, $1, @1);
              f->choices = $5;
              f->type_loc = loc_span(@3, @5);
              add_field(ctx, f);
          }
      }
    | INPUT IDENT ':' ONE OF choices NEWLINE {
          decl *d = ast_decl(A, D_INPUT, @$, $2, @2);
          d->choices = $6;
          d->type_loc = loc_span(@4, @6);
          parse_add_decl(ctx, d);
      }
    | PARAM IDENT '=' expr NEWLINE {
          decl *d = ast_decl(A, D_PARAM, @$, $2, @2);
          d->value = shallow(ctx, $4);
          parse_add_decl(ctx, d);
      }
    | LET IDENT '=' expr NEWLINE {
          decl *d = ast_decl(A, D_LET, @$, $2, @2);
          d->value = shallow(ctx, $4);
          parse_add_decl(ctx, d);
      }
    | METRIC IDENT '=' expr NEWLINE {
          decl *d = ast_decl(A, D_METRIC, @$, $2, @2);
          d->value = shallow(ctx, $4);
          parse_add_decl(ctx, d);
      }
    | measure_head
    | group_head
    | scheme_head
    /* The lines a measure, group or scheme owns attach to the declaration
     * above them; owned() reports a line with no such owner. */
    | clause NEWLINE {
          if (owned(ctx, @1, "'na when' and 'applies when' lines", D_MEASURE, D_GROUP))
              ctx->last_decl->clauses = ast_clause(A, ctx->last_decl->clauses, $1->kind, $1->cond, $1->loc);
      }
    | band_line NEWLINE {
          if (owned(ctx, @1, "band lines", D_MEASURE, D_MEASURE))
              ctx->last_decl->bands = ast_band_rule(A, ctx->last_decl->bands, $1);
      }
    | scheme_line NEWLINE {
          if (owned(ctx, @1, "'scores' lines", D_SCHEME, D_SCHEME))
              ctx->last_decl->bands = ast_band_rule(A, ctx->last_decl->bands, $1);
      }
    /* test "25 of 100 seats is yellow"
     *   given licenses_sold = 100, git_ops_users_l28d = 25
     *   given "ACC-000042" from "known_accounts.csv"
     *   expect scm_git_ops is yellow                        */
    | TEST STRING NEWLINE               { parse_add_decl(ctx, ast_decl(A, D_TEST, @$, $2.s, @2)); }
    | GIVEN givens NEWLINE {
          if (owned(ctx, @1, "'given' lines", D_TEST, D_TEST)) {
              decl *t = ctx->last_decl;
              if (t->givens) {
                  t->givens->last->next = $2;
                  t->givens->last = $2->last;
              } else {
                  t->givens = $2;
              }
          }
      }
    | GIVEN STRING FROM STRING NEWLINE {
          if (owned(ctx, @1, "'given' lines", D_TEST, D_TEST)) {
              if (ctx->last_decl->fixture_path)
                  diag_error(ctx->diag, @$, "a test takes its account from one file only");
              ctx->last_decl->fixture_id = $2.s;
              ctx->last_decl->fixture_path = $4.s;
              ctx->last_decl->fixture_loc = loc_span(@2, @4);
          }
      }
    /* given instances from "instances.csv": a list's rows for the
     * fixture's account, as --table gives them to run. */
    | GIVEN IDENT FROM STRING NEWLINE {
          if (owned(ctx, @1, "'given' lines", D_TEST, D_TEST))
              ctx->last_decl->tables = ast_name_ref(A, ctx->last_decl->tables, $2, @2, ast_text(A, @4, $4.s, $4.len));
      }
    | EXPECT expr NEWLINE {
          if (owned(ctx, @1, "'expect' lines", D_TEST, D_TEST))
              ctx->last_decl->clauses = ast_clause(A, ctx->last_decl->clauses, CL_EXPECT, shallow(ctx, $2), loc_span(@1, @2));
      }
    ;

version_opt
    : %empty                            { $$ = NULL; }
    | VERSION STRING                    { $$ = $2.s; }
    ;

choices
    : STRING                            { $$ = ast_text_list(A, NULL, $1.s, $1.len, @1); }
    | choices ',' STRING                { $$ = ast_text_list(A, $1, $3.s, $3.len, @3); }
    ;

/* measure scm_git_ops = git_ops_users_l28d / licenses_sold [scheme rag] */
measure_head
    : MEASURE IDENT '=' expr NEWLINE {
          $$ = ast_decl(A, D_MEASURE, @$, $2, @2);
          $$->value = shallow(ctx, $4);
          parse_add_decl(ctx, $$);
      }
    | MEASURE IDENT '=' expr SCHEME IDENT NEWLINE {
          $$ = ast_decl(A, D_MEASURE, @$, $2, @2);
          $$->value = shallow(ctx, $4);
          $$->scheme = $6;
          $$->scheme_loc = @6;
          parse_add_decl(ctx, $$);
      }
    ;


clause
    : NA WHEN expr                      { $$ = ast_clause(A, NULL, CL_NA_WHEN, shallow(ctx, $3), @$); }
    | APPLIES WHEN expr                 { $$ = ast_clause(A, NULL, CL_APPLIES_WHEN, shallow(ctx, $3), @$); }
    ;

/* red < 25%      yellow >= 25% and < 50%      green otherwise */
band_line
    : IDENT band_cond                   { $$ = band_line(ctx, @$, $1, @1, $2); }
    ;

band_cond
    : edge_op arith                     { $$ = edges(ctx, make_edge($1, shallow(ctx, $2), @$), NULL); }
    | edge_op arith AND edge_op arith {
          edge second = make_edge($4, shallow(ctx, $5), loc_span(@4, @5));
          $$ = edges(ctx, make_edge($1, shallow(ctx, $2), loc_span(@1, @2)), &second);
      }
    | OTHERWISE                         { $$ = edges(ctx, make_edge(OP_LT, NULL, @$), NULL); $$->otherwise = true; $$->nedges = 0; }
    ;

edge_op
    : '<'                               { $$ = OP_LT; }
    | LE                                { $$ = OP_LE; }
    | '>'                               { $$ = OP_GT; }
    | GE                                { $$ = OP_GE; }
    ;

/* group ci = mean(ci_pipelines, ci_deployments_per_user weight 2) [scheme s] */
group_head
    : GROUP IDENT '=' IDENT '(' members ')' NEWLINE {
          $$ = ast_decl(A, D_GROUP, @$, $2, @2);
          $$->agg = strcmp($4, "sum") == 0 ? AGG_SUM : AGG_MEAN;
          $$->type_name = $4;
          $$->agg_loc = @4;
          $$->members = $6;
          parse_add_decl(ctx, $$);
      }
    | GROUP IDENT '=' IDENT '(' members ')' SCHEME IDENT NEWLINE {
          $$ = ast_decl(A, D_GROUP, @$, $2, @2);
          $$->agg = strcmp($4, "sum") == 0 ? AGG_SUM : AGG_MEAN;
          $$->type_name = $4;
          $$->agg_loc = @4;
          $$->members = $6;
          $$->scheme = $9;
          $$->scheme_loc = @9;
          parse_add_decl(ctx, $$);
      }
    ;

members
    : member                            { $$ = $1; }
    | members ',' member                { $$ = $1; $1->last->next = $3; $1->last = $3; }
    ;

member
    : IDENT                             { $$ = ast_name_ref(A, NULL, $1, @1, NULL); }
    | IDENT WEIGHT arith                { $$ = ast_name_ref(A, NULL, $1, @1, shallow(ctx, $3)); }
    ;


/* scheme rag
 *   red    scores 0   when < 40
 *   yellow scores 50  when >= 40 and < 75
 *   green  scores 100 when >= 75          */
scheme_head
    : SCHEME IDENT NEWLINE {
          $$ = ast_decl(A, D_SCHEME, @$, $2, @2);
          parse_add_decl(ctx, $$);
      }
    ;


scheme_line
    : IDENT SCORES arith {
          $$ = band_line(ctx, @$, $1, @1, edges(ctx, make_edge(OP_LT, NULL, @$), NULL));
          $$->nedges = 0;
          $$->score = shallow(ctx, $3);
      }
    | IDENT SCORES arith WHEN band_cond {
          $$ = band_line(ctx, @$, $1, @1, $5);
          $$->score = shallow(ctx, $3);
      }
    | IDENT SCORES arith OTHERWISE {
          $$ = band_line(ctx, @$, $1, @1, edges(ctx, make_edge(OP_LT, NULL, @4), NULL));
          $$->nedges = 0;
          $$->otherwise = true;
          $$->score = shallow(ctx, $3);
      }
    ;

/* Expressions, loosest binding first. */
expr
    : where_expr
    | IF expr THEN expr ELSE expr       { $$ = ast_if(A, @1, $2, $4, $6); }
    ;
/* instances where instance_type = "production": the loosest of all, so the
 * whole condition after `where` belongs to it. */
where_expr
    : or_expr
    | where_expr WHERE or_expr          { $$ = ast_where(A, @2, $1, $3); }
    ;

or_expr
    : and_expr
    | or_expr OR and_expr               { $$ = ast_binary(A, @2, OP_OR, $1, $3); }
    ;

and_expr
    : not_expr
    | and_expr AND not_expr             { $$ = ast_binary(A, @2, OP_AND, $1, $3); }
    ;

not_expr
    : cmp_expr
    | NOT not_expr                      { $$ = ast_unary(A, @1, OP_NOT, $2); }
    ;

cmp_expr
    : arith
    | arith cmp_op arith                { $$ = ast_binary(A, @2, $2, $1, $3); }
    | arith IS IDENT                    { $$ = ast_is(A, @3, $1, $3, @3); }
    | arith IS NA                       { $$ = ast_is(A, @3, $1, NULL, @3); }
    ;

cmp_op
    : edge_op
    | '='                               { $$ = OP_EQ; }
    | NE                                { $$ = OP_NE; }
    ;

/* Thresholds are arithmetic: `and` after one starts the band's second edge. */
arith
    : sum
    | sum DEFAULT arith                 { $$ = ast_binary(A, @2, OP_DEFAULT, $1, $3); }
    ;

sum
    : product
    | sum '+' product                   { $$ = ast_binary(A, @2, OP_ADD, $1, $3); }
    | sum '-' product                   { $$ = ast_binary(A, @2, OP_SUB, $1, $3); }
    ;

product
    : unary
    | product '*' unary                 { $$ = ast_binary(A, @2, OP_MUL, $1, $3); }
    | product '/' unary                 { $$ = ast_binary(A, @2, OP_DIV, $1, $3); }
    ;

unary
    : primary
    | '-' unary                         { $$ = ast_unary(A, @1, OP_NEG, $2); }
    ;

primary
    : NUMBER                            { $$ = ast_num(A, @1, $1); }
    | PERCENT                           { $$ = ast_num(A, @1, $1); }
    | STRING                            { $$ = ast_text(A, @1, $1.s, $1.len); }
    | TRUE                              { $$ = ast_bool(A, @1, true); }
    | FALSE                             { $$ = ast_bool(A, @1, false); }
    | NA                                { $$ = ast_na(A, @1); }
    | DATE                              { $$ = ast_date(A, @1, $1); }
    | DURATION                          { $$ = ast_duration(A, @1, $1.amount, $1.unit); }
    | IDENT                             { $$ = ast_name(A, @1, $1); }
    | IDENT '(' args ')'                { $$ = ast_call(A, @$, $1, @1, $3); }
    | IDENT '(' args ')' BY IDENT       { $$ = ast_call_by(A, @$, $1, @1, $3, ast_name(A, @6, $6)); }
    | IDENT '(' args ')' BY '(' expr ')' { $$ = ast_call_by(A, @$, $1, @1, $3, $7); }
    | COUNT IDENT OF '(' names ')'      { $$ = ast_count(A, @$, $2, @2, $5); }
    | COUNT '(' args ')'                { $$ = ast_call(A, @$, "count", @1, $3); }
    | primary '.' IDENT                 { $$ = ast_field(A, @$, $1, $3, @3); }
    | '(' expr ')'                      { $$ = $2; }
    ;

args
    : %empty                            { $$ = NULL; }
    | arg_list
    ;

arg_list
    : expr                              { $$ = ast_expr_list(A, NULL, $1); }
    | arg_list ',' expr                 { $$ = ast_expr_list(A, $1, $3); }
    ;

/* given a = 1, prev(scm) = "yellow" */
givens
    : IDENT '=' expr                    { $$ = ast_name_ref(A, NULL, $1, @1, shallow(ctx, $3)); }
    | IDENT '(' IDENT ')' '=' expr      { $$ = given_prev(ctx, NULL, $1, @1, $3, shallow(ctx, $6)); }
    | givens ',' IDENT '=' expr         { $$ = ast_name_ref(A, $1, $3, @3, shallow(ctx, $5)); }
    | givens ',' IDENT '(' IDENT ')' '=' expr { $$ = given_prev(ctx, $1, $3, @3, $5, shallow(ctx, $8)); }
    ;

names
    : IDENT                             { $$ = ast_name_ref(A, NULL, $1, @1, NULL); }
    | names ',' IDENT                   { $$ = ast_name_ref(A, $1, $3, @3, NULL); }
    ;

%%

/* The words a statement starts with (and a test's own lines). */
static const char *const statement_words[] = {
    "measure", "group", "scheme", "test", "record", "action", "let", "metric", "param", "input",
    "policy", "import", "id", "given", "expect"};
/* The first N_OWNERS own the lines below them; the first N_HEADS head a
 * declaration. */
enum { N_STATEMENT_WORDS = sizeof statement_words / sizeof statement_words[0], N_OWNERS = 6, N_HEADS = 10 };

/* The statement word a misspelt one was meant to be: one edit away
 * (`mesure`, `imput`, `groop`, `schme`, a swap in `ipmort`), or the same in
 * other capitals (`Measure`).  Closer is not enough for a band line's
 * first word to be taken for a keyword: `green` is two edits from `given`. */
static const char *meant_statement(const char *word)
{
    for (int i = 0; i < N_STATEMENT_WORDS; i++)
        if (strcasecmp(word, statement_words[i]) == 0 || edit_distance(word, statement_words[i]) <= 1)
            return statement_words[i];
    return NULL;
}

/* The first word of the line holding offset at, into word; the offset just
 * after it and its spaces, or 0 when the line starts with no word. */
static unsigned first_word(const parse_ctx *ctx, unsigned at, char *word, size_t cap, rb_loc *where)
{
    const char *text = ctx->src->text;
    unsigned start = at;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    if (start == 0 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        start = 3; /* a byte order mark */
    while (text[start] == ' ' || text[start] == '\t')
        start++;
    unsigned end = start;
    while (end < ctx->src->len && (isalnum((unsigned char)text[end]) || text[end] == '_'))
        end++;
    if (end == start || end - start >= cap || isdigit((unsigned char)text[start]))
        return 0;
    memcpy(word, text + start, end - start);
    word[end - start] = '\0';
    where->src = ctx->src;
    where->begin = start;
    where->end = end;
    while (text[end] == ' ' || text[end] == '\t')
        end++;
    return end;
}

/* `mesure scm = ...` reads as a name and then another name or a text, which
 * no line of the language starts with: say which statement was meant
 * instead of listing what could have followed the first name. */
static bool unknown_statement(parse_ctx *ctx, rb_loc loc)
{
    char word[32];
    rb_loc at;
    if (ctx->define_name || ctx->paren_depth > 0 || !loc.src || loc.src != ctx->src)
        return false;
    if (first_word(ctx, loc.begin, word, sizeof word, &at) != loc.begin || loc.begin >= ctx->src->len)
        return false;
    char next = ctx->src->text[loc.begin];
    if (!isalpha((unsigned char)next) && next != '_' && next != '"')
        return false;
    const char *meant = meant_statement(word);
    if (!meant || strcmp(meant, word) == 0)
        return false;
    diag_error(ctx->diag, at, "unknown statement '%s' (did you mean '%s'?)", word, meant);
    return true;
}

static void yyerror(YYLTYPE *loc, void *scanner, parse_ctx *ctx, const char *msg)
{
    (void)scanner;
    ctx->syntax_errors++;
    if (unknown_statement(ctx, *loc))
        return;
    /* bison says "syntax error, unexpected X, expecting Y"; the word
     * "error:" is already in front of every message. */
    if (strncmp(msg, "syntax error, ", 14) == 0)
        msg += 14;
    diag_error(ctx->diag, *loc, "%s", msg);
}

static edge make_edge(rb_op op, expr *limit, rb_loc loc)
{
    edge e = {op, limit, loc};
    return e;
}

static band_rule *edges(parse_ctx *ctx, edge a, const edge *b)
{
    band_rule *r = arena_alloc(ctx->arena, sizeof *r);
    r->edges[0] = a;
    r->nedges = 1;
    if (b) {
        r->edges[1] = *b;
        r->nedges = 2;
    }
    return r;
}

static band_rule *band_line(parse_ctx *ctx, rb_loc loc, const char *band, rb_loc band_loc, band_rule *cond)
{
    (void)ctx;
    cond->band = band;
    cond->band_loc = band_loc;
    cond->loc = loc;
    return cond;
}

static bool owned(parse_ctx *ctx, rb_loc loc, const char *what, decl_kind k1, decl_kind k2)
{
    decl *d = ctx->owner_none ? NULL : ctx->last_decl;
    if (ctx->owner_broken)
        return false; /* its header was already reported */
    if (d && (d->kind == k1 || d->kind == k2) && d->loc.src == loc.src)
        return true;
    static const char *const owner_names[] = {
        [D_MEASURE] = "measure", [D_GROUP] = "group", [D_SCHEME] = "scheme", [D_TEST] = "test",
        [D_RECORD] = "record", [D_ACTION] = "action"};
    if (k1 == k2)
        diag_error(ctx->diag, loc, "%s belong under %s %s", what, k1 == D_ACTION ? "an" : "a", owner_names[k1]);
    else
        diag_error(ctx->diag, loc, "%s belong under a %s or a %s", what, owner_names[k1], owner_names[k2]);
    return false;
}

/* A measure, group or scheme whose header line was rejected still owns the
 * lines below it: they are skipped quietly rather than reported again or
 * attached to the declaration before. */
static void after_error(parse_ctx *ctx, rb_loc loc)
{
    char word[32];
    rb_loc at;
    if (!first_word(ctx, loc.begin, word, sizeof word, &at))
        return;
    /* A misspelt `mesure` still heads the lines below it. */
    const char *head = meant_statement(word);
    for (int i = 0; head && i < N_HEADS; i++) {
        if (strcmp(head, statement_words[i]) != 0)
            continue;
        /* Lines below a broken measure are its own; below any other
         * broken statement they have no owner. */
        if (i < N_OWNERS)
            ctx->owner_broken = true;
        else
            ctx->owner_none = true;
        return;
    }
}

/* An expression nested deeper than any policy needs (a corrupted file, a
 * generated chain of 10,000 `and`s) is reported here and replaced by na, so
 * no later stage recurses that deep. */
static expr *shallow(parse_ctx *ctx, expr *e)
{
    if (e->depth <= EXPR_MAX_DEPTH)
        return e;
    diag_error(ctx->diag, e->loc, "this expression is nested %d levels deep; at most %d are allowed", e->depth, EXPR_MAX_DEPTH);
    return ast_na(ctx->arena, e->loc);
}

/* Appends a statement to the file's list; a new statement ends what the
 * lines of a broken one owned. */
static void parse_add_decl(parse_ctx *ctx, decl *d)
{
    if (ctx->last_decl)
        ctx->last_decl->next = d;
    else
        ctx->decls = d;
    ctx->last_decl = d;
    ctx->owner_broken = false;
    ctx->owner_none = false;
}

/* A record's fields hang off it rather than the policy's declarations:
 * they are names inside the record, not definitions of the policy. */
static void add_field(parse_ctx *ctx, decl *f)
{
    decl *r = ctx->last_decl;
    decl **at = &r->fields;
    while (*at)
        at = &(*at)->next;
    *at = f;
}

/* An action's `priority 2` and `reason "..."` lines, each once. */
static void action_line(parse_ctx *ctx, const char *word, rb_loc loc, expr *value, const char *text, rb_loc vloc)
{
    decl *d = ctx->last_decl;
    bool priority = strcmp(word, "priority") == 0, reason = !priority;
    (void)vloc;
    if ((priority && d->priority) || (reason && d->reason)) {
        diag_error(ctx->diag, loc, "this action already has a %s line", word);
        return;
    }
    if (priority) {
        d->priority = value;
        d->priority_loc = loc_span(loc, vloc);
    } else {
        d->reason = text;
        d->reason_loc = vloc;
    }
}

/* `prev(NAME) = VALUE` in a test's given line, placed at `prev` (where
 * fmt finds each given's first token). */
static name_ref *given_prev(parse_ctx *ctx, name_ref *list, const char *fn, rb_loc fn_loc, const char *name, expr *value)
{
    if (strcmp(fn, "prev") != 0)
        diag_error(ctx->diag, fn_loc, "a test gives an input (given NAME = VALUE) or an output's previous value "
                                      "(given prev(NAME) = VALUE), not %s(...)", fn);
    list = ast_name_ref(ctx->arena, list, name, fn_loc, value);
    list->last->prev = true;
    return list;
}
