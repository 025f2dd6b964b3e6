/* The `boxbench` command line: a table of subcommands (one file each, ending in a
 * designated-initializer struct command) and strict parsers for option values. */
#ifndef BB_CLI_H
#define BB_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "err.h"

/* Exit codes (README): */
enum {
	BB_EXIT_OK = 0,
	BB_EXIT_FAIL = 1,        /* regression found (compare) or samples failed (run) */
	BB_EXIT_USAGE = 2,       /* bad usage or bad input */
	BB_EXIT_UNAVAILABLE = 3, /* a requested environment cannot run here */
	BB_EXIT_WRITE = 4,       /* an output could not be written (full disk, I/O error) */
	BB_EXIT_INTERRUPTED = 130,
};

struct command {
	const char *name;
	const char *usage; /* one line: the synopsis after `boxbench NAME` */
	const char *summary;
	int (*main)(int argc, char **argv); /* returns an exit code */
	/* For the shell completion (cmd_completion.c), from the tables the parser uses: the
	 * getopt_long table, or words() printing every option (run's option tables). */
	const struct option *longopts;
	void (*words)(FILE *out);
	bool hidden; /* not listed by `boxbench --help` */
};

extern const struct command *const commands[];

/* Strict number parsing: the whole string, in range; a one-line message otherwise. */
int cli_int(const char *opt, const char *s, long min, long max, long *out, struct bb_err *err);
int cli_double(const char *opt, const char *s, double min, double max, double *out,
               struct bb_err *err);
/* "512M", "16G", "1.5G", "64KiB", "4096" (bytes); K, M, G, T are powers of 1024. */
int cli_size(const char *s, long long *bytes, struct bb_err *err);
/* Split "a,b,c" into at most max items (pointers into a copy the caller frees via *buf). */
int cli_list(const char *opt, const char *s, char **items, size_t max, size_t *n, char **buf,
             struct bb_err *err);

/* "boxbench ARGV..." as a shell would take it back: a word with anything but letters, digits
 * and -_./=:,+@% in it single-quoted (a --missing reason with spaces, a path with a quote), so
 * a result's config.command and a report's Reproduce line can be pasted. Caller frees; NULL
 * when out of memory. */
char *cli_command_line(int argc, char *const *argv);

/* A command's --json output: doc (consumed) to f, 2-space indented, numbers with the 12
 * significant digits results are written with, then a newline. -1 when it cannot be written. */
int cli_print_json(json_t *doc, FILE *f);

/* The options of a command whose one option is --json (show, doctor): the getopt table and
 * its loop. Returns -1 to go on (*as_json set, optind at the first operand), else the exit
 * code: the usage printed for --help, a one-line error for anything else. */
extern const struct option cli_json_longopts[];
int cli_json_opts(const char *cmd, int argc, char **argv, const char *usage, bool *as_json);

/* Print "boxbench: CMD: message" on stderr and return code. */
int cli_error(const char *cmd, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* getopt_long (optstring starting with ':') returned c ('?' or ':') for arg: the message into
 * err, returns -1. */
int cli_option_error(int c, const char *arg, struct bb_err *err);
/* The same, printed as "boxbench: CMD: message"; returns BB_EXIT_USAGE. */
int cli_bad_option(const char *cmd, int c, const char *arg);

#endif
