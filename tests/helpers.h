/* Shared by the tests that run boxbench's programs: run a command, capture its output. */
#ifndef BB_TEST_HELPERS_H
#define BB_TEST_HELPERS_H

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cgroup.h"
#include "results.h"

struct cmd_out {
	int code;  /* exit code, or 128+signal */
	pid_t pid; /* the process that ran */
	char out[65536];
	char err[8192];
};

static inline const char *build_dir(void)
{
	const char *b = getenv("BUILD");
	return b && *b ? b : "build";
}

static inline void read_all(int fd, char *buf, size_t len)
{
	size_t o = 0;
	ssize_t n;

	while (o + 1 < len && (n = read(fd, buf + o, len - 1 - o)) > 0)
		o += (size_t)n;
	buf[o] = '\0';
	while (read(fd, (char[256]){ 0 }, 256) > 0)
		;
}

/* Run argv (argv[0] a path) with stdout and stderr captured into files, then read. */
static inline int run_cmd(char *const argv[], struct cmd_out *r)
{
	char of[] = "/tmp/bb-test-out-XXXXXX", ef[] = "/tmp/bb-test-err-XXXXXX";
	int ofd = mkstemp(of), efd = mkstemp(ef), st;
	pid_t pid;

	if (ofd < 0 || efd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	r->pid = pid;
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	read_all(ofd, r->out, sizeof(r->out));
	read_all(efd, r->err, sizeof(r->err));
	close(ofd);
	close(efd);
	unlink(of);
	unlink(ef);
	return 0;
}

static inline int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Make the test a subreaper: anything a run leaves behind is re-parented to the test
 * instead of init, where leftover_children() finds it (other work on the machine does not
 * count). */
static inline void become_subreaper(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/* Live processes whose parent is this test (after the harness it ran has been reaped):
 * what a run left behind. Zombies are reaped first and do not count. */
static inline int leftover_children(void)
{
	char path[64], buf[512];
	int n = 0;
	DIR *d;
	struct dirent *de;

	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		char *rp = strrchr(buf, ')'), state;
		int ppid;
		if (rp && sscanf(rp + 2, "%c %d", &state, &ppid) == 2 && ppid == getpid() &&
		    state != 'Z')
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* The integration tests' fixture: the boxbench binary under test, a scratch directory for
 * result files, and the test as subreaper so leftover_children() sees what a run leaves. */
static inline int integration_setup(const char *tag, char *dir, size_t dirlen, char *bin,
                                    size_t binlen)
{
	become_subreaper();
	/* The internal suites (selftest's misbehaving workloads) are refused without it. */
	setenv("BOXBENCH_INTERNAL_SUITES", "1", 1);
	snprintf(bin, binlen, "%s/boxbench", build_dir());
	snprintf(dir, dirlen, "/tmp/bb-test-%s-XXXXXX", tag);
	return mkdtemp(dir) ? 0 : -1;
}

/* Every boxbench result a test wrote under dir must validate against the published schema
 * (results/boxbench-1.schema.json, with scripts/validate-result.sh: python3-jsonschema); other
 * JSON, and files that are not JSON (bad input written on purpose), are skipped. Run from the
 * repository's top directory, as `make test` does. */
static inline int validate_results_in(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "scripts/validate-result.sh --in '%s' >&2", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The scratch tree of a test, after validate_results_in(): non-zero when a result written
 * there is invalid (a group teardown's return value fails the test program). */
static inline int remove_tree(const char *dir)
{
	char cmd[4200];
	int valid = validate_results_in(dir);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) != 0 ? -1 : valid;
}

/* `bin doctor --json`, parsed (it must exit 0); json_decref() it. The caller has included
 * cmocka. */
static inline json_t *doctor_json(const char *bin)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { (char *)bin, "doctor", "--json", NULL };
	json_error_t je;
	json_t *doc;

	assert_non_null(r);
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 0);
	doc = json_loads(r->out, 0, &je);
	free(r);
	assert_non_null(doc);
	return doc;
}

/* NULL when `bin doctor` says env can run here, else the reason it gives. */
static inline const char *doctor_unavailable(const char *bin, const char *env)
{
	static char why[512];
	json_t *doc = doctor_json(bin);
	json_t *e = json_object_get(json_object_get(doc, "environments"), env);

	snprintf(why, sizeof(why), "%s", !e ? "not in doctor's list"
	                                    : json_string_value(json_object_get(e, "reason")) ?: "?");
	bool ok = e && json_is_true(json_object_get(e, "available"));
	json_decref(doc);
	return ok ? NULL : why;
}

/* Skip the calling test (cmocka's skip) when doctor says env cannot run here, saying why. */
static inline void skip_unless_available(const char *bin, const char *env)
{
	const char *why = doctor_unavailable(bin, env);

	if (why) {
		print_message("%s unavailable here, skipped: %s\n", env, why);
		skip();
	}
}

/* The value (a string) of the fact `key` of suite in env, from repetition 0; NULL if none. */
static inline const char *result_fact(const struct bb_result *res, const char *suite,
                                      const char *env, const char *key)
{
	size_t i;
	json_t *f;

	json_array_foreach(res->facts, i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(f, "suite")), suite) &&
		    !strcmp(json_string_value(json_object_get(f, "key")), key) &&
		    json_integer_value(json_object_get(f, "rep")) == 0)
			return json_string_value(json_object_get(f, "value"));
	}
	return NULL;
}

/* Instance cgroups (cgroup.h: `boxbench-<pid>-<start>-<seq>` under the `boxbench` parent of
 * each hierarchy) owned by pid; other runs on the machine do not count. */
static inline int leftover_cgroups_of(pid_t pid)
{
	struct cg_layout lo;
	char prefix[32];
	int n = 0;

	if (cg_layout_init(&lo, NULL) < 0)
		return 0; /* no usable cgroups here: no launcher can have made one */
	snprintf(prefix, sizeof(prefix), CG_INSTANCE_PREFIX "%d-", (int)pid);
	for (int c = 0; c < CG_NCTRL; c++) {
		bool seen = false;
		for (int k = 0; k < c; k++)
			seen |= !strcmp(lo.parent[k], lo.parent[c]);
		DIR *d = lo.parent[c][0] && !seen ? opendir(lo.parent[c]) : NULL;
		struct dirent *de;
		while (d && (de = readdir(d)))
			n += !strncmp(de->d_name, prefix, strlen(prefix));
		if (d)
			closedir(d);
	}
	return n;
}

#endif
