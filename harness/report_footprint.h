/* The footprint section's table of what one more instance costs (report_footprint.c). */
#ifndef BB_REPORT_FOOTPRINT_H
#define BB_REPORT_FOOTPRINT_H

#include <stddef.h>

#include "doc.h"
#include "results.h"

/* One row per environment with a density_fit fact: user space (PSS) and host kernel cost per
 * added instance with their 95% CIs, the kernel's parts, the host's MemAvailable drop, the
 * noise floor, the instances measured, the extrapolation to the budget and what of an engine
 * is counted. Returns the rows written (0: no table). */
size_t report_footprint_table(struct doc *d, const struct bb_result *res);

#endif
