#include "compare_runs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include "cleanup.h"
#include "cli.h"

static int welch_logs(const double *x, size_t n, double *logs, const char *side, struct bb_err *err)
{
	if (n < COMPARE_RUNS_MIN)
		return bb_fail(err, 0, "compare: %zu %s run(s), at least %d needed", n, side,
		               COMPARE_RUNS_MIN);
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !isfinite(x[i]))
			return bb_fail(err, 0, "compare: a %s run median is not > 0", side);
		logs[i] = log(x[i]);
	}
	return 0;
}

int compare_welch_log(const double *base, size_t nb, const double *new_, size_t nn,
                      enum bb_better better, const struct compare_rule *rule,
                      struct compare_stat *out, struct compare_welch *w, struct bb_err *err)
{
	double lb[COMPARE_RUNS_MAX], ln[COMPARE_RUNS_MAX], mb, mn, vb, vn, se, d, q;

	memset(out, 0, sizeof(*out));
	memset(w, 0, sizeof(*w));
	out->verdict = COMPARE_UNTESTED;
	out->change = out->change_lo = out->change_hi = NAN;
	if (nb > COMPARE_RUNS_MAX || nn > COMPARE_RUNS_MAX)
		return bb_fail(err, 0, "compare: at most %d runs a side", COMPARE_RUNS_MAX);
	if (welch_logs(base, nb, lb, "base", err) < 0 || welch_logs(new_, nn, ln, "new", err) < 0)
		return -1;
	gsl_set_error_handler_off();
	mb = gsl_stats_mean(lb, 1, nb), mn = gsl_stats_mean(ln, 1, nn);
	vb = gsl_stats_variance_m(lb, 1, nb, mb) / (double)nb;
	vn = gsl_stats_variance_m(ln, 1, nn, mn) / (double)nn;
	out->n_base = nb, out->n_new = nn;
	w->geo_base = out->median_base = exp(mb);
	w->geo_new = out->median_new = exp(mn);
	d = mn - mb;
	se = sqrt(vb + vn);
	if (!(se > 0)) { /* every run alike on both sides: no spread to judge by */
		out->p_worse = out->p_better = 1;
		out->change = out->change_lo = out->change_hi = exp(d) - 1;
	} else {
		w->t = d / se;
		/* Welch-Satterthwaite degrees of freedom */
		w->df = (vb + vn) * (vb + vn) /
		        (vb * vb / (double)(nb - 1) + vn * vn / (double)(nn - 1));
		q = gsl_cdf_tdist_Qinv(0.025, w->df);
		out->change = exp(d) - 1;
		out->change_lo = exp(d - q * se) - 1;
		out->change_hi = exp(d + q * se) - 1;
		/* larger in the time direction is worse when lower is better */
		out->p_worse = gsl_cdf_tdist_Q(better == BB_LOWER ? w->t : -w->t, w->df);
		out->p_better = 1 - out->p_worse;
	}
	out->p_worse_adj = out->p_worse;
	out->p_better_adj = out->p_better;
	out->verdict = compare_decide(out, better, rule);
	return 0;
}

/* --- the command --- */

struct cr_row {
	const struct bb_series *s; /* of the first base run: names, unit, better */
	double base[COMPARE_RUNS_MAX], new_[COMPARE_RUNS_MAX];
	struct compare_stat st;
	struct compare_welch w;
	char note[128];
};

struct cr_set {
	struct bb_result base[COMPARE_RUNS_MAX], new_[COMPARE_RUNS_MAX];
	size_t nb, nn;
	struct cr_row *rows;
	size_t nrows, regressions, improvements, untested;
};

static void cr_free(struct cr_set *c)
{
	for (size_t i = 0; i < c->nb; i++)
		results_free(&c->base[i]);
	for (size_t i = 0; i < c->nn; i++)
		results_free(&c->new_[i]);
	free(c->rows);
}

static int cr_read(char **paths, size_t n, struct bb_result *out, size_t *nread, struct bb_err *err)
{
	for (*nread = 0; *nread < n; (*nread)++)
		if (results_read(paths[*nread], &out[*nread], err) < 0)
			return -1;
	return 0;
}

/* The run medians of series s on one side; false (with a note) when a run lacks it. */
static bool cr_side(const struct bb_series *s, struct bb_result *runs, size_t n, double *med,
                    char *note, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		const struct bb_series *r =
		    results_find_summary(&runs[i], s->suite, s->metric, s->env);
		if (!r || strcmp(r->unit, s->unit)) {
			snprintf(note, len, "not in every run (or another unit): %s", runs[i].id);
			return false;
		}
		med[i] = r->summary.median;
	}
	return true;
}

static void cr_row_test(struct cr_set *c, struct cr_row *r, const struct compare_rule *rule)
{
	struct bb_err err = { 0 };

	r->st.verdict = COMPARE_UNTESTED;
	r->st.change = NAN;
	if (!cr_side(r->s, c->base, c->nb, r->base, r->note, sizeof(r->note)) ||
	    !cr_side(r->s, c->new_, c->nn, r->new_, r->note, sizeof(r->note)))
		return;
	if (compare_welch_log(r->base, c->nb, r->new_, c->nn, r->s->better, rule, &r->st, &r->w,
	                      &err) < 0)
		snprintf(r->note, sizeof(r->note), "%s",
		         strncmp(err.msg, "compare: ", 9) ? err.msg : err.msg + 9);
}

static int cr_build(struct cr_set *c, const struct compare_rule *rule, struct bb_err *err)
{
	const struct bb_result *first = &c->base[0];
	_cleanup_free_ struct compare_stat **st = calloc(first->nseries + 1, sizeof(*st));
	_cleanup_free_ enum bb_better *better = calloc(first->nseries + 1, sizeof(*better));

	c->rows = calloc(first->nseries + 1, sizeof(*c->rows));
	if (!c->rows || !st || !better)
		return bb_fail(err, 0, "out of memory");
	for (size_t i = 0; i < first->nseries; i++) {
		struct cr_row *r = &c->rows[c->nrows];
		if (!first->series[i].has_summary)
			continue;
		r->s = &first->series[i];
		cr_row_test(c, r, rule);
		st[c->nrows] = &r->st;
		better[c->nrows++] = r->s->better;
	}
	if (compare_correct(st, better, c->nrows, rule, err) < 0)
		return -1;
	for (size_t i = 0; i < c->nrows; i++) {
		c->regressions += c->rows[i].st.verdict == COMPARE_REGRESSION;
		c->improvements += c->rows[i].st.verdict == COMPARE_IMPROVEMENT;
		c->untested += c->rows[i].st.verdict == COMPARE_UNTESTED;
	}
	return 0;
}

static void cr_change_text(const struct compare_stat *st, char *buf, size_t len)
{
	if (st->verdict == COMPARE_UNTESTED)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%% [%+.1f%%, %+.1f%%]", 100 * st->change,
		         100 * st->change_lo, 100 * st->change_hi);
}

static void cr_print_text(const struct cr_set *c, const struct compare_rule *rule, FILE *f)
{
	fprintf(
	    f,
	    "%zu base runs, %zu new runs; rule: regression = one-sided Welch t-test on the log "
	    "of each run's median, p < %g Holm-corrected over the %zu series compared, and the "
	    "whole 95%% CI of the change (ratio of geometric means) worse by more than %g%%\n\n",
	    c->nb, c->nn, rule->alpha, c->nrows - c->untested, 100 * rule->threshold);
	fprintf(f, "%-26s %-10s %-5s %11s %11s  %-30s %8s  %s\n", "series", "env", "unit",
	        "base geomean", "new geomean", "change [95% CI]", "p (Holm)", "verdict");
	for (size_t i = 0; i < c->nrows; i++) {
		const struct cr_row *r = &c->rows[i];
		char name[140], ch[80], p[16] = "-";
		double bad = r->s->better == BB_LOWER ? r->st.change : -r->st.change;
		snprintf(name, sizeof(name), "%s/%s", r->s->suite, r->s->metric);
		cr_change_text(&r->st, ch, sizeof(ch));
		if (r->st.verdict != COMPARE_UNTESTED)
			snprintf(p, sizeof(p), "%.2g",
			         bad >= 0 ? r->st.p_worse_adj : r->st.p_better_adj);
		fprintf(f, "%-26s %-10s %-5s %11.4g %11.4g  %-30s %8s  %s%s%s%s\n", name, r->s->env,
		        r->s->unit, r->st.median_base, r->st.median_new, ch, p,
		        compare_verdict_name(r->st.verdict), r->note[0] ? " (" : "", r->note,
		        r->note[0] ? ")" : "");
	}
	fprintf(f, "\n%zu regression%s, %zu improvement%s, %zu untested in %zu series compared\n",
	        c->regressions, c->regressions == 1 ? "" : "s", c->improvements,
	        c->improvements == 1 ? "" : "s", c->untested, c->nrows);
}

static json_t *cr_medians(const double *v, size_t n, bool ok)
{
	json_t *a = json_array();

	for (size_t i = 0; ok && i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

static json_t *cr_row_json(const struct cr_set *c, const struct cr_row *r)
{
	bool tested = r->st.verdict != COMPARE_UNTESTED;
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s?}", "suite", r->s->suite,
	              "metric", r->s->metric, "env", r->s->env, "unit", r->s->unit, "better",
	              better_name(r->s->better), "base_medians", cr_medians(r->base, c->nb, tested),
	              "new_medians", cr_medians(r->new_, c->nn, tested), "verdict",
	              compare_verdict_key(r->st.verdict), "note", r->note[0] ? r->note : NULL);

	if (!tested) {
		json_object_set_new(o, "change", json_null());
		json_object_set_new(o, "test", json_null());
		return o;
	}
	json_object_set_new(o, "change",
	                    json_pack("{s:f, s:[f, f], s:f, s:f}", "relative", r->st.change, "ci95",
	                              r->st.change_lo, r->st.change_hi, "geomean_base",
	                              r->w.geo_base, "geomean_new", r->w.geo_new));
	json_object_set_new(
	    o, "test",
	    json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f}", "name", "welch-t-log-run-medians", "t",
	              r->w.t, "df", r->w.df, "p_worse", r->st.p_worse, "p_better", r->st.p_better,
	              "p_worse_holm", r->st.p_worse_adj, "p_better_holm", r->st.p_better_adj));
	return o;
}

static json_t *cr_files(char **paths, const struct bb_result *r, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "path", paths[i], "id",
		                                   r[i].id, "complete", r[i].complete));
	return a;
}

static json_t *cr_json(const struct cr_set *c, char **base, char **new_,
                       const struct compare_rule *rule, int rc)
{
	json_t *rows = json_array();

	for (size_t i = 0; i < c->nrows; i++)
		json_array_append_new(rows, cr_row_json(c, &c->rows[i]));
	return json_pack("{s:s, s:s, s:o, s:o, s:{s:f, s:f, s:s}, s:o, s:{s:I, s:I, s:I, s:I}, "
	                 "s:i, s:s}",
	                 "format", "boxbench-compare/1", "mode", "runs", "base",
	                 cr_files(base, c->base, c->nb), "new", cr_files(new_, c->new_, c->nn),
	                 "rule", "alpha", rule->alpha, "threshold", rule->threshold, "test",
	                 "one-sided Welch t-test on the log of run medians, Holm-corrected",
	                 "series", rows, "counts", "compared", (json_int_t)c->nrows, "regressions",
	                 (json_int_t)c->regressions, "improvements", (json_int_t)c->improvements,
	                 "untested", (json_int_t)c->untested, "exit_code", rc, "exit_reason",
	                 c->regressions ? "regression: at least one series regressed"
	                                : "ok: no series regressed");
}

int compare_runs_main(char **base, size_t nb, char **new_, size_t nn,
                      const struct compare_rule *rule, bool json, FILE *out)
{
	static struct cr_set c; /* large: 2 x 64 results */
	struct bb_err err = { 0 };
	int rc;

	memset(&c, 0, sizeof(c));
	if (nb < COMPARE_RUNS_MIN || nn < COMPARE_RUNS_MIN || nb > COMPARE_RUNS_MAX ||
	    nn > COMPARE_RUNS_MAX)
		return cli_error("compare", BB_EXIT_USAGE,
		                 "BASE... -- NEW...: %d to %d runs a side (%zu and %zu given)",
		                 COMPARE_RUNS_MIN, COMPARE_RUNS_MAX, nb, nn);
	if (cr_read(base, nb, c.base, &c.nb, &err) < 0 ||
	    cr_read(new_, nn, c.new_, &c.nn, &err) < 0 || cr_build(&c, rule, &err) < 0) {
		cr_free(&c);
		return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
	}
	rc = c.regressions ? BB_EXIT_FAIL : BB_EXIT_OK;
	if (!json)
		cr_print_text(&c, rule, out);
	else if (cli_print_json(cr_json(&c, base, new_, rule, rc), out) < 0)
		rc = cli_error("compare", BB_EXIT_USAGE, "--json: cannot write the output");
	cr_free(&c);
	return rc;
}
