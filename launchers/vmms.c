#include "vmm.h"

#include <stddef.h>

extern const struct vmm_ops vmm_qemu_microvm;
extern const struct vmm_ops vmm_qemu_q35;

/* The VMM table: adding a VMM or a machine type is adding its file and one line here. */
const struct vmm_ops *const vmms[] = {
	&vmm_qemu_microvm,
	&vmm_qemu_q35,
	NULL,
};
