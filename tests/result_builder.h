/* Shared by the unit tests that build a result in memory (made-up data): an empty result with
 * an environments object, and an environment entry from JSON text. */
#ifndef BB_TEST_RESULT_BUILDER_H
#define BB_TEST_RESULT_BUILDER_H

#include <jansson.h>

#include "results.h"

static inline int rb_setup(struct bb_result *res)
{
	results_init(res);
	res->environments = json_object();
	return res->environments ? 0 : -1;
}

/* The entry of `name` in res->environments; desc must parse (NULL fails the test). */
static inline void rb_env(struct bb_result *res, const char *name, const char *desc)
{
	json_error_t je;
	json_t *d = json_loads(desc, 0, &je);

	assert_non_null(d);
	json_object_set_new(res->environments, name, d);
}

#endif
