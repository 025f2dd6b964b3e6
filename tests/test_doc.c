/* The document model: each escaper's exact output, and the Markdown and HTML of headings,
 * paragraphs, tables and figures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

struct capture {
	char *buf;
	size_t len;
	struct doc d;
};

static void cap_open(struct capture *c, enum doc_format fmt)
{
	memset(c, 0, sizeof(*c));
	c->d.f = open_memstream(&c->buf, &c->len);
	c->d.fmt = fmt;
	assert_non_null(c->d.f);
}

/* Close and compare; frees the buffer. */
static void cap_check(struct capture *c, const char *want)
{
	assert_int_equal(fclose(c->d.f), 0);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

static void test_md_literal(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, DOC_MARKDOWN);
	doc_literal(&c.d, "a_b*c`d\\e[f]|g\nh\ri<b>x < y");
	cap_check(&c, "a\\_b\\*c\\`d\\\\e\\[f\\]\\|g h i&lt;b>x < y");
}

static void test_md_prose(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, DOC_MARKDOWN);
	doc_inline(&c.d, "`code` a_b | c <tag> p < 0.01\n", false);
	cap_check(&c, "`code` a_b | c &lt;tag> p < 0.01 ");
	cap_open(&c, DOC_MARKDOWN);
	doc_inline(&c.d, "a|b", true);
	cap_check(&c, "a\\|b");
}

static void test_html_escape(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, DOC_HTML);
	doc_literal(&c.d, "<a href=\"x\">&</a>");
	cap_check(&c, "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
	cap_open(&c, DOC_HTML);
	doc_inline(&c.d, "run `a<b` now, `open", false);
	cap_check(&c, "run <code>a&lt;b</code> now, `open");
}

static void test_headings_and_paras(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, DOC_MARKDOWN);
	doc_heading(&c.d, 1, "t", "Title");
	doc_para(&c.d, "", "n = %d", 3);
	doc_heading(&c.d, 2, "u", "Sub");
	doc_para(&c.d, "warn", "careful");
	doc_para(&c.d, "info", "note");
	cap_check(&c, "# Title\n\nn = 3\n\n\n## Sub\n\n> **Caveat:** careful\n\n> note\n\n");
	cap_open(&c, DOC_HTML);
	doc_heading(&c.d, 2, "x\"><y", "A <b>");
	doc_para(&c.d, "warn", "w");
	cap_check(&c,
	          "<h2 id=\"x&quot;&gt;&lt;y\">A &lt;b&gt;</h2>\n<p class=\"note warn\">w</p>\n");
}

/* A page: its head (title, styles, subtitle, navigation) and its end, in both formats. */
static void test_page(void **state)
{
	static const struct doc_link nav[] = { { "Claims", "#claims" }, { "A&B", "#ab" } };
	struct capture c;

	(void)state;
	cap_open(&c, DOC_MARKDOWN);
	doc_page_begin(&c.d, "report: x", "a{}", NULL, "sub 1", nav, 2);
	doc_page_end(&c.d, "boxbench report");
	cap_check(&c, "# report: x\n\nsub 1\n\n");
	cap_open(&c, DOC_HTML);
	doc_page_begin(&c.d, "r<x>", "a{}", "b{}", "s", nav, 2);
	doc_page_end(&c.d, "boxbench report");
	cap_check(&c, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	              "<title>r&lt;x&gt;</title>\n<style>a{}b{}</style>\n</head>\n<body>\n"
	              "<h1>r&lt;x&gt;</h1>\n<p class=\"sub\">s</p>\n<nav><a href=\"#claims\">"
	              "Claims</a><a href=\"#ab\">A&amp;B</a></nav>\n<p class=\"sub\">Written by "
	              "<code>boxbench report</code>.</p>\n</body>\n</html>\n");
}

static void test_tables(void **state)
{
	static const char *const heads[] = { "name", "value" };
	const char *row[] = { "x|y", NULL }, *cls[] = { "", "hot" };
	struct capture c;

	(void)state;
	cap_open(&c, DOC_MARKDOWN);
	doc_table(&c.d, "t", heads, "lr", 2);
	doc_row(&c.d, "", row, 2);
	doc_table_end(&c.d);
	cap_check(&c, "| name | value |\n|---|---:|\n| x\\|y |  |\n\n");
	cap_open(&c, DOC_HTML);
	doc_table(&c.d, "t", heads, NULL, 2);
	doc_row_cls(&c.d, "odd", row, cls, 2);
	doc_table_end(&c.d);
	cap_check(&c, "<div class=\"scroll\"><table class=\"t\">\n<thead><tr><th>name</th>"
	              "<th>value</th></tr></thead>\n<tbody>\n<tr class=\"odd\"><td>x|y</td>"
	              "<td class=\"hot\"></td></tr>\n</tbody></table></div>\n");
}

static void test_figure_not_rendered(void **state)
{
	struct doc_figure fig = { .id = "f",
		                  .title = "T",
		                  .note = "",
		                  .caption = "n = 3",
		                  .why = "gnuplot not found",
		                  .links = { { "data", "charts/f.dat" } },
		                  .nlinks = 1 };
	struct capture c;

	(void)state;
	cap_open(&c, DOC_MARKDOWN);
	doc_figure(&c.d, &fig);
	cap_check(&c, "> **Chart not rendered:** gnuplot not found\n\n*Figure 1.* T. n = 3. "
	              "Files: [data](charts/f.dat).\n\n");
	cap_open(&c, DOC_HTML);
	doc_figure(&c.d, &fig);
	cap_check(&c, "<figure id=\"fig-f\">\n<p class=\"note warn\">Chart not rendered: gnuplot "
	              "not found</p>\n<figcaption><b>Figure 1.</b> T. n = 3. <span "
	              "class=\"files\"><a href=\"charts/f.dat\">data</a></span></figcaption>\n"
	              "</figure>\n");
}

static void test_figure_image_and_strong(void **state)
{
	struct doc_figure fig = { .id = "f",
		                  .title = "A|B",
		                  .note = "what",
		                  .caption = "c",
		                  .src = "charts/f.svg",
		                  .file = "/nonexistent.svg",
		                  .links = { { "SVG", "charts/f.svg" }, { "PNG", "charts/f.png" } },
		                  .nlinks = 2 };
	struct capture c;

	(void)state;
	cap_open(&c, DOC_MARKDOWN);
	doc_figure(&c.d, &fig);
	doc_strong(&c.d, "regression");
	cap_check(&c, "![A\\|B](charts/f.svg)\n\n*Figure 1.* A|B. what. c. Files: "
	              "[SVG](charts/f.svg), [PNG](charts/f.png).\n\n**regression**");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md_literal),
		cmocka_unit_test(test_md_prose),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_headings_and_paras),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_figure_not_rendered),
		cmocka_unit_test(test_figure_image_and_strong),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
