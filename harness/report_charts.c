/* Chart planning: which charts a result gets, their data files, titles, notes and captions,
 * and their rendering by gnuplot (a chart gnuplot cannot draw keeps the reason). */
#include "report_charts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "gnuplot.h"

/* What chart_data did with a chart. */
enum chart_fate { CHART_ERROR = -1, CHART_DROPPED, CHART_KEPT };

void report_host_line(struct report *r)
{
	json_t *h = r->res->host, *topo = json_object_get(h, "topology");
	const char *hv = json_string_value(json_object_get(h, "hypervisor"));

	snprintf(r->host, sizeof(r->host), "host %s: %s, %d cores / %d PUs, kernel %s, %s%s%s",
	         json_string_value(json_object_get(h, "hostname")) ?: "?",
	         json_string_value(json_object_get(h, "cpu_model")) ?: "unknown CPU",
	         (int)json_integer_value(json_object_get(topo, "cores")),
	         (int)json_integer_value(json_object_get(topo, "pus")),
	         json_string_value(json_object_get(h, "kernel")) ?: "?",
	         hv ? "itself a VM (" : "bare metal", hv ?: "", hv ? ")" : "");
}

/* Whether every series of suite/metric has the same n (into *n); false if none. */
static bool caption_same_n(const struct bb_result *res, const char *suite, const char *metric,
                           size_t *n)
{
	bool same = true, first = true;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(s->suite, suite) || (metric && strcmp(s->metric, metric)))
			continue;
		same &= first || s->n == *n;
		*n = first ? s->n : *n;
		first = false;
	}
	return !first && same;
}

/* Has an earlier series than i the same suite and metric? */
static bool caption_metric_seen(const struct bb_result *res, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(res->series[j].suite, res->series[i].suite) &&
		    !strcmp(res->series[j].metric, res->series[i].metric))
			return true;
	return false;
}

/* "n = 6 samples per environment", or per metric where the environments agree ("pss 6,
 * disk_apparent 1"), or per series where they do not; then the failures. */
static void caption_n(const struct bb_result *res, const char *suite, const char *metric,
                      const char *what, char *buf, size_t len)
{
	size_t n = 0, used;
	bool same = caption_same_n(res, suite, metric, &n);

	if (same)
		snprintf(buf, len, "n = %zu %s per environment", n, what);
	else
		snprintf(buf, len, "n = %s per environment:", what);
	for (size_t i = 0, k = 0; i < res->nseries && !same; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(s->suite, suite) || (metric && strcmp(s->metric, metric)))
			continue;
		used = strlen(buf);
		if (!caption_same_n(res, suite, s->metric, &n))
			snprintf(buf + used, len - used, "%s %s/%s %zu", k++ ? "," : "", s->env,
			         s->metric, s->n);
		else if (!caption_metric_seen(res, i))
			snprintf(buf + used, len - used, "%s %s %zu", k++ ? "," : "", s->metric, n);
	}
	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		used = strlen(buf);
		if (!strcmp(s->suite, suite) && (!metric || !strcmp(s->metric, metric)) && s->nerr)
			snprintf(buf + used, len - used, "; %s %s: %zu failed", s->env, s->metric,
			         s->nerr);
	}
}

static void caption_emulated(const struct bb_result *res, const char *suite, char *buf, size_t len)
{
	const char *envs[MAX_ENVS];
	size_t n = report_suite_envs(res, suite, NULL, false, envs, MAX_ENVS), used;

	for (size_t i = 0; i < n; i++) {
		if (!results_env_emulated(res, envs[i]))
			continue;
		used = strlen(buf);
		snprintf(
		    buf + used, len - used,
		    ". %s is EMULATED (%s): its figures are not the cost of a hardware-KVM guest",
		    envs[i],
		    results_env_accel(res, envs[i])[0] ? results_env_accel(res, envs[i]) : "tcg");
	}
}

static struct chart *chart_new(struct report *r, const char *stem, const char *tmpl,
                               const char *section)
{
	struct chart *c;

	if (r->ncharts == MAX_CHARTS)
		return NULL;
	c = &r->charts[r->ncharts++];
	memset(c, 0, sizeof(*c));
	/* Stems come from suite names and units in the result: keep them plain file names. */
	snprintf(c->stem, sizeof(c->stem), "%s", stem);
	for (char *p = c->stem; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", *p))
			*p = '-';
	c->tmpl = tmpl;
	c->section = section;
	return c;
}

static void chart_arg(struct chart *c, const char *fmt, double v)
{
	if (c->nargs < 4)
		snprintf(c->args[c->nargs++], sizeof(c->args[0]), fmt, v);
}

/* Break a caption into lines of about `width` characters for the image. */
static void wrap(const char *src, char *dst, size_t len, size_t width)
{
	size_t start = 0, space = 0;

	snprintf(dst, len, "%s", src);
	for (size_t i = 0; dst[i]; i++) {
		if (dst[i] == ' ')
			space = i;
		if (i - start >= width && space > start) {
			dst[space] = '\n';
			start = space + 1;
		}
	}
}

static int copy_file(const char *from, const char *to, struct bb_err *err)
{
	_cleanup_fclose_ FILE *in = fopen(from, "re");
	_cleanup_fclose_ FILE *out = NULL;
	char buf[8192];
	size_t n;

	if (!in)
		return bb_fail(err, errno, "%s", from);
	out = fopen(to, "we");
	if (!out)
		return bb_fail(err, errno, "%s", to);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return bb_fail(err, errno, "write %s", to);
	if (ferror(in))
		return bb_fail(err, errno, "read %s", from);
	if (fclose(BB_STEAL(out)) != 0)
		return bb_fail(err, errno, "write %s", to);
	return 0;
}

int chart_copy_templates(const char *tmpl_dir, const char *charts_dir, const char *const *names,
                         struct bb_err *err)
{
	char from[PATH_MAX + 32], to[PATH_MAX + 48];

	for (size_t i = 0; names[i]; i++) {
		snprintf(from, sizeof(from), "%s/%s", tmpl_dir, names[i]);
		snprintf(to, sizeof(to), "%s/%s", charts_dir, names[i]);
		if (copy_file(from, to, err) < 0)
			return bb_wrap(err, "gnuplot template (set BOXBENCH_GNUPLOT_DIR)");
	}
	return 0;
}

/* Copy the templates next to the charts: what renders them is what the report ships. */
int report_copy_templates(struct report *r, struct bb_err *err)
{
	static const char *const names[] = {
		"common.gp",    "startup.gp", "overhead.gp", "decomposition.gp",
		"footprint.gp", "density.gp", NULL
	};

	return chart_copy_templates(r->tmpl_dir, r->charts_dir, names, err);
}

/* One terminal: gnuplot -c TEMPLATE TERM OUT DATA TITLE CAPTION ARGS... */
static int chart_term(const struct chart_place *p, struct chart *c, const char *term,
                      const char *ext)
{
	char tmpl[PATH_MAX + 48], out[PATH_MAX + 96], tmp[PATH_MAX + 128], data[PATH_MAX + 96];
	char cap[1100];
	char *args[16] = { "-c", tmpl, (char *)term, tmp, data, c->title, cap };
	struct bb_err err = { 0 };
	size_t n = 7;
	int rc;

	snprintf(tmpl, sizeof(tmpl), "%s/%s", p->charts_dir, c->tmpl);
	snprintf(out, sizeof(out), "%s/%s.%s", p->charts_dir, c->stem, ext);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%s", p->charts_dir, c->stem, ext);
	snprintf(data, sizeof(data), "%s/%s.dat", p->charts_dir, c->stem);
	wrap(c->caption, cap, sizeof(cap), 150);
	for (size_t i = 0; i < c->nargs; i++)
		args[n++] = c->args[i];
	args[n] = NULL;
	/* into a temporary file, put in place only when whole: a failed gnuplot may leave an
	 * empty or partial file, and a full disk a truncated one; never ship one */
	rc = gnuplot_run(p->gnuplot, args, GNUPLOT_TIMEOUT_S, &err);
	if (rc < 0)
		unlink(tmp);
	else if (gnuplot_output_commit(tmp, out, &err) < 0)
		rc = GNUPLOT_FAILED;
	if (rc < 0) {
		snprintf(c->why, sizeof(c->why), "%s", err.msg);
		unlink(out);
	}
	return rc;
}

void chart_render_at(const struct chart_place *p, struct chart *c)
{
	int rc;

	if (p->gnuplot_missing[0]) {
		snprintf(c->why, sizeof(c->why), "%s", p->gnuplot_missing);
		return;
	}
	rc = chart_term(p, c, "svg", "svg");
	c->svg = rc == 0;
	if (rc == GNUPLOT_MISSING) {
		snprintf(p->gnuplot_missing, CHART_MISSING_LEN, "%s", c->why);
		return;
	}
	/* pngcairo draws far better; plain png (libgd) is the fallback of a gnuplot without it */
	c->png = chart_term(p, c, "pngcairo", "png") == 0 || chart_term(p, c, "png", "png") == 0;
}

/* Close a chart's data file; fill_rc is what its writer returned: 0 environments means there
 * is nothing to draw, so the chart is dropped. */
static enum chart_fate chart_data(struct report *r, struct chart *c, int fill_rc, FILE *f,
                                  struct bb_err *err)
{
	char path[PATH_MAX + 96];

	snprintf(path, sizeof(path), "%s/%s.dat", r->charts_dir, c->stem);
	if (ferror(f) | (fclose(f) != 0))
		return bb_fail(err, errno ? errno : EIO, "write %s", path), CHART_ERROR;
	if (fill_rc <= 0) {
		unlink(path);
		r->ncharts--; /* nothing to draw: no chart */
		return CHART_DROPPED;
	}
	return CHART_KEPT;
}

static FILE *chart_open(struct report *r, const char *stem, struct bb_err *err)
{
	char path[PATH_MAX + 96];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", r->charts_dir, stem);
	f = fopen(path, "we");
	if (!f)
		bb_fail(err, errno, "%s", path);
	return f;
}

static void caption_finish(struct report *r, struct chart *c, const char *suite)
{
	size_t used = strlen(c->caption);

	snprintf(c->caption + used, sizeof(c->caption) - used, "; %s%s", r->host,
	         r->res->complete ? "" : "; INCOMPLETE run (interrupted)");
	caption_emulated(r->res, suite, c->caption, sizeof(c->caption));
}

static int plan_startup(struct report *r, struct bb_err *err)
{
	struct chart *c = chart_new(r, "startup", "startup.gp", "startup");
	FILE *f = c ? chart_open(r, c->stem, err) : NULL;
	enum chart_fate fate;

	if (!f)
		return c ? -1 : 0;
	fate = chart_data(r, c, report_startup_data(r->res, f), f, err);
	if (fate != CHART_KEPT)
		return fate == CHART_ERROR ? -1 : 0;
	snprintf(c->title, sizeof(c->title), "Startup: launch request to workload ready");
	snprintf(c->note, sizeof(c->note),
	         "One row per environment in the stack ladder's order (a process, the kernel's "
	         "primitives, OCI runtimes, engines, VMs): each dot is one fresh instance, the "
	         "pale box spans p05 to p95 and the black square is the median with its 95%% CI; "
	         "log scale");
	caption_n(r->res, "startup", "ready", "fresh instances", c->caption, sizeof(c->caption));
	caption_finish(r, c, "startup");
	return 0;
}

static int plan_decomp(struct report *r, struct bb_err *err)
{
	struct chart *c;
	FILE *f;
	enum chart_fate fate;
	int rc;
	char a[48], b[48];

	if (!r->decomp.present)
		return 0;
	c = chart_new(r, "decomposition", "decomposition.gp", "decomposition");
	f = c ? chart_open(r, c->stem, err) : NULL;
	if (!f)
		return c ? -1 : 0;
	rc = report_decomp_data(&r->decomp, f);
	chart_arg(c, "%.0f", rc);
	snprintf(c->args[c->nargs++], sizeof(c->args[0]), "%s", r->decomp.unit);
	if ((fate = chart_data(r, c, rc, f, err)) != CHART_KEPT)
		return fate == CHART_ERROR ? -1 : 0;
	snprintf(c->title, sizeof(c->title), "What a container start is made of (%s)",
	         r->decomp.paired ? "paired blocks" : "unpaired medians");
	fmt_value(a, sizeof(a), fabs(r->decomp.rest), r->decomp.unit);
	fmt_value(b, sizeof(b), r->decomp.explained, r->decomp.unit);
	snprintf(c->note, sizeof(c->note),
	         "Each part's cost is the full container's start minus that of the variant "
	         "without it (%s), drawn as 0 when the variant is slower. The parts add %s; %s %s "
	         "(the table gives each with its 95%% CI)",
	         r->decomp.paired ? "the median of the per-block differences"
	                          : "a difference of medians",
	         b,
	         r->decomp.rest >= 0 ? "not explained by them:"
	                             : "they exceed the container's extra start by",
	         a);
	caption_n(r->res, "startup", "ready", "fresh instances", c->caption, sizeof(c->caption));
	caption_finish(r, c, "startup");
	return 0;
}

static int plan_overhead(struct report *r, const char *suite, struct bb_err *err)
{
	char stem[80];
	struct chart *c;
	FILE *f;
	struct chart_axis axis = { 0 };
	enum chart_fate fate;
	int rc;

	snprintf(stem, sizeof(stem), "overhead-%s", suite);
	c = chart_new(r, stem, "overhead.gp", suite);
	f = c ? chart_open(r, c->stem, err) : NULL;
	if (!f)
		return c ? -1 : 0;
	rc = report_overhead_data(r->res, suite, f, &axis);
	chart_arg(c, "%.6g", axis.ymin);
	chart_arg(c, "%.6g", axis.ymax);
	snprintf(c->args[c->nargs++], sizeof(c->args[0]), "%s", axis.colors);
	if ((fate = chart_data(r, c, rc, f, err)) != CHART_KEPT)
		return fate == CHART_ERROR ? -1 : 0;
	snprintf(c->title, sizeof(c->title), "%s: time relative to native, median with 95%% CI",
	         suite);
	snprintf(c->note, sizeof(c->note),
	         "Each point is an environment's median divided by native's, with the 95%% CI of "
	         "that ratio; throughput metrics are inverted so that above 1 is always slower; "
	         "the dashed line is native; log scale");
	caption_n(r->res, suite, NULL, "instances", c->caption, sizeof(c->caption));
	caption_finish(r, c, suite);
	return 0;
}

static int plan_footprint(struct report *r, const char *unit, struct bb_err *err)
{
	char stem[80];
	const char *shown;
	struct chart *c;
	FILE *f;
	struct chart_axis axis = { 0 };
	enum chart_fate fate;
	int rc;

	snprintf(stem, sizeof(stem), "footprint-%s", unit);
	c = chart_new(r, stem, "footprint.gp", "footprint");
	f = c ? chart_open(r, c->stem, err) : NULL;
	if (!f)
		return c ? -1 : 0;
	rc = report_footprint_data(r->res, unit, f, &axis);
	report_fp_scale(unit, &shown);
	snprintf(c->args[c->nargs++], sizeof(c->args[0]), "%s", shown);
	snprintf(c->args[c->nargs++], sizeof(c->args[0]), "%s", axis.colors); /* panels */
	if ((fate = chart_data(r, c, rc, f, err)) != CHART_KEPT)
		return fate == CHART_ERROR ? -1 : 0;
	snprintf(c->title, sizeof(c->title),
	         "Footprint per instance (%s), median with 95%% CI, stack ladder order", shown);
	caption_n(r->res, "footprint", NULL, "instances", c->caption, sizeof(c->caption));
	caption_finish(r, c, "footprint");
	return 0;
}

/* The footprint's density: total PSS and the host kernel's growth over the instance counts
 * measured, with the fitted lines. */
static int plan_density(struct report *r, struct bb_err *err)
{
	struct chart *c = chart_new(r, "footprint-density", "density.gp", "footprint");
	FILE *f = c ? chart_open(r, c->stem, err) : NULL;
	enum chart_fate fate;
	int rc;

	if (!f)
		return c ? -1 : 0;
	rc = report_density_data(r->res, f);
	snprintf(c->args[c->nargs++], sizeof(c->args[0]), "%d", rc); /* the blocks */
	if ((fate = chart_data(r, c, rc, f, err)) != CHART_KEPT)
		return fate == CHART_ERROR ? -1 : 0;
	snprintf(c->title, sizeof(c->title),
	         "Density: what N instances at once take, measured, with least-squares lines");
	snprintf(c->note, sizeof(c->note),
	         "Each point is one instance count really measured; the slope of a line is the "
	         "cost of one more instance. Left: total PSS (log-log); right: the host kernel's "
	         "memory (slab, page tables, kernel stacks, percpu) grown since the first count, "
	         "which also holds whatever else ran on the host meanwhile");
	snprintf(c->caption, sizeof(c->caption),
	         "only the instance counts really measured are drawn, nothing extrapolated");
	caption_finish(r, c, "footprint");
	return 0;
}

/* Suites with their own section and chart (or none): the rest are overhead suites. */
bool report_suite_special(const char *suite)
{
	static const char *const special[] = { "startup", "footprint", "isolation", "limits",
		                               NULL };
	for (size_t i = 0; special[i]; i++)
		if (!strcmp(suite, special[i]))
			return true;
	return false;
}

size_t report_suites(const struct bb_result *res, const char **names, size_t max)
{
	size_t n = 0, j, i;
	json_t *f;

	for (i = 0; i < res->nseries && n < max; i++) {
		for (j = 0; j < n && strcmp(names[j], res->series[i].suite); j++)
			;
		if (j == n)
			names[n++] = res->series[i].suite;
	}
	json_array_foreach(res->facts, i, f)
	{
		const char *s = json_string_value(json_object_get(f, "suite"));
		for (j = 0; s && j < n && strcmp(names[j], s); j++)
			;
		if (s && j == n && n < max)
			names[n++] = s;
	}
	return n;
}

static size_t footprint_units(const struct bb_result *res, const char **units, size_t max)
{
	size_t n = 0, j;

	for (size_t i = 0; i < res->nseries && n < max; i++) {
		if (strcmp(res->series[i].suite, "footprint") || !res->series[i].has_summary)
			continue;
		for (j = 0; j < n && strcmp(units[j], res->series[i].unit); j++)
			;
		if (j == n)
			units[n++] = res->series[i].unit;
	}
	return n;
}

int report_charts(struct report *r, struct bb_err *err)
{
	const char *suites[MAX_SUITES], *units[8];
	size_t ns = report_suites(r->res, suites, MAX_SUITES), nu;

	if (plan_startup(r, err) < 0 || plan_decomp(r, err) < 0)
		return -1;
	for (size_t i = 0; i < ns; i++)
		if (!report_suite_special(suites[i]) && plan_overhead(r, suites[i], err) < 0)
			return -1;
	nu = footprint_units(r->res, units, 8);
	for (size_t i = 0; i < nu; i++)
		if (plan_footprint(r, units[i], err) < 0)
			return -1;
	if (plan_density(r, err) < 0)
		return -1;
	for (size_t i = 0; i < r->ncharts; i++)
		chart_render_at(
		    &(struct chart_place){ r->charts_dir, r->gnuplot, r->gnuplot_missing },
		    &r->charts[i]);
	return 0;
}

const struct chart *report_chart_of(const struct report *r, const char *stem)
{
	for (size_t i = 0; i < r->ncharts; i++)
		if (!strcmp(r->charts[i].stem, stem))
			return &r->charts[i];
	return NULL;
}

const struct chart *report_chart_in(const struct report *r, const char *section, size_t *from)
{
	for (; *from < r->ncharts; (*from)++)
		if (!strcmp(r->charts[*from].section, section))
			return &r->charts[(*from)++];
	return NULL;
}
