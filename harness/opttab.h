/* Option tables (fio's engine options, stress-ng's per-stressor opts): each part that owns
 * options (a launcher, a suite, the command itself) declares them as a table of
 * (name, type, range, field, help); one routine parses them all and one prints the help.
 *
 * A field is an offset into the part's option struct (the `base` of its group). Two parts may
 * declare the same option when it is the same field of the same type (two container runtimes
 * sharing --cpu-quota): it is parsed once, listed once. */
#ifndef BB_OPTTAB_H
#define BB_OPTTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

enum bb_opt_type {
	BB_OPT_END,    /* terminates a table */
	BB_OPT_SET,    /* bool field set to true; no value */
	BB_OPT_CLEAR,  /* bool field set to false; no value ("--container-no-cgroup") */
	BB_OPT_UINT,   /* unsigned, integer in [min, max] */
	BB_OPT_INT,    /* int, integer in [min, max] */
	BB_OPT_LONG,   /* long, integer in [min, max] */
	BB_OPT_DOUBLE, /* double in [min, max] */
	BB_OPT_SIZE,   /* long long bytes ("512M", "16G"), in [min, max] */
	BB_OPT_STRING, /* const char *, the argument itself (it lives as long as argv) */
	BB_OPT_CHOICE, /* const char *, one of `choices` ("kvm|tcg") */
	BB_OPT_CUSTOM, /* parse(field, arg, err) */
};

struct bb_option {
	const char *name; /* long name without dashes */
	enum bb_opt_type type;
	size_t field;     /* offsetof(the group's struct, field) */
	double min, max;  /* numeric types */
	const char *arg;  /* the value's name in the help ("N", "SIZE"); NULL: no value */
	const char *help; /* one line */
	const char *choices;
	int (*parse)(void *field, const char *arg, struct bb_err *err);
	char short_name; /* 0 = none */
};

#define BB_OPTIONS_END                                                                             \
	{                                                                                          \
		.name = NULL, .type = BB_OPT_END                                                   \
	}

/* A table with the struct its fields belong to. */
struct bb_opt_group {
	const char *title; /* in the help: "container (container-NAME)" */
	const struct bb_option *opts;
	void *base;
};

#define OPTTAB_MAX 128

/* Parse argv[1..] against the groups. Stops at the first error (a one-line message naming
 * the option). Sets *help when --help was given (and stops there). Positional arguments are
 * refused. */
int opttab_parse(const struct bb_opt_group *groups, size_t ngroups, int argc, char **argv,
                 bool *help, struct bb_err *err);

/* Every option of the groups, each once, as the words a shell completes ("--reps", "-o"),
 * one per line, then "--help". */
void opttab_words(FILE *out, const struct bb_opt_group *groups, size_t ngroups);

/* "usage: LINE" then every group's options, each once. */
void opttab_help(FILE *out, const char *usage, const struct bb_opt_group *groups, size_t ngroups);

#endif
