/* The paired startup decomposition (C10): blocks of instances measured together. A block is one
 * start each of native, the full container and every variant of it (the full container minus
 * one part), in an order shuffled inside the block with the run's seed. What a part adds is then
 * read from each block's own difference (full - variant), so whatever the host was doing during
 * that block (other load, frequency, deferred kernel work) is in both terms and cancels; the
 * unpaired difference of two medians measured minutes apart does not cancel it, and its noise
 * made parts negative.
 *
 * Estimates (pairing_estimate): every difference is the median of the per-block differences
 * with a 95% CI from a bootstrap over blocks (stats_boot_rows: one resample of blocks serves
 * every difference, so sums of them get an interval too). Only complete blocks count (a failed
 * start drops its block). The sum check: total = median of (full - native); explained = the sum
 * over the stacked parts of max(0, part) (a variant slower than the full container saves
 * nothing, it never counts as a negative cost); rest = total - explained and its share of the
 * total, each with its interval from the same resamples.
 *
 * Stopping (pairing_update): at least PAIRING_MIN_BLOCKS blocks; then whenever the blocks have
 * grown by PAIRING_CHECK_GROWTH, stop when every part's (full - variant) CI half-width is within
 * `target` times the full container's median start, or when the blocks' wall time passed the
 * budget, or at max_blocks. A fixed count (--reps) runs exactly that many blocks. */
#ifndef BB_PAIRING_H
#define BB_PAIRING_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "err.h"

#define PAIRING_MAX_COLS     16
#define PAIRING_MAX_PARTS    24
#define PAIRING_MIN_BLOCKS   10
#define PAIRING_CHECK_GROWTH 1.2
#define PAIRING_MAX_FAILED   3 /* stop when the first 3 blocks all failed */

struct pairing {
	char cols[PAIRING_MAX_COLS][32]; /* each column's environment */
	size_t ncols;
	int native, full;   /* their columns (native -1: not measured) */
	double *x;          /* nblocks x ncols starts (ms); NAN where the start failed */
	unsigned char *pos; /* nblocks x ncols: the position each column ran at in its block */
	size_t nblocks, cap;
	double target;   /* relative to the full container's median start */
	double budget_s; /* wall time of the blocks */
	double spent_s;
	long fixed; /* > 0: exactly this many blocks */
	long max_blocks, next_check;
	double precision; /* worst part half-width / full median at the last check (NAN: none) */
	const char *stop; /* precision, budget, max, reps, failed, interrupted; NULL while on */
	unsigned long seed;
};

/* A difference read from each block: x[plus] - x[minus]. */
struct pairing_spec {
	int plus, minus;
	bool stacked; /* counted in the sum check (one segment of the stacked bar) */
};

/* A median with its bootstrap 95% CI (ci false: fewer than BB_CI_MIN_N complete blocks). */
struct pairing_est {
	double v, lo, hi;
	bool ci;
};

struct pairing_result {
	size_t n; /* complete blocks */
	struct pairing_est parts[PAIRING_MAX_PARTS];
	size_t nparts;
	struct pairing_est native, full; /* the columns' own medians */
	bool has_total;                  /* native measured */
	struct pairing_est total, explained, rest, rest_share;
	bool has_share; /* total > 0 in the estimate and in every resample */
};

void pairing_init(struct pairing *p, unsigned long seed);
void pairing_free(struct pairing *p);
/* Add a column; returns its index or -1 (full). */
int pairing_add_col(struct pairing *p, const char *env, struct bb_err *err);
/* Start a block: a row of NAN, and the order its columns run in (order[k]: the column at
 * position k), shuffled with r. */
int pairing_block(struct pairing *p, gsl_rng *r, size_t *order, struct bb_err *err);
/* The last block's start of column col (NAN: failed). */
void pairing_set(struct pairing *p, size_t col, double ms);
/* Append a block read back from a result (values and positions as stored). */
int pairing_append(struct pairing *p, const double *x, const unsigned char *pos,
                   struct bb_err *err);
/* Blocks whose every start succeeded. */
size_t pairing_complete(const struct pairing *p);

/* Estimates of the given differences (at most PAIRING_MAX_PARTS) and the sum check. */
int pairing_estimate(const struct pairing *p, const struct pairing_spec *specs, size_t nspecs,
                     struct pairing_result *out, struct bb_err *err);

/* After a block: set p->stop when the blocks are done. */
int pairing_update(struct pairing *p, struct bb_err *err);

/* Is the estimate's CI wholly on one side of 0? */
bool pairing_distinguishable(const struct pairing_est *e);

#endif
