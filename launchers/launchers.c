#include "launcher.h"

#include <string.h>

extern const struct launcher launcher_native;
extern const struct launcher launcher_container;
extern const struct launcher launcher_vm;
extern const struct launcher launcher_vm_full;

/* The environment table: adding an environment is adding its file and one line here. */
const struct launcher *const launchers[] = {
	&launcher_native, &launcher_container, &launcher_vm, &launcher_vm_full, NULL,
};

const struct launcher *launcher_find(const char *name)
{
	for (size_t i = 0; name && launchers[i]; i++)
		if (strcmp(launchers[i]->name, name) == 0)
			return launchers[i];
	return NULL;
}
