/* The data files of the report's charts, written by the harness and read by the gnuplot
 * templates (their formats are in the templates' headers). */
#include "report_data.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "format.h"

/* Strings that go into a gnuplot data file between double quotes: nothing that could end the
 * quote or start an escape. */
static void gp_str(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; *src && i + 1 < len; src++)
		dst[i++] = (*src == '"' || *src == '\\' || (unsigned char)*src < 0x20) ? '_' : *src;
	dst[i] = '\0';
}

/* Distinct environment names of a suite's summarised series (metric NULL: any), in order. */
size_t report_suite_envs(const struct bb_result *res, const char *suite, const char *metric,
                         bool need_vs, const char **names, size_t max)
{
	size_t n = 0, j;

	for (size_t i = 0; i < res->nseries && n < max; i++) {
		const struct bb_series *s = &res->series[i];
		/* The same test as results_find_summary's: a listed env always has a series. */
		if (strcmp(s->suite, suite) || (metric && strcmp(s->metric, metric)) ||
		    !s->has_summary || !s->summary.n || (need_vs && !s->has_vs))
			continue;
		for (j = 0; j < n && strcmp(names[j], s->env); j++)
			;
		if (j == n)
			names[n++] = s->env;
	}
	return n;
}

static size_t suite_metrics(const struct bb_result *res, const char *suite, bool need_vs,
                            const char **names, size_t max)
{
	size_t n = 0, j;

	for (size_t i = 0; i < res->nseries && n < max; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(s->suite, suite) || !s->has_summary || !s->summary.n ||
		    (need_vs && !s->has_vs))
			continue;
		for (j = 0; j < n && strcmp(names[j], s->metric); j++)
			;
		if (j == n)
			names[n++] = s->metric;
	}
	return n;
}

/* "vm (EMULATED, tcg)": an emulated environment is labelled wherever its figures are drawn. */
static void env_label(const struct bb_result *res, const char *env, char *buf, size_t len)
{
	const char *accel = results_env_accel(res, env);

	if (results_env_emulated(res, env))
		snprintf(buf, len, "%s (EMULATED, %s)", env, accel[0] ? accel : "tcg");
	else if (accel[0])
		snprintf(buf, len, "%s (%s)", env, accel);
	else
		snprintf(buf, len, "%s", env);
}

/* An environment's colour in every chart: 1 + its position among the result's environments
 * (series order, which `run` makes native first). */
static int env_color(const struct bb_result *res, const char *env)
{
	const char *seen[MAX_ENVS];
	size_t n = 0, j;

	for (size_t i = 0; i < res->nseries && n < MAX_ENVS; i++) {
		if (!strcmp(res->series[i].env, env))
			return (int)n + 1;
		for (j = 0; j < n && strcmp(seen[j], res->series[i].env); j++)
			;
		if (j == n)
			seen[n++] = res->series[i].env;
	}
	return (int)n + 1;
}

/* A fixed, well spread horizontal offset per sample so that equal values stay visible. */
static double jitter(size_t j)
{
	return (fmod((double)j * 0.6180339887498949, 1.0) - 0.5) * 0.4;
}

static void startup_note(const struct bb_result *res, const struct bb_series *s, char *buf,
                         size_t len)
{
	buf[0] = '\0';
	if (results_env_emulated(res, s->env))
		snprintf(buf, len, "EMULATED (%s)",
		         results_env_accel(res, s->env)[0] ? results_env_accel(res, s->env)
		                                           : "tcg");
	if (s->nerr) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%zu of %zu failed", used ? ", " : "", s->nerr,
		         s->nerr + s->n);
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

int report_startup_data(const struct bb_result *res, FILE *f)
{
	const char *envs[MAX_ENVS];
	size_t n = report_suite_envs(res, "startup", "ready", false, envs, MAX_ENVS);

	results_env_ladder_sort(res, envs, n); /* the stack ladder, top to bottom */
	fprintf(f, "# boxbench startup chart: launch request to ready (ms), %s\n", res->id);
	fprintf(f, "# index 0: x, sample, env colour\n");
	for (size_t k = 0; k < n; k++) {
		const struct bb_series *s = results_find_summary(res, "startup", "ready", envs[k]);
		for (size_t j = 0; s && j < s->n; j++)
			fprintf(f, "%.4f %.9g %d\n", (double)k + jitter(j),
			        results_to_ms(s->samples[j], s->unit), env_color(res, envs[k]));
	}
	fprintf(f, "\n\n# index 1: env position, median, ci_lo, ci_hi, p05, p95, env, note, "
	           "median text\n");
	for (size_t k = 0; k < n; k++) {
		const struct bb_series *s = results_find_summary(res, "startup", "ready", envs[k]);
		char env[64], note[96], med[48];
		double lo, hi;
		series_ci_or_point(s, &lo, &hi);
		gp_str(env, sizeof(env), s->env);
		startup_note(res, s, note, sizeof(note));
		fmt_value(med, sizeof(med), results_to_ms(s->summary.median, s->unit), "ms");
		fprintf(f, "%zu %.9g %.9g %.9g %.9g %.9g \"%s\" \"%s\" \"%s\"\n", k,
		        results_to_ms(s->summary.median, s->unit), results_to_ms(lo, s->unit),
		        results_to_ms(hi, s->unit), results_to_ms(s->summary.p05, s->unit),
		        results_to_ms(s->summary.p95, s->unit), env, note, med);
	}
	return (int)n;
}

static double offset(size_t k, size_t n)
{
	double step = fmin(0.18, 0.6 / (double)n);
	return ((double)k - ((double)n - 1) / 2) * step;
}

static void metric_ticks(const struct bb_result *res, const char *suite, const char **metrics,
                         size_t nm, FILE *f)
{
	fprintf(f, "# index 0: x, \"metric (unit)\"\n");
	for (size_t i = 0; i < nm; i++) {
		const struct bb_series *s = NULL;
		char m[80], u[40];
		for (size_t j = 0; j < res->nseries && !s; j++)
			if (!strcmp(res->series[j].suite, suite) &&
			    !strcmp(res->series[j].metric, metrics[i]))
				s = &res->series[j];
		gp_str(m, sizeof(m), metrics[i]);
		gp_str(u, sizeof(u), s ? s->unit : "");
		fprintf(f, "%zu \"%s (%s%s)\"\n", i, m, u,
		        s && s->better == BB_HIGHER ? ", inverted" : "");
	}
}

int report_overhead_data(const struct bb_result *res, const char *suite, FILE *f,
                         struct chart_axis *axis)
{
	const char *envs[MAX_ENVS], *metrics[MAX_METRICS];
	size_t ne = report_suite_envs(res, suite, NULL, true, envs, MAX_ENVS);
	size_t nm = suite_metrics(res, suite, true, metrics, MAX_METRICS);
	double lo_all = 0.8, hi_all = 1.25;

	fprintf(f, "# boxbench overhead chart: %s, time relative to native, %s\n", suite, res->id);
	metric_ticks(res, suite, metrics, nm, f);
	axis->colors[0] = '\0';
	for (size_t k = 0; k < ne; k++) {
		char label[96], title[96];
		fmt_append(axis->colors, sizeof(axis->colors), "%s%d", k ? " " : "",
		           env_color(res, envs[k]));
		env_label(res, envs[k], label, sizeof(label));
		gp_str(title, sizeof(title), label);
		fprintf(f, "\n\n# index %zu: x, ratio, ci_lo, ci_hi, text\n\"%s\"\n", k + 1, title);
		for (size_t i = 0; i < nm; i++) {
			double v, lo, hi;
			bool ci;
			char t[32];
			if (!series_slowdown_or_point(
			        results_find_summary(res, suite, metrics[i], envs[k]), &v, &lo, &hi,
			        &ci))
				continue;
			fmt_ratio(t, sizeof(t), v);
			fprintf(f, "%.4f %.9g %.9g %.9g \"%s\"\n", (double)i + offset(k, ne), v, lo,
			        hi, t);
			lo_all = fmin(lo_all, lo);
			hi_all = fmax(hi_all, hi);
		}
	}
	axis->ymin = lo_all / 1.25;
	axis->ymax = hi_all * 1.8; /* room for the value labels above the highest whisker */
	return (int)ne;
}

/* Footprint values are charted in MiB when recorded in bytes. */
double report_fp_scale(const char *unit, const char **shown)
{
	if (!strcmp(unit, "bytes") || !strcmp(unit, "B")) {
		*shown = "MiB";
		return 1.0 / 1048576;
	}
	*shown = unit;
	return 1;
}

static size_t fp_metrics(const struct bb_result *res, const char *unit, const char **names,
                         size_t max)
{
	size_t n = 0, j;

	for (size_t i = 0; i < res->nseries && n < max; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(s->suite, "footprint") || strcmp(s->unit, unit) || !s->has_summary)
			continue;
		for (j = 0; j < n && strcmp(names[j], s->metric); j++)
			;
		if (j == n)
			names[n++] = s->metric;
	}
	return n;
}

/* One panel: each environment's median and CI of one metric, and the panel's range. */
static void fp_panel(const struct bb_result *res, const char *metric, const char *unit,
                     const char **envs, size_t ne, FILE *f)
{
	const char *shown;
	double scale = report_fp_scale(unit, &shown), lo = INFINITY, hi = 0;
	char m[80];

	for (size_t k = 0; k < ne; k++) {
		const struct bb_series *s = results_find_summary(res, "footprint", metric, envs[k]);
		double l, h;
		if (s && !strcmp(s->unit, unit) && s->summary.median > 0) {
			series_ci_or_point(s, &l, &h); /* no interval below n = 5: the point */
			lo = fmin(lo, fmax(l * scale, 1e-9));
			hi = fmax(hi, h * scale);
		}
	}
	gp_str(m, sizeof(m), metric);
	fprintf(f, "\n\n# index: %s: row, median, ci_lo, ci_hi, text, colour, metric, xmin, xmax\n",
	        m);
	for (size_t k = 0; k < ne; k++) {
		const struct bb_series *s = results_find_summary(res, "footprint", metric, envs[k]);
		char t[48];
		double l, h;
		if (!s || strcmp(s->unit, unit) || s->summary.median <= 0)
			continue;
		series_ci_or_point(s, &l, &h);
		fmt_value(t, sizeof(t), s->summary.median * scale, shown);
		/* room on the right of the highest value for its text */
		fprintf(f, "%zu %.9g %.9g %.9g \"%s\" %d \"%s\" %.6g %.6g\n", k,
		        s->summary.median * scale, l * scale, h * scale, t, env_color(res, envs[k]),
		        m, lo / 2, hi * 12);
	}
}

int report_footprint_data(const struct bb_result *res, const char *unit, FILE *f,
                          struct chart_axis *axis)
{
	const char *envs[MAX_ENVS], *metrics[MAX_METRICS], *shown;
	size_t ne = report_suite_envs(res, "footprint", NULL, false, envs, MAX_ENVS);
	size_t nm = fp_metrics(res, unit, metrics, MAX_METRICS);

	report_fp_scale(unit, &shown);
	results_env_ladder_sort(res, envs, ne); /* the stack ladder, top to bottom */
	fprintf(f, "# boxbench footprint chart: %s per instance, %s\n# index 0: row, env, colour\n",
	        shown, res->id);
	for (size_t k = 0; k < ne; k++) {
		char label[96], title[96];
		env_label(res, envs[k], label, sizeof(label));
		gp_str(title, sizeof(title), label);
		fprintf(f, "%zu \"%s\" %d\n", k, title, env_color(res, envs[k]));
	}
	for (size_t i = 0; i < nm; i++)
		fp_panel(res, metrics[i], unit, envs, ne, f);
	axis->ymin = axis->ymax = 0;
	snprintf(axis->colors, sizeof(axis->colors), "%zu", nm); /* the panels */
	return nm ? (int)ne : 0;
}

/* A segment's title: the part with its CI, or that it is not distinguishable from 0. */
static void decomp_title(const struct decomp *d, const struct decomp_part *p, char *out, size_t len)
{
	char v[32], lo[32], hi[32], text[DECOMP_PART + 128];

	fmt_value(v, sizeof(v), p->saving, d->unit);
	fmt_value(lo, sizeof(lo), p->saving_lo, d->unit);
	fmt_value(hi, sizeof(hi), p->saving_hi, d->unit);
	if (!p->saving_ci)
		snprintf(text, sizeof(text), "%s %s (no CI)", p->removed, v);
	else if (!p->distinguishable)
		snprintf(text, sizeof(text), "%s: not distinguishable from 0 [%s, %s]", p->removed,
		         lo, hi);
	else if (p->saving < 0)
		snprintf(text, sizeof(text), "%s: no saving (variant slower)", p->removed);
	else
		snprintf(text, sizeof(text), "%s %s [%s, %s]", p->removed, v, lo, hi);
	gp_str(out, len, text);
}

/* Two bars: native + each stacked part (max(0, its cost): never below 0) + what they leave
 * unexplained (when it is positive), and native + the container's extra start (paired: the
 * median of the per-block differences), so both bars end where the table's figures say. */
int report_decomp_data(const struct decomp *d, FILE *f)
{
	char name[DECOMP_PART + 160];
	int cols = 2;

	if (!d->present)
		return 0;
	fprintf(f, "\"bar\" \"process start (native)\"");
	for (size_t i = 0; i < d->n; i++) {
		if (!d->parts[i].stacked)
			continue;
		decomp_title(d, &d->parts[i], name, sizeof(name));
		fprintf(f, " \"%s\"", name);
		cols++;
	}
	gp_str(name, sizeof(name), d->container);
	fprintf(f, " \"not explained\" \"%s, measured\"\n\"native + parts\" %.9g", name,
	        fmax(d->native, 0));
	for (size_t i = 0; i < d->n; i++)
		if (d->parts[i].stacked)
			fprintf(f, " %.9g", decomp_drawn(&d->parts[i]));
	fprintf(f, " %.9g 0\n\"%s (measured)\" 0", fmax(d->rest, 0), name);
	for (size_t i = 0; i < d->n; i++)
		if (d->parts[i].stacked)
			fprintf(f, " 0");
	fprintf(f, " 0 %.9g\n", fmax(d->native + d->extra, 0));
	return cols + 2;
}

/* One environment's block of the density chart from its density_fit fact. */
static void density_block(const struct bb_result *res, const char *env, json_t *v, FILE *f)
{
	json_t *pts = json_object_get(v, "points"), *fits = json_object_get(v, "fits");
	json_t *pss = json_object_get(fits, "pss"), *k = json_object_get(fits, "kernel");
	double a = json_number_value(json_object_get(pss, "intercept_mib"));
	double b = json_number_value(json_object_get(pss, "slope_mib"));
	double ka = json_number_value(json_object_get(k, "intercept_mib"));
	double kb = json_number_value(json_object_get(k, "slope_mib"));
	json_t *mi0 = json_object_get(json_array_get(pts, 0), "meminfo_mib");
	double k0 = json_number_value(json_object_get(mi0, "kernel"));
	char label[96], title[96];
	size_t i;
	json_t *p;

	env_label(res, env, label, sizeof(label));
	gp_str(title, sizeof(title), label);
	fprintf(f,
	        "\n\n# %s: n, pss_mib, pss line, kernel - first count, kernel line, colour, env\n",
	        title);
	json_array_foreach(pts, i, p)
	{
		double n = (double)json_integer_value(json_object_get(p, "n"));
		double kern =
		    json_number_value(json_object_get(json_object_get(p, "meminfo_mib"), "kernel"));
		fprintf(f, "%.0f %.9g %.9g %.9g %.9g %d \"%s\"\n", n,
		        json_number_value(json_object_get(p, "pss_mib")), a + b * n, kern - k0,
		        ka + kb * n - (ka + kb), env_color(res, env), title);
	}
}

int report_density_data(const struct bb_result *res, FILE *f)
{
	json_t *fact;
	size_t i;
	int n = 0;

	fprintf(f, "# boxbench density chart, %s: one block per environment\n", res->id);
	json_array_foreach(res->facts, i, fact)
	{
		json_t *v = json_object_get(fact, "value");
		if (strcmp(results_jstr(fact, "suite") ?: "", "footprint") ||
		    strcmp(results_jstr(fact, "key") ?: "", "density_fit") || !json_is_object(v) ||
		    !json_array_size(json_object_get(v, "points")))
			continue;
		density_block(res, results_jstr(fact, "env"), v, f);
		n++;
	}
	return n;
}
