/* Workload suites (stress-ng's stressor table): each suite is one file ending in a
 * designated-initializer `struct suite`, listed once in suites.c. */
#ifndef BB_SUITE_H
#define BB_SUITE_H

struct suite {
	const char *name;
	const char *summary;
	const char *settles; /* the claims of CLAIMS.md it settles: "C5, C10" */
	/* argv[0] is the suite name; returns the exit status reported in the `end` record. */
	int (*run)(int argc, char **argv);
	int internal;      /* not part of `--suites all` (test suites) */
	int needs_storage; /* the harness must pass --dir (see struct bb_job) */
	int measure_opts;  /* takes measure.h's options: --quick, --target-ms, ... */
};

extern const struct suite *const suites[];

const struct suite *suite_find(const char *name);

#endif
