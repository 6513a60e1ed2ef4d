#include "parse.h"

#include "parser.h"
#include "lexer.h"

int parse_file(parse_ctx *ctx)
{
    yyscan_t scanner;
    if (rb_yylex_init_extra(ctx, &scanner) != 0) {
        diag_plain_error(ctx->diag, "%s: cannot start the scanner", ctx->src->path);
        return 1;
    }
    ctx->offset = 0;
    ctx->paren_depth = 0;
    ctx->line_has_tokens = false;
    ctx->line_start = true;
    ctx->syntax_errors = 0;
    YY_BUFFER_STATE buf = rb_yy_scan_bytes(ctx->src->text, (int)ctx->src->len, scanner);
    int before = ctx->diag->errors;
    int rc = yyparse(scanner, ctx);
    rb_yy_delete_buffer(buf, scanner);
    rb_yylex_destroy(scanner);
    int found = ctx->diag->errors - before;
    if (rc != 0 && found == 0) {
        diag_plain_error(ctx->diag, "%s: the policy could not be parsed", ctx->src->path);
        found = 1;
    }
    return found;
}
