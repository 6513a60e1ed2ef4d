/* report_internal.h - what the report's HTML writers share: escaping and
 * the band colors (html.h), and the sections written in files of their own. */
#ifndef RUBRIC_REPORT_INTERNAL_H
#define RUBRIC_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "html.h"
#include "report.h"

/* The section "What the scores said before the outcomes" (backtest_html.c). */
void report_backtest_html(FILE *f, const report *r);

#endif
