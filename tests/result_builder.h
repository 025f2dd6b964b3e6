/* Shared by the unit tests that build a result in memory (made-up data): an empty result, and
 * an environment's description from JSON text, read by the results' own reader. */
#ifndef BB_TEST_RESULT_BUILDER_H
#define BB_TEST_RESULT_BUILDER_H

#include <jansson.h>
#include <string.h>

#include "results.h"

static inline int rb_setup(struct bb_result *res)
{
	results_init(res);
	return 0;
}

/* Describe environment `name` (replacing an earlier description): desc must read. */
static inline void rb_env(struct bb_result *res, const char *name, const char *desc)
{
	struct bb_err err = { 0 };
	struct bb_envdesc d;
	json_error_t je;
	json_t *j = json_loads(desc, 0, &je);

	assert_non_null(j);
	if (envdesc_from_json(name, j, &d, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	json_decref(j);
	for (size_t i = 0; i < res->nenvs; i++)
		if (!strcmp(res->envs[i].name, name)) {
			envdesc_free(&res->envs[i]);
			res->envs[i] = d;
			return;
		}
	assert_int_equal(results_add_env(res, &d, &err), 0);
	envdesc_free(&d);
}

/* A box of a class with nothing else said about it, unless it is described already. */
static inline void rb_box(struct bb_result *res, const char *name, const char *class_name)
{
	char text[96];

	if (results_env(res, name))
		return;
	snprintf(text, sizeof(text), "{\"class\": \"%s\"}", class_name);
	rb_env(res, name, text);
}

/* The made-up boxes of the rule tests: "native", "vm...", "vm-container" and "nested" (a box
 * in a box), every other name a container; "host" is the harness's own view, not a box. A test
 * that needs more describes the box with rb_env first. */
static inline void rb_made_up_box(struct bb_result *res, const char *name)
{
	if (!strcmp(name, "host"))
		return;
	rb_box(res, name,
	       !strcmp(name, "native")                                    ? "native"
	       : !strcmp(name, "nested") || !strcmp(name, "vm-container") ? "nested"
	       : !strncmp(name, "vm", 2)                                  ? "vm"
	                                                                  : "container");
}

#endif
