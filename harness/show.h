#ifndef BB_SHOW_H
#define BB_SHOW_H

#include <stdio.h>

#include "results.h"

/* The summary table: one row per (suite, metric, env), emulated figures labelled. */
void show_table(const struct bb_result *res, FILE *f);

/* The same table as JSON (`show --json`), a new reference. */
json_t *show_json(const struct bb_result *res);

#endif
