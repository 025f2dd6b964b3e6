#ifndef BB_SHOW_H
#define BB_SHOW_H

#include <stdio.h>

#include "results.h"
#include "results_hosts.h"

/* The summary table: one row per (suite, metric, env), emulated figures labelled. */
void show_table(const struct bb_result *res, FILE *f);

/* The same table as JSON (`show --json`), a new reference. */
json_t *show_json(const struct bb_result *res);

/* A merged result: a table per host (show_table), a line for each host without a result;
 * and its JSON ({merged: true, hosts: [{name, status, reason, result}]}). */
void show_hosts_table(const struct bb_hostset *set, FILE *f);
json_t *show_hosts_json(const struct bb_hostset *set);

#endif
