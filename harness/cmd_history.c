/* boxbench history FILE... [-o DIR]: every (suite, metric, env) of each host over many results,
 * ordered by started_at: one gnuplot chart each (two hosts are never one line) (median, 95% CI
 * band, change points marked), and history.md with the latest change points under the rule of
 * `boxbench compare`. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "cli.h"
#include "compare.h"
#include "doc.h"
#include "gnuplot.h"
#include "outfile.h"
#include "results_hosts.h"

/* One series in one result, and how it changed from the previous result that has it. */
struct hist_point {
	const struct bb_result *res;
	const struct bb_series *s;
	struct compare_stat st; /* vs the previous point; verdict COMPARE_UNTESTED for the first */
};

/* One run of one host: a single-host result, or one host of a merged one. */
struct hist_run {
	struct bb_result res;
	char host[256]; /* its name in a merged result, else its host.hostname ("" unknown) */
};

struct hist_key {
	const struct bb_series *first; /* names the key, with host */
	const char *host;
	char slug[200]; /* file name stem, [A-Za-z0-9._-] only */
	struct hist_point *pts;
	size_t npts;
	int last_change; /* index of the latest regression/improvement point, -1 none */
};

struct hist {
	struct hist_run *runs; /* sorted by started_at */
	size_t nres, cap;
	bool multi_host; /* the runs come from more than one host */
	struct hist_key *keys;
	size_t nkeys;
	const char *dir;
	bool help, json, dir_given;
	char tmpl[PATH_MAX];
};

static const char hist_usage[] =
    "usage: boxbench history FILE... [-o DIR] [--json]\n"
    "  -o, --output DIR  where charts and history.md go (default history/)\n"
    "  --json            every series' points and the latest change points as JSON on\n"
    "                    stdout; no files unless -o is given too\n"
    "Orders the results by started_at; for every (suite, metric, env) of each host (a merged\n"
    "result gives one run per host; a host is its name there, else host.hostname) writes\n"
    "DIR/<series>.svg (DIR/<host>-<series>.svg when the results span several hosts)\n"
    "and .png (median with its 95% CI band, change points marked) and the data behind it\n"
    "(.dat), and DIR/history.md with the latest change points: consecutive results whose\n"
    "difference is a regression or an improvement under the rule of `boxbench compare`.\n";

static int hist_cmp(const void *a, const void *b)
{
	const struct hist_run *x = a, *y = b;
	int c = strcmp(x->res.started_at, y->res.started_at);

	c = c ? c : strcmp(x->res.id, y->res.id);
	return c ? c : strcmp(x->host, y->host);
}

/* Take the results of every host of set that has one (set keeps none of them). */
static int hist_take(struct hist *h, struct bb_hostset *set, struct bb_err *err)
{
	for (size_t i = 0; i < set->n; i++) {
		struct bb_hostres *hr = &set->hosts[i];
		struct hist_run *r;
		const char *hn = set->merged ? hr->name : results_jstr(hr->res.host, "hostname");
		if (!hr->doc)
			continue;
		if (h->nres == h->cap) {
			size_t ncap = h->cap ? 2 * h->cap : 8;
			if (!(r = realloc(h->runs, ncap * sizeof(*r))))
				return bb_fail(err, ENOMEM, "history");
			h->runs = r;
			h->cap = ncap;
		}
		r = &h->runs[h->nres++];
		r->res = hr->res;
		snprintf(r->host, sizeof(r->host), "%s", hn ? hn : "");
		json_decref(hr->doc);
		hr->doc = NULL;
	}
	return 0;
}

static int hist_load(int argc, char **argv, struct hist *h, struct bb_err *err)
{
	struct bb_hostset set;

	for (int i = 0; i < argc; i++) {
		if (results_hosts_read(argv[i], &set, err) < 0)
			return -1;
		if (hist_take(h, &set, err) < 0) {
			results_hosts_free(&set);
			return -1;
		}
		results_hosts_free(&set);
	}
	if (h->nres == 0)
		return bb_fail(err, 0, "no host with a result in the files");
	qsort(h->runs, h->nres, sizeof(*h->runs), hist_cmp);
	for (size_t i = 1; i < h->nres; i++)
		h->multi_host = h->multi_host || strcmp(h->runs[i].host, h->runs[0].host);
	return 0;
}

static void hist_slug(const struct bb_series *s, const char *host, char *out, size_t len)
{
	size_t o = 0;
	const char *parts[] = { host, s->suite, s->metric, s->env };

	for (size_t p = host ? 0 : 1; p < 4; p++) {
		for (const char *c = parts[p]; *c && o + 2 < len; c++) {
			bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			          (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';
			/* no leading dot: the files would be hidden */
			out[o] = ok && !(o == 0 && *c == '.') ? *c : '_';
			o++;
		}
		if (p < 3 && o + 2 < len)
			out[o++] = '-';
	}
	out[o] = '\0';
}

static struct hist_key *hist_key_find(struct hist *h, const struct bb_series *s, const char *host)
{
	for (size_t i = 0; i < h->nkeys; i++) {
		const struct bb_series *k = h->keys[i].first;
		if (!strcmp(k->suite, s->suite) && !strcmp(k->metric, s->metric) &&
		    !strcmp(k->env, s->env) && !strcmp(h->keys[i].host, host))
			return &h->keys[i];
	}
	return NULL;
}

/* Different names can sanitize to the same stem (a-b/c and a/b-c): number the later ones so no
 * chart overwrites another. */
static void hist_unique_slug(const struct hist *h, struct hist_key *k)
{
	size_t len = strlen(k->slug);

	for (int n = 2;; n++) {
		size_t i;
		for (i = 0; i + 1 < h->nkeys && strcmp(h->keys[i].slug, k->slug); i++)
			;
		if (i + 1 >= h->nkeys)
			return;
		snprintf(k->slug + len, sizeof(k->slug) - len, "-%d", n);
	}
}

/* The points of every key, in result order. */
static int hist_collect(struct hist *h)
{
	size_t cap = 0;

	for (size_t r = 0; r < h->nres; r++)
		cap += h->runs[r].res.nseries;
	h->keys = calloc(cap ? cap : 1, sizeof(*h->keys));
	if (!h->keys)
		return -1;
	for (size_t r = 0; r < h->nres; r++) {
		for (size_t i = 0; i < h->runs[r].res.nseries; i++) {
			const struct bb_series *s = &h->runs[r].res.series[i];
			const char *host = h->runs[r].host;
			struct hist_key *k = hist_key_find(h, s, host);
			if (!s->has_summary)
				continue;
			if (!k) {
				k = &h->keys[h->nkeys++];
				k->first = s;
				k->host = host;
				k->last_change = -1;
				hist_slug(s, h->multi_host ? (host[0] ? host : "unknown") : NULL,
				          k->slug, sizeof(k->slug));
				hist_unique_slug(h, k);
				k->pts = calloc(h->nres, sizeof(*k->pts));
				if (!k->pts)
					return -1;
			}
			k->pts[k->npts++] = (struct hist_point){ .res = &h->runs[r].res, .s = s };
		}
	}
	return 0;
}

static void hist_changes(struct hist_key *k)
{
	const struct compare_rule rule = { COMPARE_ALPHA_DEFAULT, COMPARE_THRESHOLD_DEFAULT };
	struct bb_err err = { 0 };

	k->pts[0].st.verdict = COMPARE_UNTESTED;
	for (size_t i = 1; i < k->npts; i++) {
		const struct bb_series *a = k->pts[i - 1].s, *b = k->pts[i].s;
		struct compare_stat *st = &k->pts[i].st;
		st->verdict = COMPARE_UNTESTED;
		if (strcmp(a->unit, b->unit) ||
		    compare_samples(a->samples, a->n, b->samples, b->n, b->better, &rule,
		                    compare_seed(k->pts[i].res), st, &err) < 0)
			continue;
		if (st->verdict == COMPARE_REGRESSION || st->verdict == COMPARE_IMPROVEMENT)
			k->last_change = (int)i;
	}
}

/* Data behind one chart (columns in scripts/history.gp). Dates are copied through a whitelist:
 * gnuplot reads this file, and a date is the one free-form string in it. */
/* A chart whose files could not be written (beside gnuplot_failure's values). */
#define HIST_WRITE_FAILED (-3)

static int hist_write_data(const struct hist_key *k, const char *path, struct bb_err *err)
{
	char tmp[PATH_MAX + 64];
	FILE *f = outfile_open(path, tmp, sizeof(tmp), err);

	if (!f)
		return bb_wrap(err, "history");
	fprintf(f, "# index started_at median ci95_lo ci95_hi change(1 regression, -1 "
	           "improvement)\n");
	for (size_t i = 0; i < k->npts; i++) {
		const struct hist_point *p = &k->pts[i];
		char date[32];
		size_t j;
		for (j = 0; p->res->started_at[j] && j + 1 < sizeof(date); j++) {
			char c = p->res->started_at[j];
			date[j] = strchr("0123456789-:TZ.+", c) ? c : '_';
		}
		date[j] = '\0';
		double lo, hi; /* no band where there is no interval: the median at both ends */
		series_ci_or_point(p->s, &lo, &hi);
		fprintf(f, "%zu %s %.12g %.12g %.12g %d\n", i, j ? date : "_", p->s->summary.median,
		        lo, hi,
		        p->st.verdict == COMPARE_REGRESSION    ? 1
		        : p->st.verdict == COMPARE_IMPROVEMENT ? -1
		                                               : 0);
	}
	return outfile_commit(f, tmp, path, true, err) < 0 ? bb_wrap(err, "history") : 0;
}

static int hist_chart(const struct hist *h, const struct hist_key *k, struct bb_err *err)
{
	char dat[PATH_MAX], svg[PATH_MAX], png[PATH_MAX], title[300], every[16], n[16];
	char svg_tmp[PATH_MAX + 16], png_tmp[PATH_MAX + 16];
	const struct bb_series *s = k->first;

	snprintf(dat, sizeof(dat), "%s/%s.dat", h->dir, k->slug);
	snprintf(svg, sizeof(svg), "%s/%s.svg", h->dir, k->slug);
	snprintf(png, sizeof(png), "%s/%s.png", h->dir, k->slug);
	snprintf(title, sizeof(title), "%s/%s in %s%s%.64s%s", s->suite, s->metric, s->env,
	         h->multi_host ? " on " : "", h->multi_host ? k->host : "",
	         s->emulated ? " (emulated)" : "");
	snprintf(every, sizeof(every), "%zu", (k->npts + 11) / 12);
	snprintf(n, sizeof(n), "%zu", k->npts);
	snprintf(svg_tmp, sizeof(svg_tmp), "%s/.%s.tmp.svg", h->dir, k->slug);
	snprintf(png_tmp, sizeof(png_tmp), "%s/.%s.tmp.png", h->dir, k->slug);
	if (hist_write_data(k, dat, err) < 0)
		return HIST_WRITE_FAILED;
	char *args[] = { "-c",  (char *)h->tmpl, dat,   svg_tmp, png_tmp,
		         title, (char *)s->unit, every, n,       NULL };
	int rc = gnuplot_run("gnuplot", args, GNUPLOT_TIMEOUT_S, err);
	if (rc < 0) {
		unlink(svg_tmp);
		unlink(png_tmp);
		return bb_wrap(err, "%s", k->slug), rc;
	}
	/* Charts go in place only whole (a full disk leaves gnuplot's exit status at 0). */
	if (gnuplot_output_commit(svg_tmp, svg, err) < 0) {
		unlink(png_tmp);
		return HIST_WRITE_FAILED;
	}
	return gnuplot_output_commit(png_tmp, png, err) < 0 ? HIST_WRITE_FAILED : 0;
}

/* The series' cells: "suite/metric", env (and host when the results span several). Names
 * come from result files: literals. */
static void hist_md_key(struct doc *d, const struct hist_key *k, bool host)
{
	const struct bb_series *s = k->first;

	doc_cell_begin(d, NULL);
	doc_literal(d, s->suite);
	doc_puts(d, "/");
	doc_literal(d, s->metric);
	doc_cell_end(d);
	doc_cell_begin(d, NULL);
	doc_literal(d, s->env);
	doc_cell_end(d);
	if (!host)
		return;
	doc_cell_begin(d, NULL);
	doc_literal(d, k->host[0] ? k->host : "?");
	doc_cell_end(d);
}

static void hist_md_cell(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hist_md_cell(struct doc *d, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	doc_cell_begin(d, NULL);
	doc_inline(d, text, true);
	doc_cell_end(d);
}

static int hist_change_cmp(const void *a, const void *b)
{
	const struct hist_key *x = *(const struct hist_key *const *)a;
	const struct hist_key *y = *(const struct hist_key *const *)b;

	return -strcmp(x->pts[x->last_change].res->started_at,
	               y->pts[y->last_change].res->started_at);
}

static void hist_md_change(struct doc *d, const struct hist_key *k, bool host)
{
	const struct hist_point *p = &k->pts[k->last_change], *q = &k->pts[k->last_change - 1];
	const struct compare_stat *st = &p->st;
	bool reg = st->verdict == COMPARE_REGRESSION;

	doc_row_begin(d, NULL);
	hist_md_key(d, k, host);
	doc_cell_begin(d, NULL);
	doc_literal(d, p->res->started_at);
	doc_cell_end(d);
	doc_cell_begin(d, NULL);
	doc_literal(d, q->res->id);
	doc_puts(d, " \xe2\x86\x92 ");
	doc_literal(d, p->res->id);
	doc_cell_end(d);
	doc_cell_begin(d, NULL);
	doc_printf(d, "%.4g \xe2\x86\x92 %.4g ", st->median_base, st->median_new);
	doc_literal(d, p->s->unit);
	doc_cell_end(d);
	if (stats_has_ci(st->change_lo, st->change_hi))
		hist_md_cell(d, "%+.1f%% [%+.1f%%, %+.1f%%]", 100 * st->change, 100 * st->change_lo,
		             100 * st->change_hi);
	else
		hist_md_cell(d, "%+.1f%% (no CI: n < %d)", 100 * st->change, BB_CI_MIN_N);
	hist_md_cell(d, "%.2g", reg ? st->p_worse : st->p_better);
	doc_cell_begin(d, NULL);
	if (reg)
		doc_strong(d, "regression");
	else
		doc_inline(d, "improvement", true);
	doc_cell_end(d);
	doc_row_end(d);
}

static void hist_md_changes(struct doc *d, const struct hist *h)
{
	static const char *const heads[] = {
		"series",          "env", "host",   "when", "from \xe2\x86\x92 to", "median",
		"change [95% CI]", "p",   "verdict"
	};
	const char *const *hd =
	    h->multi_host ? heads : (const char *const[]){ "series", "env",
		                                           "when",   "from \xe2\x86\x92 to",
		                                           "median", "change [95% CI]",
		                                           "p",      "verdict" };
	_cleanup_free_ const struct hist_key **ch = calloc(h->nkeys ? h->nkeys : 1, sizeof(*ch));
	size_t n = 0;

	for (size_t i = 0; ch && i < h->nkeys; i++)
		if (h->keys[i].last_change > 0)
			ch[n++] = &h->keys[i];
	doc_heading(d, 2, "changes", "Latest change points");
	if (n == 0) {
		doc_para(d, "",
		         "None: no two consecutive results differ significantly and by more than "
		         "the threshold.");
		return;
	}
	qsort(ch, n, sizeof(*ch), hist_change_cmp);
	doc_para(d, "", "The most recent change of each series, newest first.");
	doc_table(d, "changes", hd, h->multi_host ? "lllllllrl" : "llllllrl",
	          h->multi_host ? 9 : 8);
	for (size_t i = 0; i < n; i++)
		hist_md_change(d, ch[i], h->multi_host);
	doc_table_end(d);
}

static void hist_md_series(struct doc *d, const struct hist *h)
{
	static const char *const heads[] = { "series",  "env",          "host",          "unit",
		                             "results", "first median", "latest median", "chart" };
	static const char *const heads1[] = { "series",       "env",           "unit", "results",
		                              "first median", "latest median", "chart" };
	char svg[256], png[256];

	doc_heading(d, 2, "series", "Series");
	if (h->multi_host)
		doc_table(d, "series", heads, "llllrrrl", 8);
	else
		doc_table(d, "series", heads1, "lllrrrl", 7);
	for (size_t i = 0; i < h->nkeys; i++) {
		const struct hist_key *k = &h->keys[i];
		doc_row_begin(d, NULL);
		hist_md_key(d, k, h->multi_host);
		doc_cell_begin(d, NULL);
		doc_literal(d, k->first->unit);
		doc_cell_end(d);
		hist_md_cell(d, "%zu", k->npts);
		hist_md_cell(d, "%.4g", k->pts[0].s->summary.median);
		hist_md_cell(d, "%.4g", k->pts[k->npts - 1].s->summary.median);
		snprintf(svg, sizeof(svg), "%s.svg", k->slug);
		snprintf(png, sizeof(png), "%s.png", k->slug);
		doc_cell_begin(d, NULL);
		doc_printf(d, "[svg](%s) [png](%s)", svg, png);
		doc_cell_end(d);
		doc_row_end(d);
	}
	doc_table_end(d);
	for (size_t i = 0; i < h->nkeys; i++) {
		snprintf(svg, sizeof(svg), "%s.svg", h->keys[i].slug);
		doc_puts(d, i ? "\n" : "");
		doc_image(d, h->keys[i].slug, svg);
		doc_puts(d, "\n");
	}
}

static int hist_write_md(const struct hist *h, struct bb_err *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 64], rule[512];
	FILE *f;
	struct doc d = { .fmt = DOC_MARKDOWN };

	snprintf(path, sizeof(path), "%s/history.md", h->dir);
	if (!(f = outfile_open(path, tmp, sizeof(tmp), err)))
		return bb_wrap(err, "history");
	d.f = f;
	doc_heading(&d, 1, "history", "boxbench history");
	doc_para_begin(&d, "");
	doc_printf(&d, "%zu result%s from ", h->nres, h->nres == 1 ? "" : "s");
	doc_literal(&d, h->runs[0].res.started_at);
	doc_puts(&d, " to ");
	doc_literal(&d, h->runs[h->nres - 1].res.started_at);
	if (h->multi_host)
		doc_puts(&d, ", from several hosts: every series is one host's (never two hosts "
		             "on one line)");
	snprintf(rule, sizeof(rule),
	         ". A change point is a pair of consecutive results whose difference is a "
	         "regression or an improvement under the rule of `boxbench compare`: one-sided "
	         "Mann-Whitney p < %g and a median change beyond %g%%.",
	         COMPARE_ALPHA_DEFAULT, 100 * COMPARE_THRESHOLD_DEFAULT);
	doc_inline(&d, rule, false);
	doc_para_end(&d);
	hist_md_changes(&d, h);
	hist_md_series(&d, h);
	return outfile_commit(f, tmp, path, true, err) < 0 ? bb_wrap(err, "history") : 0;
}

/* 0 with the options (h->help: print the usage and stop), or -1 with the usage error. */
static const struct option hist_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int hist_parse(int argc, char **argv, struct hist *h, struct bb_err *err)
{
	int c;

	opterr = 0;
	optind = 1;
	h->dir = "history";
	while ((c = getopt_long(argc, argv, ":o:h", hist_longopts, NULL)) != -1) {
		if (c == 'h') {
			h->help = true;
			return 0;
		}
		if (c == 'j') {
			h->json = true;
			continue;
		}
		if (c != 'o')
			return cli_option_error(c, argv[optind - 1], err);
		h->dir = optarg;
		h->dir_given = true;
	}
	if (optind >= argc)
		return bb_fail(err, 0,
		               "missing FILE (usage: boxbench history FILE... [-o DIR] [--json])");
	return 0;
}

/* The charts; returns the exit code. Without gnuplot or its template there are no charts, as
 * in `report` (a warning, not a failure); a chart that could not be written is a write
 * failure. */
static int hist_charts(struct hist *h)
{
	struct bb_err err = { 0 };
	int rc;

	if (gnuplot_template("history.gp", h->tmpl, sizeof(h->tmpl), &err) < 0) {
		fprintf(stderr, "boxbench: history: %s: no charts\n", err.msg);
		return BB_EXIT_OK;
	}
	for (size_t i = 0; i < h->nkeys; i++) {
		if ((rc = hist_chart(h, &h->keys[i], &err)) == GNUPLOT_MISSING) {
			fprintf(stderr, "boxbench: history: %s: no charts\n", err.msg);
			return BB_EXIT_OK;
		}
		if (rc < 0)
			return cli_error("history",
			                 rc == HIST_WRITE_FAILED ? BB_EXIT_WRITE : BB_EXIT_FAIL,
			                 "%s", err.msg);
	}
	return BB_EXIT_OK;
}

static void hist_free(struct hist *h)
{
	for (size_t i = 0; h->keys && i < h->nkeys; i++)
		free(h->keys[i].pts);
	free(h->keys);
	for (size_t i = 0; h->runs && i < h->nres; i++)
		results_free(&h->runs[i].res);
	free(h->runs);
}

/* Charts and history.md into h->dir; an exit code. */
static int hist_files(struct hist *h)
{
	struct bb_err err = { 0 };
	int rc;

	if (mkdir(h->dir, 0755) < 0 && errno != EEXIST)
		return cli_error("history", BB_EXIT_WRITE, "mkdir %s: %s", h->dir, strerror(errno));
	rc = hist_charts(h);
	if (hist_write_md(h, &err) < 0)
		return cli_error("history", BB_EXIT_WRITE, "%s", err.msg);
	fprintf(stderr, "boxbench: history: %zu results, %zu series: wrote %s/history.md\n",
	        h->nres, h->nkeys, h->dir);
	return rc;
}

static json_t *hist_point_json(const struct hist_point *p)
{
	const struct compare_stat *st = &p->st;
	const struct bb_summary *m = &p->s->summary;
	bool tested = st->verdict != COMPARE_UNTESTED;
	json_t *o = json_pack("{s:s, s:s, s:I, s:f, s:[f, f]}", "result_id", p->res->id,
	                      "started_at", p->res->started_at, "n", (json_int_t)m->n, "median",
	                      m->median, "ci95", m->ci_lo, m->ci_hi);

	json_object_set_new(o, "change",
	                    tested ? json_pack("{s:f, s:[f, f], s:f, s:f}", "relative", st->change,
	                                       "ci95", st->change_lo, st->change_hi, "p_worse",
	                                       st->p_worse, "p_better", st->p_better)
	                           : json_null());
	json_object_set_new(o, "verdict", json_string(compare_verdict_key(st->verdict)));
	return o;
}

static json_t *hist_key_json(const struct hist_key *k)
{
	const struct bb_series *s = k->first;
	json_t *pts = json_array();

	for (size_t i = 0; i < k->npts; i++)
		json_array_append_new(pts, hist_point_json(&k->pts[i]));
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:b, s:o, s:o}", "suite", s->suite,
	                 "metric", s->metric, "env", s->env, "host", k->host[0] ? k->host : NULL,
	                 "unit", s->unit, "better", better_name(s->better), "emulated", s->emulated,
	                 "points", pts, "latest_change",
	                 k->last_change > 0 ? json_string(k->pts[k->last_change].res->id)
	                                    : json_null());
}

static json_t *hist_json(const struct hist *h)
{
	json_t *results = json_array(), *series = json_array();

	for (size_t i = 0; i < h->nres; i++)
		json_array_append_new(results,
		                      json_pack("{s:s, s:s?, s:s, s:b}", "id", h->runs[i].res.id,
		                                "host", h->runs[i].host[0] ? h->runs[i].host : NULL,
		                                "started_at", h->runs[i].res.started_at, "complete",
		                                h->runs[i].res.complete));
	for (size_t i = 0; i < h->nkeys; i++)
		json_array_append_new(series, hist_key_json(&h->keys[i]));
	return json_pack("{s:s, s:{s:f, s:f}, s:o, s:o}", "format", "boxbench-history/1", "rule",
	                 "alpha", COMPARE_ALPHA_DEFAULT, "threshold", COMPARE_THRESHOLD_DEFAULT,
	                 "results", results, "series", series);
}

static int history_main(int argc, char **argv)
{
	struct hist h = { 0 };
	struct bb_err err = { 0 };
	int rc;

	if (hist_parse(argc, argv, &h, &err) < 0)
		return cli_error("history", BB_EXIT_USAGE, "%s", err.msg);
	if (h.help)
		return fputs(hist_usage, stdout), BB_EXIT_OK;
	if (hist_load(argc - optind, argv + optind, &h, &err) < 0) {
		rc = cli_error("history", err.errnum == ENOMEM ? BB_EXIT_FAIL : BB_EXIT_USAGE, "%s",
		               err.msg);
		goto out;
	}
	if (hist_collect(&h) < 0) {
		rc = cli_error("history", BB_EXIT_FAIL, "out of memory");
		goto out;
	}
	if (h.nkeys == 0) {
		rc = cli_error("history", BB_EXIT_USAGE, "no series with samples in the files");
		goto out;
	}
	for (size_t i = 0; i < h.nkeys; i++)
		hist_changes(&h.keys[i]);
	rc = BB_EXIT_OK;
	if (h.json && cli_print_json(hist_json(&h), stdout) < 0)
		rc = cli_error("history", BB_EXIT_FAIL, "--json: cannot write the output");
	if (!h.json || h.dir_given)
		rc = hist_files(&h) ?: rc;
out:
	hist_free(&h);
	return rc;
}

const struct command cmd_history = {
	.name = "history",
	.usage = "FILE... [-o DIR] [--json]",
	.summary = "trends over many results: charts and change points",
	.main = history_main,
	.longopts = hist_longopts,
};
