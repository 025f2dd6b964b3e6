#include "opttab.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"

/* One option as getopt_long sees it: the first declaration of its name. */
struct opttab_entry {
	const struct bb_option *opt;
	void *field;
};

struct opttab {
	struct opttab_entry v[OPTTAB_MAX];
	struct option longopts[OPTTAB_MAX + 2];
	char shorts[2 * OPTTAB_MAX + 2];
	size_t n;
};

#define OPTTAB_HELP (256 + OPTTAB_MAX)

static bool opttab_takes_value(const struct bb_option *o)
{
	return o->type != BB_OPT_SET && o->type != BB_OPT_CLEAR;
}

static int opttab_find(const struct opttab *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].opt->name, name))
			return (int)i;
	return -1;
}

/* A name declared twice must be the same field of the same type: one option, shared. */
static int opttab_add(struct opttab *t, const struct bb_option *o, void *base, struct bb_err *err)
{
	void *field = (char *)base + o->field;
	int at = opttab_find(t, o->name);

	if (at >= 0) {
		if (t->v[at].field != field || t->v[at].opt->type != o->type)
			return bb_fail(err, 0, "internal: option --%s declared twice", o->name);
		return 0;
	}
	if (t->n >= OPTTAB_MAX)
		return bb_fail(err, 0, "internal: more than %d options", OPTTAB_MAX);
	t->v[t->n] = (struct opttab_entry){ .opt = o, .field = field };
	t->longopts[t->n] =
	    (struct option){ o->name, opttab_takes_value(o) ? required_argument : no_argument, NULL,
		             256 + (int)t->n };
	if (o->short_name) {
		size_t len = strlen(t->shorts);
		t->shorts[len] = o->short_name;
		t->shorts[len + 1] = opttab_takes_value(o) ? ':' : '\0';
	}
	t->n++;
	return 0;
}

static int opttab_build(struct opttab *t, const struct bb_opt_group *groups, size_t ngroups,
                        struct bb_err *err)
{
	memset(t, 0, sizeof(*t));
	t->shorts[0] = ':'; /* getopt reports a missing value as ':' */
	for (size_t g = 0; g < ngroups; g++)
		for (const struct bb_option *o = groups[g].opts; o && o->name; o++)
			if (opttab_add(t, o, groups[g].base, err) < 0)
				return -1;
	t->longopts[t->n] = (struct option){ "help", no_argument, NULL, OPTTAB_HELP };
	return 0;
}

static int opttab_number(const struct bb_option *o, const char *opt, const char *arg, void *field,
                         struct bb_err *err)
{
	long l;

	if (o->type == BB_OPT_DOUBLE)
		return cli_double(opt, arg, o->min, o->max, (double *)field, err);
	if (cli_int(opt, arg, (long)o->min, (long)o->max, &l, err) < 0)
		return -1;
	if (o->type == BB_OPT_UINT)
		*(unsigned *)field = (unsigned)l;
	else if (o->type == BB_OPT_INT)
		*(int *)field = (int)l;
	else
		*(long *)field = l;
	return 0;
}

static int opttab_choice(const struct bb_option *o, const char *opt, const char *arg, void *field,
                         struct bb_err *err)
{
	size_t len = strlen(arg);

	for (const char *c = o->choices; len && c && *c;) {
		const char *bar = strchr(c, '|');
		size_t clen = bar ? (size_t)(bar - c) : strlen(c);
		if (clen == len && !strncmp(c, arg, len)) {
			*(const char **)field = arg;
			return 0;
		}
		c = bar ? bar + 1 : NULL;
	}
	return bb_fail(err, 0, "%s: expected %s, got '%s'", opt, o->choices, arg);
}

static int opttab_size(const struct bb_option *o, const char *opt, const char *arg, void *field,
                       struct bb_err *err)
{
	long long v;

	if (cli_size(arg, &v, err) < 0)
		return bb_wrap(err, "%s", opt);
	if ((double)v < o->min)
		return bb_fail(err, 0, "%s: %s is below the minimum of %.0f MiB", opt, arg,
		               o->min / (1 << 20));
	if (o->max > 0 && (double)v > o->max)
		return bb_fail(err, 0, "%s: %s is above the maximum of %.0f MiB", opt, arg,
		               o->max / (1 << 20));
	*(long long *)field = v;
	return 0;
}

static int opttab_set(const struct opttab_entry *e, const char *arg, struct bb_err *err)
{
	const struct bb_option *o = e->opt;
	char opt[80];

	snprintf(opt, sizeof(opt), "--%s", o->name);
	switch (o->type) {
	case BB_OPT_SET:
	case BB_OPT_CLEAR:
		*(bool *)e->field = o->type == BB_OPT_SET;
		return 0;
	case BB_OPT_UINT:
	case BB_OPT_INT:
	case BB_OPT_LONG:
	case BB_OPT_DOUBLE:
		return opttab_number(o, opt, arg, e->field, err);
	case BB_OPT_SIZE:
		return opttab_size(o, opt, arg, e->field, err);
	case BB_OPT_STRING:
		*(const char **)e->field = arg;
		return 0;
	case BB_OPT_CHOICE:
		return opttab_choice(o, opt, arg, e->field, err);
	case BB_OPT_CUSTOM:
		return o->parse(e->field, arg, err) < 0 ? bb_wrap(err, "%s", opt) : 0;
	case BB_OPT_END:
		break;
	}
	return bb_fail(err, 0, "internal: option %s has no type", opt);
}

static int opttab_bad(int c, const char *arg, struct bb_err *err)
{
	if (c == ':')
		return bb_fail(err, 0, "option '%s' needs a value (see --help)", arg ? arg : "?");
	return bb_fail(err, 0, "unknown option '%s' (see --help)", arg ? arg : "?");
}

static int opttab_short(const struct opttab *t, int c)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].opt->short_name == c)
			return (int)i;
	return -1;
}

int opttab_parse(const struct bb_opt_group *groups, size_t ngroups, int argc, char **argv,
                 bool *help, struct bb_err *err)
{
	struct opttab t;
	int c, i;

	*help = false;
	if (opttab_build(&t, groups, ngroups, err) < 0)
		return -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, t.shorts, t.longopts, NULL)) != -1) {
		if (c == OPTTAB_HELP)
			return *help = true, 0;
		if (c == '?' || c == ':')
			return opttab_bad(c, argv[optind - 1], err);
		i = c >= 256 ? c - 256 : opttab_short(&t, c);
		if (i < 0 || (size_t)i >= t.n)
			return bb_fail(err, 0, "internal: unhandled option %d", c);
		if (opttab_set(&t.v[i], optarg, err) < 0)
			return -1;
	}
	if (optind < argc)
		return bb_fail(err, 0, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static void opttab_help_line(FILE *out, const struct bb_option *o)
{
	char left[64];
	int n = 0;

	if (o->short_name)
		n = snprintf(left, sizeof(left), "-%c, ", o->short_name);
	snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s", o->name, o->arg ? " " : "",
	         o->arg ? o->arg : "");
	fprintf(out, "  %-22s %s\n", left, o->help ? o->help : "");
}

void opttab_words(FILE *out, const struct bb_opt_group *groups, size_t ngroups)
{
	struct opttab t;
	struct bb_err err;

	if (opttab_build(&t, groups, ngroups, &err) < 0)
		return;
	for (size_t i = 0; i < t.n; i++) {
		if (t.v[i].opt->short_name)
			fprintf(out, "-%c\n", t.v[i].opt->short_name);
		fprintf(out, "--%s\n", t.v[i].opt->name);
	}
	fputs("--help\n", out);
}

void opttab_help(FILE *out, const char *usage, const struct bb_opt_group *groups, size_t ngroups)
{
	struct opttab t;
	struct bb_err err;

	fprintf(out, "usage: %s\n", usage);
	if (opttab_build(&t, groups, ngroups, &err) < 0)
		return;
	for (size_t g = 0; g < ngroups; g++) {
		bool titled = false;
		for (const struct bb_option *o = groups[g].opts; o && o->name; o++) {
			int at = opttab_find(&t, o->name);
			if (at < 0 || t.v[at].opt != o)
				continue; /* listed with the part that declared it first */
			if (!titled && groups[g].title)
				fprintf(out, "%s:\n", groups[g].title);
			titled = true;
			opttab_help_line(out, o);
		}
	}
	fprintf(out, "  %-22s %s\n", "--help", "this help");
}
