/* fuzz_policy.c - libFuzzer harness for the front end and the back end:
 * any bytes as a policy go through parse, check, lint, fmt, compile and
 * the scoring of one account, and must give errors or results, never a
 * crash, a hang or a sanitizer report.  Built by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "eval.h"
#include "fmt.h"
#include "lint.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    diag d;
    diag_init(&d, sink);
    d.color = false;

    /* fmt on the raw text: errors, or a self-checked canonical layout. */
    source *src = source_from_string("fuzz.rules", text, size);
    char *out = NULL;
    size_t len = 0;
    const char *why = NULL;
    if (fmt_source(src, &d, &out, &len, &why) == FMT_INTERNAL)
        abort(); /* fmt must never fail its own check: a printer bug */
    free(out);
    source_free(src);

    diag_init(&d, sink);
    policy *p = policy_load_string("fuzz.rules", text, &d);
    if (p) {
        lint_policy(p, &d);
        param_setting as_of = {"as_of", "2026-03-31", NULL};
        program *prog = compile_policy(p, &as_of, 1, &d);
        if (prog) {
            frame f;
            frame_init(&f, prog);
            /* One account: numbers where the policy wants numbers, na else. */
            for (int i = 0; i < prog->ninputs; i++) {
                f.slots[i].kind = VK_NA;
                if (p->inputs[i]->type == TY_NUMBER)
                    f.slots[i] = value_num(num_from_int((int64_t)(i * 37 % 101)));
            }
            eval_account(prog, &f);
            frame_free(&f);
            program_free(prog);
        }
        policy_free(p);
    }

    /* The same bytes as a one-line calibrate --where condition on a fixed
     * policy: the scanner's "let NAME =" prelude, then check and compile. */
    if (!memchr(text, '\n', size) && !memchr(text, '\r', size) && strlen(text) == size) {
        diag_init(&d, sink);
        const char *name = NULL;
        policy *w = policy_load_with_expr("tests/golden/fixtures/calibrate/scores.rules", "--where", text,
                                          "calibrate_cohort", &name, &d);
        if (w) {
            param_setting as_of = {"as_of", "2026-03-31", NULL};
            program *prog = compile_policy(w, &as_of, 1, &d);
            if (prog) {
                frame f;
                frame_init(&f, prog);
                for (int i = 0; i < prog->ninputs; i++)
                    f.slots[i] = value_na();
                eval_account(prog, &f);
                frame_free(&f);
                program_free(prog);
            }
            policy_free(w);
        }
    }
    free(text);
    return 0;
}
