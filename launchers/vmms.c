#include "vmm.h"

#include <stddef.h>

extern const struct vmm_ops vmm_qemu_microvm;

/* The VMM table: adding a VMM or a machine type is adding its file and one line here. */
const struct vmm_ops *const vmms[] = {
	&vmm_qemu_microvm,
	NULL,
};
