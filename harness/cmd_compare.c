/* boxbench compare BASE NEW: match the series of two results by (suite, metric, env), test each
 * pair (compare.h) and exit 1 when any regressed: a CI gate. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"

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
	bool markdown;
	const char *base_path, *new_path;
};

enum { OPT_THRESHOLD = 256, OPT_ALPHA, OPT_MARKDOWN, OPT_HELP };

static const struct option cmp_longopts[] = {
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "markdown", no_argument, NULL, OPT_MARKDOWN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static const char cmp_usage[] =
    "usage: boxbench compare BASE NEW [--threshold PCT] [--alpha A] [--markdown]\n"
    "  --threshold PCT  smallest change of a median that counts, in percent (default 5)\n"
    "  --alpha A        significance level of the one-sided Mann-Whitney test (default 0.01)\n"
    "  --markdown       a Markdown table (for a CI job summary or a PR comment)\n"
    "A series regressed when NEW is significantly worse (p < alpha) AND its median moved by\n"
    "more than the threshold in the bad direction. Exit 1 on any regression, 0 otherwise,\n"
    "2 on bad input.\n";

/* Returns an exit code, or -1 to go on. */
static int cmp_parse(int argc, char **argv, struct cmp_opts *o)
{
	struct bb_err err = { 0 };
	double pct;
	int c;

	o->rule = (struct compare_rule){ COMPARE_ALPHA_DEFAULT, COMPARE_THRESHOLD_DEFAULT };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", cmp_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return fputs(cmp_usage, stdout), BB_EXIT_OK;
		case OPT_THRESHOLD:
			if (cli_double("--threshold", optarg, 0, 10000, &pct, &err) < 0)
				return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
			o->rule.threshold = pct / 100;
			break;
		case OPT_ALPHA:
			if (cli_double("--alpha", optarg, 1e-12, 0.5, &o->rule.alpha, &err) < 0)
				return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
			break;
		case OPT_MARKDOWN:
			o->markdown = true;
			break;
		default:
			return cli_bad_option("compare", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_error("compare", BB_EXIT_USAGE,
		                 "expected two files, BASE and NEW (usage: boxbench compare BASE "
		                 "NEW [--threshold PCT] [--alpha A] [--markdown])");
	o->base_path = argv[optind];
	o->new_path = argv[optind + 1];
	return -1;
}

static const char *jstr(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);

	if (k2)
		v = json_object_get(v, k2);
	return json_is_string(v) ? json_string_value(v) : "?";
}

static int cmp_diff(char (*out)[256], int n, const char *what, const char *a, const char *b)
{
	if (!strcmp(a, b) || n >= 16)
		return n;
	snprintf(out[n], sizeof(out[n]), "%s: \"%s\" -> \"%s\"", what, a, b);
	return n + 1;
}

/* What differs between the machines (and accelerators) the two results come from: a
 * difference there can explain a change without any regression in the software. */
static int cmp_host_diffs(const struct bb_result *a, const struct bb_result *b, char (*out)[256])
{
	const char *keys[][2] = { { "cpu_model", NULL }, { "kernel", NULL }, { "kvm", "kind" } };
	const char *names[] = { "cpu model", "kernel", "kvm kind" };
	const char *env;
	json_t *ea;
	int n = 0;

	for (size_t i = 0; i < 3; i++)
		n = cmp_diff(out, n, names[i], jstr(a->host, keys[i][0], keys[i][1]),
		             jstr(b->host, keys[i][0], keys[i][1]));
	json_object_foreach(a->environments, env, ea)
	{
		json_t *eb = json_object_get(b->environments, env);
		char what[96];
		if (!eb || !(json_object_get(ea, "accel") || json_object_get(eb, "accel")))
			continue;
		snprintf(what, sizeof(what), "%s accel", env);
		n = cmp_diff(out, n, what, jstr(ea, "accel", NULL), jstr(eb, "accel", NULL));
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
		t->regressions += r->st.verdict == COMPARE_REGRESSION;
		t->improvements += r->st.verdict == COMPARE_IMPROVEMENT;
		t->untested += r->st.verdict == COMPARE_UNTESTED;
	}
	t->only_new = b->nseries - t->nrows;
	return 0;
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
	snprintf(buf, len, "%s [%s, %s]", fmt_pct(st->change, a, sizeof(a)),
	         fmt_pct(st->change_lo, b, sizeof(b)), fmt_pct(st->change_hi, c, sizeof(c)));
	return buf;
}

/* The one-sided p of the direction the median moved in (the one a verdict would use). */
static const char *fmt_p(const struct compare_stat *st, enum bb_better better, char *buf,
                         size_t len)
{
	double bad = better == BB_LOWER ? st->change : -st->change;
	double p = bad >= 0 ? st->p_worse : st->p_better;

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
	        "rule: regression = one-sided Mann-Whitney p < %g and median worse by more "
	        "than %g%%\n\n",
	        o->rule.alpha, 100 * o->rule.threshold);
	fprintf(f, "%-26s %-10s %-5s %11s %11s  %-30s %7s  %s\n", "series", "env", "unit",
	        "base median", "new median", "change [95% CI]", "p", "verdict");
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

/* Names come from result files: keep a Markdown table cell intact. */
static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static void cmp_print_md_row(const struct cmp_row *r, FILE *f)
{
	char ch[80], p[16], notes[256], mb[32], mn[32];
	enum compare_verdict v = r->st.verdict;

	fputs("| ", f);
	md_cell(f, r->base->suite);
	fputc('/', f);
	md_cell(f, r->base->metric);
	fputs(" | ", f);
	md_cell(f, r->base->env);
	fputs(" | ", f);
	md_cell(f, r->new_->unit);
	fprintf(f, " | %s | %s | %s | %s | ", fmt_median(r->base, mb, sizeof(mb)),
	        fmt_median(r->new_, mn, sizeof(mn)), fmt_change(&r->st, ch, sizeof(ch)),
	        fmt_p(&r->st, r->new_->better, p, sizeof(p)));
	if (v == COMPARE_REGRESSION)
		fputs("**regression**", f);
	else
		fputs(compare_verdict_name(v), f);
	md_cell(f, fmt_notes(r, notes, sizeof(notes)));
	fputs(" |\n", f);
}

static void cmp_print_markdown(const struct cmp_table *t, const struct cmp_opts *o,
                               const struct bb_result *a, const struct bb_result *b,
                               char (*diffs)[256], int ndiffs, FILE *f)
{
	fprintf(f, "### boxbench compare: %zu regression%s, %zu improvement%s\n\n", t->regressions,
	        t->regressions == 1 ? "" : "s", t->improvements, t->improvements == 1 ? "" : "s");
	fputs("Base ", f);
	md_cell(f, a->id);
	fputs(" (", f);
	md_cell(f, a->started_at);
	fputs("), new ", f);
	md_cell(f, b->id);
	fputs(" (", f);
	md_cell(f, b->started_at);
	fprintf(f,
	        "). A regression is a one-sided Mann-Whitney p < %g and a median worse by more "
	        "than %g%%.\n\n",
	        o->rule.alpha, 100 * o->rule.threshold);
	if (!a->complete || !b->complete)
		fprintf(f, "> **Warning**: %s is incomplete (an interrupted run).\n\n",
		        !a->complete ? "the base" : "the new result");
	if (ndiffs)
		fputs("> **Warning**: the results come from different hosts:", f);
	for (int i = 0; i < ndiffs; i++) {
		fputs(i ? "; " : " ", f);
		md_cell(f, diffs[i]);
	}
	if (ndiffs)
		fputs(".\n\n", f);
	fputs("| series | env | unit | base median | new median | change [95% CI] | p | verdict "
	      "|\n|---|---|---|---:|---:|---|---:|---|\n",
	      f);
	for (size_t i = 0; i < t->nrows; i++)
		cmp_print_md_row(&t->rows[i], f);
	if (t->only_base || t->only_new)
		fputc('\n', f);
}

static void cmp_print_key(const struct bb_series *s, bool md, FILE *f)
{
	if (!md) {
		fprintf(f, "%s/%s %s", s->suite, s->metric, s->env);
		return;
	}
	md_cell(f, s->suite);
	fputc('/', f);
	md_cell(f, s->metric);
	fputc(' ', f);
	md_cell(f, s->env);
}

/* Series in only one of the files: listed, never tested. */
static void cmp_print_unmatched(const struct bb_result *x, const struct bb_result *y,
                                const char *label, bool md, FILE *f)
{
	for (size_t i = 0; i < x->nseries; i++) {
		const struct bb_series *s = &x->series[i];
		if (results_series((struct bb_result *)y, s->suite, s->metric, s->env, false))
			continue;
		fprintf(f, "%s%s: ", md ? "- " : "", label);
		cmp_print_key(s, md, f);
		fputc('\n', f);
	}
}

static void cmp_warn(const struct bb_result *a, const struct bb_result *b, char (*diffs)[256],
                     int ndiffs)
{
	if (ndiffs)
		fprintf(stderr,
		        "boxbench: compare: WARNING: BASE and NEW come from different hosts; a "
		        "difference may be the machine, not the change:\n");
	for (int i = 0; i < ndiffs; i++)
		fprintf(stderr, "boxbench: compare: WARNING:   %s\n", diffs[i]);
	if (!a->complete || !b->complete)
		fprintf(stderr, "boxbench: compare: WARNING: %s is incomplete (interrupted run)\n",
		        !a->complete ? "BASE" : "NEW");
}

static int cmp_report(const struct bb_result *a, const struct bb_result *b,
                      const struct cmp_opts *o)
{
	struct cmp_table t = { 0 };
	char diffs[16][256];
	int ndiffs = cmp_host_diffs(a, b, diffs);

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
	if (o->markdown) {
		cmp_print_markdown(&t, o, a, b, diffs, ndiffs, stdout);
	} else {
		printf("base: %s  %s  (%s)\nnew:  %s  %s  (%s)\n", a->id, a->started_at,
		       o->base_path, b->id, b->started_at, o->new_path);
		cmp_print_text(&t, o, stdout);
	}
	cmp_print_unmatched(a, b, "only in base", o->markdown, stdout);
	cmp_print_unmatched(b, a, "only in new", o->markdown, stdout);
	printf("\n%zu regression%s, %zu improvement%s, %zu untested in %zu series compared\n",
	       t.regressions, t.regressions == 1 ? "" : "s", t.improvements,
	       t.improvements == 1 ? "" : "s", t.untested, t.nrows);
	free(t.rows);
	return t.regressions ? BB_EXIT_FAIL : BB_EXIT_OK;
}

static int compare_main(int argc, char **argv)
{
	struct cmp_opts o = { 0 };
	struct bb_result a, b;
	struct bb_err err = { 0 };
	int rc;

	if ((rc = cmp_parse(argc, argv, &o)) >= 0)
		return rc;
	if (results_read(o.base_path, &a, &err) < 0)
		return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
	if (results_read(o.new_path, &b, &err) < 0) {
		results_free(&a);
		return cli_error("compare", BB_EXIT_USAGE, "%s", err.msg);
	}
	rc = cmp_report(&a, &b, &o);
	results_free(&a);
	results_free(&b);
	return rc;
}

const struct command cmd_compare = {
	.name = "compare",
	.usage = "BASE NEW [--threshold PCT] [--alpha A] [--markdown]",
	.summary = "test two results for regressions (exit 1 on any)",
	.main = compare_main,
};
