#include "doc.h"

#include <stdarg.h>
#include <string.h>

#include "cleanup.h"

void doc_md_escape(FILE *f, const char *s, size_t n, unsigned flags)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		char c = s[i];
		/* "a < b" is text; only '<' before a name, '/', '!' or '?' can open a tag */
		if (c == '<' && s[i + 1] && !strchr(" \t\n\r", s[i + 1]))
			fputs("&lt;", f);
		else if (c == '\n' || c == '\r')
			fputc(' ', f); /* a newline from a result must not end a table or heading */
		else if ((c == '|' && flags) || (flags & DOC_MD_LITERAL && strchr("\\`*_[]", c)))
			fprintf(f, "\\%c", c);
		else
			fputc(c, f);
	}
}

void doc_html_escape(FILE *f, const char *s, size_t n)
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

/* Prose: `code` spans stay code. */
void doc_inline(struct doc *d, const char *s, bool cell)
{
	const char *tick, *end;

	d->started = true;
	if (d->fmt == DOC_MARKDOWN) {
		doc_md_escape(d->f, s, strlen(s), cell ? DOC_MD_CELL : 0);
		return;
	}
	while ((tick = strchr(s, '`')) && (end = strchr(tick + 1, '`'))) {
		doc_html_escape(d->f, s, (size_t)(tick - s));
		fputs("<code>", d->f);
		doc_html_escape(d->f, tick + 1, (size_t)(end - tick - 1));
		fputs("</code>", d->f);
		s = end + 1;
	}
	doc_html_escape(d->f, s, strlen(s));
}

void doc_literal(struct doc *d, const char *s)
{
	d->started = true;
	if (d->fmt == DOC_MARKDOWN)
		doc_md_escape(d->f, s, strlen(s), DOC_MD_LITERAL);
	else
		doc_html_escape(d->f, s, strlen(s));
}

void doc_strong(struct doc *d, const char *s)
{
	doc_puts(d, d->fmt == DOC_HTML ? "<strong>" : "**");
	doc_inline(d, s, false);
	doc_puts(d, d->fmt == DOC_HTML ? "</strong>" : "**");
}

void doc_puts(struct doc *d, const char *s)
{
	d->started = true;
	fputs(s, d->f);
}

void doc_printf(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	d->started = true;
	va_start(ap, fmt);
	vfprintf(d->f, fmt, ap);
	va_end(ap);
}

void doc_heading(struct doc *d, int level, const char *id, const char *text)
{
	if (d->fmt == DOC_HTML) {
		doc_printf(d, "<h%d id=\"", level);
		doc_html_escape(d->f, id, strlen(id)); /* ids hold suite names from the result */
		fputs("\">", d->f);
		doc_inline(d, text, false);
		fprintf(d->f, "</h%d>\n", level);
		return;
	}
	/* a blank line first, but none at the top of the document */
	doc_printf(d, "%s%.*s ", d->started ? "\n" : "", level, "######");
	doc_inline(d, text, false);
	fputs("\n\n", d->f);
}

void doc_para_begin(struct doc *d, const char *cls)
{
	if (d->fmt == DOC_HTML)
		doc_printf(d, cls[0] ? "<p class=\"note %s\">" : "<p>", cls);
	else
		doc_puts(d, !cls[0] ? "" : !strcmp(cls, "warn") ? "> **Caveat:** " : "> ");
}

void doc_para_end(struct doc *d)
{
	doc_puts(d, d->fmt == DOC_HTML ? "</p>\n" : "\n\n");
}

void doc_para(struct doc *d, const char *cls, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	doc_para_begin(d, cls);
	doc_inline(d, text, false);
	doc_para_end(d);
}

void doc_table(struct doc *d, const char *cls, const char *const *heads, const char *align,
               size_t n)
{
	if (d->fmt == DOC_HTML) {
		doc_printf(d, "<div class=\"scroll\"><table class=\"%s\">\n<thead><tr>", cls);
		for (size_t i = 0; i < n; i++) {
			fputs("<th>", d->f);
			doc_inline(d, heads[i], true);
			fputs("</th>", d->f);
		}
		fputs("</tr></thead>\n<tbody>\n", d->f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		doc_puts(d, "| ");
		doc_inline(d, heads[i], true);
		fputc(' ', d->f);
	}
	fputs("|\n", d->f);
	for (size_t i = 0; i < n; i++)
		fputs(align && align[i] == 'r' ? "|---:" : "|---", d->f);
	fputs("|\n", d->f);
}

void doc_row_begin(struct doc *d, const char *cls)
{
	if (d->fmt == DOC_HTML)
		doc_printf(d, cls && cls[0] ? "<tr class=\"%s\">" : "<tr>", cls);
}

void doc_cell_begin(struct doc *d, const char *cls)
{
	if (d->fmt == DOC_HTML && cls && cls[0])
		doc_printf(d, "<td class=\"%s\">", cls);
	else
		doc_puts(d, d->fmt == DOC_HTML ? "<td>" : "| ");
}

void doc_cell_end(struct doc *d)
{
	doc_puts(d, d->fmt == DOC_HTML ? "</td>" : " ");
}

void doc_row_end(struct doc *d)
{
	doc_puts(d, d->fmt == DOC_HTML ? "</tr>\n" : "|\n");
}

void doc_row_cls(struct doc *d, const char *cls, const char *const *cells,
                 const char *const *cell_cls, size_t n)
{
	doc_row_begin(d, cls);
	for (size_t i = 0; i < n; i++) {
		doc_cell_begin(d, cell_cls ? cell_cls[i] : NULL);
		doc_inline(d, cells[i] ? cells[i] : "", true);
		doc_cell_end(d);
	}
	doc_row_end(d);
}

void doc_row(struct doc *d, const char *cls, const char *const *cells, size_t n)
{
	doc_row_cls(d, cls, cells, NULL, n);
}

void doc_table_end(struct doc *d)
{
	doc_puts(d, d->fmt == DOC_HTML ? "</tbody></table></div>\n" : "\n");
}

void doc_image(struct doc *d, const char *alt, const char *src)
{
	if (d->fmt == DOC_HTML) {
		doc_puts(d, "<img alt=\"");
		doc_html_escape(d->f, alt, strlen(alt));
		fputs("\" src=\"", d->f);
		doc_html_escape(d->f, src, strlen(src));
		fputs("\">", d->f);
		return;
	}
	doc_puts(d, "![");
	doc_inline(d, alt, true);
	fprintf(d->f, "](%s)", src);
}

static int doc_base64_file(FILE *out, const char *path)
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
static void doc_caption_text(struct doc *d, const struct doc_figure *fig)
{
	doc_inline(d, fig->title, false);
	fputs(". ", d->f);
	if (fig->note && fig->note[0]) {
		doc_inline(d, fig->note, false);
		fputs(". ", d->f);
	}
	doc_inline(d, fig->caption, false);
	fputc('.', d->f);
}

static void doc_figure_html(struct doc *d, const struct doc_figure *fig)
{
	const char *ext = fig->file ? strrchr(fig->file, '.') : NULL;

	doc_puts(d, "<figure id=\"fig-");
	doc_html_escape(d->f, fig->id, strlen(fig->id));
	fputs("\">\n", d->f);
	if (fig->src) {
		fprintf(d->f, "<img width=\"960\" height=\"560\" alt=\"");
		doc_html_escape(d->f, fig->title, strlen(fig->title));
		fprintf(d->f, "\" src=\"data:image/%s;base64,",
		        ext && !strcmp(ext, ".svg") ? "svg+xml" : "png");
		doc_base64_file(d->f, fig->file);
		fputs("\">\n", d->f);
	} else {
		fputs("<p class=\"note warn\">Chart not rendered: ", d->f);
		doc_inline(d, fig->why, false);
		fputs("</p>\n", d->f);
	}
	fprintf(d->f, "<figcaption><b>Figure %d.</b> ", d->figures);
	doc_caption_text(d, fig);
	fputs(" <span class=\"files\">", d->f);
	for (size_t i = 0; i < fig->nlinks; i++) {
		fputs(i ? " · <a href=\"" : "<a href=\"", d->f);
		doc_html_escape(d->f, fig->links[i].href, strlen(fig->links[i].href));
		fputs("\">", d->f);
		doc_inline(d, fig->links[i].label, false);
		fputs("</a>", d->f);
	}
	fputs("</span></figcaption>\n</figure>\n", d->f);
}

void doc_figure(struct doc *d, const struct doc_figure *fig)
{
	d->figures++;
	if (d->fmt == DOC_HTML) {
		doc_figure_html(d, fig);
		return;
	}
	if (fig->src) {
		doc_image(d, fig->title, fig->src);
		fputs("\n\n", d->f);
	} else {
		doc_puts(d, "> **Chart not rendered:** ");
		doc_inline(d, fig->why, false);
		fputs("\n\n", d->f);
	}
	fprintf(d->f, "*Figure %d.* ", d->figures);
	doc_caption_text(d, fig);
	fputs(" Files: ", d->f);
	for (size_t i = 0; i < fig->nlinks; i++) {
		fprintf(d->f, "%s[", i ? ", " : "");
		doc_inline(d, fig->links[i].label, false);
		fprintf(d->f, "](%s)", fig->links[i].href);
	}
	fputs(".\n\n", d->f);
}

void doc_page_begin(struct doc *d, const char *title, const char *style1, const char *style2,
                    const char *sub, const struct doc_link *nav, size_t nnav)
{
	if (d->fmt != DOC_HTML) {
		fputs("# ", d->f);
		doc_inline(d, title, false);
		fputs("\n\n", d->f);
		doc_inline(d, sub, false);
		fputs("\n\n", d->f);
		return;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>",
	      d->f);
	doc_inline(d, title, false);
	fprintf(d->f, "</title>\n<style>%s%s</style>\n</head>\n<body>\n<h1>", style1 ? style1 : "",
	        style2 ? style2 : "");
	doc_inline(d, title, false);
	fputs("</h1>\n<p class=\"sub\">", d->f);
	doc_inline(d, sub, false);
	fputs("</p>\n<nav>", d->f);
	for (size_t i = 0; i < nnav; i++) {
		fputs("<a href=\"", d->f);
		doc_html_escape(d->f, nav[i].href, strlen(nav[i].href));
		fputs("\">", d->f);
		doc_inline(d, nav[i].label, false);
		fputs("</a>", d->f);
	}
	fputs("</nav>\n", d->f);
}

void doc_page_end(struct doc *d, const char *writer)
{
	if (d->fmt == DOC_HTML)
		fprintf(d->f,
		        "<p class=\"sub\">Written by <code>%s</code>.</p>\n</body>\n</html>\n",
		        writer);
}
