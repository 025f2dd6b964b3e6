#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "format.h"
#include "isolation.h"

#define MAX_ENVS          32
#define MAX_METRICS       64
#define MAX_CHARTS        32
#define MAX_SUITES        32
#define GNUPLOT_TIMEOUT_S 60

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
static size_t suite_envs(const struct bb_result *res, const char *suite, const char *metric,
                         bool need_vs, const char **names, size_t max)
{
	size_t n = 0, j;

	for (size_t i = 0; i < res->nseries && n < max; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(s->suite, suite) || (metric && strcmp(s->metric, metric)) ||
		    !s->has_summary || (need_vs && !s->has_vs))
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
		if (strcmp(s->suite, suite) || !s->has_summary || (need_vs && !s->has_vs))
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

/* Data files */

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
	size_t n = suite_envs(res, "startup", "ready", false, envs, MAX_ENVS);

	fprintf(f, "# boxbench startup chart: launch request to ready (ms), %s\n", res->id);
	fprintf(f, "# index 0: x, sample, env colour\n");
	for (size_t k = 0; k < n; k++) {
		const struct bb_series *s = results_find_summary(res, "startup", "ready", envs[k]);
		for (size_t j = 0; j < s->n; j++)
			fprintf(f, "%.4f %.9g %d\n", (double)k + jitter(j),
			        results_to_ms(s->samples[j], s->unit), env_color(res, envs[k]));
	}
	fprintf(f, "\n\n# index 1: env position, median, ci_lo, ci_hi, p05, p95, env, note, "
	           "median text\n");
	for (size_t k = 0; k < n; k++) {
		const struct bb_series *s = results_find_summary(res, "startup", "ready", envs[k]);
		char env[64], note[96], med[48];
		gp_str(env, sizeof(env), s->env);
		startup_note(res, s, note, sizeof(note));
		fmt_value(med, sizeof(med), results_to_ms(s->summary.median, s->unit), "ms");
		fprintf(f, "%zu %.9g %.9g %.9g %.9g %.9g \"%s\" \"%s\" \"%s\"\n", k,
		        results_to_ms(s->summary.median, s->unit),
		        results_to_ms(s->summary.ci_lo, s->unit),
		        results_to_ms(s->summary.ci_hi, s->unit),
		        results_to_ms(s->summary.p05, s->unit),
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
	size_t ne = suite_envs(res, suite, NULL, true, envs, MAX_ENVS);
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
			char t[32];
			if (!results_slowdown(results_find_summary(res, suite, metrics[i], envs[k]),
			                      &v, &lo, &hi))
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
static double fp_scale(const char *unit, const char **shown)
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

int report_footprint_data(const struct bb_result *res, const char *unit, FILE *f,
                          struct chart_axis *axis)
{
	const char *envs[MAX_ENVS], *metrics[MAX_METRICS], *shown;
	size_t ne = suite_envs(res, "footprint", NULL, false, envs, MAX_ENVS);
	size_t nm = fp_metrics(res, unit, metrics, MAX_METRICS);
	double scale = fp_scale(unit, &shown), lo_all = INFINITY, hi_all = 0;
	int drawn = 0;

	fprintf(f, "# boxbench footprint chart: %s per instance, %s\n# index 0: x, metric\n", shown,
	        res->id);
	for (size_t i = 0; i < nm; i++) {
		char m[80];
		gp_str(m, sizeof(m), metrics[i]);
		fprintf(f, "%zu \"%s\"\n", i, m);
	}
	axis->colors[0] = '\0';
	for (size_t k = 0; k < ne; k++) {
		char label[96], title[96];
		fmt_append(axis->colors, sizeof(axis->colors), "%s%d", k ? " " : "",
		           env_color(res, envs[k]));
		env_label(res, envs[k], label, sizeof(label));
		gp_str(title, sizeof(title), label);
		fprintf(f, "\n\n# index %d: x, median, ci_lo, ci_hi, text\n\"%s\"\n", drawn + 1,
		        title);
		drawn++;
		for (size_t i = 0; i < nm; i++) {
			const struct bb_series *s =
			    results_find_summary(res, "footprint", metrics[i], envs[k]);
			char t[48];
			if (!s || strcmp(s->unit, unit) || s->summary.median <= 0)
				continue;
			fmt_value(t, sizeof(t), s->summary.median * scale, shown);
			fprintf(f, "%.4f %.9g %.9g %.9g \"%s\"\n", (double)i + offset(k, ne),
			        s->summary.median * scale, s->summary.ci_lo * scale,
			        s->summary.ci_hi * scale, t);
			lo_all = fmin(lo_all, fmax(s->summary.ci_lo * scale, 1e-9));
			hi_all = fmax(hi_all, s->summary.ci_hi * scale);
		}
	}
	axis->ymin = isfinite(lo_all) ? lo_all / 3 : 0.1;
	axis->ymax = hi_all > 0 ? hi_all * 4 : 10;
	return nm ? drawn : 0;
}

int report_decomp_data(const struct decomp *d, FILE *f)
{
	char name[DECOMP_PART + 8];
	int cols = 2;

	if (!d->present)
		return 0;
	fprintf(f, "\"bar\" \"process start (native)\"");
	for (size_t i = 0; i < d->n; i++) {
		if (!d->parts[i].stacked)
			continue;
		gp_str(name, sizeof(name), d->parts[i].removed);
		fprintf(f, " \"%s\"", name);
		cols++;
	}
	gp_str(name, sizeof(name), d->container);
	fprintf(f, " \"not explained\" \"%s, measured\"\n\"native + parts\" %.9g", name, d->native);
	for (size_t i = 0; i < d->n; i++)
		if (d->parts[i].stacked)
			fprintf(f, " %.9g", fmax(d->parts[i].saving, 0));
	fprintf(f, " %.9g 0\n\"%s (measured)\" 0", fmax(d->rest, 0), name);
	for (size_t i = 0; i < d->n; i++)
		if (d->parts[i].stacked)
			fprintf(f, " 0");
	fprintf(f, " 0 %.9g\n", d->container_median);
	return cols + 2;
}

/* Finding and running gnuplot */

const char *report_templates_dir(void)
{
	static char dir[PATH_MAX];
	static const char *const rel[] = { "../scripts", "../share/boxbench/gnuplot", NULL };
	const char *env = getenv("BOXBENCH_GNUPLOT_DIR");
	char exe[PATH_MAX], probe[PATH_MAX + 64], *d;
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return "scripts";
	exe[n] = '\0';
	d = dirname(exe);
	for (size_t i = 0; rel[i]; i++) {
		snprintf(probe, sizeof(probe), "%s/%s/startup.gp", d, rel[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(dir, sizeof(dir), "%s/%s", d, rel[i]);
			return dir;
		}
	}
	return "scripts";
}

/* The message of a failed gnuplot: its `"FILE" line N: message` line, directory dropped. */
static void gp_message(int fd, char *buf, size_t len)
{
	char out[4096], *p = out, *line, *at, *slash;
	ssize_t n = pread(fd, out, sizeof(out) - 1, 0);

	buf[0] = '\0';
	if (n <= 0)
		return;
	out[n] = '\0';
	while ((line = strsep(&p, "\n"))) {
		line += strspn(line, " \t^");
		if (!*line)
			continue;
		if (!buf[0])
			snprintf(buf, len, "%s", line);
		at = strstr(line, "\" line ");
		if (!at)
			continue;
		*at = '\0';
		slash = strrchr(line, '/');
		snprintf(buf, len, "%s line %s", slash ? slash + 1 : line + 1, at + 7);
		return;
	}
}

static int gp_why(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int gp_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Wait for the child, killing it after the timeout (a template bug must not hang a report). */
static int gp_wait(pid_t pid, int *status)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < GNUPLOT_TIMEOUT_S * 100; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return 1;
}

/* Run gnuplot with argv; 0 on success, else -1 with a one-line reason in why. */
static int gp_run(char *const argv[], char *why, size_t len)
{
	_cleanup_close_ int log = memfd_create("boxbench-gnuplot", MFD_CLOEXEC);
	int status = 0, w;
	pid_t pid;

	if (log < 0)
		return gp_why(why, len, "memfd_create: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return gp_why(why, len, "fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	w = gp_wait(pid, &status);
	if (w > 0)
		return gp_why(why, len, "gnuplot took over %d s and was killed", GNUPLOT_TIMEOUT_S);
	if (w < 0)
		return gp_why(why, len, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return gp_why(why, len, "%s not found (install gnuplot-nox)", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char line[256];
		gp_message(log, line, sizeof(line));
		return gp_why(why, len, "gnuplot failed: %s", line[0] ? line : "no message");
	}
	return 0;
}

/* Charts */

struct chart {
	char stem[80];    /* file name without extension */
	const char *tmpl; /* template file name */
	const char *section;
	char title[160];
	char note[512];     /* what the chart shows, for the documents only */
	char caption[1024]; /* n, host, caveats: in the image and the documents */
	char args[4][128];  /* ARG6.. */
	size_t nargs;
	bool svg, png;
	char why[320]; /* why it was not rendered */
};

struct report {
	const struct bb_result *res;
	char dir[PATH_MAX], charts_dir[PATH_MAX + 16];
	const char *tmpl_dir, *gnuplot;
	struct claim_eval claims[CLAIMS_N];
	struct decomp decomp;
	struct chart charts[MAX_CHARTS];
	size_t ncharts;
	char gnuplot_missing[320]; /* set once gnuplot cannot run at all */
	char host[512];
};

static void report_host_line(struct report *r)
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
	size_t n = suite_envs(res, suite, NULL, false, envs, MAX_ENVS), used;

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

/* Copy the templates next to the charts: what renders them is what the report ships. */
static int report_copy_templates(struct report *r, struct bb_err *err)
{
	static const char *const names[] = { "common.gp",        "startup.gp",   "overhead.gp",
		                             "decomposition.gp", "footprint.gp", NULL };
	char from[PATH_MAX + 32], to[PATH_MAX + 48];

	for (size_t i = 0; names[i]; i++) {
		snprintf(from, sizeof(from), "%s/%s", r->tmpl_dir, names[i]);
		snprintf(to, sizeof(to), "%s/%s", r->charts_dir, names[i]);
		if (copy_file(from, to, err) < 0)
			return bb_wrap(err, "gnuplot template (set BOXBENCH_GNUPLOT_DIR)");
	}
	return 0;
}

static bool file_nonempty(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* One terminal: gnuplot -c TEMPLATE TERM OUT DATA TITLE CAPTION ARGS... */
static int chart_term(struct report *r, struct chart *c, const char *term, const char *ext)
{
	char tmpl[PATH_MAX + 48], out[PATH_MAX + 96], data[PATH_MAX + 96], cap[1100];
	char *argv[16] = { (char *)r->gnuplot, "-c", tmpl, (char *)term, out, data, c->title, cap };
	size_t n = 8;

	snprintf(tmpl, sizeof(tmpl), "%s/%s", r->charts_dir, c->tmpl);
	snprintf(out, sizeof(out), "%s/%s.%s", r->charts_dir, c->stem, ext);
	snprintf(data, sizeof(data), "%s/%s.dat", r->charts_dir, c->stem);
	wrap(c->caption, cap, sizeof(cap), 150);
	for (size_t i = 0; i < c->nargs; i++)
		argv[n++] = c->args[i];
	argv[n] = NULL;
	/* a failed gnuplot may leave an empty or partial file: never ship one */
	if (gp_run(argv, c->why, sizeof(c->why)) < 0) {
		unlink(out);
		return -1;
	}
	if (!file_nonempty(out)) {
		unlink(out);
		return gp_why(c->why, sizeof(c->why), "gnuplot wrote no %s", ext);
	}
	return 0;
}

static void chart_render(struct report *r, struct chart *c)
{
	if (r->gnuplot_missing[0]) {
		snprintf(c->why, sizeof(c->why), "%s", r->gnuplot_missing);
		return;
	}
	c->svg = chart_term(r, c, "svg", "svg") == 0;
	if (!c->svg && strstr(c->why, "(install gnuplot-nox)")) {
		snprintf(r->gnuplot_missing, sizeof(r->gnuplot_missing), "%s", c->why);
		return;
	}
	/* pngcairo draws far better; plain png (libgd) is the fallback of a gnuplot without it */
	c->png = chart_term(r, c, "pngcairo", "png") == 0 || chart_term(r, c, "png", "png") == 0;
}

/* Close a chart's data file; fill_rc is what its writer returned: 0 environments means there
 * is nothing to draw, so the chart is dropped. Returns 1 (keep), 0 (dropped) or -1. */
static int chart_data(struct report *r, struct chart *c, int fill_rc, FILE *f, struct bb_err *err)
{
	char path[PATH_MAX + 96];

	snprintf(path, sizeof(path), "%s/%s.dat", r->charts_dir, c->stem);
	if (ferror(f) | (fclose(f) != 0))
		return bb_fail(err, errno ? errno : EIO, "write %s", path);
	if (fill_rc <= 0) {
		unlink(path);
		r->ncharts--; /* nothing to draw: no chart */
		return 0;
	}
	return 1;
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
	int rc;

	if (!f)
		return c ? -1 : 0;
	rc = chart_data(r, c, report_startup_data(r->res, f), f, err);
	if (rc <= 0)
		return rc;
	snprintf(c->title, sizeof(c->title), "Startup: launch request to workload ready");
	snprintf(c->note, sizeof(c->note),
	         "Each dot is one fresh instance, the pale box spans p05 to p95 and the black "
	         "square is the median with its 95%% CI; log scale");
	caption_n(r->res, "startup", "ready", "fresh instances", c->caption, sizeof(c->caption));
	caption_finish(r, c, "startup");
	return 0;
}

static int plan_decomp(struct report *r, struct bb_err *err)
{
	struct chart *c;
	FILE *f;
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
	if ((rc = chart_data(r, c, rc, f, err)) <= 0)
		return rc;
	snprintf(c->title, sizeof(c->title), "What a container start is made of (medians)");
	fmt_value(a, sizeof(a), fabs(r->decomp.rest), r->decomp.unit);
	fmt_value(b, sizeof(b), r->decomp.explained, r->decomp.unit);
	snprintf(c->note, sizeof(c->note),
	         "Each part's cost is the full container's median minus that of the variant "
	         "without it. The parts add %s; %s %s",
	         b,
	         r->decomp.rest >= 0 ? "not explained by them:"
	                             : "they exceed the measured container by",
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
	if ((rc = chart_data(r, c, rc, f, err)) <= 0)
		return rc;
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
	int rc;

	snprintf(stem, sizeof(stem), "footprint-%s", unit);
	c = chart_new(r, stem, "footprint.gp", "footprint");
	f = c ? chart_open(r, c->stem, err) : NULL;
	if (!f)
		return c ? -1 : 0;
	rc = report_footprint_data(r->res, unit, f, &axis);
	fp_scale(unit, &shown);
	snprintf(c->args[c->nargs++], sizeof(c->args[0]), "%s", shown);
	chart_arg(c, "%.6g", axis.ymin);
	chart_arg(c, "%.6g", axis.ymax);
	snprintf(c->args[c->nargs++], sizeof(c->args[0]), "%s", axis.colors);
	if ((rc = chart_data(r, c, rc, f, err)) <= 0)
		return rc;
	snprintf(c->title, sizeof(c->title), "Footprint per instance (%s), median with 95%% CI",
	         shown);
	caption_n(r->res, "footprint", NULL, "instances", c->caption, sizeof(c->caption));
	caption_finish(r, c, "footprint");
	return 0;
}

/* Suites with their own section and chart (or none): the rest are overhead suites. */
static bool suite_special(const char *suite)
{
	static const char *const special[] = { "startup", "footprint", "isolation", "limits",
		                               NULL };
	for (size_t i = 0; special[i]; i++)
		if (!strcmp(suite, special[i]))
			return true;
	return false;
}

static size_t result_suites(const struct bb_result *res, const char **names, size_t max)
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

static int report_charts(struct report *r, struct bb_err *err)
{
	const char *suites[MAX_SUITES], *units[8];
	size_t ns = result_suites(r->res, suites, MAX_SUITES), nu;

	if (plan_startup(r, err) < 0 || plan_decomp(r, err) < 0)
		return -1;
	for (size_t i = 0; i < ns; i++)
		if (!suite_special(suites[i]) && plan_overhead(r, suites[i], err) < 0)
			return -1;
	nu = footprint_units(r->res, units, 8);
	for (size_t i = 0; i < nu; i++)
		if (plan_footprint(r, units[i], err) < 0)
			return -1;
	for (size_t i = 0; i < r->ncharts; i++)
		chart_render(r, &r->charts[i]);
	return 0;
}

/* The two documents: one walk over the sections, two renderings (markdown and HTML). */

struct doc {
	FILE *f;
	bool html;
	int figures;
};

static void html_escape(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(s[i], f);
		}
	}
}

/* Inline text: `code` spans stay code; in a markdown table cell '|' and newlines are escaped. */
static void doc_inline(struct doc *d, const char *s, bool cell)
{
	if (d->html) {
		const char *tick;
		while ((tick = strchr(s, '`')) && strchr(tick + 1, '`')) {
			const char *end = strchr(tick + 1, '`');
			html_escape(d->f, s, (size_t)(tick - s));
			fputs("<code>", d->f);
			html_escape(d->f, tick + 1, (size_t)(end - tick - 1));
			fputs("</code>", d->f);
			s = end + 1;
		}
		html_escape(d->f, s, strlen(s));
		return;
	}
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", d->f);
		else if (cell && *s == '|')
			fputs("\\|", d->f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ',
			      d->f); /* a newline from the result must not end a table or heading */
		else
			fputc(*s, d->f);
	}
}

static void doc_heading(struct doc *d, int level, const char *id, const char *text)
{
	if (d->html) {
		fprintf(d->f, "<h%d id=\"", level);
		html_escape(d->f, id, strlen(id)); /* ids hold suite names from the result */
		fputs("\">", d->f);
		doc_inline(d, text, false);
		fprintf(d->f, "</h%d>\n", level);
	} else {
		fprintf(d->f, "\n%.*s ", level, "######");
		doc_inline(d, text, false);
		fputs("\n\n", d->f);
	}
}

/* A paragraph; cls "" for plain text, else a note ("warn", "info") drawn as a box. */
static void doc_para(struct doc *d, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void doc_para(struct doc *d, const char *cls, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (d->html) {
		fprintf(d->f, cls[0] ? "<p class=\"note %s\">" : "<p>", cls);
		doc_inline(d, text, false);
		fputs("</p>\n", d->f);
	} else {
		fputs(!cls[0] ? "" : !strcmp(cls, "warn") ? "> **Caveat:** " : "> ", d->f);
		doc_inline(d, text, false);
		fputs("\n\n", d->f);
	}
}

static void doc_table(struct doc *d, const char *cls, const char *const *heads, size_t n)
{
	if (d->html) {
		fprintf(d->f, "<div class=\"scroll\"><table class=\"%s\">\n<thead><tr>", cls);
		for (size_t i = 0; i < n; i++) {
			fputs("<th>", d->f);
			doc_inline(d, heads[i], true);
			fputs("</th>", d->f);
		}
		fputs("</tr></thead>\n<tbody>\n", d->f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fputs("| ", d->f);
		doc_inline(d, heads[i], true);
		fputc(' ', d->f);
	}
	fputs("|\n", d->f);
	for (size_t i = 0; i < n; i++)
		fputs("|---", d->f);
	fputs("|\n", d->f);
}

/* A row; cell_cls (may be NULL) gives HTML classes per cell. */
static void doc_row_cls(struct doc *d, const char *cls, const char *const *cells,
                        const char *const *cell_cls, size_t n)
{
	if (d->html)
		fprintf(d->f, cls && cls[0] ? "<tr class=\"%s\">" : "<tr>", cls);
	for (size_t i = 0; i < n; i++) {
		if (d->html && cell_cls && cell_cls[i] && cell_cls[i][0])
			fprintf(d->f, "<td class=\"%s\">", cell_cls[i]);
		else
			fputs(d->html ? "<td>" : "| ", d->f);
		doc_inline(d, cells[i] ? cells[i] : "", true);
		fputs(d->html ? "</td>" : " ", d->f);
	}
	fputs(d->html ? "</tr>\n" : "|\n", d->f);
}

static void doc_row(struct doc *d, const char *cls, const char *const *cells, size_t n)
{
	doc_row_cls(d, cls, cells, NULL, n);
}

static void doc_table_end(struct doc *d)
{
	fputs(d->html ? "</tbody></table></div>\n" : "\n", d->f);
}

static int base64_file(FILE *out, const char *path)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	_cleanup_fclose_ FILE *in = fopen(path, "re");
	unsigned char b[3];
	size_t n;

	if (!in)
		return -1;
	while ((n = fread(b, 1, 3, in)) > 0) {
		unsigned v =
		    (unsigned)b[0] << 16 | (n > 1 ? (unsigned)b[1] << 8 : 0) | (n > 2 ? b[2] : 0);
		fputc(tab[v >> 18 & 63], out);
		fputc(tab[v >> 12 & 63], out);
		fputc(n > 1 ? tab[v >> 6 & 63] : '=', out);
		fputc(n > 2 ? tab[v & 63] : '=', out);
	}
	return ferror(in) ? -1 : 0;
}

/* A figure's caption text, the same in both formats: "Title. Note. Caption." */
static void doc_caption_text(struct doc *d, const struct chart *c)
{
	doc_inline(d, c->title, false);
	fputs(". ", d->f);
	if (c->note[0]) {
		doc_inline(d, c->note, false);
		fputs(". ", d->f);
	}
	doc_inline(d, c->caption, false);
	fputc('.', d->f);
}

static void doc_figure_html(struct doc *d, const struct report *r, const struct chart *c)
{
	char path[PATH_MAX + 96];

	fprintf(d->f, "<figure id=\"fig-%s\">\n", c->stem);
	if (c->svg || c->png) {
		snprintf(path, sizeof(path), "%s/%s.%s", r->charts_dir, c->stem,
		         c->svg ? "svg" : "png");
		fprintf(d->f, "<img width=\"960\" height=\"560\" alt=\"");
		html_escape(d->f, c->title, strlen(c->title));
		fprintf(d->f, "\" src=\"data:image/%s;base64,", c->svg ? "svg+xml" : "png");
		base64_file(d->f, path);
		fputs("\">\n", d->f);
	} else {
		fputs("<p class=\"note warn\">Chart not rendered: ", d->f);
		doc_inline(d, c->why, false);
		fputs("</p>\n", d->f);
	}
	fprintf(d->f, "<figcaption><b>Figure %d.</b> ", d->figures);
	doc_caption_text(d, c);
	fputs(" <span class=\"files\">", d->f);
	if (c->svg)
		fprintf(d->f, "<a href=\"charts/%s.svg\">SVG</a> · ", c->stem);
	if (c->png)
		fprintf(d->f, "<a href=\"charts/%s.png\">PNG</a> · ", c->stem);
	fprintf(d->f,
	        "<a href=\"charts/%s.dat\">data</a> · <a href=\"charts/%s\">gnuplot "
	        "template</a></span></figcaption>\n</figure>\n",
	        c->stem, c->tmpl);
}

static void doc_figure(struct doc *d, const struct report *r, const struct chart *c)
{
	d->figures++;
	if (d->html) {
		doc_figure_html(d, r, c);
		return;
	}
	if (c->svg || c->png) {
		fputs("![", d->f);
		doc_inline(d, c->title, true);
		fprintf(d->f, "](charts/%s.%s)\n\n", c->stem, c->svg ? "svg" : "png");
	} else {
		fputs("> **Chart not rendered:** ", d->f);
		doc_inline(d, c->why, false);
		fputs("\n\n", d->f);
	}
	fprintf(d->f, "*Figure %d.* ", d->figures);
	doc_caption_text(d, c);
	fputs(" Files: ", d->f);
	if (c->svg)
		fprintf(d->f, "[SVG](charts/%s.svg), ", c->stem);
	if (c->png)
		fprintf(d->f, "[PNG](charts/%s.png), ", c->stem);
	fprintf(d->f, "[data](charts/%s.dat), [gnuplot template](charts/%s).\n\n", c->stem,
	        c->tmpl);
}

/* Sections */

static const char *verdict_class(enum claim_verdict v)
{
	static const char *const cls[] = { "v-none", "v-holds", "v-caveat", "v-fails" };
	return v <= CLAIM_DOES_NOT_HOLD ? cls[v] : "v-none";
}

/* "40.0x slower [39.0x, 40.4x]", "no clear difference (1.01x [0.99x, 1.03x])", "-". */
static void vs_text(const struct bb_series *s, char *buf, size_t len)
{
	bool size = !strcmp(s->suite, "footprint");
	double v, lo, hi;
	char a[32], b[32], c[32];

	if (!results_slowdown(s, &v, &lo, &hi)) {
		snprintf(buf, len, "%s", strcmp(s->env, "native") ? "-" : "(reference)");
		return;
	}
	if (lo <= 1 && hi >= 1) {
		fmt_ratio(a, sizeof(a), v);
		fmt_ratio(b, sizeof(b), lo);
		fmt_ratio(c, sizeof(c), hi);
		snprintf(buf, len, "no clear difference (%s [%s, %s])", a, b, c);
		return;
	}
	bool slower = lo > 1;
	fmt_ratio(a, sizeof(a), slower ? v : 1 / v);
	fmt_ratio(b, sizeof(b), slower ? lo : 1 / hi);
	fmt_ratio(c, sizeof(c), slower ? hi : 1 / lo);
	/* a footprint count that is better higher (instances that fit) is fewer or more */
	const char *worse = !size ? "slower" : s->better == BB_HIGHER ? "fewer" : "larger";
	const char *better = !size ? "faster" : s->better == BB_HIGHER ? "more" : "smaller";
	snprintf(buf, len, "%s %s [%s, %s]", a, slower ? worse : better, b, c);
}

static void series_notes(const struct bb_result *res, const struct bb_series *s, char *buf,
                         size_t len)
{
	buf[0] = '\0';
	if (results_env_emulated(res, s->env))
		fmt_append(buf, len, "EMULATED (%s)",
		           results_env_accel(res, s->env)[0] ? results_env_accel(res, s->env)
		                                             : "tcg");
	if (s->nerr)
		fmt_append(buf, len, "%s%zu of %zu samples failed", buf[0] ? "; " : "", s->nerr,
		           s->nerr + s->n);
	if (s->has_summary && s->summary.outliers)
		fmt_append(buf, len, "%s%zu outlier%s (MAD rule)", buf[0] ? "; " : "",
		           s->summary.outliers, s->summary.outliers == 1 ? "" : "s");
	/* a CI wider than +-10% of the median says the run was noisy: the figure is rough */
	if (s->has_summary && s->summary.median > 0 &&
	    (s->summary.ci_hi - s->summary.ci_lo) / (2 * s->summary.median) > 0.10)
		fmt_append(buf, len, "%snoisy: 95%% CI spans +-%.0f%% of the median",
		           buf[0] ? "; " : "",
		           100 * (s->summary.ci_hi - s->summary.ci_lo) / (2 * s->summary.median));
	if (s->has_summary && s->summary.n < 5)
		fmt_append(buf, len, "%sonly %zu samples: the CI is rough", buf[0] ? "; " : "",
		           s->summary.n);
}

static void series_row(struct doc *d, const struct bb_result *res, const struct bb_series *s)
{
	char n[32], med[48], lo[48], hi[48], ci[112], p05[48], p95[48], pr[112], vs[160];
	char notes[256];
	const char *cells[8] = { s->env, s->metric, n, med, ci, pr, vs, notes };

	snprintf(n, sizeof(n), "%zu", s->n);
	series_notes(res, s, notes, sizeof(notes));
	if (!s->has_summary) {
		snprintf(med, sizeof(med), "no samples");
		ci[0] = pr[0] = '\0';
		snprintf(vs, sizeof(vs), "-");
		doc_row(d, "", cells, 8);
		return;
	}
	fmt_value(med, sizeof(med), s->summary.median, s->unit);
	fmt_value(lo, sizeof(lo), s->summary.ci_lo, s->unit);
	fmt_value(hi, sizeof(hi), s->summary.ci_hi, s->unit);
	fmt_value(p05, sizeof(p05), s->summary.p05, s->unit);
	fmt_value(p95, sizeof(p95), s->summary.p95, s->unit);
	snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
	snprintf(pr, sizeof(pr), "%s - %s", p05, p95);
	vs_text(s, vs, sizeof(vs));
	doc_row(d, results_env_emulated(res, s->env) ? "emulated" : "", cells, 8);
}

static void series_table(struct doc *d, const struct bb_result *res, const char *suite)
{
	const char *const heads[] = { "environment",
		                      "metric",
		                      "n",
		                      "median",
		                      "95% CI of median",
		                      "p05 - p95",
		                      strcmp(suite, "footprint") ? "vs native (time, 95% CI)"
		                                                 : "vs native (95% CI)",
		                      "notes" };

	doc_table(d, "series", heads, 8);
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].suite, suite))
			series_row(d, res, &res->series[i]);
	doc_table_end(d);
}

/* Facts a suite reported (other than the isolation/limits matrices): env, key, value. */
static void facts_table(struct doc *d, const struct bb_result *res, const char *suite)
{
	static const char *const heads[] = { "environment", "reported", "value (first sample)" };
	json_t *f;
	size_t i, shown = 0;

	json_array_foreach(res->facts, i, f)
	{
		char val[256];
		json_t *v = json_object_get(f, "value");
		const char *cells[3] = { results_jstr(f, "env"), results_jstr(f, "key"), val };
		if (strcmp(results_jstr(f, "suite") ?: "", suite) ||
		    json_integer_value(json_object_get(f, "rep")) != 0)
			continue;
		if (json_is_string(v))
			snprintf(val, sizeof(val), "%s", json_string_value(v));
		else if (json_is_number(v))
			snprintf(val, sizeof(val), "%.6g", json_number_value(v));
		else
			snprintf(val, sizeof(val), "%s", json_is_true(v) ? "true" : "false");
		if (!shown++)
			doc_table(d, "facts", heads, 3);
		doc_row(d, "", cells, 3);
	}
	if (shown)
		doc_table_end(d);
}

static const struct chart *chart_of(const struct report *r, const char *stem)
{
	for (size_t i = 0; i < r->ncharts; i++)
		if (!strcmp(r->charts[i].stem, stem))
			return &r->charts[i];
	return NULL;
}

static const struct chart *chart_in(const struct report *r, const char *section, size_t *from)
{
	for (; *from < r->ncharts; (*from)++)
		if (!strcmp(r->charts[*from].section, section))
			return &r->charts[(*from)++];
	return NULL;
}

static size_t count_failed(const struct bb_result *res)
{
	size_t n = 0;
	for (size_t i = 0; i < res->nseries; i++)
		n += res->series[i].nerr;
	return n;
}

static void sec_banners(struct doc *d, const struct report *r)
{
	const struct bb_result *res = r->res;
	size_t failed = count_failed(res);
	json_t *kvm = json_object_get(res->host, "kvm"), *e;
	const char *key;

	if (!res->complete)
		doc_para(d, "warn",
		         "INCOMPLETE RUN: it was interrupted; every figure below covers "
		         "only the samples measured before that.");
	json_object_foreach(res->environments, key, e)
	{
		if (!results_env_emulated(res, key))
			continue;
		doc_para(
		    d, "warn",
		    "%s is EMULATED (QEMU %s): KVM on this host is \"%s\" (%s). Its figures "
		    "measure an emulator, not what a hardware-assisted VM costs; they are marked "
		    "EMULATED wherever they appear.",
		    key, results_env_accel(res, key)[0] ? results_env_accel(res, key) : "tcg",
		    results_jstr(kvm, "kind") ?: "?",
		    results_jstr(kvm, "reason") ?: "no probe recorded");
	}
	if (failed)
		doc_para(d, "warn",
		         "%zu samples failed; their reasons are listed under Errors and "
		         "the figures use only the samples that succeeded.",
		         failed);
	for (size_t i = 0; i < r->ncharts; i++)
		if (!r->charts[i].svg || !r->charts[i].png) {
			doc_para(d, "warn",
			         "Some charts were not rendered: %s. The tables hold every "
			         "figure.",
			         r->charts[i].why);
			break;
		}
}

static void sec_claims(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "ID", "the article claims", "figures from this run",
		                             "verdict", "why" };

	doc_heading(d, 2, "claims", "Claims");
	doc_para(d, "",
	         "Each claim of the article (CLAIMS.md) with the figures from this result "
	         "that settle it. Verdicts are computed by rules (harness/claims.c); a claim "
	         "whose suite or environment was not run is \"not measured here\", never "
	         "guessed. Ratios are environment time / native time: above 1 is slower.");
	doc_table(d, "claims", heads, 5);
	for (size_t i = 0; i < CLAIMS_N; i++) {
		const struct claim_eval *c = &r->claims[i];
		const char *cells[5] = { c->id, c->claim, c->figures[0] ? c->figures : "-",
			                 claim_verdict_name(c->verdict), c->reason };
		doc_row(d, verdict_class(c->verdict), cells, 5);
	}
	doc_table_end(d);
}

static void ctx_row(struct doc *d, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ctx_row(struct doc *d, const char *what, const char *fmt, ...)
{
	char text[2048];
	const char *cells[2] = { what, text };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	doc_row(d, "", cells, 2);
}

static void ctx_topology(struct doc *d, const struct bb_result *res)
{
	json_t *t = json_object_get(res->host, "topology"), *c = json_object_get(t, "caches");
	char l1[32], l2[32], l3[32];

	fmt_value(l1, sizeof(l1), json_number_value(json_object_get(c, "l1d")), "bytes");
	fmt_value(l2, sizeof(l2), json_number_value(json_object_get(c, "l2")), "bytes");
	fmt_value(l3, sizeof(l3), json_number_value(json_object_get(c, "l3")), "bytes");
	ctx_row(d, "topology (hwloc)",
	        "%d package(s), %d cores, %d PUs, %d NUMA node(s); L1d %s, L2 %s, L3 %s; workload "
	        "pinned to PU %d, harness on PU %d",
	        (int)json_integer_value(json_object_get(t, "packages")),
	        (int)json_integer_value(json_object_get(t, "cores")),
	        (int)json_integer_value(json_object_get(t, "pus")),
	        (int)json_integer_value(json_object_get(t, "numa_nodes")), l1, l2, l3,
	        (int)json_integer_value(json_object_get(t, "pinned_pu")),
	        (int)json_integer_value(json_object_get(t, "harness_pu")));
}

static void ctx_container_root(char *text, size_t len, json_t *e)
{
	json_t *root = json_object_get(e, "rootfs");
	const char *img = results_jstr(root, "image");

	fmt_append(text, len, "; cgroup %s; root ",
	           json_is_object(json_object_get(e, "cgroup")) ? "limits" : "none");
	if (!json_is_object(root))
		fmt_append(text, len, "host's");
	else if (img && strcmp(img, "minimal"))
		fmt_append(text, len, "image %s, read-only (%s)", img,
		           results_jstr(root, "image_source") ?: "?");
	else
		fmt_append(text, len, "minimal read-only image");
}

static void ctx_envs(struct doc *d, const struct bb_result *res)
{
	json_t *e;
	const char *key;

	json_object_foreach(res->environments, key, e)
	{
		char text[1024] = "", what[64];
		json_t *ns = json_object_get(e, "namespaces"), *v;
		size_t i;
		if (json_is_false(json_object_get(e, "available"))) {
			snprintf(text, sizeof(text), "unavailable: %s",
			         results_jstr(e, "reason") ?: "?");
		} else {
			if (!json_is_array(ns))
				fmt_append(text, sizeof(text), "%s", results_jstr(e, "kind") ?: "");
			json_array_foreach(ns, i, v)
			    fmt_append(text, sizeof(text), "%s%s", i ? ", " : "namespaces ",
			               json_string_value(v) ?: "?");
			if (json_is_array(ns) && !json_array_size(ns))
				fmt_append(text, sizeof(text), "no namespaces");
			if (json_object_get(e, "cgroup") && json_object_get(e, "rootfs"))
				ctx_container_root(text, sizeof(text), e);
			if (results_jstr(e, "root_disk"))
				fmt_append(text, sizeof(text),
				           "; root: image %s on an ext4 disk, read-only (%s)",
				           results_jstr(e, "image") ?: "?",
				           results_jstr(e, "image_source") ?: "?");
			if (results_jstr(e, "accel"))
				fmt_append(text, sizeof(text), "; accelerator %s%s",
				           results_jstr(e, "accel"),
				           results_env_emulated(res, key) ? " (EMULATED)" : "");
			if (results_jstr(e, "machine"))
				fmt_append(text, sizeof(text), "; %s %s, machine %s",
				           results_jstr(e, "vmm") ?: "VMM",
				           results_jstr(e, "vmm_version") ?: "",
				           results_jstr(e, "machine"));
			if (results_jstr(e, "guest_kernel_version"))
				fmt_append(text, sizeof(text), "; guest kernel %s, %d MiB, %d vCPU",
				           results_jstr(e, "guest_kernel_version"),
				           (int)json_integer_value(json_object_get(e, "mem_mib")),
				           (int)json_integer_value(json_object_get(e, "vcpus")));
		}
		snprintf(what, sizeof(what), "environment %s", key);
		ctx_row(d, what, "%s", text[0] ? text : "-");
	}
}

static void sec_context(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "", "" };
	const struct bb_result *res = r->res;
	json_t *h = res->host, *kvm = json_object_get(h, "kvm"), *cfg = res->config;
	const char *hv = results_jstr(h, "hypervisor");

	doc_heading(d, 2, "context", "Where and how this was measured");
	doc_table(d, "context", heads, 2);
	ctx_row(d, "host", "%s", results_jstr(h, "hostname") ?: "?");
	ctx_row(d, "CPU", "%s", results_jstr(h, "cpu_model") ?: "?");
	ctx_topology(d, res);
	ctx_row(d, "kernel", "%s %s", results_jstr(h, "kernel") ?: "?",
	        results_jstr(h, "kernel_version") ?: "");
	if (hv)
		ctx_row(d, "host virtualisation",
		        "the host is itself a VM (CPUID hypervisor signature %s): \"native\" here "
		        "means a process in that guest",
		        hv);
	else
		ctx_row(d, "host virtualisation", "bare metal (no CPUID hypervisor signature)");
	ctx_row(d, "KVM", "%s: %s", results_jstr(kvm, "kind") ?: "not probed",
	        results_jstr(kvm, "reason") ?: "no probe recorded");
	ctx_row(d, "cgroups", "%s", results_jstr(h, "cgroup") ?: "?");
	ctx_envs(d, res);
	ctx_row(d, "command", "`%s`", results_jstr(cfg, "command") ?: "(not recorded)");
	ctx_row(d, "tool", "boxbench %s, commit %s", results_jstr(res->tool, "version") ?: "?",
	        results_jstr(res->tool, "commit") ?: "?");
	ctx_row(d, "date", "%s to %s (UTC)", res->started_at,
	        res->finished_at[0] ? res->finished_at : "(not finished)");
	ctx_row(d, "samples",
	        "%d measured per environment and suite, %d warm-up discarded; environments "
	        "interleaved round-robin, a fresh instance per sample",
	        (int)json_integer_value(json_object_get(cfg, "reps")),
	        (int)json_integer_value(json_object_get(cfg, "warmup")));
	ctx_row(d, "statistics",
	        "median with a bootstrap 95%% CI (%d resamples, seed %lld); ratios to native "
	        "are ratios of medians with a bootstrap CI; outliers by the MAD rule, kept",
	        BB_BOOTSTRAP_RESAMPLES,
	        (long long)json_integer_value(json_object_get(cfg, "seed")));
	ctx_row(d, "result", "%s%s", res->id, res->complete ? "" : " (INCOMPLETE)");
	doc_table_end(d);
}

static void sec_startup(struct doc *d, const struct report *r)
{
	const struct chart *c = chart_of(r, "startup");

	doc_heading(d, 2, "startup", "Startup");
	doc_para(d, "",
	         "`ready`: from the launch request to the workload's first record arriving; "
	         "`exit`: from the launch request to the instance reaped and torn down. A "
	         "fresh instance per sample.");
	if (c)
		doc_figure(d, r, c);
	series_table(d, r->res, "startup");
	facts_table(d, r->res, "startup");
}

static void sec_decomp(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "environment", "without", "ready median [95% CI]",
		                             "saving vs full container", "in the stacked bar" };
	const struct decomp *dc = &r->decomp;
	const struct chart *c = chart_of(r, "decomposition");

	if (!dc->present)
		return;
	doc_heading(d, 3, "decomposition", "Startup decomposition (C10)");
	doc_para(d, "",
	         "Each variant is the full container (%s) with one part switched off; its "
	         "saving is what that part adds to a start.",
	         dc->container);
	if (c)
		doc_figure(d, r, c);
	doc_table(d, "decomp", heads, 5);
	for (size_t i = 0; i < dc->n; i++) {
		const struct decomp_part *p = &dc->parts[i];
		char med[48], lo[48], hi[48], ci[160], sav[48];
		const char *cells[5] = { p->env, p->removed, ci, sav,
			                 p->stacked ? "yes" : "no (overlaps another variant)" };
		fmt_value(med, sizeof(med), p->median, dc->unit);
		fmt_value(lo, sizeof(lo), p->ci_lo, dc->unit);
		fmt_value(hi, sizeof(hi), p->ci_hi, dc->unit);
		fmt_value(sav, sizeof(sav), p->saving, dc->unit);
		snprintf(ci, sizeof(ci), "%s [%s, %s]", med, lo, hi);
		doc_row(d, "", cells, 5);
	}
	doc_table_end(d);
}

static void sec_overhead(struct doc *d, const struct report *r)
{
	const char *suites[MAX_SUITES];
	size_t ns = result_suites(r->res, suites, MAX_SUITES), shown = 0;

	doc_heading(d, 2, "overhead", "Overhead");
	doc_para(d, "",
	         "Each suite's metrics in every environment. Charts and the \"vs native\" "
	         "column give environment time / native time (throughput is inverted), so "
	         "above 1 is slower; \"no clear difference\" when the 95%% CI holds 1.");
	for (size_t i = 0; i < ns; i++) {
		char stem[80];
		const struct chart *c;
		if (suite_special(suites[i]))
			continue;
		shown++;
		snprintf(stem, sizeof(stem), "overhead-%s", suites[i]);
		doc_heading(d, 3, stem, suites[i]);
		if ((c = chart_of(r, stem)))
			doc_figure(d, r, c);
		else
			doc_para(d, "",
			         "No chart: no environment besides native has figures for "
			         "this suite to compare.");
		series_table(d, r->res, suites[i]);
		facts_table(d, r->res, suites[i]);
	}
	if (!shown)
		doc_para(d, "", "No overhead suite (syscall, cpu, mem, io) in this result.");
}

static bool suite_present(const struct bb_result *res, const char *suite)
{
	json_t *f;
	size_t i;

	for (i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].suite, suite))
			return true;
	json_array_foreach(res->facts, i, f)
	{
		if (!strcmp(results_jstr(f, "suite") ?: "", suite))
			return true;
	}
	return false;
}

static void sec_footprint(struct doc *d, const struct report *r)
{
	const struct chart *c;
	size_t from = 0;

	if (!suite_present(r->res, "footprint"))
		return;
	doc_heading(d, 2, "footprint", "Footprint (C6)");
	while ((c = chart_in(r, "footprint", &from)))
		doc_figure(d, r, c);
	series_table(d, r->res, "footprint");
	facts_table(d, r->res, "footprint");
}

static void sec_isolation(struct doc *d, const struct report *r)
{
	static const char *const cls[] = { "", "iso-same", "iso-diff", "iso-hidden" };
	const char *keys[64], *envs[MAX_ENVS], *heads[MAX_ENVS + 2] = { "fact" };
	size_t nk = isolation_keys(r->res, keys, 64), ne = isolation_envs(r->res, envs, MAX_ENVS);
	const char *ref = isolation_fact(r->res, "isolation", "host", NULL) ? "host" : "native";
	char val[128];

	if (!nk || !ne)
		return;
	doc_heading(d, 2, "isolation", "Isolation: what each box sees of the host (C3, C4)");
	doc_para(d, "",
	         "Each fact as seen from inside the environment, compared with the host's "
	         "own value (%s): \"same as host\" means the box sees the host kernel's state.",
	         strcmp(ref, "host") ? "as native sees it"
	                             : "collected by the harness itself, in the same run");
	heads[1] = strcmp(ref, "host") ? "native's value" : "host's value";
	for (size_t j = 0; j < ne; j++)
		heads[j + 2] = envs[j];
	doc_table(d, "isolation", heads, ne + 2);
	for (size_t i = 0; i < nk; i++) {
		const char *cells[MAX_ENVS + 2] = { keys[i], val }, *cc[MAX_ENVS + 2] = { "", "" };
		isolation_format(keys[i], isolation_fact(r->res, "isolation", ref, keys[i]), val,
		                 sizeof(val));
		for (size_t j = 0; j < ne; j++) {
			enum iso_cell cell = isolation_cell(r->res, envs[j], keys[i]);
			cells[j + 2] = iso_cell_name(cell);
			/* native seeing the host is expected: only a box's view is highlighted */
			cc[j + 2] =
			    results_env_class(r->res, envs[j]) == ENV_NATIVE ? "" : cls[cell];
		}
		doc_row_cls(d, "", cells, cc, ne + 2);
	}
	doc_table_end(d);
}

static void sec_limits(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "environment", "limit",    "set by the harness",
		                             "seen inside", "obtained", "enforced",
		                             "how it went" };
	struct limits_row rows[3 * MAX_ENVS];
	size_t n;

	if (!suite_present(r->res, "limits"))
		return;
	doc_heading(d, 2, "limits", "Resource limits (C2)");
	n = limits_rows(r->res, rows, 3 * MAX_ENVS);
	if (n)
		doc_table(d, "limits", heads, 7);
	for (size_t i = 0; i < n; i++) {
		const char *cells[7] = { rows[i].env,   rows[i].limit,    rows[i].set,
			                 rows[i].seen,  rows[i].measured, rows[i].enforced,
			                 rows[i].detail };
		doc_row(d, "", cells, 7);
	}
	if (n)
		doc_table_end(d);
	for (size_t i = 0; i < r->res->nseries; i++)
		if (!strcmp(r->res->series[i].suite, "limits")) {
			series_table(d, r->res, "limits");
			break;
		}
}

struct known {
	const char *name, *settles, *what;
};

static const struct known known_suites[] = {
	{ "startup", "C5, C10", "launch-to-ready latency, fresh instance per sample" },
	{ "syscall", "C7, C8", "syscall, page-fault and cpuid costs" },
	{ "cpu", "C7", "CPU-bound work (dgemm, hashing)" },
	{ "mem", "C8", "memory bandwidth and TLB-heavy pointer chase" },
	{ "io", "C9", "sequential write + fsync and random 4 KiB reads" },
	{ "footprint", "C6", "disk and memory (PSS) per instance" },
	{ "isolation", "C3, C4", "what of the host each box can see" },
	{ "limits", "C2", "whether cgroup limits are enforced" },
	{ NULL, NULL, NULL },
};

static const struct known known_envs[] = {
	{ "native", "every ratio", "the reference: a plain process" },
	{ "container", "C2, C3, C5, C6, C10", "a namespace container with cgroup limits" },
	{ "vm", "C4, C5, C6, C7, C8, C9", "a KVM/QEMU guest" },
	{ NULL, NULL, NULL },
};

static bool env_present(const struct bb_result *res, const char *env)
{
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].env, env))
			return true;
	return false;
}

static void sec_missing(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "missing", "what it measures", "it would settle",
		                             "why it is missing" };
	size_t shown = 0;

	doc_heading(d, 2, "missing", "Not in this result");
	for (size_t i = 0; known_suites[i].name; i++) {
		const struct known *k = &known_suites[i];
		char what[64];
		const char *cells[4] = { what, k->what, k->settles, "suite not run" };
		if (suite_present(r->res, k->name))
			continue;
		if (!shown++)
			doc_table(d, "missing", heads, 4);
		snprintf(what, sizeof(what), "suite %s", k->name);
		doc_row(d, "", cells, 4);
	}
	for (size_t i = 0; known_envs[i].name; i++) {
		const struct known *k = &known_envs[i];
		json_t *e = json_object_get(r->res->environments, k->name);
		char what[64], why[320];
		const char *cells[4] = { what, k->what, k->settles, why };
		if (env_present(r->res, k->name))
			continue;
		if (!shown++)
			doc_table(d, "missing", heads, 4);
		snprintf(what, sizeof(what), "environment %s", k->name);
		snprintf(why, sizeof(why), "%s%s",
		         json_is_false(json_object_get(e, "available")) ? "unavailable here: "
		                                                        : "not requested",
		         json_is_false(json_object_get(e, "available"))
		             ? results_jstr(e, "reason") ?: "?"
		             : "");
		doc_row(d, "", cells, 4);
	}
	if (shown)
		doc_table_end(d);
	else
		doc_para(d, "", "Every suite and environment boxbench knows is in this result.");
}

/* Failed samples grouped by (suite, environment, reason): the same failure on every sample
 * and metric is one row, not dozens. */
struct err_group {
	const char *suite, *env, *reason;
	char metrics[256], reps[256];
};

static void err_add(char *list, size_t len, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; (p = strstr(p, item)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return;
	fmt_append(list, len, "%s%s", list[0] ? ", " : "", item);
}

static size_t err_groups(const struct bb_result *res, struct err_group *g, size_t max)
{
	size_t n = 0, k;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		for (size_t j = 0; j < s->nerr; j++) {
			char rep[16];
			for (k = 0; k < n; k++)
				if (!strcmp(g[k].suite, s->suite) && !strcmp(g[k].env, s->env) &&
				    !strcmp(g[k].reason, s->errors[j].reason))
					break;
			if (k == n && n == max)
				continue;
			if (k == n)
				g[n++] = (struct err_group){ s->suite, s->env, s->errors[j].reason,
					                     "", "" };
			snprintf(rep, sizeof(rep), "%d", s->errors[j].rep);
			err_add(g[k].metrics, sizeof(g[k].metrics), s->metric);
			err_add(g[k].reps, sizeof(g[k].reps), rep);
		}
	}
	return n;
}

static void sec_errors(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "suite", "environment", "metrics", "samples",
		                             "reason" };
	struct err_group *g;
	size_t n, total = count_failed(r->res);

	if (!total)
		return;
	g = calloc(50, sizeof(*g));
	if (!g)
		return;
	n = err_groups(r->res, g, 50);
	doc_heading(d, 2, "errors", "Errors");
	doc_para(d, "",
	         "%zu failed samples (a sample is one run of a metric; failures are kept "
	         "with their reason, never counted as zero).",
	         total);
	doc_table(d, "errors", heads, 5);
	for (size_t i = 0; i < n; i++) {
		const char *cells[5] = { g[i].suite, g[i].env, g[i].metrics, g[i].reps,
			                 g[i].reason };
		doc_row(d, "", cells, 5);
	}
	doc_table_end(d);
	if (n == 50)
		doc_para(d, "",
		         "Only the first 50 kinds of failure are listed; `boxbench show` lists "
		         "all.");
	free(g);
}

static void sec_reproduce(struct doc *d, const struct report *r)
{
	doc_heading(d, 2, "reproduce", "Reproduce");
	doc_para(d, "", "Run again: `%s`. Report: `boxbench report RESULT -o DIR`.",
	         results_jstr(r->res->config, "command") ?: "boxbench run");
	doc_para(d, "",
	         "Every chart is drawn by gnuplot from the data file and template next to "
	         "it in charts/: `gnuplot -c TEMPLATE TERMINAL OUTPUT DATA TITLE CAPTION "
	         "[ARGS]` (svg, pngcairo).");
}

static const char html_style[] =
    "body{font:15px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1d1d1f;"
    "max-width:1100px;margin:0 auto;padding:24px 28px;background:#fff}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:21px;margin:36px 0 10px;"
    "border-bottom:2px solid #e4e4e8;padding-bottom:4px}h3{font-size:17px;margin:26px 0 8px}"
    ".sub{color:#555;margin:0 0 16px}nav{font-size:14px;margin:8px 0 18px}"
    "nav a{margin-right:14px}a{color:#1a5fb4}"
    "code{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f2f2f5;"
    "padding:1px 4px;border-radius:3px}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;margin:8px 0 16px;font-size:13.5px;"
    "width:100%}th,td{border:1px solid #dcdce2;padding:5px 8px;text-align:left;"
    "vertical-align:top}th{background:#f4f4f7;font-weight:600}"
    "table.series td:nth-child(n+3):nth-child(-n+6){white-space:nowrap}"
    "table.context td:first-child{width:170px;font-weight:600;white-space:nowrap}"
    "table.context thead{display:none}"
    "table.claims td:first-child{font-weight:700;white-space:nowrap}"
    "table.claims td:nth-child(4){font-weight:700;white-space:nowrap}"
    "tr.v-holds td:nth-child(4){background:#e3f4e6;color:#14632b}"
    "tr.v-caveat td:nth-child(4){background:#fff4d6;color:#7a5200}"
    "tr.v-fails td:nth-child(4){background:#fde4e4;color:#9b1c1c}"
    "tr.v-none td:nth-child(4){background:#eeeef1;color:#555}"
    "tr.emulated td:first-child{color:#9b1c1c;font-weight:600}"
    "td.iso-same{background:#fde4e4;color:#9b1c1c}td.iso-diff{background:#e3f4e6;color:#14632b}"
    "td.iso-hidden{background:#eef4fb;color:#1a5fb4}"
    ".note{padding:8px 12px;border-radius:4px;margin:10px 0;font-size:14px}"
    ".note.warn{background:#fff4d6;border-left:4px solid #e0a100}"
    ".note.info{background:#eef4fb;border-left:4px solid #1a5fb4}"
    "figure{margin:14px 0 22px}figure img{max-width:100%;height:auto;border:1px solid #e4e4e8}"
    "figcaption{font-size:13px;color:#444;margin-top:4px}.files{white-space:nowrap}"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}nav,.files{display:none}"
    "h2{break-after:avoid}figure,tr{break-inside:avoid}.scroll{overflow:visible}"
    "table{font-size:9pt}a{color:inherit;text-decoration:none}}";

static void doc_begin(struct doc *d, const struct report *r)
{
	const struct bb_result *res = r->res;
	char title[256];

	snprintf(title, sizeof(title), "boxbench report: %s", res->id);
	if (d->html) {
		fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>",
		      d->f);
		doc_inline(d, title, false);
		fprintf(d->f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", html_style);
		doc_inline(d, title, false);
		fputs("</h1>\n<p class=\"sub\">", d->f);
		doc_inline(d, res->started_at, false);
		fputs(" &middot; ", d->f);
		doc_inline(d, r->host, false);
		fputs("</p>\n<nav><a href=\"#claims\">Claims</a><a href=\"#context\">Context</a>"
		      "<a href=\"#startup\">Startup</a><a href=\"#overhead\">Overhead</a>"
		      "<a href=\"#missing\">Not measured</a><a href=\"#reproduce\">Reproduce</a>"
		      "</nav>\n",
		      d->f);
		return;
	}
	fputs("# ", d->f);
	doc_inline(d, title, false);
	fputs("\n\n", d->f);
	doc_inline(d, res->started_at, false);
	fputs(" · ", d->f);
	doc_inline(d, r->host, false);
	fputs("\n\n", d->f);
}

static void doc_end(struct doc *d)
{
	if (d->html)
		fputs("<p class=\"sub\">Written by <code>boxbench report</code>.</p>\n</body>\n"
		      "</html>\n",
		      d->f);
}

static void report_doc(struct doc *d, const struct report *r)
{
	doc_begin(d, r);
	sec_banners(d, r);
	sec_claims(d, r);
	sec_context(d, r);
	sec_startup(d, r);
	sec_decomp(d, r);
	sec_overhead(d, r);
	sec_footprint(d, r);
	sec_isolation(d, r);
	sec_limits(d, r);
	sec_missing(d, r);
	sec_errors(d, r);
	sec_reproduce(d, r);
	doc_end(d);
}

/* Written to a temporary name and renamed: a reader never sees half a report. */
static int report_file(const struct report *r, const char *name, bool html, struct bb_err *err)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	struct doc d = { .html = html };

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", r->dir, name);
	d.f = fopen(tmp, "we");
	if (!d.f)
		return bb_fail(err, errno, "%s", tmp);
	report_doc(&d, r);
	if (ferror(d.f) | (fclose(d.f) != 0)) {
		unlink(tmp);
		return bb_fail(err, errno ? errno : EIO, "write %s", path);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return bb_fail(err, e, "rename %s", path);
	}
	return 0;
}

static int mkdir_p(const char *dir, struct bb_err *err)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return bb_fail(err, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return bb_fail(err, errno, "mkdir %s", buf);
	return 0;
}

static void report_outcome(const struct report *r, struct report_outcome *out)
{
	memset(out, 0, sizeof(*out));
	out->charts = r->ncharts;
	for (size_t i = 0; i < r->ncharts; i++) {
		if (r->charts[i].svg && r->charts[i].png)
			out->charts_ok++;
		else if (!out->warning[0])
			snprintf(out->warning, sizeof(out->warning), "chart %s: %s",
			         r->charts[i].stem, r->charts[i].why);
	}
}

int report_write(const struct bb_result *res, const struct report_opts *o,
                 struct report_outcome *out, struct bb_err *err)
{
	_cleanup_free_ struct report *r = calloc(1, sizeof(*r));
	char real[PATH_MAX];

	if (!r)
		return bb_fail(err, ENOMEM, "report");
	r->res = res;
	r->gnuplot = o->gnuplot ? o->gnuplot : "gnuplot";
	r->tmpl_dir = o->templates ? o->templates : report_templates_dir();
	/* Absolute paths: gnuplot reads a file name starting with '<' or '|' as a command. */
	if (mkdir_p(o->dir, err) < 0)
		return -1;
	if (!realpath(o->dir, real))
		return bb_fail(err, errno, "%s", o->dir);
	snprintf(r->dir, sizeof(r->dir), "%s", real);
	snprintf(r->charts_dir, sizeof(r->charts_dir), "%s/charts", r->dir);
	if (mkdir(r->charts_dir, 0755) < 0 && errno != EEXIST)
		return bb_fail(err, errno, "mkdir %s", r->charts_dir);
	report_host_line(r);
	claims_evaluate(res, r->claims);
	decomp_compute(res, &r->decomp);
	/* Without templates the report is still written, with tables and the data files. */
	if (report_copy_templates(r, err) < 0) {
		snprintf(r->gnuplot_missing, sizeof(r->gnuplot_missing), "%s", err->msg);
		bb_err_clear(err);
	}
	if (report_charts(r, err) < 0 || report_file(r, "report.md", false, err) < 0 ||
	    report_file(r, "index.html", true, err) < 0)
		return -1;
	report_outcome(r, out);
	return 0;
}
