#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cli_int(const char *opt, const char *s, long min, long max, long *out, struct bb_err *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno)
		return bb_fail(err, 0, "%s: expected an integer, got '%s'", opt, s);
	if (v < min || v > max)
		return bb_fail(err, 0, "%s: %ld is out of range %ld..%ld", opt, v, min, max);
	*out = v;
	return 0;
}

int cli_double(const char *opt, const char *s, double min, double max, double *out,
               struct bb_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return bb_fail(err, 0, "%s: expected a number, got '%s'", opt, s);
	if (v < min || v > max)
		return bb_fail(err, 0, "%s: %g is out of range %g..%g", opt, v, min, max);
	*out = v;
	return 0;
}

int cli_size(const char *s, long long *bytes, struct bb_err *err)
{
	static const char units[] = "kmgt";
	char *end;
	double v;
	int shift = 0;

	errno = 0;
	v = s && isdigit((unsigned char)*s) ? strtod(s, &end) : -1;
	if (v < 0 || errno)
		goto bad;
	if (*end) {
		const char *u = strchr(units, tolower((unsigned char)*end));
		if (!u)
			goto bad;
		shift = 10 * (int)(u - units + 1);
		end++;
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
		if (*end)
			goto bad;
	}
	v = ldexp(v, shift);
	if (v < 1 || v > 9.0e18)
		goto bad;
	*bytes = (long long)v;
	return 0;
bad:
	return bb_fail(err, 0, "size: expected bytes or a number with K, M, G or T, got '%s'",
	               s ? s : "");
}

int cli_list(const char *opt, const char *s, char **items, size_t max, size_t *n, char **buf,
             struct bb_err *err)
{
	char *save = NULL, *tok;

	*n = 0;
	*buf = strdup(s);
	if (!*buf)
		return bb_fail(err, ENOMEM, "%s", opt);
	for (tok = strtok_r(*buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n >= max)
			return bb_fail(err, 0, "%s: more than %zu items", opt, max);
		for (size_t i = 0; i < *n; i++)
			if (!strcmp(items[i], tok))
				return bb_fail(err, 0, "%s: '%s' given twice", opt, tok);
		items[(*n)++] = tok;
	}
	if (*n == 0)
		return bb_fail(err, 0, "%s: empty list", opt);
	return 0;
}

const struct option cli_json_longopts[] = { { "json", no_argument, NULL, 'j' },
	                                    { "help", no_argument, NULL, 'h' },
	                                    { 0 } };

int cli_json_opts(const char *cmd, int argc, char **argv, const char *usage, bool *as_json)
{
	int c;

	*as_json = false;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", cli_json_longopts, NULL)) != -1) {
		if (c == 'j')
			*as_json = true;
		else if (c == 'h')
			return fputs(usage, stdout), BB_EXIT_OK;
		else
			return cli_bad_option(cmd, c, argv[optind - 1]);
	}
	return -1;
}

int cli_print_json(json_t *doc, FILE *f)
{
	int rc = doc ? json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : -1;

	json_decref(doc);
	if (rc < 0 || fputc('\n', f) == EOF || fflush(f) != 0)
		return -1;
	return 0;
}

int cli_error(const char *cmd, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "boxbench: %s%s", cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_option_error(int c, const char *arg, struct bb_err *err)
{
	if (c == ':')
		return bb_fail(err, 0, "option '%s' needs a value (see --help)", arg ? arg : "?");
	return bb_fail(err, 0, "unknown option '%s' (see --help)", arg ? arg : "?");
}

int cli_bad_option(const char *cmd, int c, const char *arg)
{
	struct bb_err err = { 0 };

	cli_option_error(c, arg, &err);
	return cli_error(cmd, BB_EXIT_USAGE, "%s", err.msg);
}

static bool cli_word_safe(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && !strchr("-_./=:,+@%", *w))
			return false;
	return true;
}

/* One word, quoted when it needs to be, at d (NULL: only count); returns its length. */
static size_t cli_quote_word(char *d, const char *w)
{
	size_t o = 0;

	if (cli_word_safe(w)) {
		if (d)
			memcpy(d, w, strlen(w));
		return strlen(w);
	}
	if (d)
		d[o] = '\'';
	o++;
	for (; *w; w++) {
		const char *part = *w == '\'' ? "'\\''" : NULL;
		size_t n = part ? strlen(part) : 1;
		if (d)
			memcpy(d + o, part ? part : w, n);
		o += n;
	}
	if (d)
		d[o] = '\'';
	return o + 1;
}

char *cli_command_line(int argc, char *const *argv)
{
	size_t len = strlen("boxbench") + 1, o;
	char *s;

	for (int i = 0; i < argc; i++)
		len += 1 + cli_quote_word(NULL, argv[i]);
	if (!(s = malloc(len)))
		return NULL;
	o = (size_t)sprintf(s, "boxbench");
	for (int i = 0; i < argc; i++) {
		s[o++] = ' ';
		o += cli_quote_word(s + o, argv[i]);
	}
	s[o] = '\0';
	return s;
}
