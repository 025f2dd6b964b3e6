/* The report of a merged result: the hosts side by side (report_hosts.h). Each host's own
 * figures come from its single-host view, through the same claims and report code as a single
 * result: nothing here re-derives a verdict. */
#include "report_hosts.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "doc.h"
#include "format.h"
#include "gnuplot.h"
#include "outfile.h"
#include "report_charts.h"

#define HR_MAX_ROWS 96

struct hrep {
	const struct bb_hostset *set;
	char dir[PATH_MAX], charts_dir[PATH_MAX + 16];
	const char *gnuplot, *tmpl_dir;
	struct claim_eval *claims; /* CLAIMS_N per host, by host index (hosts with a result) */
	struct chart charts[MAX_SUITES];
	size_t ncharts;
	char gnuplot_missing[CHART_MISSING_LEN];
	struct report_outcome hosts; /* the hosts' own reports, added up */
};

/* One row of a suite's chart: an (environment, metric) some host measured. */
struct hrow {
	const char *env, *metric, *unit;
};

static const char *verdict_phrase(enum claim_verdict v)
{
	static const char *const p[] = { "is not measured", "holds", "holds with caveat",
		                         "does not hold", "is inconclusive" };
	return v <= CLAIM_INCONCLUSIVE ? p[v] : "?";
}

void report_hosts_agreement(const char *id, const enum claim_verdict *verdicts,
                            const char *const *names, size_t n, size_t total, char *buf, size_t len)
{
	bool done[CLAIM_INCONCLUSIVE + 1] = { false }, same = true;
	size_t o = 0;

	for (size_t i = 1; i < n; i++)
		same = same && verdicts[i] == verdicts[0];
	if (n == 0 || same) {
		bool none = n == 0 || verdicts[0] == CLAIM_NOT_MEASURED;
		char which[64] = "";
		/* "every host" only when every host of the merge has a result to say it from */
		if (n < total)
			snprintf(which, sizeof(which), " with a result (%zu of %zu)", n, total);
		snprintf(buf, len, "%s %s on %s%s", id,
		         none ? "is not measured" : verdict_phrase(verdicts[0]),
		         none ? "any host" : "every host", which);
		return;
	}
	o += (size_t)snprintf(buf, len, "%s", id);
	for (size_t i = 0; i < n && o < len; i++) {
		if (verdicts[i] > CLAIM_INCONCLUSIVE || done[verdicts[i]])
			continue;
		done[verdicts[i]] = true;
		o += (size_t)snprintf(buf + o, len - o, "%s %s on ", o > strlen(id) ? "," : "",
		                      verdict_phrase(verdicts[i]));
		for (size_t j = i, k = 0; j < n && o < len; j++)
			if (verdicts[j] == verdicts[i])
				o += (size_t)snprintf(buf + o, len - o, "%s%s", k++ ? ", " : "",
				                      names[j]);
	}
}

/* Each host's own full report, in DIR/hosts/NAME/. */
static int hr_host_reports(struct hrep *r, const struct report_opts *o, struct bb_err *err)
{
	for (size_t i = 0; i < r->set->n; i++) {
		const struct bb_hostres *h = &r->set->hosts[i];
		char dir[PATH_MAX + 96];
		struct report_opts ho = *o;
		struct report_outcome out;
		if (!h->doc)
			continue;
		snprintf(dir, sizeof(dir), "%s/hosts/%s", r->dir, h->name);
		ho.dir = dir;
		if (report_write(&h->res, &ho, &out, err) < 0)
			return bb_wrap(err, "host %s", h->name);
		r->hosts.charts += out.charts;
		r->hosts.charts_ok += out.charts_ok;
		if (!r->hosts.warning[0] && out.warning[0])
			snprintf(r->hosts.warning, sizeof(r->hosts.warning), "host %s: %s", h->name,
			         out.warning);
		claims_evaluate(&h->res, &r->claims[i * CLAIMS_N]);
	}
	return 0;
}

/* Chart data. */

/* Characters a gnuplot string in double quotes shows as they are (names come from results). */
static void hr_gp_str(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	for (; *src && o + 1 < len; src++)
		dst[o++] = strchr("\"\\`$@\n\r", *src) ? '_' : *src;
	dst[o] = '\0';
}

static size_t hr_rows(const struct bb_hostset *set, const char *suite, struct hrow *rows,
                      size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct bb_result *res = &set->hosts[i].res;
		for (size_t j = 0; set->hosts[i].doc && j < res->nseries; j++) {
			const struct bb_series *s = &res->series[j];
			size_t k;
			if (strcmp(s->suite, suite) || !s->has_summary)
				continue;
			for (k = 0; k < n; k++)
				if (!strcmp(rows[k].env, s->env) &&
				    !strcmp(rows[k].metric, s->metric))
					break;
			if (k == n && n < max)
				rows[n++] = (struct hrow){ s->env, s->metric, s->unit };
		}
	}
	return n;
}

static double hr_offset(size_t k, size_t n)
{
	double step = fmin(0.22, 0.7 / (double)n);
	return ((double)k - ((double)n - 1) / 2) * step;
}

/* One host's block: its median and CI in each row it measured, in the row's unit. */
static size_t hr_host_block(const struct bb_hostres *h, const char *suite, const struct hrow *rows,
                            size_t nrows, double off, FILE *f, double *lo_all, double *hi_all)
{
	size_t points = 0;

	fprintf(f, "\n\n\"%s\"\n", h->name);
	for (size_t i = 0; i < nrows; i++) {
		const struct bb_series *s =
		    results_find_summary(&h->res, suite, rows[i].metric, rows[i].env);
		double lo, hi;
		char text[48];
		if (!s || strcmp(s->unit, rows[i].unit) || s->summary.median <= 0)
			continue;
		series_ci_or_point(s, &lo, &hi);
		lo = lo > 0 ? lo : s->summary.median;
		fmt_value(text, sizeof(text), s->summary.median, s->unit);
		fprintf(f, "%.4f %.9g %.9g %.9g \"%s%s\"\n", (double)i + off, s->summary.median, lo,
		        hi, text, s->emulated ? " EMULATED" : "");
		*lo_all = fmin(*lo_all, lo);
		*hi_all = fmax(*hi_all, hi);
		points++;
	}
	return points;
}

/* The data of a suite's chart; how many points it holds (0: no chart). */
static size_t hr_chart_data(const struct hrep *r, const char *suite, FILE *f, double *lo,
                            double *hi, size_t *nrows)
{
	struct hrow rows[HR_MAX_ROWS];
	size_t n = hr_rows(r->set, suite, rows, HR_MAX_ROWS), points = 0, nh = 0, k = 0;

	*lo = INFINITY;
	*hi = 0;
	*nrows = n;
	fprintf(f, "# boxbench hosts chart: %s per host, %s\n# index 0: row, label\n", suite,
	        r->set->id);
	for (size_t i = 0; i < n; i++) {
		char env[64], metric[96], unit[48];
		hr_gp_str(env, sizeof(env), rows[i].env);
		hr_gp_str(metric, sizeof(metric), rows[i].metric);
		hr_gp_str(unit, sizeof(unit), rows[i].unit);
		fprintf(f, "%zu \"%s %s (%s)\"\n", i, env, metric, unit);
	}
	nh = results_hosts_with_data(r->set);
	for (size_t i = 0; i < r->set->n; i++)
		if (r->set->hosts[i].doc)
			points += hr_host_block(&r->set->hosts[i], suite, rows, n,
			                        hr_offset(k++, nh), f, lo, hi);
	return points;
}

/* Which hosts' figures of the suite are emulated (the caption says so). */
static void hr_emulated_note(const struct bb_hostset *set, const char *suite, char *buf, size_t len)
{
	size_t o = strlen(buf), k = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct bb_result *res = &set->hosts[i].res;
		bool emu = false;
		for (size_t j = 0; set->hosts[i].doc && j < res->nseries; j++)
			emu = emu ||
			      (!strcmp(res->series[j].suite, suite) && res->series[j].emulated);
		if (emu && o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			                      k++ ? ", " : "; EMULATED on ", set->hosts[i].name);
	}
}

/* Rendering: gnuplot -c hosts.gp TERM OUT DATA TITLE CAPTION XMIN XMAX NHOSTS ROWS. */
static void hr_render(struct hrep *r, struct chart *c)
{
	chart_render_at(&(struct chart_place){ r->charts_dir, r->gnuplot, r->gnuplot_missing }, c);
}

static int hr_plan(struct hrep *r, const char *suite, struct bb_err *err)
{
	struct chart *c = &r->charts[r->ncharts];
	char path[PATH_MAX + 96];
	double lo, hi;
	size_t rows, points;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(c->stem, sizeof(c->stem), "hosts-%.60s", suite);
	snprintf(path, sizeof(path), "%s/%s.dat", r->charts_dir, c->stem);
	if (!(f = fopen(path, "we")))
		return bb_fail(err, errno, "%s", path);
	points = hr_chart_data(r, suite, f, &lo, &hi, &rows);
	if (ferror(f) | (fclose(f) != 0))
		return bb_fail(err, errno ? errno : EIO, "write %s", path);
	if (!points)
		return unlink(path), 0;
	c->tmpl = "hosts.gp";
	c->section = suite;
	snprintf(c->title, sizeof(c->title), "%s: every host side by side", suite);
	snprintf(c->note, sizeof(c->note),
	         "One row per environment and metric; in each row one mark per host (its colour "
	         "in the key): the median with its 95%% CI, or a point where there is none "
	         "(n < %d). Log scale; each row in its own unit",
	         BB_CI_MIN_N);
	snprintf(c->caption, sizeof(c->caption), "%zu of %zu hosts with a result; merged result %s",
	         results_hosts_with_data(r->set), r->set->n, r->set->id);
	hr_emulated_note(r->set, suite, c->caption, sizeof(c->caption));
	snprintf(c->args[0], sizeof(c->args[0]), "%.6g", lo / 1.6);
	snprintf(c->args[1], sizeof(c->args[1]), "%.6g", hi * 6);
	snprintf(c->args[2], sizeof(c->args[2]), "%zu", results_hosts_with_data(r->set));
	snprintf(c->args[3], sizeof(c->args[3]), "%zu", rows);
	c->nargs = 4;
	r->ncharts++;
	hr_render(r, c);
	return 0;
}

/* The suites with series on any host, in order of first appearance. */
static size_t hr_suites(const struct bb_hostset *set, const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct bb_result *res = &set->hosts[i].res;
		for (size_t j = 0; set->hosts[i].doc && j < res->nseries; j++) {
			size_t k;
			for (k = 0; k < n && strcmp(names[k], res->series[j].suite); k++)
				;
			if (k == n && n < max)
				names[n++] = res->series[j].suite;
		}
	}
	return n;
}

static int hr_charts(struct hrep *r, struct bb_err *err)
{
	static const char *const tmpls[] = { "common.gp", "hosts.gp", NULL };
	const char *suites[MAX_SUITES];
	size_t n = hr_suites(r->set, suites, MAX_SUITES);
	struct bb_err terr = { 0 };

	/* without its templates no chart renders; the report is still written, saying why */
	if (chart_copy_templates(r->tmpl_dir, r->charts_dir, tmpls, &terr) < 0)
		snprintf(r->gnuplot_missing, sizeof(r->gnuplot_missing), "%s", terr.msg);
	for (size_t i = 0; i < n; i++)
		if (hr_plan(r, suites[i], err) < 0)
			return -1;
	return 0;
}

/* The document. */

static const char hr_style[] =
    "td.v-holds{background:#e3f4e6;color:#14632b;font-weight:600}"
    "td.v-caveat{background:#fff4d6;color:#7a5200;font-weight:600}"
    "td.v-fails{background:#fde4e4;color:#9b1c1c;font-weight:600}"
    "td.v-inconclusive{background:#eef4fb;color:#1a5fb4;font-weight:600}"
    "td.v-none{background:#eeeef1;color:#555}"
    "table.hosts td:nth-child(4){white-space:nowrap}"
    "td.h-ok{color:#14632b;font-weight:600}td.h-bad{color:#9b1c1c;font-weight:700}"
    "table.hosts td:first-child,table.claims-hosts td:first-child{font-weight:700;"
    "white-space:nowrap}"
    ".allfailed{font-size:20px;font-weight:800;color:#9b1c1c;background:#fde4e4;"
    "border-left:6px solid #9b1c1c;padding:12px 16px;margin:12px 0}";

/* A link to a file of the report: Markdown or HTML. Names are host names (safe). */
static void hr_link(struct doc *d, const char *text, const char *href)
{
	if (d->fmt == DOC_HTML) {
		doc_puts(d, "<a href=\"");
		doc_html_escape(d->f, href, strlen(href));
		doc_puts(d, "\">");
		doc_html_escape(d->f, text, strlen(text));
		doc_puts(d, "</a>");
		return;
	}
	doc_printf(d, "[%s](%s)", text, href);
}

static void hr_title(const struct bb_hostset *set, char *buf, size_t len)
{
	size_t ok = results_hosts_with_data(set);

	if (ok == 0)
		snprintf(buf, len, "boxbench report: ALL %zu HOSTS FAILED", set->n);
	else
		snprintf(buf, len, "boxbench report: %zu hosts", set->n);
}

static void hr_doc_begin(struct doc *d, const struct hrep *r)
{
	static const struct doc_link nav[] = {
		{ "Hosts", "#hosts" },         { "Claims", "#claims" },
		{ "Charts", "#charts" },       { "Each host's report", "#reports" },
		{ "Reproduce", "#reproduce" },
	};
	char title[128], sub[256];

	hr_title(r->set, title, sizeof(title));
	snprintf(sub, sizeof(sub), "merged result %s, %s", r->set->id, r->set->started_at);
	doc_page_begin(d, title, report_html_style(), hr_style, sub, nav,
	               sizeof(nav) / sizeof(nav[0]));
}

static void hr_banners(struct doc *d, const struct hrep *r)
{
	size_t ok = results_hosts_with_data(r->set), bad = r->set->n - ok;

	if (ok == 0 && d->fmt == DOC_HTML)
		fprintf(d->f,
		        "<p class=\"allfailed\">ALL %zu HOSTS FAILED: no host produced a "
		        "result. Why each one failed is in the Hosts table.</p>\n",
		        r->set->n);
	else if (ok == 0)
		doc_para(d, "warn",
		         "**ALL %zu HOSTS FAILED**: no host produced a result. Why each one "
		         "failed is in the Hosts table.",
		         r->set->n);
	else if (bad)
		doc_para(d, "warn",
		         "%zu of %zu hosts have no result (see Hosts): the claims and charts "
		         "cover the %zu that do.",
		         bad, r->set->n, ok);
	for (size_t i = 0; i < r->set->n; i++)
		if (r->set->hosts[i].doc && !r->set->hosts[i].res.complete)
			doc_para(d, "warn", "Host %s's run was interrupted (INCOMPLETE).",
			         r->set->hosts[i].name);
}

/* "vm tcg, vm-full tcg": the accelerator of each VM environment of a host. */
static void hr_accels(const struct bb_result *res, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < res->nenvs && o < len; i++)
		if (res->envs[i].accel[0])
			o += (size_t)snprintf(buf + o, len - o, "%s%s %s%s", o ? ", " : "",
			                      res->envs[i].name, res->envs[i].accel,
			                      res->envs[i].emulated ? " (EMULATED)" : "");
	if (!o)
		snprintf(buf, len, "-");
}

static void hr_host_cells(const struct bb_hostres *h, char cells[][192])
{
	json_t *host = h->res.host, *topo = json_object_get(host, "topology");
	const char *hv = results_jstr(host, "hypervisor");

	snprintf(cells[0], 192, "%s", h->res.started_at);
	snprintf(cells[1], 192, "%s", results_jstr(host, "kernel") ?: "?");
	snprintf(cells[2], 192, "%s, %d cores / %d PUs", results_jstr(host, "cpu_model") ?: "?",
	         (int)json_integer_value(json_object_get(topo, "cores")),
	         (int)json_integer_value(json_object_get(topo, "pus")));
	snprintf(cells[3], 192, "%s%s", hv ? "itself a VM: " : "bare metal", hv ? hv : "");
	snprintf(cells[4], 192, "%s",
	         results_jstr(json_object_get(host, "kvm"), "kind") ?: "not probed");
	hr_accels(&h->res, cells[5], 192);
}

static void hr_hosts_row(struct doc *d, const struct bb_hostres *h)
{
	char cells[6][192], href[BB_HOST_NAME_MAX + 32];

	doc_row_begin(d, NULL);
	doc_cell_begin(d, NULL);
	doc_literal(d, h->name);
	doc_cell_end(d);
	doc_cell_begin(d, h->doc ? "h-ok" : "h-bad");
	doc_inline(d, h->doc ? "ok" : host_status_name(h->status), true);
	doc_cell_end(d);
	doc_cell_begin(d, NULL);
	doc_literal(d,
	            h->reason[0] ? h->reason : (h->doc && !h->res.complete ? "interrupted" : "-"));
	doc_cell_end(d);
	if (h->doc)
		hr_host_cells(h, cells);
	for (size_t i = 0; i < 6; i++) {
		doc_cell_begin(d, NULL);
		doc_literal(d, h->doc ? cells[i] : "-");
		doc_cell_end(d);
	}
	doc_cell_begin(d, NULL);
	snprintf(href, sizeof(href), "hosts/%s/%s", h->name,
	         d->fmt == DOC_HTML ? "index.html" : "report.md");
	if (h->doc)
		hr_link(d, "report", href);
	else
		doc_puts(d, "-");
	doc_cell_end(d);
	doc_row_end(d);
}

static void hr_hosts(struct doc *d, const struct hrep *r)
{
	static const char *const heads[] = { "host",        "status", "reason",
		                             "run started", "kernel", "CPU",
		                             "hypervisor",  "KVM",    "VM accelerators",
		                             "report" };

	doc_heading(d, 2, "hosts", "Hosts");
	doc_para(d, "",
	         "Every host of the merged result, in the order merged. A host without a "
	         "result says why (unreachable, failed, timeout); the others link to their "
	         "own full report. Figures from different hosts differ by the machine as much "
	         "as by the box: compare boxes within a host, and hosts by their ratios.");
	doc_table(d, "hosts", heads, NULL, 10);
	for (size_t i = 0; i < r->set->n; i++)
		hr_hosts_row(d, &r->set->hosts[i]);
	doc_table_end(d);
}

/* One claim: its verdict on every host with a result, then the sentence across them. */
static void hr_claim_row(struct doc *d, const struct hrep *r, size_t ci)
{
	enum claim_verdict v[BB_HOSTS_MAX];
	const char *names[BB_HOSTS_MAX];
	const struct claim_eval *first = NULL;
	char sentence[1024];
	size_t n = 0;

	for (size_t i = 0; i < r->set->n; i++) {
		const struct claim_eval *c = &r->claims[i * CLAIMS_N + ci];
		if (!r->set->hosts[i].doc)
			continue;
		first = first ? first : c;
		v[n] = c->verdict;
		names[n++] = r->set->hosts[i].name;
	}
	report_hosts_agreement(first->id, v, names, n, r->set->n, sentence, sizeof(sentence));
	doc_row_begin(d, NULL);
	doc_cell_begin(d, NULL);
	doc_inline(d, first->id, true);
	doc_cell_end(d);
	doc_cell_begin(d, NULL);
	doc_inline(d, first->claim, true);
	doc_cell_end(d);
	for (size_t i = 0; i < n; i++) {
		doc_cell_begin(d, report_verdict_class(v[i]));
		doc_inline(d, claim_verdict_name(v[i]), true);
		doc_cell_end(d);
	}
	doc_cell_begin(d, NULL);
	doc_inline(d, sentence, true);
	doc_cell_end(d);
	doc_row_end(d);
}

static void hr_claims(struct doc *d, const struct hrep *r)
{
	size_t ok = results_hosts_with_data(r->set), n = 0;
	_cleanup_free_ const char **heads = calloc(ok + 3, sizeof(*heads));

	doc_heading(d, 2, "claims", "Claims, host by host");
	if (!ok || !heads) {
		doc_para(d, "", "No claim can be settled: no host has a result.");
		return;
	}
	doc_para(d, "",
	         "Each claim of the article settled on each host by the same rules as a "
	         "single result (harness/claims.c), from that host's figures alone; the last "
	         "column says where the hosts agree and where they do not. The figures and the "
	         "reason behind each verdict are in the host's own report.");
	heads[n++] = "ID";
	heads[n++] = "the article claims";
	for (size_t i = 0; i < r->set->n; i++)
		if (r->set->hosts[i].doc)
			heads[n++] = r->set->hosts[i].name;
	heads[n++] = "across hosts";
	doc_table(d, "claims-hosts", heads, NULL, n);
	for (size_t ci = 0; ci < CLAIMS_N; ci++)
		hr_claim_row(d, r, ci);
	doc_table_end(d);
}

static void hr_charts_sec(struct doc *d, const struct hrep *r)
{
	doc_heading(d, 2, "charts", "Suites, host by host");
	if (!r->ncharts) {
		doc_para(d, "", "No chart: no host has a series with samples.");
		return;
	}
	if (r->gnuplot_missing[0])
		doc_para(d, "warn", "Charts not rendered: %s. Each host's report has the tables.",
		         r->gnuplot_missing);
	for (size_t i = 0; i < r->ncharts; i++) {
		doc_heading(d, 3, r->charts[i].section, r->charts[i].section);
		report_figure(d, r->charts_dir, &r->charts[i]);
	}
}

static void hr_reports_sec(struct doc *d, const struct hrep *r)
{
	char href[BB_HOST_NAME_MAX + 32];

	doc_heading(d, 2, "reports", "Each host's report");
	doc_para(d, "",
	         "Every host with a result has the full single-host report (claims with their "
	         "figures, every table and chart) in hosts/NAME/.");
	for (size_t i = 0; i < r->set->n; i++) {
		const struct bb_hostres *h = &r->set->hosts[i];
		doc_para_begin(d, "");
		if (h->doc) {
			snprintf(href, sizeof(href), "hosts/%s/%s", h->name,
			         d->fmt == DOC_HTML ? "index.html" : "report.md");
			hr_link(d, h->name, href);
			doc_puts(d, ": ");
			doc_literal(d, h->res.id);
		} else {
			doc_literal(d, h->name);
			doc_printf(d, ": no result (%s)", host_status_name(h->status));
		}
		doc_para_end(d);
	}
}

static void hr_doc(struct doc *d, const struct hrep *r, json_t *config)
{
	hr_doc_begin(d, r);
	hr_banners(d, r);
	hr_hosts(d, r);
	hr_claims(d, r);
	hr_charts_sec(d, r);
	hr_reports_sec(d, r);
	doc_heading(d, 2, "reproduce", "Reproduce");
	doc_para(d, "", "Merged with `%s`. Report: `boxbench report MERGED -o DIR`.",
	         results_jstr(config, "command") ?: "boxbench merge");
	doc_page_end(d, "boxbench report");
}

static int hr_file(const struct hrep *r, json_t *config, const char *name, bool html,
                   struct bb_err *err)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 64];
	struct doc d = { .fmt = html ? DOC_HTML : DOC_MARKDOWN };

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if (!(d.f = outfile_open(path, tmp, sizeof(tmp), err)))
		return -1;
	hr_doc(&d, r, config);
	return outfile_commit(d.f, tmp, path, true, err);
}

static void hr_outcome(const struct hrep *r, struct report_outcome *out)
{
	*out = r->hosts;
	report_outcome_add(r->charts, r->ncharts, out);
}

int report_hosts_write(const struct bb_hostset *set, const struct report_opts *o,
                       struct report_outcome *out, struct bb_err *err)
{
	_cleanup_free_ struct hrep *r = calloc(1, sizeof(*r));
	_cleanup_free_ struct claim_eval *claims = calloc(set->n * CLAIMS_N, sizeof(*claims));
	json_t *config = NULL;

	if (!r || !claims)
		return bb_fail(err, ENOMEM, "report");
	r->set = set;
	r->claims = claims;
	r->gnuplot = o->gnuplot ? o->gnuplot : "gnuplot";
	r->tmpl_dir = o->templates ? o->templates : gnuplot_templates_dir("hosts.gp");
	if (report_dirs(o->dir, r->dir, r->charts_dir, sizeof(r->charts_dir), err) < 0)
		return -1;
	if (hr_host_reports(r, o, err) < 0 || hr_charts(r, err) < 0)
		return -1;
	config = set->config;
	if (hr_file(r, config, "report.md", false, err) < 0 ||
	    hr_file(r, config, "index.html", true, err) < 0)
		return -1;
	hr_outcome(r, out);
	return 0;
}
