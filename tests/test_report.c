/* The data files the report hands to gnuplot, byte for byte, on a fixture result (made-up
 * numbers, tests/fixtures/fake-small.json); the documents when gnuplot cannot run; escaping
 * of what a result file carries into data files, markdown and HTML. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "report_hosts.h"

static struct bb_result res;

static const char *fixture(const char *name)
{
	static char path[512];
	const char *dir = getenv("BB_FIXTURES");

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "tests/fixtures", name);
	return path;
}

static int setup_small(void **state)
{
	struct bb_err err = { 0 };

	(void)state;
	if (results_read(fixture("fake-small.json"), &res, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	results_free(&res);
	return 0;
}

/* Run a data writer into memory. */
#define CAPTURE(buf, call)                                                                         \
	({                                                                                         \
		size_t _len = 0;                                                                   \
		FILE *f = open_memstream(&(buf), &_len);                                           \
		int _rc = (call);                                                                  \
		assert_int_equal(fclose(f), 0);                                                    \
		_rc;                                                                               \
	})

/* A series with a summary of no sample (what tests/fixtures/rejected/summary-n0.json holds;
 * the reader now refuses it) is left out of the chart instead of read through a NULL series. */
static void test_startup_data_summary_of_nothing(void **state)
{
	struct bb_series *s = results_series(&res, "startup", "ready", "native", false);
	char *buf = NULL;
	int n;

	(void)state;
	assert_non_null(s);
	s->n = 0;
	s->summary.n = 0;
	n = CAPTURE(buf, report_startup_data(&res, f));
	assert_int_equal(n, 2);
	assert_null(strstr(buf, "\"native\""));
	free(buf);
}

static void test_startup_data(void **state)
{
	char *buf = NULL;
	int n;

	(void)state;
	n = CAPTURE(buf, report_startup_data(&res, f));
	assert_int_equal(n, 3);
	assert_string_equal(
	    buf, "# boxbench startup chart: launch request to ready (ms), "
	         "FIXTURE-made-up-numbers-small\n"
	         "# index 0: x, sample, env colour\n"
	         "-0.2000 0.5 1\n"
	         "0.0472 0.4 1\n"
	         "-0.1056 0.6 1\n"
	         "0.8000 1.5 2\n"
	         "1.0472 1 2\n"
	         "0.8944 2 2\n"
	         "1.8000 2000 3\n"
	         "2.0472 2500 3\n"
	         "1.8944 1500 3\n"
	         "\n\n"
	         "# index 1: env position, median, ci_lo, ci_hi, p05, p95, env, note, median text\n"
	         /* 3 samples each: no interval, the whisker is the point itself */
	         "0 0.5 0.5 0.5 0.41 0.59 \"native\" \"-\" \"0.500 ms\"\n"
	         "1 1.5 1.5 1.5 1.05 1.95 \"container\" \"-\" \"1.50 ms\"\n"
	         "2 2000 2000 2000 1550 2450 \"vm\" \"EMULATED (tcg)\" \"2.00 s\"\n");
	free(buf);
}

static void test_overhead_data(void **state)
{
	struct chart_axis axis;
	char *buf = NULL;
	int n;

	(void)state;
	n = CAPTURE(buf, report_overhead_data(&res, "syscall", f, &axis));
	assert_int_equal(n, 2);
	assert_string_equal(buf, "# boxbench overhead chart: syscall, time relative to native, "
	                         "FIXTURE-made-up-numbers-small\n"
	                         "# index 0: x, \"metric (unit)\"\n"
	                         "0 \"null (ns)\"\n"
	                         "\n\n# index 1: x, ratio, ci_lo, ci_hi, text\n"
	                         "\"container\"\n"
	                         "-0.0900 1.1 1.1 1.1 \"1.10x\"\n"
	                         "\n\n# index 2: x, ratio, ci_lo, ci_hi, text\n"
	                         "\"vm (EMULATED, tcg)\"\n"
	                         "0.0900 10 10 10 \"10.0x\"\n");
	/* the range holds the line at 1 and the highest whisker with room for its label */
	assert_true(axis.ymin < 0.8 && axis.ymax >= 10 * 1.5);
	/* container and vm keep the colours they have in the startup chart */
	assert_string_equal(axis.colors, "2 3");
	free(buf);
}

static void test_overhead_data_inverts_throughput(void **state)
{
	struct chart_axis axis;
	char *buf = NULL;

	(void)state;
	/* dgemm: 2 GFLOP/s in the VM vs 8 native is 4x the time */
	assert_int_equal(CAPTURE(buf, report_overhead_data(&res, "cpu", f, &axis)), 1);
	assert_string_equal(axis.colors, "3");
	assert_non_null(strstr(buf, "0 \"dgemm (GFLOP/s, inverted)\"\n"));
	assert_non_null(strstr(buf, "\"vm (EMULATED, tcg)\"\n0.0000 4 4 4 \"4.00x\"\n"));
	free(buf);
}

static void test_overhead_data_empty_suite(void **state)
{
	struct chart_axis axis;
	char *buf = NULL;

	(void)state;
	assert_int_equal(CAPTURE(buf, report_overhead_data(&res, "io", f, &axis)), 0);
	free(buf);
	assert_int_equal(CAPTURE(buf, report_overhead_data(&res, "startup", f, &axis)), 2);
	free(buf);
}

static void test_decomp_data(void **state)
{
	struct decomp d = { .present = true, .container = "container", .unit = "ms" };
	char *buf = NULL;

	(void)state;
	d.native = 0.5;
	d.container_median = 1.6;
	d.n = 3;
	d.parts[0] = (struct decomp_part){ .removed = "net ns", .saving = 0.7, .stacked = true };
	d.parts[1] = (struct decomp_part){ .removed = "cgroup", .saving = -0.01, .stacked = true };
	d.parts[2] = (struct decomp_part){ .removed = "net ns+cgroup", .saving = 0.8 };
	d.parts[1].saving_ci = true;
	d.parts[1].saving_lo = -0.02, d.parts[1].saving_hi = -0.005;
	d.parts[1].distinguishable = true;
	d.extra = 1.1;
	d.rest = 0.4;
	assert_int_equal(CAPTURE(buf, report_decomp_data(&d, f)), 6);
	/* a slower variant is drawn as 0 and said to save nothing; an overlapping variant is
	 * not stacked; the bars end at native + parts + rest = native + extra */
	assert_string_equal(buf, "\"bar\" \"process start (native)\" \"net ns 0.700 ms (no CI)\" "
	                         "\"cgroup: no saving (variant slower)\" \"not "
	                         "explained\" \"container, measured\"\n"
	                         "\"native + parts\" 0.5 0.7 0 0.4 0\n"
	                         "\"container (measured)\" 0 0 0 0 1.6\n");
	free(buf);
	d.present = false;
	assert_int_equal(CAPTURE(buf, report_decomp_data(&d, f)), 0);
	assert_string_equal(buf, "");
	free(buf);
}

static void add(struct bb_result *r, const char *metric, const char *env, double v)
{
	struct bb_series *s = results_series(r, "footprint", metric, env, true);
	struct bb_err err = { 0 };

	strcpy(s->unit, "bytes");
	for (int i = 0; i < 3; i++)
		assert_int_equal(series_add_sample(s, v, &err), 0);
}

static void test_footprint_data_and_quoting(void **state)
{
	struct bb_result r;
	struct bb_err err = { 0 };
	struct chart_axis axis;
	char *buf = NULL;

	(void)state;
	results_init(&r);
	snprintf(r.id, sizeof(r.id), "fp");
	add(&r, "pss", "container", 2097152);
	add(&r, "pss", "we\"ird\\env", 1048576);
	assert_int_equal(results_summarize(&r, 1, &err), 0);
	assert_int_equal(CAPTURE(buf, report_footprint_data(&r, "bytes", f, &axis)), 2);
	/* a quote or backslash from the result never reaches gnuplot's quoted strings */
	assert_string_equal(buf, "# boxbench footprint chart: MiB per instance, fp\n"
	                         "# index 0: row, env, colour\n"
	                         "0 \"container\" 1\n"
	                         "1 \"we_ird_env\" 2\n"
	                         "\n\n# index: pss: row, median, ci_lo, ci_hi, text, colour, "
	                         "metric, xmin, xmax\n"
	                         "0 2 2 2 \"2 MiB\" 1 \"pss\" 0.5 24\n"
	                         "1 1 1 1 \"1 MiB\" 2 \"pss\" 0.5 24\n");
	assert_string_equal(axis.colors, "1"); /* one panel */
	free(buf);
	results_free(&r);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	assert_non_null(f);
	assert_int_equal(getdelim(&buf, &len, '\0', f) > 0, 1);
	fclose(f);
	return buf;
}

static char dir[64];

/* The fixture plus an output directory, removed even when an assertion fails. */
static int setup_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/bb-test-report-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return setup_small(state);
}

static int teardown_dir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	teardown(state);
	return system(cmd);
}

/* Without gnuplot the report is still written: tables, data files and the reason. */
static void test_write_without_gnuplot(void **state)
{
	struct report_opts o = { .gnuplot = "/nonexistent/gnuplot", .dir = dir };
	char path[256];
	struct report_outcome out;
	struct bb_err err = { 0 };
	char *md, *html;

	(void)state;
	/* a reason with markdown and HTML specials, as a workload could send */
	assert_int_equal(series_add_error(results_series(&res, "startup", "ready", "native", false),
	                                  7, "bad | pipe <b>tag</b>", &err),
	                 0);
	/* a suite name that tries to break out of an HTML attribute and a markdown heading */
	struct bb_series *evil = results_series(&res, "x\"><script>\n# y", "m", "native", true);
	strcpy(evil->unit, "ns");
	assert_int_equal(series_add_sample(evil, 1.0, &err), 0);
	assert_int_equal(results_summarize(&res, 1, &err), 0);
	assert_int_equal(report_write(&res, &o, &out, &err), 0);
	assert_int_equal(out.charts, 3); /* startup, overhead-syscall, overhead-cpu */
	assert_int_equal(out.charts_ok, 0);
	assert_non_null(strstr(out.warning, "not found"));
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = slurp(path);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	html = slurp(path);
	assert_non_null(strstr(md, "Chart not rendered:"));
	assert_non_null(strstr(md, "| C10 |"));
	assert_non_null(strstr(md, "bad \\| pipe &lt;b>tag&lt;/b>"));
	assert_non_null(strstr(html, "bad | pipe &lt;b&gt;tag&lt;/b&gt;"));
	assert_null(strstr(html, "<b>tag"));
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "id=\"overhead-x&quot;&gt;&lt;script&gt;"));
	assert_non_null(strstr(md, "### x\">&lt;script> # y\n"));
	snprintf(path, sizeof(path), "%s/charts/overhead-x---script---y.dat", dir);
	assert_int_equal(access(path, F_OK), -1); /* native only: no ratio, no chart */
	assert_non_null(strstr(html, "EMULATED"));
	snprintf(path, sizeof(path), "%s/charts/startup.dat", dir);
	assert_int_equal(access(path, R_OK), 0);
	free(md);
	free(html);
}

/* The context section says the host's KVM paging and state, and every warning recorded; an
 * old result without them says so instead of inventing them. */
static void test_context_host_state(void **state)
{
	struct report_opts o = { .gnuplot = "/nonexistent/gnuplot", .dir = dir };
	struct report_outcome out;
	struct bb_err err = { 0 };
	char path[256], *md;
	json_t *kvm = json_object_get(res.host, "kvm");

	(void)state;
	snprintf(path, sizeof(path), "%s/report.md", dir);
	assert_int_equal(report_write(&res, &o, &out, &err), 0);
	md = slurp(path);
	assert_non_null(strstr(md, "| KVM paging | not recorded: "));
	assert_non_null(strstr(md, "| host state | not recorded "));
	free(md);
	if (!kvm)
		json_object_set_new(res.host, "kvm", kvm = json_object());
	json_object_set_new(kvm, "paging", json_string("shadow"));
	json_object_set_new(kvm, "paging_evidence", json_string("kvm_pvm loaded"));
	json_object_set_new(res.host, "cpufreq",
	                    json_pack("{s:s, s:s}", "governor", "powersave", "boost", "on"));
	json_object_set_new(res.host, "smt", json_pack("{s:i, s:[i]}", "pu", 3, "siblings", 2));
	json_object_set_new(res.host, "irq", json_pack("{s:i, s:i}", "irqs", 20, "on_pu", 7));
	json_object_set_new(res.host, "warnings", json_pack("[s, i]", "boost is on", 42));
	assert_int_equal(report_write(&res, &o, &out, &err), 0);
	md = slurp(path);
	assert_non_null(strstr(md, "| KVM paging | shadow: kvm_pvm loaded |"));
	assert_non_null(strstr(md, "| host state | cpufreq governor powersave, boost on; SMT "
	                           "siblings of PU 3: 2; IRQs that may be delivered on it: 7 of "
	                           "20 |"));
	assert_non_null(strstr(md, "| WARNING | boost is on |"));
	assert_null(strstr(md, "| WARNING | 42"));
	free(md);
}

/* How many instances fit is better higher: the VM fits fewer, not "larger". */
static void test_footprint_count_wording(void **state)
{
	struct report_opts o = { .gnuplot = "/nonexistent/gnuplot", .dir = dir };
	const char *envs[] = { "native", "vm" };
	const double fit[] = { 1000, 10 };
	struct report_outcome out;
	struct bb_err err = { 0 };
	char path[256], *md;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct bb_series *s =
		    results_series(&res, "footprint", "extrapolated_fit", envs[i], true);
		strcpy(s->unit, "instances");
		s->better = BB_HIGHER;
		for (int k = 0; k < 3; k++)
			assert_int_equal(series_add_sample(s, fit[i], &err), 0);
	}
	assert_int_equal(results_summarize(&res, 1, &err), 0);
	assert_int_equal(report_write(&res, &o, &out, &err), 0);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = slurp(path);
	assert_non_null(strstr(md, "| vm | extrapolated_fit | 3 | 10.0 instances |"));
	/* 3 samples a side: the ratio without an interval */
	assert_non_null(strstr(md, "100x fewer (no CI: n < 5)"));
	assert_null(strstr(md, "100x fewer ["));
	free(md);
}

/* A VM booted by firmware gets its boot phases as a table of their own, each phase's clock
 * said; a phase the result does not have is left out. */
static void test_boot_phase_table(void **state)
{
	struct report_opts o = { .gnuplot = "/nonexistent/gnuplot", .dir = dir };
	const char *phases[] = { "ready", "boot_to_kernel", "boot_kernel", "boot_init" };
	const double ms[] = { 60000, 3000, 20000, 30000 };
	struct report_outcome out;
	struct bb_err err = { 0 };
	struct bb_envdesc d;
	char path[256], *md;

	(void)state;
	envdesc_init(&d, "vm-full");
	d.class = BB_CLASS_VM;
	d.available = true;
	snprintf(d.boot, sizeof(d.boot), ENVDESC_BOOT_FIRMWARE);
	assert_int_equal(results_add_env(&res, &d, &err), 0);
	envdesc_free(&d);
	for (size_t i = 0; i < 4; i++) {
		struct bb_series *s = results_series(&res, "startup", phases[i], "vm-full", true);
		strcpy(s->unit, "ms");
		for (int k = 0; k < 3; k++)
			assert_int_equal(series_add_sample(s, ms[i] + k, &err), 0);
	}
	assert_int_equal(results_summarize(&res, 1, &err), 0);
	assert_int_equal(report_write(&res, &o, &out, &err), 0);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = slurp(path);
	assert_non_null(strstr(md, "Boot phases of `vm-full`"));
	assert_non_null(strstr(md, "| boot_to_kernel | host - guest | 3.00 s |"));
	assert_non_null(strstr(md, "| boot_kernel | guest (systemd) | 20.0 s |"));
	assert_non_null(strstr(md, "| boot_init | guest (systemd) | 30.0 s |"));
	assert_non_null(strstr(md, "| ready | host | 60.0 s |"));
	assert_null(strstr(md, "| guest_boottime_at_init | guest |"));
	assert_null(strstr(md, "Boot phases of `vm`")); /* the fixture's microVM: no table */
	free(md);
}

static void test_hosts_agreement(void **state)
{
	const char *names[] = { "a", "b", "c" };
	enum claim_verdict same[] = { CLAIM_HOLDS, CLAIM_HOLDS, CLAIM_HOLDS };
	enum claim_verdict split[] = { CLAIM_HOLDS, CLAIM_DOES_NOT_HOLD, CLAIM_HOLDS };
	enum claim_verdict none[] = { CLAIM_NOT_MEASURED, CLAIM_NOT_MEASURED, CLAIM_NOT_MEASURED };
	char buf[256];

	(void)state;
	report_hosts_agreement("C2", same, names, 3, 3, buf, sizeof(buf));
	assert_string_equal(buf, "C2 holds on every host");
	/* a host without a result (unreachable) is not part of "every host" */
	report_hosts_agreement("C2", same, names, 1, 2, buf, sizeof(buf));
	assert_string_equal(buf, "C2 holds on every host with a result (1 of 2)");
	report_hosts_agreement("C2", split, names, 3, 4, buf, sizeof(buf));
	assert_string_equal(buf, "C2 holds on a, c, does not hold on b");
	report_hosts_agreement("C9", none, names, 3, 3, buf, sizeof(buf));
	assert_string_equal(buf, "C9 is not measured on any host");
}

/* A merged result's report without gnuplot: the Hosts table with the host that has no
 * result, the claims per host, each host's report; and ALL n HOSTS FAILED when none has one. */
static void test_hosts_report(void **state)
{
	struct report_opts o = { .gnuplot = "/nonexistent/gnuplot", .dir = dir };
	struct report_outcome out;
	struct bb_hostset set;
	struct bb_err err = { 0 };
	char path[256], *html, *md;

	(void)state;
	assert_int_equal(results_hosts_read(fixture("fake-merged.json"), &set, &err), 0);
	assert_int_equal(report_hosts_write(&set, &o, &out, &err), 0);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	html = slurp(path);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = slurp(path);
	assert_non_null(strstr(html, "<a href=\"hosts/fixture-a/index.html\">"));
	assert_non_null(strstr(md, "| fixture-c | unreachable | FIXTURE: ssh: connect"));
	assert_non_null(strstr(md, "| ID | the article claims | fixture-a | fixture-b | across"));
	assert_non_null(strstr(md, "C2 is not measured on fixture-a, holds on fixture-b"));
	assert_null(strstr(md, "HOSTS FAILED"));
	snprintf(path, sizeof(path), "%s/hosts/fixture-b/index.html", dir);
	assert_int_equal(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/charts/hosts-startup.dat", dir);
	assert_int_equal(access(path, R_OK), 0);
	free(html);
	free(md);
	results_hosts_free(&set);
	/* no host with a result */
	results_hosts_init(&set);
	assert_int_equal(results_hosts_add(&set, "x", BB_HOST_TIMEOUT, "no answer", NULL, &err), 0);
	assert_int_equal(report_hosts_write(&set, &o, &out, &err), 0);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	html = slurp(path);
	assert_non_null(strstr(html, "ALL 1 HOSTS FAILED"));
	free(html);
	results_hosts_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_startup_data, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_startup_data_summary_of_nothing, setup_small,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_overhead_data, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_overhead_data_inverts_throughput, setup_small,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_overhead_data_empty_suite, setup_small,
		                                teardown),
		cmocka_unit_test(test_decomp_data),
		cmocka_unit_test(test_footprint_data_and_quoting),
		cmocka_unit_test_setup_teardown(test_write_without_gnuplot, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(test_footprint_count_wording, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(test_boot_phase_table, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_context_host_state, setup_dir, teardown_dir),
		cmocka_unit_test(test_hosts_agreement),
		cmocka_unit_test_setup_teardown(test_hosts_report, setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
