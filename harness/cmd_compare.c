/* boxbench compare BASE NEW: match the series of two results by (suite, metric, env), test each
 * pair (compare.h) and exit 1 when any regressed: a CI gate. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "doc.h"
#include "results_hosts.h"

struct cmp_row {
	const struct bb_series *base, *new_;
	struct compare_stat st;
	char note[160]; /* why untested */
};

struct cmp_table {
	struct cmp_row *rows;
	size_t nrows, regressions, improvements, untested;
	size_t only_base, only_new;
};

struct cmp_opts {
	struct compare_rule rule;
	bool markdown, json, help, across_hosts;
	const char *base_path, *new_path;
};

enum { OPT_THRESHOLD = 256, OPT_ALPHA, OPT_MARKDOWN, OPT_JSON, OPT_ACROSS, OPT_HELP };

static const struct option cmp_longopts[] = {
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "markdown", no_argument, NULL, OPT_MARKDOWN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "across-hosts", no_argument, NULL, OPT_ACROSS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static const char cmp_usage[] =
    "usage: boxbench compare BASE NEW [--threshold PCT] [--alpha A] [--markdown | --json]\n"
    "                        [--across-hosts]\n"
    "  --threshold PCT  smallest change of a median that counts, in percent (default 5)\n"
    "  --alpha A        significance level of the one-sided Mann-Whitney test (default 0.01)\n"
    "  --markdown       a Markdown table (for a CI job summary or a PR comment)\n"
    "  --json           the table as JSON: per series the verdict, both one-sided p-values,\n"
    "                   the change with its 95% CI; host differences; the exit code's reason\n"
    "  --across-hosts   compare results measured on different hosts (host.hostname): refused\n"
    "                   otherwise, a difference there is the machine, not the change\n"
    "Merged results (boxbench merge) are compared host by host, hosts paired by name; with\n"
    "--json: {merged: true, hosts: [{name, compared, note, result}]}.\n"
    "A series regressed when NEW is significantly worse (one-sided Mann-Whitney p < alpha,\n"
    "Holm-corrected for the number of series compared) AND the whole 95% CI of its median's\n"
    "change lies beyond the threshold in the bad direction (the threshold is the allowance for\n"
    "run-to-run noise). Exit 1 on any regression, 0 otherwise, 2 on bad input.\n";

/* 0 with the options (o->help: print the usage and stop), or -1 with the usage error. */
static int cmp_parse(int argc, char **argv, struct cmp_opts *o, struct bb_err *err)
{
	double pct;
	int c;

	o->rule = (struct compare_rule){ COMPARE_ALPHA_DEFAULT, COMPARE_THRESHOLD_DEFAULT };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", cmp_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			o->help = true;
			return 0;
		case OPT_THRESHOLD:
			if (cli_double("--threshold", optarg, 0, 10000, &pct, err) < 0)
				return -1;
			o->rule.threshold = pct / 100;
			break;
		case OPT_ALPHA:
			if (cli_double("--alpha", optarg, 1e-12, 0.5, &o->rule.alpha, err) < 0)
				return -1;
			break;
		case OPT_MARKDOWN:
			o->markdown = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ACROSS:
			o->across_hosts = true;
			break;
		default:
			return cli_option_error(c, argv[optind - 1], err);
		}
	}
	if (o->markdown && o->json)
		return bb_fail(err, 0, "--markdown and --json: pick one");
	if (argc - optind != 2)
		return bb_fail(
		    err, 0,
		    "expected two files, BASE and NEW (usage: boxbench compare BASE NEW "
		    "[--threshold PCT] [--alpha A] [--markdown | --json] [--across-hosts])");
	o->base_path = argv[optind];
	o->new_path = argv[optind + 1];
	return 0;
}

/* obj[key] (obj[key][key2] when key2 is set) as a string, "?" when there is none. */
static const char *cmp_str(json_t *obj, const char *key, const char *key2)
{
	const char *s =
	    key2 ? results_jstr(json_object_get(obj, key), key2) : results_jstr(obj, key);
	return s ? s : "?";
}

/* One way the two results' machines differ. */
struct cmp_diff {
	char what[96], base[128], new_[128];
};

#define CMP_MAX_DIFFS 16

static int cmp_diff(struct cmp_diff *out, int n, const char *what, const char *a, const char *b)
{
	if (!strcmp(a, b) || n >= CMP_MAX_DIFFS)
		return n;
	snprintf(out[n].what, sizeof(out[n].what), "%s", what);
	snprintf(out[n].base, sizeof(out[n].base), "%s", a);
	snprintf(out[n].new_, sizeof(out[n].new_), "%s", b);
	return n + 1;
}

static const char *cmp_diff_text(const struct cmp_diff *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s: \"%s\" -> \"%s\"", d->what, d->base, d->new_);
	return buf;
}

/* What differs between the machines (and accelerators) the two results come from: a
 * difference there can explain a change without any regression in the software. */
static int cmp_host_diffs(const struct bb_result *a, const struct bb_result *b,
                          struct cmp_diff *out)
{
	const char *keys[][2] = { { "cpu_model", NULL }, { "kernel", NULL }, { "kvm", "kind" } };
	const char *names[] = { "cpu model", "kernel", "kvm kind" };
	int n = 0;

	for (size_t i = 0; i < 3; i++)
		n = cmp_diff(out, n, names[i], cmp_str(a->host, keys[i][0], keys[i][1]),
		             cmp_str(b->host, keys[i][0], keys[i][1]));
	for (size_t i = 0; i < a->nenvs; i++) {
		const struct bb_envdesc *ea = &a->envs[i], *eb = results_env(b, ea->name);
		char what[96];
		if (!eb || !(ea->accel[0] || eb->accel[0]))
			continue;
		snprintf(what, sizeof(what), "%s accel", ea->name);
		n = cmp_diff(out, n, what, ea->accel[0] ? ea->accel : "?",
		             eb->accel[0] ? eb->accel : "?");
	}
	return n;
}

static void cmp_row_test(struct cmp_row *r, const struct compare_rule *rule, unsigned long seed)
{
	struct bb_err err = { 0 };

	r->st.verdict = COMPARE_UNTESTED;
	if (strcmp(r->base->unit, r->new_->unit)) {
		snprintf(r->note, sizeof(r->note), "unit changed: %s -> %s", r->base->unit,
		         r->new_->unit);
		return;
	}
	if (!r->base->n || !r->new_->n) {
		snprintf(r->note, sizeof(r->note), "no samples in %s (%zu errors)",
		         r->base->n ? "new" : "base", r->base->n ? r->new_->nerr : r->base->nerr);
		return;
	}
	if (compare_samples(r->base->samples, r->base->n, r->new_->samples, r->new_->n,
	                    r->new_->better, rule, seed, &r->st, &err) < 0)
		snprintf(r->note, sizeof(r->note), "%s",
		         strncmp(err.msg, "compare: ", 9) ? err.msg : err.msg + 9);
}

/* Holm over every series compared, then the counts. */
static int cmp_correct(struct cmp_table *t, const struct compare_rule *rule)
{
	struct compare_stat **st = calloc(t->nrows ? t->nrows : 1, sizeof(*st));
	enum bb_better *better = calloc(t->nrows ? t->nrows : 1, sizeof(*better));
	struct bb_err err = { 0 };
	int rc = -1;

	if (!st || !better)
		goto out;
	for (size_t i = 0; i < t->nrows; i++) {
		st[i] = &t->rows[i].st;
		better[i] = t->rows[i].new_->better;
	}
	if (compare_correct(st, better, t->nrows, rule, &err) < 0)
		goto out;
	for (size_t i = 0; i < t->nrows; i++) {
		t->regressions += st[i]->verdict == COMPARE_REGRESSION;
		t->improvements += st[i]->verdict == COMPARE_IMPROVEMENT;
		t->untested += st[i]->verdict == COMPARE_UNTESTED;
	}
	rc = 0;
out:
	free(st);
	free(better);
	return rc;
}

static int cmp_build(const struct bb_result *a, const struct bb_result *b,
                     const struct compare_rule *rule, struct cmp_table *t)
{
	unsigned long seed = compare_seed(b);

	t->rows = calloc(a->nseries ? a->nseries : 1, sizeof(*t->rows));
	if (!t->rows)
		return -1;
	for (size_t i = 0; i < a->nseries; i++) {
		struct bb_series *sa = &a->series[i];
		struct bb_series *sb =
		    results_series((struct bb_result *)b, sa->suite, sa->metric, sa->env, false);
		if (!sb) {
			t->only_base++;
			continue;
		}
		struct cmp_row *r = &t->rows[t->nrows++];
		r->base = sa;
		r->new_ = sb;
		cmp_row_test(r, rule, seed);
	}
	t->only_new = b->nseries - t->nrows;
	return cmp_correct(t, rule);
}

static const char *fmt_pct(double x, char *buf, size_t len)
{
	snprintf(buf, len, "%+.1f%%", 100 * x);
	return buf;
}

static const char *fmt_change(const struct compare_stat *st, char *buf, size_t len)
{
	char a[24], b[24], c[24];

	if (st->verdict == COMPARE_UNTESTED)
		return snprintf(buf, len, "-"), buf;
	if (!stats_has_ci(st->change_lo, st->change_hi))
		return snprintf(buf, len, "%s (no CI: n < %d)", fmt_pct(st->change, a, sizeof(a)),
		                BB_CI_MIN_N),
		       buf;
	snprintf(buf, len, "%s [%s, %s]", fmt_pct(st->change, a, sizeof(a)),
	         fmt_pct(st->change_lo, b, sizeof(b)), fmt_pct(st->change_hi, c, sizeof(c)));
	return buf;
}

/* The one-sided p of the direction the median moved in (the one a verdict would use), after
 * Holm's correction for the series compared together. */
static const char *fmt_p(const struct compare_stat *st, enum bb_better better, char *buf,
                         size_t len)
{
	double bad = better == BB_LOWER ? st->change : -st->change;
	double p = bad >= 0 ? st->p_worse_adj : st->p_better_adj;

	if (st->verdict == COMPARE_UNTESTED)
		snprintf(buf, len, "-");
	else if (p < 1e-4)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.2g", p);
	return buf;
}

static const char *fmt_notes(const struct cmp_row *r, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (r->note[0])
		o += (size_t)snprintf(buf + o, len - o, " (%s)", r->note);
	if (o < len && r->st.verdict != COMPARE_UNTESTED &&
	    (r->base->n < COMPARE_MIN_REPS || r->new_->n < COMPARE_MIN_REPS))
		o += (size_t)snprintf(buf + o, len - o, " (n < %d: low power)", COMPARE_MIN_REPS);
	if (o < len && (r->base->emulated || r->new_->emulated))
		snprintf(buf + o, len - o, " (emulated: %s)", r->new_->accel);
	return buf;
}

static const char *fmt_median(const struct bb_series *s, char *buf, size_t len)
{
	if (s->has_summary)
		snprintf(buf, len, "%.4g", s->summary.median);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void cmp_print_text(const struct cmp_table *t, const struct cmp_opts *o, FILE *f)
{
	char name[140], ch[80], p[16], notes[256], mb[32], mn[32];

	fprintf(f,
	        "rule: regression = one-sided Mann-Whitney p < %g, Holm-corrected over the %zu "
	        "series compared, and the whole 95%% CI of the median's change worse by more "
	        "than %g%%\n\n",
	        o->rule.alpha, t->nrows - t->untested, 100 * o->rule.threshold);
	fprintf(f, "%-26s %-10s %-5s %11s %11s  %-30s %7s  %s\n", "series", "env", "unit",
	        "base median", "new median", "change [95% CI]", "p (Holm)", "verdict");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];
		snprintf(name, sizeof(name), "%s/%s", r->base->suite, r->base->metric);
		fprintf(f, "%-26s %-10s %-5s %11s %11s  %-30s %7s  %s%s\n", name, r->base->env,
		        r->new_->unit, fmt_median(r->base, mb, sizeof(mb)),
		        fmt_median(r->new_, mn, sizeof(mn)), fmt_change(&r->st, ch, sizeof(ch)),
		        fmt_p(&r->st, r->new_->better, p, sizeof(p)),
		        compare_verdict_name(r->st.verdict), fmt_notes(r, notes, sizeof(notes)));
	}
}

/* Names come from result files: literals, nothing in them turns into Markdown. */
static void cmp_md_cell(struct doc *d, const char *literal)
{
	doc_cell_begin(d, NULL);
	doc_literal(d, literal);
	doc_cell_end(d);
}

static void cmp_md_key(struct doc *d, const struct bb_series *s)
{
	doc_literal(d, s->suite);
	doc_puts(d, "/");
	doc_literal(d, s->metric);
}

static void cmp_print_md_row(struct doc *d, const struct cmp_row *r)
{
	char ch[80], p[16], notes[256], mb[32], mn[32];
	const char *nums[] = { fmt_median(r->base, mb, sizeof(mb)),
		               fmt_median(r->new_, mn, sizeof(mn)),
		               fmt_change(&r->st, ch, sizeof(ch)),
		               fmt_p(&r->st, r->new_->better, p, sizeof(p)) };

	doc_row_begin(d, NULL);
	doc_cell_begin(d, NULL);
	cmp_md_key(d, r->base);
	doc_cell_end(d);
	cmp_md_cell(d, r->base->env);
	cmp_md_cell(d, r->new_->unit);
	for (size_t i = 0; i < 4; i++) {
		doc_cell_begin(d, NULL);
		doc_inline(d, nums[i], true);
		doc_cell_end(d);
	}
	doc_cell_begin(d, NULL);
	if (r->st.verdict == COMPARE_REGRESSION)
		doc_strong(d, "regression");
	else
		doc_inline(d, compare_verdict_name(r->st.verdict), true);
	doc_literal(d, fmt_notes(r, notes, sizeof(notes)));
	doc_cell_end(d);
	doc_row_end(d);
}

static void cmp_md_warnings(struct doc *d, const struct bb_result *a, const struct bb_result *b,
                            const struct cmp_diff *diffs, int ndiffs)
{
	if (!a->complete || !b->complete) {
		doc_para_begin(d, "info");
		doc_strong(d, "Warning");
		doc_printf(d, ": %s is incomplete (an interrupted run).",
		           !a->complete ? "the base" : "the new result");
		doc_para_end(d);
	}
	if (!ndiffs)
		return;
	doc_para_begin(d, "info");
	doc_strong(d, "Warning");
	doc_inline(d, ": the results come from different hosts:", false);
	for (int i = 0; i < ndiffs; i++) {
		char text[400];
		doc_puts(d, i ? "; " : " ");
		doc_literal(d, cmp_diff_text(&diffs[i], text, sizeof(text)));
	}
	doc_puts(d, ".");
	doc_para_end(d);
}

static void cmp_print_markdown(struct doc *d, const struct cmp_table *t, const struct cmp_opts *o,
                               const struct bb_result *a, const struct bb_result *b,
                               const struct cmp_diff *diffs, int ndiffs)
{
	static const char *const heads[] = { "series",      "env",        "unit",
		                             "base median", "new median", "change [95% CI]",
		                             "p (Holm)",    "verdict" };
	char text[320];

	snprintf(text, sizeof(text), "boxbench compare: %zu regression%s, %zu improvement%s",
	         t->regressions, t->regressions == 1 ? "" : "s", t->improvements,
	         t->improvements == 1 ? "" : "s");
	doc_heading(d, 3, "compare", text);
	doc_para_begin(d, "");
	doc_puts(d, "Base ");
	doc_literal(d, a->id);
	doc_puts(d, " (");
	doc_literal(d, a->started_at);
	doc_puts(d, "), new ");
	doc_literal(d, b->id);
	doc_puts(d, " (");
	doc_literal(d, b->started_at);
	snprintf(text, sizeof(text),
	         "). A regression is a one-sided Mann-Whitney p < %g, Holm-corrected over the %zu "
	         "series compared, and the whole 95%% CI of the median's change worse by more "
	         "than %g%%.",
	         o->rule.alpha, t->nrows - t->untested, 100 * o->rule.threshold);
	doc_inline(d, text, false);
	doc_para_end(d);
	cmp_md_warnings(d, a, b, diffs, ndiffs);
	doc_table(d, "compare", heads, "lllrrlrl", 8);
	for (size_t i = 0; i < t->nrows; i++)
		cmp_print_md_row(d, &t->rows[i]);
	/* with no list below, the blank line before the summary line ends the table */
	if (t->only_base || t->only_new)
		doc_table_end(d);
}

/* Series in only one of the files: listed, never tested. md NULL: plain text. */
static void cmp_print_unmatched(const struct bb_result *x, const struct bb_result *y,
                                const char *label, struct doc *md, FILE *f)
{
	for (size_t i = 0; i < x->nseries; i++) {
		const struct bb_series *s = &x->series[i];
		if (results_series((struct bb_result *)y, s->suite, s->metric, s->env, false))
			continue;
		if (!md) {
			fprintf(f, "%s: %s/%s %s\n", label, s->suite, s->metric, s->env);
			continue;
		}
		doc_printf(md, "- %s: ", label);
		cmp_md_key(md, s);
		doc_puts(md, " ");
		doc_literal(md, s->env);
		doc_puts(md, "\n");
	}
}

static void cmp_warn(const struct bb_result *a, const struct bb_result *b,
                     const struct cmp_diff *diffs, int ndiffs)
{
	if (ndiffs)
		fprintf(stderr,
		        "boxbench: compare: WARNING: BASE and NEW come from different hosts; a "
		        "difference may be the machine, not the change:\n");
	for (int i = 0; i < ndiffs; i++) {
		char text[400];
		fprintf(stderr, "boxbench: compare: WARNING:   %s\n",
		        cmp_diff_text(&diffs[i], text, sizeof(text)));
	}
	if (!a->complete || !b->complete)
		fprintf(stderr, "boxbench: compare: WARNING: %s is incomplete (interrupted run)\n",
		        !a->complete ? "BASE" : "NEW");
}

/* The series of x that y lacks, as [{suite, metric, env}]. */
static json_t *cmp_unmatched_json(const struct bb_result *x, const struct bb_result *y)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < x->nseries; i++) {
		const struct bb_series *s = &x->series[i];
		if (!results_series((struct bb_result *)y, s->suite, s->metric, s->env, false))
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "suite", s->suite,
			                                     "metric", s->metric, "env", s->env));
	}
	return arr;
}

static json_t *cmp_side_json(const struct bb_series *s)
{
	return json_pack("{s:I, s:I, s:o}", "n", (json_int_t)s->n, "errors", (json_int_t)s->nerr,
	                 "median", s->has_summary ? json_real(s->summary.median) : json_null());
}

/* One row: the text's columns, with both one-sided p-values and the test's details. */
static json_t *cmp_row_json(const struct cmp_row *r)
{
	const struct compare_stat *st = &r->st;
	bool tested = st->verdict != COMPARE_UNTESTED;
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:b, s:b, s:s?}", "suite", r->base->suite,
	    "metric", r->base->metric, "env", r->base->env, "unit", r->new_->unit, "better",
	    better_name(r->new_->better), "base", cmp_side_json(r->base), "new",
	    cmp_side_json(r->new_), "verdict", compare_verdict_key(st->verdict), "low_power",
	    tested && (r->base->n < COMPARE_MIN_REPS || r->new_->n < COMPARE_MIN_REPS), "emulated",
	    r->base->emulated || r->new_->emulated, "note", r->note[0] ? r->note : NULL);

	if (!tested) {
		json_object_set_new(o, "change", json_null());
		json_object_set_new(o, "test", json_null());
		return o;
	}
	json_object_set_new(o, "change",
	                    json_pack("{s:f, s:[f, f]}", "relative", st->change, "ci95",
	                              st->change_lo, st->change_hi));
	json_object_set_new(o, "test",
	                    json_pack("{s:s, s:f, s:f, s:f, s:b}", "name", "mann-whitney-u", "u",
	                              st->mw.u, "p_worse", st->p_worse, "p_better", st->p_better,
	                              "exact", st->mw.exact));
	return o;
}

static json_t *cmp_diffs_json(const struct cmp_diff *diffs, int ndiffs)
{
	json_t *arr = json_array();

	for (int i = 0; i < ndiffs; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "what", diffs[i].what,
		                                     "base", diffs[i].base, "new", diffs[i].new_));
	return arr;
}

static json_t *cmp_file_json(const struct bb_result *r, const char *path)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "path", path, "id", r->id, "started_at",
	                 r->started_at, "complete", r->complete);
}

/* Why compare exits with rc, in words a CI log can show. */
static const char *cmp_exit_reason(const struct cmp_table *t)
{
	return t->regressions ? "regression: at least one series regressed"
	                      : "ok: no series regressed";
}

static json_t *cmp_json(const struct cmp_table *t, const struct cmp_opts *o,
                        const struct bb_result *a, const struct bb_result *b,
                        const struct cmp_diff *diffs, int ndiffs, int rc)
{
	json_t *rows = json_array();

	for (size_t i = 0; i < t->nrows; i++)
		json_array_append_new(rows, cmp_row_json(&t->rows[i]));
	return json_pack("{s:s, s:o, s:o, s:{s:f, s:f, s:s}, s:o, s:o, s:o, s:o, s:{s:I, s:I, "
	                 "s:I, s:I}, s:i, s:s}",
	                 "format", "boxbench-compare/1", "base", cmp_file_json(a, o->base_path),
	                 "new", cmp_file_json(b, o->new_path), "rule", "alpha", o->rule.alpha,
	                 "threshold", o->rule.threshold, "test", "one-sided Mann-Whitney U",
	                 "host_differences", cmp_diffs_json(diffs, ndiffs), "series", rows,
	                 "only_in_base", cmp_unmatched_json(a, b), "only_in_new",
	                 cmp_unmatched_json(b, a), "counts", "compared", (json_int_t)t->nrows,
	                 "regressions", (json_int_t)t->regressions, "improvements",
	                 (json_int_t)t->improvements, "untested", (json_int_t)t->untested,
	                 "exit_code", rc, "exit_reason", cmp_exit_reason(t));
}

static void cmp_print(const struct cmp_table *t, const struct cmp_opts *o,
                      const struct bb_result *a, const struct bb_result *b,
                      const struct cmp_diff *diffs, int ndiffs)
{
	struct doc md = { .f = stdout, .fmt = DOC_MARKDOWN };

	if (o->markdown) {
		cmp_print_markdown(&md, t, o, a, b, diffs, ndiffs);
	} else {
		printf("base: %s  %s  (%s)\nnew:  %s  %s  (%s)\n", a->id, a->started_at,
		       o->base_path, b->id, b->started_at, o->new_path);
		cmp_print_text(t, o, stdout);
	}
	cmp_print_unmatched(a, b, "only in base", o->markdown ? &md : NULL, stdout);
	cmp_print_unmatched(b, a, "only in new", o->markdown ? &md : NULL, stdout);
	printf("\n%zu regression%s, %zu improvement%s, %zu untested in %zu series compared\n",
	       t->regressions, t->regressions == 1 ? "" : "s", t->improvements,
	       t->improvements == 1 ? "" : "s", t->untested, t->nrows);
}

/* Compare a with b: the table printed, or with --json its document printed (or, jout set,
 * handed back). Returns the exit code. */
static int cmp_report(const struct bb_result *a, const struct bb_result *b,
                      const struct cmp_opts *o, json_t **jout)
{
	struct cmp_table t = { 0 };
	struct cmp_diff diffs[CMP_MAX_DIFFS];
	int ndiffs = cmp_host_diffs(a, b, diffs), rc;

	if (cmp_build(a, b, &o->rule, &t) < 0)
		return cli_error("compare", BB_EXIT_FAIL, "out of memory");
	if (t.nrows == 0) {
		free(t.rows);
		return cli_error(
		    "compare", BB_EXIT_USAGE,
		    "%s and %s have nothing in common: no (suite, metric, env) is in both",
		    o->base_path, o->new_path);
	}
	cmp_warn(a, b, diffs, ndiffs);
	rc = t.regressions ? BB_EXIT_FAIL : BB_EXIT_OK;
	if (!o->json)
		cmp_print(&t, o, a, b, diffs, ndiffs);
	else if (jout)
		*jout = cmp_json(&t, o, a, b, diffs, ndiffs, rc);
	else if (cli_print_json(cmp_json(&t, o, a, b, diffs, ndiffs, rc), stdout) < 0)
		rc = cli_error("compare", BB_EXIT_USAGE, "--json: cannot write the output");
	free(t.rows);
	return rc;
}

/* The two results' host names, when both say one and they differ. */
static bool cmp_other_host(const struct bb_result *a, const struct bb_result *b, const char **ha,
                           const char **hb)
{
	*ha = results_jstr(a->host, "hostname");
	*hb = results_jstr(b->host, "hostname");
	return *ha && *hb && strcmp(*ha, *hb);
}

static int cmp_single(const struct bb_result *a, const struct bb_result *b,
                      const struct cmp_opts *o)
{
	const char *ha, *hb;

	if (!o->across_hosts && cmp_other_host(a, b, &ha, &hb))
		return cli_error("compare", BB_EXIT_USAGE,
		                 "BASE was measured on host '%.64s', NEW on '%.64s': not compared "
		                 "(--across-hosts compares results of different hosts)",
		                 ha, hb);
	return cmp_report(a, b, o, NULL);
}

/* Why host h of BASE cannot be compared with NEW's host of its name (NULL: it can). */
static const char *cmp_host_note(const struct bb_hostres *h, const struct bb_hostres *other,
                                 const struct cmp_opts *o, char *buf, size_t len)
{
	const char *ha, *hb;

	if (!other)
		return "only in BASE";
	if (!h->doc || !other->doc) {
		snprintf(buf, len, "%s in %s%s%s",
		         host_status_name(h->doc ? other->status : h->status),
		         h->doc ? "NEW" : "BASE", (h->doc ? other : h)->reason[0] ? ": " : "",
		         (h->doc ? other : h)->reason);
		return buf;
	}
	if (!o->across_hosts && cmp_other_host(&h->res, &other->res, &ha, &hb)) {
		snprintf(buf, len, "measured on '%.64s' in BASE, '%.64s' in NEW (--across-hosts)",
		         ha, hb);
		return buf;
	}
	return NULL;
}

/* One host of a merged pair: compared, or a line (a JSON row) saying why not. */
static int cmp_one_host(const struct bb_hostres *h, const struct bb_hostset *b,
                        const struct cmp_opts *o, json_t *rows, size_t *compared)
{
	const struct bb_hostres *other = results_hosts_find(b, h->name);
	char buf[RESULTS_MAX_NAME + 160];
	const char *note = cmp_host_note(h, other, o, buf, sizeof(buf));
	json_t *doc = NULL;
	int rc = BB_EXIT_OK;

	if (!o->json && note)
		printf("\n== host %s: not compared (%s)\n", h->name, note);
	if (!o->json && !note)
		printf("\n== host %s ==\n", h->name);
	if (!note) {
		rc = cmp_report(&h->res, &other->res, o, &doc);
		*compared += rc != BB_EXIT_USAGE;
	}
	json_array_append_new(rows, json_pack("{s:s, s:b, s:s?, s:o}", "name", h->name, "compared",
	                                      !note && rc != BB_EXIT_USAGE, "note", note, "result",
	                                      doc ? doc : json_null()));
	return rc;
}

/* Merged results (either side): hosts paired by name, each pair compared on its own. Exit 1
 * when a host regressed, 2 when no pair could be compared. */
static int cmp_hosts(const struct bb_hostset *a, const struct bb_hostset *b,
                     const struct cmp_opts *o)
{
	json_t *rows = json_array();
	size_t compared = 0;
	int rc = BB_EXIT_OK;

	for (size_t i = 0; i < a->n; i++)
		if (cmp_one_host(&a->hosts[i], b, o, rows, &compared) == BB_EXIT_FAIL)
			rc = BB_EXIT_FAIL;
	for (size_t i = 0; i < b->n; i++) {
		if (results_hosts_find(a, b->hosts[i].name))
			continue;
		if (!o->json)
			printf("\n== host %s: not compared (only in NEW)\n", b->hosts[i].name);
		json_array_append_new(rows, json_pack("{s:s, s:b, s:s, s:n}", "name",
		                                      b->hosts[i].name, "compared", false, "note",
		                                      "only in NEW", "result"));
	}
	if (!compared)
		rc = cli_error("compare", BB_EXIT_USAGE,
		               "%s and %s have no host in common with a result on both sides",
		               o->base_path, o->new_path);
	if (o->json &&
	    cli_print_json(json_pack("{s:s, s:b, s:o, s:i}", "format", "boxbench-compare/1",
	                             "merged", true, "hosts", rows, "exit_code", rc),
	                   stdout) < 0)
		return cli_error("compare", BB_EXIT_USAGE, "--json: cannot write the output");
	if (!o->json)
		json_decref(rows);
	return rc;
}

static int compare_main(int argc, char **argv)
{
	struct cmp_opts o = { 0 };
	struct bb_hostset a, b;
	struct bb_err err = { 0 };
	int rc;

	if (cmp_parse(argc, argv, &o, &err) < 0)
		return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
	if (o.help)
		return fputs(cmp_usage, stdout), BB_EXIT_OK;
	if (results_hosts_read(o.base_path, &a, &err) < 0)
		return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
	if (results_hosts_read(o.new_path, &b, &err) < 0) {
		results_hosts_free(&a);
		return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
	}
	if (o.markdown && (a.merged || b.merged))
		rc = cli_error("compare", BB_EXIT_USAGE,
		               "--markdown: one pair of results at a time (a merged result is "
		               "compared host by host in text or --json)");
	else if (a.merged || b.merged)
		rc = cmp_hosts(&a, &b, &o);
	else
		rc = cmp_single(&a.hosts[0].res, &b.hosts[0].res, &o);
	results_hosts_free(&a);
	results_hosts_free(&b);
	return rc;
}

const struct command cmd_compare = {
	.name = "compare",
	.usage = "BASE NEW [--threshold PCT] [--alpha A] [--markdown | --json] [--across-hosts]",
	.summary = "test two results for regressions (exit 1 on any)",
	.main = compare_main,
	.longopts = cmp_longopts,
};
