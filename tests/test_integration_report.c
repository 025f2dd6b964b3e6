/* `boxbench report` end to end: a report from a real quick native run (gnuplot really runs),
 * one from a multi-environment fixture (made-up numbers), what a missing suite looks like, and
 * exit 2 for broken input. Every chart file must be valid (SVG parses as XML with xmllint, PNG
 * has its signature), the claims table must have ten rows and the HTML may reference only
 * files that exist. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>

#include "helpers.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bb-test-intreport-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	int valid = validate_results_in(dir);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) != 0 ? -1 : valid;
}

static const char *boxbench(void)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/boxbench", build_dir());
	return path;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		fail_msg("cannot open %s", path);
	if (getdelim(&buf, &len, '\0', f) < 0)
		buf = strdup("");
	fclose(f);
	return buf;
}

static void report(const char *result, const char *out, struct cmd_out *r)
{
	char *argv[] = { (char *)boxbench(), "report", (char *)result, "-o", (char *)out, NULL };

	assert_int_equal(run_cmd(argv, r), 0);
}

static void check_png(const char *path)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char head[8] = { 0 };
	FILE *f = fopen(path, "re");

	assert_non_null(f);
	assert_int_equal(fread(head, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(head, sig, 8);
}

static void check_svg(const char *path)
{
	char *argv[] = { "/usr/bin/xmllint", "--noout", (char *)path, NULL };
	struct cmd_out r;

	assert_int_equal(run_cmd(argv, &r), 0);
	if (r.code != 0)
		fail_msg("%s is not well-formed XML: %s", path, r.err);
}

/* Every .svg and .png in DIR/charts is non-empty and valid; returns how many charts. */
static int check_charts(const char *rep)
{
	char charts[256], path[512];
	struct dirent *de;
	struct stat st;
	int svg = 0, png = 0;
	DIR *d;

	snprintf(charts, sizeof(charts), "%s/charts", rep);
	d = opendir(charts);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		snprintf(path, sizeof(path), "%s/%s", charts, de->d_name);
		if (n > 4 && !strcmp(de->d_name + n - 4, ".svg")) {
			assert_int_equal(stat(path, &st), 0);
			assert_true(st.st_size > 0);
			check_svg(path);
			svg++;
		} else if (n > 4 && !strcmp(de->d_name + n - 4, ".png")) {
			assert_int_equal(stat(path, &st), 0);
			assert_true(st.st_size > 0);
			check_png(path);
			png++;
		}
	}
	closedir(d);
	assert_int_equal(svg, png);
	return svg;
}

static int claim_rows(const char *md)
{
	int rows = 0;

	for (const char *p = md; (p = strstr(p, "\n| C")); p++)
		if (p[4] >= '1' && p[4] <= '9')
			rows++;
	return rows;
}

/* href="..." and src="..." are data: URIs, #anchors or files that exist under rep. */
static void check_html_refs(const char *rep, const char *html)
{
	static const char *const attrs[] = { "href=\"", "src=\"", NULL };
	char path[1024];
	int files = 0;

	for (size_t a = 0; attrs[a]; a++) {
		for (const char *p = html; (p = strstr(p, attrs[a])); p++) {
			const char *v = p + strlen(attrs[a]), *end = strchr(v, '"');
			assert_non_null(end);
			if (!strncmp(v, "data:", 5) || v[0] == '#')
				continue;
			assert_true(strncmp(v, "http", 4) != 0); /* readable offline */
			snprintf(path, sizeof(path), "%s/%.*s", rep, (int)(end - v), v);
			if (access(path, R_OK) != 0)
				fail_msg("index.html references %s, which does not exist", path);
			files++;
		}
	}
	assert_true(files > 0);
}

static void check_report(const char *rep, int want_charts)
{
	char path[512];
	char *md, *html;

	assert_int_equal(check_charts(rep), want_charts);
	snprintf(path, sizeof(path), "%s/report.md", rep);
	md = slurp(path);
	snprintf(path, sizeof(path), "%s/index.html", rep);
	html = slurp(path);
	assert_int_equal(claim_rows(md), 10);
	assert_non_null(strstr(html, "<table class=\"claims\">"));
	assert_non_null(strstr(html, "data:image/svg+xml;base64,"));
	assert_null(strstr(md, "Chart not rendered"));
	check_html_refs(rep, html);
	free(md);
	free(html);
}

static void test_report_of_real_native_run(void **state)
{
	char result[128], rep[128], path[256];
	char *argv[] = { (char *)boxbench(), "run", "--envs", "native", "--reps", "3",
		         "--warmup",         "0",   "-o",     result,   NULL };
	struct cmd_out r;
	char *md;

	(void)state;
	snprintf(result, sizeof(result), "%s/r.json", dir);
	snprintf(rep, sizeof(rep), "%s/rep", dir);
	assert_int_equal(run_cmd(argv, &r), 0);
	if (r.code != 0)
		fail_msg("run failed (%d): %s", r.code, r.err);
	report(result, rep, &r);
	if (r.code != 0)
		fail_msg("report failed (%d): %s", r.code, r.err);
	assert_non_null(strstr(r.out, "index.html"));
	check_report(rep, 1); /* startup: native only has no ratios to chart */
	/* the suites and environments this run lacks are named, with what they would settle */
	snprintf(path, sizeof(path), "%s/report.md", rep);
	md = slurp(path);
	assert_non_null(strstr(md, "## Not in this result"));
	assert_non_null(strstr(md, "| suite syscall | "));
	assert_non_null(strstr(md, "| environment vm | "));
	assert_non_null(strstr(md, "| C5 | "));
	assert_non_null(strstr(md, "not measured here"));
	free(md);
}

static void test_report_of_fixture_with_every_chart(void **state)
{
	char rep[128], path[256];
	struct cmd_out r;
	char *html;

	(void)state;
	snprintf(rep, sizeof(rep), "%s/full", dir);
	report("tests/fixtures/fake-full.json", rep, &r);
	if (r.code != 0)
		fail_msg("report failed (%d): %s", r.code, r.err);
	/* startup, decomposition, overhead syscall/cpu/mem/io, footprint */
	check_report(rep, 7);
	snprintf(path, sizeof(path), "%s/index.html", rep);
	html = slurp(path);
	assert_non_null(strstr(html, "vm is EMULATED (QEMU tcg)"));
	assert_non_null(strstr(html, "<td>EMULATED (tcg)</td>"));
	assert_non_null(strstr(html, "id=\"fig-decomposition\""));
	free(html);
	/* emulated figures are labelled inside the charts too, where they are drawn */
	snprintf(path, sizeof(path), "%s/charts/overhead-syscall.svg", rep);
	html = slurp(path);
	assert_non_null(strstr(html, "vm (EMULATED, tcg)"));
	free(html);
	snprintf(path, sizeof(path), "%s/charts/startup.svg", rep);
	html = slurp(path);
	assert_non_null(strstr(html, ">EMULATED (tcg)<"));
	free(html);
}

static void test_report_suite_missing_says_so(void **state)
{
	char rep[128], path[256];
	struct cmd_out r;
	char *md;

	(void)state;
	snprintf(rep, sizeof(rep), "%s/small", dir);
	report("tests/fixtures/fake-small.json", rep, &r);
	assert_int_equal(r.code, 0);
	snprintf(path, sizeof(path), "%s/report.md", rep);
	md = slurp(path);
	assert_non_null(strstr(
	    md, "| suite io | fresh file written + fsync (MB/s); random 4 KiB O_DIRECT reads"));
	assert_non_null(strstr(md, "| C9 | suite not run |"));
	assert_non_null(strstr(md, "| suite footprint | "));
	assert_null(strstr(md, "| suite startup | "));
	assert_null(strstr(md, "| suite cpu | "));
	assert_non_null(strstr(md, "| C9 | "));
	assert_non_null(strstr(md, "--suites io"));
	free(md);
}

static void test_broken_input_exit_2(void **state)
{
	char bad[128], foreign[128], rep[128];
	struct cmd_out r;
	FILE *f;

	(void)state;
	snprintf(bad, sizeof(bad), "%s/broken.json", dir);
	snprintf(foreign, sizeof(foreign), "%s/foreign.json", dir);
	snprintf(rep, sizeof(rep), "%s/never", dir);
	f = fopen(bad, "w");
	fputs("{\"schema\": \"boxbench/1\", \"id\": ", f);
	fclose(f);
	f = fopen(foreign, "w");
	fputs("{\"schema\": \"other/2\"}", f);
	fclose(f);

	report(bad, rep, &r);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "not valid JSON"));
	assert_int_equal(count_lines(r.err), 1);
	report(foreign, rep, &r);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "schema"));
	report("/nonexistent/result.json", rep, &r);
	assert_int_equal(r.code, 2);
	assert_int_equal(access(rep, F_OK), -1); /* nothing written for bad input */

	char *argv[] = { (char *)boxbench(), "report", NULL };
	assert_int_equal(run_cmd(argv, &r), 0);
	assert_int_equal(r.code, 2);
	char *argv2[] = { (char *)boxbench(), "report", bad, "--bogus", NULL };
	assert_int_equal(run_cmd(argv2, &r), 0);
	assert_int_equal(r.code, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_of_real_native_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_of_fixture_with_every_chart, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_report_suite_missing_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_input_exit_2, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
