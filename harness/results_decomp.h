/* The result's `decomposition` object: the paired blocks of the startup decomposition
 * (pairing.h) as measured, and the parts computed from them (decomp.h). Written by `run
 * --decompose`; read back as untrusted input: the blocks are validated (shape, finite
 * non-negative times or null for a failed start, each block's positions a permutation, and
 * by the reader every environment described by the result) and the parts are always computed
 * again from them (decomp.h). */
#ifndef BB_RESULTS_DECOMP_H
#define BB_RESULTS_DECOMP_H

#include <jansson.h>

#include "pairing.h"

/* The blocks as a `decomposition` object (without the parts: decomp_store adds them). */
json_t *results_decomp_json(const struct pairing *p);

/* Read the blocks of a `decomposition` object into p (pairing_free it); -1 with the reason
 * when the object is not one boxbench wrote. That its boxes are described is the caller's
 * check (results.c). */
int results_decomp_parse(json_t *o, struct pairing *p, struct bb_err *err);

#endif
