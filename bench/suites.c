#include "suite.h"

#include <string.h>

extern const struct suite suite_startup;
extern const struct suite suite_syscall;
extern const struct suite suite_cpu;
extern const struct suite suite_mem;
extern const struct suite suite_io;
extern const struct suite suite_isolation;
extern const struct suite suite_limits;
extern const struct suite suite_footprint;
extern const struct suite suite_selftest;

/* The suite table: adding a suite is adding its file and one line here. */
/* clang-format off */
const struct suite *const suites[] = {
	&suite_startup,
	&suite_syscall,
	&suite_cpu,
	&suite_mem,
	&suite_io,
	&suite_isolation,
	&suite_limits,
	&suite_footprint,
	&suite_selftest,
	NULL,
};
/* clang-format on */

const struct suite *suite_find(const char *name)
{
	for (size_t i = 0; name && suites[i]; i++)
		if (strcmp(suites[i]->name, name) == 0)
			return suites[i];
	return NULL;
}
