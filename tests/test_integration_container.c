/* Integration: real containers. Inside, the workload is PID 1 with its own hostname and none
 * of the host's mounts, and its limits hold; after a run no cgroup or process is left. (The
 * timeout and teardown on every box: test_integration_launchers.c.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "helpers.h"
#include "results.h"

static char dir[64];
static char bin[256];

static int setup(void **state)
{
	(void)state;
	return integration_setup("ct", dir, sizeof(dir), bin, sizeof(bin));
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static int count_lines_of(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static json_t *fact(const struct bb_result *res, const char *suite, const char *key)
{
	size_t i;
	json_t *f;

	json_array_foreach(res->facts, i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "suite")), suite) &&
		    !strcmp(json_string_value(json_object_get(f, "key")), key) &&
		    !strcmp(json_string_value(json_object_get(f, "env")), "container"))
			return json_object_get(f, "value");
	}
	return NULL;
}

static bool available(void)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin, "doctor", NULL };
	bool ok = run_cmd(argv, r) == 0 && strstr(r->out, "container  available");

	if (!ok)
		fprintf(stderr, "container unavailable here: %s\n", r->out);
	free(r);
	return ok;
}

static void test_inside_the_box(void **state)
{
	char out[128], host[256];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	if (!available())
		skip();
	snprintf(out, sizeof(out), "%s/ct.json", dir);
	char *argv[] = { bin,
		         "run",
		         "--envs",
		         "container",
		         "--suites",
		         "selftest,limits",
		         "--reps",
		         "1",
		         "--warmup",
		         "0",
		         "--mem-limit",
		         "200M",
		         "--pids-limit",
		         "64",
		         "--cpu-quota",
		         "0.5",
		         "-o",
		         out,
		         NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_int_equal(results_read(out, &res, &e), 0);
	assert_int_equal(json_number_value(fact(&res, "selftest", "pid")), 1);
	gethostname(host, sizeof(host));
	const char *inside = json_string_value(fact(&res, "selftest", "hostname"));
	assert_non_null(inside);
	assert_string_not_equal(inside, host);
	/* Only the container's own few mounts: none of the host's. */
	double mounts = json_number_value(fact(&res, "selftest", "mounts"));
	assert_true(mounts > 0 && mounts < 16 && mounts < count_lines_of("/proc/self/mounts"));
	/* The limits set on the command line are what the box sees and what holds. */
	json_t *seen = fact(&res, "limits", "pids_limit_seen");
	assert_non_null(seen);
	if (json_is_string(seen))
		assert_non_null(strstr(json_string_value(seen), "64"));
	else
		assert_int_equal(json_number_value(seen), 64);
	assert_string_equal(json_string_value(fact(&res, "limits", "pids_enforced")), "yes");
	assert_string_equal(json_string_value(fact(&res, "limits", "mem_enforced")), "yes");
	results_free(&res);
	assert_int_equal(leftover_children(), 0);
	/* Only the cgroups of the harness it ran: a killed run elsewhere must not fail it. */
	assert_int_equal(leftover_cgroups_of(r->pid), 0);
	free(r);
}

static void test_bad_options(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin, "run", "--container-ns", "mnt,bogus", NULL };

	(void)state;
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 2);
	assert_int_equal(count_lines(r->err), 1);
	assert_non_null(strstr(r->err, "bogus"));
	argv[2] = "--mem-limit";
	argv[3] = "lots";
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 2);
	assert_int_equal(count_lines(r->err), 1);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inside_the_box),
		cmocka_unit_test(test_bad_options),
	};
	return cmocka_run_group_tests_name("integration_container", tests, setup, teardown);
}
