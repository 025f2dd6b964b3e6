/* A document written once and rendered as Markdown or HTML: headings, paragraphs, tables,
 * figures with captions. `report` writes both renderings from one walk over its sections;
 * `compare --markdown` and `history` write Markdown.
 *
 * Two kinds of inline text: prose (doc_inline: text boxbench writes, whose `code` spans stay
 * code) and literals (doc_literal: names and messages from a result file, where nothing may
 * turn into Markdown). Both go through the one Markdown escaper and the one HTML escaper below;
 * neither lets a newline end a table row or a heading, nor a '<' open a tag. */
#ifndef BB_DOC_H
#define BB_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum doc_format { DOC_MARKDOWN, DOC_HTML };

struct doc {
	FILE *f;
	enum doc_format fmt;
	int figures; /* numbered in order */
	bool started;
};

/* Escaper flags: DOC_MD_CELL inside a table cell ('|' escaped), DOC_MD_LITERAL for text that
 * must show as it is (also \ ` * _ [ ] escaped). */
enum { DOC_MD_CELL = 1, DOC_MD_LITERAL = 2 };

/* Markdown: newlines become spaces, '<' that could start a tag or autolink becomes "&lt;". */
void doc_md_escape(FILE *f, const char *s, size_t n, unsigned flags);
/* HTML text and attribute values: & < > " */
void doc_html_escape(FILE *f, const char *s, size_t n);

void doc_inline(struct doc *d, const char *s, bool cell);
void doc_literal(struct doc *d, const char *s);
void doc_strong(struct doc *d, const char *s);
/* Markup written as it is (the caller's own, in the document's format). */
void doc_puts(struct doc *d, const char *s);
void doc_printf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Level 1-6; id is the HTML anchor. */
void doc_heading(struct doc *d, int level, const char *id, const char *text);

/* A paragraph; cls "" for plain text, else a note ("warn": a caveat, "info") drawn as a box in
 * HTML and as a quote in Markdown. */
void doc_para_begin(struct doc *d, const char *cls);
void doc_para_end(struct doc *d);
void doc_para(struct doc *d, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A table: heads, then rows, then doc_table_end. align (NULL: all left) has one 'l' or 'r' a
 * column, for Markdown. */
void doc_table(struct doc *d, const char *cls, const char *const *heads, const char *align,
               size_t n);
void doc_row_begin(struct doc *d, const char *cls);
void doc_cell_begin(struct doc *d, const char *cls);
void doc_cell_end(struct doc *d);
void doc_row_end(struct doc *d);
/* A row of prose cells; cell_cls (may be NULL) gives HTML classes per cell. */
void doc_row_cls(struct doc *d, const char *cls, const char *const *cells,
                 const char *const *cell_cls, size_t n);
void doc_row(struct doc *d, const char *cls, const char *const *cells, size_t n);
void doc_table_end(struct doc *d);

void doc_image(struct doc *d, const char *alt, const char *src);

struct doc_link {
	const char *label, *href;
};

/* A numbered figure: the image (or why there is none), then "Figure N. Title. Note. Caption."
 * and links to its files. HTML embeds the image file, so the page stands alone. */
struct doc_figure {
	const char *id; /* HTML anchor "fig-ID" */
	const char *title, *note, *caption;
	const char *src;  /* the image's link, NULL when not rendered */
	const char *file; /* the image on disk (.svg or .png), embedded in HTML */
	const char *why;  /* shown when src is NULL */
	struct doc_link links[4];
	size_t nlinks;
};

void doc_figure(struct doc *d, const struct doc_figure *fig);

/* A page's head: HTML's document head (title, the styles style1 then style2, either may be
 * NULL) and h1 with sub as the subtitle and nav's nnav links ({label, "#anchor"}) under it;
 * Markdown's "# title" and sub. doc_page_end closes the page with the line saying what wrote
 * it (writer, in code). */
void doc_page_begin(struct doc *d, const char *title, const char *style1, const char *style2,
                    const char *sub, const struct doc_link *nav, size_t nnav);
void doc_page_end(struct doc *d, const char *writer);

#endif
