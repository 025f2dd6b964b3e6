/* boxbench show FILE: a result's summary in the terminal. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "isolation.h"
#include "results_hosts.h"
#include "show.h"

static const char *host_line(const struct bb_result *res, char *buf, size_t len)
{
	json_t *h = res->host;
	const char *hv = json_string_value(json_object_get(h, "hypervisor"));
	const char *kvm = json_string_value(json_object_get(json_object_get(h, "kvm"), "kind"));

	snprintf(buf, len, "%s, kernel %s, %s%s%s, kvm %s",
	         json_string_value(json_object_get(h, "cpu_model")) ?: "?",
	         json_string_value(json_object_get(h, "kernel")) ?: "?",
	         hv ? "itself a VM (" : "bare metal", hv ? hv : "", hv ? ")" : "", kvm ?: "?");
	return buf;
}

/* The interval cell: the CI, or why there is none (measured once; too few for one). */
static void show_ci(const struct bb_series *s, char *buf, size_t len)
{
	if (s->summary.has_ci)
		snprintf(buf, len, "[%.4g, %.4g]", s->summary.ci_lo, s->summary.ci_hi);
	else
		snprintf(buf, len, "%s", s->summary.n == 1 ? "(measured once)" : "(no CI: n < 5)");
}

/* What a reader must know before trusting the row: a missed target, a trend over the run,
 * samples cut short by the workload's time budget, failed samples, emulation. */
static void show_flags(const struct bb_series *s, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (series_missed(s))
		o += (size_t)snprintf(buf + o, len - o, "  MISSED +-%.3g%%", 100 * s->target);
	if (s->trend_flag && o < len)
		o += (size_t)snprintf(buf + o, len - o, "  TREND (rho %.2f)", s->trend_rho);
	if (s->truncated && o < len)
		o += (size_t)snprintf(buf + o, len - o, "  TRUNCATED %zu/%zu", s->truncated, s->n);
	if (s->emulated && o < len)
		snprintf(buf + o, len - o, "  EMULATED (%s)", s->accel);
}

static void show_row(const struct bb_series *s, FILE *f)
{
	char vs[48] = "", ci[48], prec[16] = "-", flags[128];

	if (s->has_vs && series_vs_has_ci(s))
		snprintf(vs, sizeof(vs), "%.2fx [%.2f, %.2f]", s->vs_ratio, s->vs_lo, s->vs_hi);
	else if (s->has_vs)
		snprintf(vs, sizeof(vs), "%.2fx", s->vs_ratio);
	show_flags(s, flags, sizeof(flags));
	if (!s->has_summary) {
		fprintf(f, "%-20s %-22s %-12s %s%s\n", s->env, s->metric, "no samples",
		        s->nerr ? "errors below" : "", flags);
		return;
	}
	show_ci(s, ci, sizeof(ci));
	if (isfinite(series_precision(s)))
		snprintf(prec, sizeof(prec), "+-%.1f%%", 100 * series_precision(s));
	fprintf(f, "%-20s %-22s %11.4g %-8s %-22s %8s %11.4g %5zu%s  %-20s%s\n", s->env, s->metric,
	        s->summary.median, s->unit, ci, prec, s->summary.p95, s->summary.n,
	        s->nerr ? "!" : " ", vs, flags);
}

static void show_errors(const struct bb_result *res, FILE *f)
{
	size_t shown = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		for (size_t j = 0; j < s->nerr && shown < 20; j++, shown++)
			fprintf(f, "  error: %s/%s/%s rep %d: %s\n", s->suite, s->metric, s->env,
			        s->errors[j].rep, s->errors[j].reason);
	}
}

/* What the columns mean, and how many rows carry a flag. */
static void show_legend(const struct bb_result *res, FILE *f)
{
	size_t missed = 0, trend = 0, trunc = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		missed += series_missed(&res->series[i]);
		trend += res->series[i].trend_flag;
		trunc += res->series[i].truncated > 0;
	}
	fprintf(f,
	        "\nn: instances (each sample is one instance's median of tries); the 95%% CI of "
	        "the median is across instances (bootstrap), none below n = %d; +-CI: its "
	        "half-width relative to the median.\n",
	        BB_CI_MIN_N);
	if (missed || trend || trunc)
		fprintf(f,
		        "flagged: %zu series MISSED their precision target, %zu show a TREND over "
		        "the run, %zu had samples TRUNCATED by the workload's time budget\n",
		        missed, trend, trunc);
}

void show_table(const struct bb_result *res, FILE *f)
{
	char host[512];
	const char *suite = "";

	fprintf(f, "boxbench %s  %s%s\n", res->id, res->started_at,
	        res->complete ? "" : "  (INCOMPLETE: interrupted)");
	fprintf(f, "host: %s\n", host_line(res, host, sizeof(host)));
	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(suite, s->suite)) {
			suite = s->suite;
			fprintf(f, "\n[%s]\n%-20s %-22s %11s %-8s %-22s %8s %11s %5s   %s\n", suite,
			        "env", "metric", "median", "unit", "95% CI of median", "+-CI",
			        "p95", "n", "vs native [95% CI]");
		}
		show_row(s, f);
	}
	show_legend(res, f);
	isolation_show(res, f);
	limits_show(res, f);
	show_errors(res, f);
}

static json_t *show_pair(double lo, double hi)
{
	return json_pack("[f, f]", lo, hi);
}

/* One row of the table: the same columns, numbers unrounded. */
static json_t *show_series_json(const struct bb_series *s)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:b, s:I}", "suite", s->suite,
	                      "metric", s->metric, "env", s->env, "unit", s->unit, "better",
	                      better_name(s->better), "accel", s->accel[0] ? s->accel : NULL,
	                      "emulated", s->emulated, "errors", (json_int_t)s->nerr);

	json_object_set_new(o, "n", json_integer(s->has_summary ? (json_int_t)s->summary.n : 0));
	json_object_set_new(o, "median",
	                    s->has_summary ? json_real(s->summary.median) : json_null());
	json_object_set_new(o, "ci95",
	                    s->has_summary ? show_pair(s->summary.ci_lo, s->summary.ci_hi)
	                                   : json_null());
	json_object_set_new(o, "p95", s->has_summary ? json_real(s->summary.p95) : json_null());
	json_object_set_new(o, "vs_native",
	                    s->has_vs ? json_pack("{s:f, s:o}", "ratio", s->vs_ratio, "ci95",
	                                          show_pair(s->vs_lo, s->vs_hi))
	                              : json_null());
	return o;
}

static json_t *show_errors_json(const struct bb_result *res)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		for (size_t j = 0; j < s->nerr; j++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:s}", "suite",
			                                     s->suite, "metric", s->metric, "env",
			                                     s->env, "rep", s->errors[j].rep,
			                                     "reason", s->errors[j].reason));
	}
	return arr;
}

json_t *show_json(const struct bb_result *res)
{
	char host[512];
	json_t *series = json_array();

	for (size_t i = 0; i < res->nseries; i++)
		json_array_append_new(series, show_series_json(&res->series[i]));
	return json_pack("{s:s, s:s, s:s, s:s?, s:b, s:s, s:o, s:o*, s:o*, s:o}", "format",
	                 "boxbench-show/1", "id", res->id, "started_at", res->started_at,
	                 "finished_at", res->finished_at[0] ? res->finished_at : NULL, "complete",
	                 res->complete, "host", host_line(res, host, sizeof(host)), "series",
	                 series, "isolation", isolation_to_json(res), "limits", limits_to_json(res),
	                 "errors", show_errors_json(res));
}

/* A merged result: one table per host, a line for each host without a result. */
void show_hosts_table(const struct bb_hostset *set, FILE *f)
{
	size_t ok = results_hosts_with_data(set);

	fprintf(f, "boxbench merged result %s  %s  %zu hosts, %zu with a result\n", set->id,
	        set->started_at, set->n, ok);
	if (!ok)
		fprintf(f, "ALL %zu HOSTS FAILED: no host has a result\n", set->n);
	for (size_t i = 0; i < set->n; i++) {
		const struct bb_hostres *h = &set->hosts[i];
		if (!h->doc) {
			fprintf(f, "\n== host %s: %s%s%s (no result)\n", h->name,
			        host_status_name(h->status), h->reason[0] ? ": " : "", h->reason);
			continue;
		}
		fprintf(f, "\n== host %s ==\n", h->name);
		show_table(&h->res, f);
	}
}

json_t *show_hosts_json(const struct bb_hostset *set)
{
	json_t *hosts = json_array();

	for (size_t i = 0; i < set->n; i++) {
		const struct bb_hostres *h = &set->hosts[i];
		json_array_append_new(hosts,
		                      json_pack("{s:s, s:s, s:s?, s:o}", "name", h->name, "status",
		                                host_status_name(h->status), "reason",
		                                h->reason[0] ? h->reason : NULL, "result",
		                                h->doc ? show_json(&h->res) : json_null()));
	}
	return json_pack("{s:s, s:b, s:s, s:s, s:s?, s:I, s:o}", "format", "boxbench-show/1",
	                 "merged", true, "id", set->id, "started_at", set->started_at,
	                 "finished_at", set->finished_at[0] ? set->finished_at : NULL,
	                 "hosts_with_result", (json_int_t)results_hosts_with_data(set), "hosts",
	                 hosts);
}

static const char show_usage[] =
    "usage: boxbench show FILE [--json]\n"
    "  --json  the table as JSON (keys in README, \"--json\"); a merged result (boxbench\n"
    "          merge): {merged: true, hosts: [{name, status, reason, result}]}, each\n"
    "          result the JSON of one host's table (null without one)\n";

static int show_print(const struct bb_hostset *set, bool as_json)
{
	json_t *doc;

	if (!as_json) {
		if (set->merged)
			show_hosts_table(set, stdout);
		else
			show_table(&set->hosts[0].res, stdout);
		return BB_EXIT_OK;
	}
	doc = set->merged ? show_hosts_json(set) : show_json(&set->hosts[0].res);
	if (cli_print_json(doc, stdout) < 0)
		return cli_error("show", BB_EXIT_FAIL, "--json: cannot write the output");
	return BB_EXIT_OK;
}

static int show_main(int argc, char **argv)
{
	struct bb_hostset set;
	struct bb_err err = { 0 };
	bool as_json;
	int rc = cli_json_opts("show", argc, argv, show_usage, &as_json);

	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return cli_error("show", BB_EXIT_USAGE,
		                 optind >= argc
		                     ? "missing FILE (usage: boxbench show FILE [--json])"
		                     : "expected exactly one FILE (usage: boxbench show "
		                       "FILE [--json])");
	if (results_hosts_read(argv[optind], &set, &err) < 0)
		return cli_error("show", BB_EXIT_USAGE, "%s", err.msg);
	rc = show_print(&set, as_json);
	results_hosts_free(&set);
	return rc;
}

const struct command cmd_show = {
	.name = "show",
	.usage = "FILE [--json]",
	.summary = "a result's summary table",
	.main = show_main,
	.longopts = cli_json_longopts,
};
