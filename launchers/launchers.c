#include "launcher.h"

#include <string.h>

extern const struct launcher launcher_native;
extern const struct launcher launcher_podman;
extern const struct launcher launcher_container;
extern const struct launcher launcher_crun;
extern const struct launcher launcher_docker;
extern const struct launcher launcher_runc;
extern const struct launcher launcher_vm;
extern const struct launcher launcher_vm_full;
extern const struct launcher launcher_container_in_vm;

/* The environment table: adding an environment is adding its file and one line here. */
/* clang-format off */
const struct launcher *const launchers[] = {
	&launcher_native,
	&launcher_container,
	&launcher_crun,
	&launcher_runc,
	&launcher_podman,
	&launcher_docker,
	&launcher_vm,
	&launcher_vm_full,
	&launcher_container_in_vm,
	NULL,
};
/* clang-format on */

const struct launcher *launcher_find(const char *name)
{
	for (size_t i = 0; name && launchers[i]; i++)
		if (strcmp(launchers[i]->name, name) == 0)
			return launchers[i];
	return NULL;
}
