/* The report's two documents, report.md and index.html: one walk over the sections (claims,
 * context, startup, overhead, footprint, isolation, limits, what is missing, errors), rendered
 * by the document model (doc.h) in both formats. */
#include "report.h"

#include "outfile.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "doc.h"
#include "gnuplot.h"
#include "isolation.h"
#include "outfile.h"
#include "launcher.h"
#include "report_charts.h"
#include "report_context.h"
#include "report_footprint.h"
#include "suite.h"

/* A planned chart as a figure: the image, or why there is none, and links to its files. */
void report_figure(struct doc *d, const char *charts_dir, const struct chart *c)
{
	const char *ext = c->svg ? "svg" : "png";
	char src[128], file[PATH_MAX + 96], svg[128], png[128], dat[128], gp[128];
	struct doc_figure fig = { .id = c->stem,
		                  .title = c->title,
		                  .note = c->note,
		                  .caption = c->caption,
		                  .why = c->why };

	snprintf(src, sizeof(src), "charts/%s.%s", c->stem, ext);
	snprintf(file, sizeof(file), "%s/%s.%s", charts_dir, c->stem, ext);
	snprintf(svg, sizeof(svg), "charts/%s.svg", c->stem);
	snprintf(png, sizeof(png), "charts/%s.png", c->stem);
	snprintf(dat, sizeof(dat), "charts/%s.dat", c->stem);
	snprintf(gp, sizeof(gp), "charts/%s", c->tmpl);
	if (c->svg || c->png) {
		fig.src = src;
		fig.file = file;
	}
	if (c->svg)
		fig.links[fig.nlinks++] = (struct doc_link){ "SVG", svg };
	if (c->png)
		fig.links[fig.nlinks++] = (struct doc_link){ "PNG", png };
	fig.links[fig.nlinks++] = (struct doc_link){ "data", dat };
	fig.links[fig.nlinks++] = (struct doc_link){ "gnuplot template", gp };
	doc_figure(d, &fig);
}

static const char *verdict_class(enum claim_verdict v)
{
	static const char *const cls[] = { "v-none", "v-holds", "v-caveat", "v-fails",
		                           "v-inconclusive" };
	return v <= CLAIM_INCONCLUSIVE ? cls[v] : "v-none";
}

/* "40.0x slower [39.0x, 40.4x]", "no clear difference (1.01x [0.99x, 1.03x])", "1.2x slower
 * (no CI: n < 5)", "-". */
static void vs_text(const struct bb_result *res, const struct bb_series *s, char *buf, size_t len)
{
	bool size = !strcmp(s->suite, "footprint"), ci;
	double v, lo, hi;
	char a[32], b[32], c[32];

	if (!series_slowdown_or_point(s, &v, &lo, &hi, &ci)) {
		snprintf(buf, len, "%s",
		         strcmp(s->env, results_reference(res)) ? "-" : "(reference)");
		return;
	}
	if (ci && lo <= 1 && hi >= 1) {
		fmt_ratio(a, sizeof(a), v);
		fmt_ratio(b, sizeof(b), lo);
		fmt_ratio(c, sizeof(c), hi);
		snprintf(buf, len, "no clear difference (%s [%s, %s])", a, b, c);
		return;
	}
	bool slower = ci ? lo > 1 : v >= 1;
	fmt_ratio(a, sizeof(a), slower ? v : 1 / v);
	fmt_ratio(b, sizeof(b), slower ? lo : 1 / hi);
	fmt_ratio(c, sizeof(c), slower ? hi : 1 / lo);
	/* a footprint count that is better higher (instances that fit) is fewer or more */
	const char *worse = !size ? "slower" : s->better == BB_HIGHER ? "fewer" : "larger";
	const char *better = !size ? "faster" : s->better == BB_HIGHER ? "more" : "smaller";
	if (ci)
		snprintf(buf, len, "%s %s [%s, %s]", a, slower ? worse : better, b, c);
	else
		snprintf(buf, len, "%s %s (no CI: n < %d)", a, slower ? worse : better,
		         BB_CI_MIN_N);
}

/* Sampling notes: the precision reached against its target, a trend over the run, samples
 * the workload's time budget cut short. */
static void sampling_notes(const struct bb_series *s, char *buf, size_t len)
{
	double p = series_precision(s);

	if (series_missed(s) && isfinite(p))
		fmt_append(buf, len, "%sMISSED its target: +-%.1f%% (target +-%.1f%%, stopped: %s)",
		           buf[0] ? "; " : "", 100 * p, 100 * s->target,
		           s->stop[0] ? s->stop : "?");
	else if (series_missed(s))
		fmt_append(buf, len, "%sMISSED its target +-%.1f%%: no CI (stopped: %s)",
		           buf[0] ? "; " : "", 100 * s->target, s->stop[0] ? s->stop : "?");
	else if (isfinite(p) && p > 0.10)
		/* a CI wider than +-10% of the median says the run was noisy: the figure is
		 * rough */
		fmt_append(buf, len, "%snoisy: 95%% CI spans +-%.0f%% of the median",
		           buf[0] ? "; " : "", 100 * p);
	if (s->trend_flag)
		fmt_append(buf, len, "%sTREND over the run (Spearman rho %.2f, p %.2g)",
		           buf[0] ? "; " : "", s->trend_rho, s->trend_p);
	if (s->truncated)
		fmt_append(buf, len,
		           "%sTRUNCATED: %zu of %zu samples cut short by the workload's time "
		           "budget (kept out of verdicts)",
		           buf[0] ? "; " : "", s->truncated, s->n);
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
	if (s->has_summary)
		sampling_notes(s, buf, len);
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
	if (s->summary.has_ci)
		snprintf(ci, sizeof(ci), "[%s, %s] (+-%.1f%%)", lo, hi, 100 * series_precision(s));
	else
		snprintf(ci, sizeof(ci), "%s",
		         s->summary.n == 1 ? "measured once" : "no CI (n < 5)");
	snprintf(pr, sizeof(pr), "%s - %s", p05, p95);
	vs_text(res, s, vs, sizeof(vs));
	doc_row(d, results_env_emulated(res, s->env) ? "emulated" : "", cells, 8);
}

static void series_table(struct doc *d, const struct bb_result *res, const char *suite)
{
	const char *const heads[] = { "environment",
		                      "metric",
		                      "n",
		                      "median",
		                      "95% CI of median (across instances)",
		                      "p05 - p95",
		                      strcmp(suite, "footprint") ? "vs native (time, 95% CI)"
		                                                 : "vs native (95% CI)",
		                      "notes" };

	doc_table(d, "series", heads, NULL, 8);
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
		/* a structured fact (the footprint's density_fit) has a table of its own */
		if (strcmp(results_jstr(f, "suite") ?: "", suite) ||
		    json_integer_value(json_object_get(f, "rep")) != 0 || json_is_object(v) ||
		    json_is_array(v))
			continue;
		if (json_is_string(v))
			snprintf(val, sizeof(val), "%s", json_string_value(v));
		else if (json_is_number(v))
			snprintf(val, sizeof(val), "%.6g", json_number_value(v));
		else
			snprintf(val, sizeof(val), "%s", json_is_true(v) ? "true" : "false");
		if (!shown++)
			doc_table(d, "facts", heads, NULL, 3);
		doc_row(d, "", cells, 3);
	}
	if (shown)
		doc_table_end(d);
}

/* What each box's storage suite wrote to (envdesc's storage): the same operation on the same
 * host file system is what makes the figures comparable, so the report says what it was. */
static void storage_table(struct doc *d, const struct bb_result *res)
{
	static const char *const heads[] = { "environment", "storage", "host file system",
		                             "host mount options" };
	size_t shown = 0;

	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc_storage *st = &res->envs[i].storage;
		char line[512], host[320];
		const char *cells[4] = { res->envs[i].name, line, host, st->host_options };
		if (!st->on)
			continue;
		envdesc_storage_line(st, line, sizeof(line));
		if (st->cache_note[0])
			fmt_append(line, sizeof(line), " (%s)", st->cache_note);
		snprintf(host, sizeof(host), "%s on %s", st->host_fs, st->host_device);
		if (!shown++)
			doc_table(d, "storage", heads, NULL, 4);
		doc_row(d, "", cells, 4);
	}
	if (shown)
		doc_table_end(d);
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
	json_t *kvm = json_object_get(res->host, "kvm");

	if (!res->complete)
		doc_para(d, "warn",
		         "INCOMPLETE RUN: it was interrupted; every figure below covers "
		         "only the samples measured before that.");
	for (size_t i = 0; i < res->nenvs; i++) {
		const char *key = res->envs[i].name;
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
	         "guessed. A claim holds or does not hold only when the whole 95%% CI of "
	         "every figure it reads lies on one side of the rule's threshold; otherwise, "
	         "or when a figure has no CI (n < 5) or truncated samples, it is "
	         "\"inconclusive\". Ratios are environment time / native time: above 1 is "
	         "slower.");
	doc_table(d, "claims", heads, NULL, 5);
	for (size_t i = 0; i < CLAIMS_N; i++) {
		const struct claim_eval *c = &r->claims[i];
		const char *cells[5] = { c->id, c->claim, c->figures[0] ? c->figures : "-",
			                 claim_verdict_name(c->verdict), c->reason };
		doc_row(d, verdict_class(c->verdict), cells, 5);
	}
	doc_table_end(d);
}

/* A guest's start in phases (harness/run.c makes them), each on the clock it was read on. */
static const struct {
	const char *metric, *clock, *what;
} boot_phases[] = {
	{ "boot_to_kernel", "host - guest",
	  "launch request -> the guest kernel's clock starts: VMM, firmware, boot loader" },
	{ "boot_kernel", "guest (systemd)", "kernel and initramfs until the OS's init runs" },
	{ "boot_init", "guest (systemd)", "init until the workload's service starts" },
	{ "guest_boottime_at_init", "guest",
	  "the guest's CLOCK_BOOTTIME when the workload's launcher starts: kernel start -> it" },
	{ "ready", "host", "launch request -> the workload's ready record arrives" },
};

/* Every VM booted by firmware (vm-full): its phases, medians with their CIs. */
static void boot_phase_table(struct doc *d, const struct bb_result *res, const struct bb_envdesc *e)
{
	const char *const heads[] = { "phase", "clock", "median", "95% CI of median", "what" };
	char med[48], lo[48], hi[48], ci[112];

	doc_para(d, "",
	         "Boot phases of `%s` (booted by firmware and a boot loader): the guest's "
	         "own clock where it says guest, the harness's where it says host.",
	         e->name);
	doc_table(d, "series", heads, NULL, 5);
	for (size_t i = 0; i < sizeof(boot_phases) / sizeof(boot_phases[0]); i++) {
		const struct bb_series *s =
		    results_find_summary(res, "startup", boot_phases[i].metric, e->name);
		const char *cells[5] = { boot_phases[i].metric, boot_phases[i].clock, med, ci,
			                 boot_phases[i].what };
		if (!s)
			continue;
		fmt_value(med, sizeof(med), s->summary.median, s->unit);
		fmt_value(lo, sizeof(lo), s->summary.ci_lo, s->unit);
		fmt_value(hi, sizeof(hi), s->summary.ci_hi, s->unit);
		snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
		doc_row(d, e->emulated ? "emulated" : "", cells, 5);
	}
	doc_table_end(d);
}

static void boot_phases_all(struct doc *d, const struct bb_result *res)
{
	for (size_t i = 0; i < res->nenvs; i++)
		if (!strcmp(res->envs[i].boot, ENVDESC_BOOT_FIRMWARE) &&
		    results_find_summary(res, "startup", "ready", res->envs[i].name))
			boot_phase_table(d, res, &res->envs[i]);
}

static void sec_startup(struct doc *d, const struct report *r)
{
	const struct chart *c = report_chart_of(r, "startup");

	doc_heading(d, 2, "startup", "Startup");
	doc_para(d, "",
	         "`ready`: from the launch request to the workload's first record arriving; "
	         "`exit`: from the launch request to the instance reaped and torn down. A "
	         "fresh instance per sample.");
	if (c)
		report_figure(d, r->charts_dir, c);
	series_table(d, r->res, "startup");
	boot_phases_all(d, r->res);
	facts_table(d, r->res, "startup");
}

static void decomp_row(struct doc *d, const struct decomp *dc, const struct decomp_part *p)
{
	char how[160], est[96], drawn[48], what[160];
	const char *cells[5] = { p->removed, how, est, what, drawn };

	snprintf(how, sizeof(how), "%s - %s", p->from, p->env);
	fmt_estimate(est, sizeof(est), p->saving, p->saving_lo, p->saving_hi, p->saving_ci,
	             dc->unit);
	if (p->distinguishable && p->saving > 0)
		snprintf(what, sizeof(what), "adds to a start");
	else if (p->distinguishable)
		snprintf(what, sizeof(what), "no saving: the variant is slower");
	else
		snprintf(what, sizeof(what), "not distinguishable from 0");
	if (p->stacked)
		fmt_value(drawn, sizeof(drawn), decomp_drawn(p), dc->unit);
	else
		snprintf(drawn, sizeof(drawn), "no (overlaps another part)");
	doc_row(d, "", cells, 5);
}

static void decomp_sum_rows(struct doc *d, const struct decomp *dc)
{
	char a[96], b[96], c[96], s[96];
	const char *rows[3][5] = { { "full - native", "", a, "the container's extra start", "" },
		                   { "sum of the parts", "", b, "explained", "" },
		                   { "unexplained", "", c, s, "" } };

	fmt_estimate(a, sizeof(a), dc->extra, dc->extra_lo, dc->extra_hi, dc->extra_ci, dc->unit);
	fmt_estimate(b, sizeof(b), dc->explained, dc->explained_lo, dc->explained_hi, dc->sum_ci,
	             dc->unit);
	fmt_estimate(c, sizeof(c), dc->rest, dc->rest_lo, dc->rest_hi, dc->sum_ci, dc->unit);
	if (dc->has_share && dc->share_ci)
		snprintf(s, sizeof(s), "%.0f%% [%.0f%%, %.0f%%] of the extra start",
		         100 * dc->share, 100 * dc->share_lo, 100 * dc->share_hi);
	else
		snprintf(s, sizeof(s), "no interval");
	for (size_t i = 0; i < 3; i++)
		doc_row(d, "", rows[i], 5);
}

static void sec_decomp(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "part", "measured as", "adds [95% CI]", "reading",
		                             "in the stacked bar" };
	const struct decomp *dc = &r->decomp;
	const struct chart *c = report_chart_of(r, "decomposition");

	if (!dc->present)
		return;
	doc_heading(d, 3, "decomposition", "Startup decomposition (C10)");
	if (dc->paired)
		doc_para(d, "",
		         "Each variant is the full container (%s) with one part switched off. "
		         "Measured in %zu paired blocks (one start each of native, the container "
		         "and every variant, shuffled; stopped: %s): a part is the median of the "
		         "per-block differences, with a bootstrap 95%% CI over blocks. A variant "
		         "slower than the container saves nothing: drawn and counted as 0.",
		         dc->container, dc->blocks, dc->stop[0] ? dc->stop : "?");
	else
		doc_para(d, "",
		         "Unpaired: this result has no blocks, so each part is the difference of "
		         "two medians measured apart (%s minus a variant), and the sum has no "
		         "interval. A variant slower than the container saves nothing.",
		         dc->container);
	if (c)
		report_figure(d, r->charts_dir, c);
	doc_table(d, "decomp", heads, NULL, 5);
	for (size_t i = 0; i < dc->n; i++)
		decomp_row(d, dc, &dc->parts[i]);
	decomp_sum_rows(d, dc);
	doc_table_end(d);
}

static void sec_overhead(struct doc *d, const struct report *r)
{
	const char *names[MAX_SUITES];
	size_t ns = report_suites(r->res, names, MAX_SUITES), shown = 0;

	doc_heading(d, 2, "overhead", "Overhead");
	doc_para(d, "",
	         "Each suite's metrics in every environment. Charts and the \"vs native\" "
	         "column give environment time / native time (throughput is inverted), so "
	         "above 1 is slower; \"no clear difference\" when the 95%% CI holds 1.");
	for (size_t i = 0; i < ns; i++) {
		char stem[80];
		const struct chart *c;
		if (report_suite_special(names[i]))
			continue;
		shown++;
		snprintf(stem, sizeof(stem), "overhead-%s", names[i]);
		doc_heading(d, 3, stem, names[i]);
		if ((c = report_chart_of(r, stem)))
			report_figure(d, r->charts_dir, c);
		else
			doc_para(d, "",
			         "No chart: no environment besides native has figures for "
			         "this suite to compare.");
		series_table(d, r->res, names[i]);
		facts_table(d, r->res, names[i]);
		if (suite_find(names[i]) && suite_find(names[i])->needs_storage)
			storage_table(d, r->res);
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
	while ((c = report_chart_in(r, "footprint", &from)))
		report_figure(d, r->charts_dir, c);
	series_table(d, r->res, "footprint");
	doc_heading(d, 3, "footprint-per-instance",
	            "Per added instance: user space and host kernel");
	if (!report_footprint_table(d, r->res))
		doc_para(d, "",
		         "No density measured (fewer than 3 instance counts, see the errors).");
	else
		doc_para(d, "",
		         "Slopes of least-squares lines through the instance counts measured "
		         "(several readings of the host's /proc/meminfo at each, their median; the "
		         "noise floor is their largest spread); nothing was dropped or reclaimed "
		         "first. The host's figures include whatever else ran on it meanwhile.");
	facts_table(d, r->res, "footprint");
}

static void sec_isolation(struct doc *d, const struct report *r)
{
	static const char *const cls[] = { "", "iso-same", "iso-diff", "iso-hidden" };
	const char *keys[64], *envs[MAX_ENVS], *heads[MAX_ENVS + 2] = { "fact" };
	size_t nk = isolation_keys(r->res, keys, 64), ne = isolation_envs(r->res, envs, MAX_ENVS);
	bool host = isolation_fact(r->res, "isolation", ISO_HOST, NULL) != NULL;
	const char *ref = host ? ISO_HOST : results_reference(r->res);
	char val[128];

	if (!nk || !ne)
		return;
	doc_heading(d, 2, "isolation", "Isolation: what each box sees of the host (C3, C4)");
	doc_para(d, "",
	         "Each fact as seen from inside the environment, compared with the host's "
	         "own value (%s): \"same as host\" means the box sees the host kernel's state.",
	         host ? "collected by the harness itself, in the same run" : "as native sees it");
	heads[1] = host ? "host's value" : "native's value";
	for (size_t j = 0; j < ne; j++)
		heads[j + 2] = envs[j];
	doc_table(d, "isolation", heads, NULL, ne + 2);
	for (size_t i = 0; i < nk; i++) {
		const char *cells[MAX_ENVS + 2] = { keys[i], val }, *cc[MAX_ENVS + 2] = { "", "" };
		isolation_format(keys[i], isolation_fact(r->res, "isolation", ref, keys[i]), val,
		                 sizeof(val));
		for (size_t j = 0; j < ne; j++) {
			enum iso_cell cell = isolation_cell(r->res, envs[j], keys[i]);
			cells[j + 2] = iso_cell_name(cell);
			/* native seeing the host is expected: only a box's view is highlighted */
			cc[j + 2] =
			    results_env_class(r->res, envs[j]) == BB_CLASS_NATIVE ? "" : cls[cell];
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
		doc_table(d, "limits", heads, NULL, 7);
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

static bool env_present(const struct bb_result *res, const char *env)
{
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].env, env))
			return true;
	return false;
}

static void missing_row(struct doc *d, size_t *shown, const char *what, const char *measures,
                        const char *settles, const char *why)
{
	static const char *const heads[] = { "missing", "what it measures", "it would settle",
		                             "why it is missing" };
	const char *cells[4] = { what, measures, settles ? settles : "-", why };

	if (!(*shown)++)
		doc_table(d, "missing", heads, NULL, 4);
	doc_row(d, "", cells, 4);
}

/* Every suite and environment boxbench knows (the workload's and the launchers' tables) that
 * this result lacks, with why. */
static void sec_missing(struct doc *d, const struct report *r)
{
	size_t shown = 0;

	doc_heading(d, 2, "missing", "Not in this result");
	for (size_t i = 0; suites[i]; i++) {
		char what[64];
		if (suites[i]->internal || suite_present(r->res, suites[i]->name))
			continue;
		snprintf(what, sizeof(what), "suite %s", suites[i]->name);
		missing_row(d, &shown, what, suites[i]->summary, suites[i]->settles,
		            "suite not run");
	}
	for (size_t i = 0; launchers[i]; i++) {
		const struct launcher *l = launchers[i];
		const struct bb_envdesc *e = results_env(r->res, l->name);
		char what[64], why[600];
		if (env_present(r->res, l->name))
			continue;
		snprintf(what, sizeof(what), "environment %s", l->name);
		if (e && !e->available)
			snprintf(why, sizeof(why), "unavailable here: %s",
			         e->reason[0] ? e->reason : "?");
		else
			snprintf(why, sizeof(why), "not requested");
		missing_row(d, &shown, what, l->summary, l->settles, why);
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
	doc_table(d, "errors", heads, NULL, 5);
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
    "tr.v-inconclusive td:nth-child(4){background:#eef4fb;color:#1a5fb4}"
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

static void report_doc_begin(struct doc *d, const struct report *r)
{
	static const struct doc_link nav[] = {
		{ "Claims", "#claims" },        { "Context", "#context" },
		{ "Startup", "#startup" },      { "Overhead", "#overhead" },
		{ "Not measured", "#missing" }, { "Reproduce", "#reproduce" },
	};
	char title[256], sub[800];

	snprintf(title, sizeof(title), "boxbench report: %s", r->res->id);
	snprintf(sub, sizeof(sub), "%s \u00b7 %s", r->res->started_at, r->host);
	doc_page_begin(d, title, html_style, NULL, sub, nav, sizeof(nav) / sizeof(nav[0]));
}

static void report_doc(struct doc *d, const struct report *r)
{
	report_doc_begin(d, r);
	sec_banners(d, r);
	sec_claims(d, r);
	report_context(d, r);
	sec_startup(d, r);
	sec_decomp(d, r);
	sec_overhead(d, r);
	sec_footprint(d, r);
	sec_isolation(d, r);
	sec_limits(d, r);
	sec_missing(d, r);
	sec_errors(d, r);
	sec_reproduce(d, r);
	doc_page_end(d, "boxbench report");
}

/* Written to a temporary name and renamed: a reader never sees half a report. */
static int report_file(const struct report *r, const char *name, bool html, struct bb_err *err)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 64];
	struct doc d = { .fmt = html ? DOC_HTML : DOC_MARKDOWN };

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if (!(d.f = outfile_open(path, tmp, sizeof(tmp), err)))
		return -1;
	report_doc(&d, r);
	return outfile_commit(d.f, tmp, path, true, err);
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

void report_outcome_add(const struct chart *charts, size_t n, struct report_outcome *out)
{
	out->charts += n;
	for (size_t i = 0; i < n; i++) {
		if (charts[i].svg && charts[i].png)
			out->charts_ok++;
		else if (!out->warning[0])
			snprintf(out->warning, sizeof(out->warning), "chart %s: %s", charts[i].stem,
			         charts[i].why);
	}
}

static void report_outcome(const struct report *r, struct report_outcome *out)
{
	memset(out, 0, sizeof(*out));
	report_outcome_add(r->charts, r->ncharts, out);
}

int report_write(const struct bb_result *res, const struct report_opts *o,
                 struct report_outcome *out, struct bb_err *err)
{
	_cleanup_free_ struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return bb_fail(err, ENOMEM, "report");
	r->res = res;
	r->gnuplot = o->gnuplot ? o->gnuplot : "gnuplot";
	r->tmpl_dir = o->templates ? o->templates : gnuplot_templates_dir("startup.gp");
	if (report_dirs(o->dir, r->dir, r->charts_dir, sizeof(r->charts_dir), err) < 0)
		return -1;
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

/* Shared with the report of a merged result (report_hosts.c): its page looks like this one. */
const char *report_html_style(void)
{
	return html_style;
}

const char *report_verdict_class(enum claim_verdict v)
{
	return verdict_class(v);
}

int report_dirs(const char *dir, char *real, char *charts, size_t charts_len, struct bb_err *err)
{
	char abs[PATH_MAX];

	/* Absolute paths: gnuplot reads a file name starting with '<' or '|' as a command. */
	if (mkdir_p(dir, err) < 0)
		return -1;
	if (!realpath(dir, abs))
		return bb_fail(err, errno, "%s", dir);
	snprintf(real, PATH_MAX, "%s", abs);
	snprintf(charts, charts_len, "%s/charts", abs);
	if (mkdir(charts, 0755) < 0 && errno != EEXIST)
		return bb_fail(err, errno, "mkdir %s", charts);
	return 0;
}
