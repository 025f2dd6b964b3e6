/* The report's "Where and how this was measured" section, a table of the result's context. */
#ifndef BB_REPORT_CONTEXT_H
#define BB_REPORT_CONTEXT_H

#include "doc.h"
#include "report_charts.h"

void report_context(struct doc *d, const struct report *r);

#endif
