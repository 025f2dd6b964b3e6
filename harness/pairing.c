#include "pairing.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "stats.h"

void pairing_init(struct pairing *p, unsigned long seed)
{
	memset(p, 0, sizeof(*p));
	p->native = p->full = -1;
	p->precision = NAN;
	p->seed = seed;
}

void pairing_free(struct pairing *p)
{
	free(p->x);
	free(p->pos);
	p->x = NULL;
	p->pos = NULL;
	p->nblocks = p->cap = 0;
}

int pairing_add_col(struct pairing *p, const char *env, struct bb_err *err)
{
	if (p->ncols >= PAIRING_MAX_COLS || p->nblocks)
		return bb_fail(err, 0, "pairing: at most %d boxes, added before the first block",
		               PAIRING_MAX_COLS);
	snprintf(p->cols[p->ncols], sizeof(p->cols[0]), "%s", env);
	return (int)p->ncols++;
}

static int pairing_grow(struct pairing *p, struct bb_err *err)
{
	size_t cap = p->cap ? 2 * p->cap : 64;
	double *x;
	unsigned char *pos;

	if (p->nblocks < p->cap)
		return 0;
	if (!(x = realloc(p->x, cap * p->ncols * sizeof(*x))))
		return bb_fail(err, ENOMEM, "pairing: %zu blocks", cap);
	p->x = x;
	if (!(pos = realloc(p->pos, cap * p->ncols * sizeof(*pos))))
		return bb_fail(err, ENOMEM, "pairing: %zu blocks", cap);
	p->pos = pos;
	p->cap = cap;
	return 0;
}

int pairing_append(struct pairing *p, const double *x, const unsigned char *pos, struct bb_err *err)
{
	if (!p->ncols)
		return bb_fail(err, 0, "pairing: a block without boxes");
	if (pairing_grow(p, err) < 0)
		return -1;
	memcpy(p->x + p->nblocks * p->ncols, x, p->ncols * sizeof(*x));
	memcpy(p->pos + p->nblocks * p->ncols, pos, p->ncols * sizeof(*pos));
	p->nblocks++;
	return 0;
}

int pairing_block(struct pairing *p, gsl_rng *r, size_t *order, struct bb_err *err)
{
	double x[PAIRING_MAX_COLS];
	unsigned char pos[PAIRING_MAX_COLS];

	for (size_t k = 0; k < p->ncols; k++) {
		order[k] = k;
		x[k] = NAN;
	}
	/* Fisher-Yates, as the run's rounds are shuffled (sampling_shuffle) */
	for (size_t i = p->ncols; i > 1; i--) {
		size_t j = (size_t)gsl_rng_uniform_int(r, i), t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	for (size_t k = 0; k < p->ncols; k++)
		pos[order[k]] = (unsigned char)k;
	return pairing_append(p, x, pos, err);
}

void pairing_set(struct pairing *p, size_t col, double ms)
{
	if (p->nblocks && col < p->ncols)
		p->x[(p->nblocks - 1) * p->ncols + col] = ms;
}

static bool pairing_row_ok(const struct pairing *p, size_t b)
{
	for (size_t k = 0; k < p->ncols; k++)
		if (!isfinite(p->x[b * p->ncols + k]))
			return false;
	return true;
}

size_t pairing_complete(const struct pairing *p)
{
	size_t n = 0;

	for (size_t b = 0; b < p->nblocks; b++)
		n += pairing_row_ok(p, b);
	return n;
}

bool pairing_distinguishable(const struct pairing_est *e)
{
	return e->ci && (e->lo > 0 || e->hi < 0);
}

/* The columns the estimate reads: the differences, then full, native and full - native. */
struct pairing_cols {
	size_t m, full, native, total;
};

static struct pairing_cols pairing_layout(const struct pairing *p, size_t nspecs)
{
	struct pairing_cols c = { .full = nspecs, .native = nspecs + 1, .total = nspecs + 2 };

	c.m = p->native >= 0 ? nspecs + 3 : nspecs + 1;
	return c;
}

/* The complete blocks as rows of the layout's columns; returns how many. */
static size_t pairing_rows(const struct pairing *p, const struct pairing_spec *specs, size_t nspecs,
                           const struct pairing_cols *c, double *d)
{
	size_t n = 0;

	for (size_t b = 0; b < p->nblocks; b++) {
		const double *x = p->x + b * p->ncols;
		double *row = d + n * c->m;
		if (!pairing_row_ok(p, b))
			continue;
		for (size_t k = 0; k < nspecs; k++)
			row[k] = x[specs[k].plus] - x[specs[k].minus];
		row[c->full] = x[p->full];
		if (p->native >= 0) {
			row[c->native] = x[p->native];
			row[c->total] = x[p->full] - x[p->native];
		}
		n++;
	}
	return n;
}

/* Point estimates: each column's median. */
static void pairing_points(const double *d, size_t n, size_t m, double *col, double *point)
{
	for (size_t k = 0; k < m; k++) {
		for (size_t i = 0; i < n; i++)
			col[i] = d[i * m + k];
		point[k] = stats_median(col, n);
	}
}

static struct pairing_est pairing_est_of(double v, double *boot, bool ci)
{
	struct pairing_est e = { .v = v, .lo = -INFINITY, .hi = INFINITY, .ci = ci };

	if (ci)
		stats_boot_ci(boot, v, &e.lo, &e.hi);
	return e;
}

/* explained = sum of max(0, stacked part): a slower variant saves nothing. */
static double pairing_explained(const struct pairing_spec *specs, size_t nspecs, const double *v)
{
	double sum = 0;

	for (size_t k = 0; k < nspecs; k++)
		if (specs[k].stacked)
			sum += fmax(0, v[k]);
	return sum;
}

/* The sum check from the points and (ci) the resamples: explained, rest, rest's share. */
static void pairing_sums(const struct pairing_spec *specs, size_t nspecs,
                         const struct pairing_cols *c, const double *point, const double *meds,
                         bool ci, double *work, struct pairing_result *out)
{
	double ex = pairing_explained(specs, nspecs, point), tot = point[c->total];
	bool share = tot > 0;

	for (size_t b = 0; ci && b < BB_BOOTSTRAP_RESAMPLES; b++)
		work[b] = pairing_explained(specs, nspecs, meds + b * c->m);
	out->explained = pairing_est_of(ex, work, ci);
	for (size_t b = 0; ci && b < BB_BOOTSTRAP_RESAMPLES; b++) {
		double t = meds[b * c->m + c->total];
		work[b] = t - pairing_explained(specs, nspecs, meds + b * c->m);
		share = share && t > 0;
	}
	out->rest = pairing_est_of(tot - ex, work, ci);
	for (size_t b = 0; ci && share && b < BB_BOOTSTRAP_RESAMPLES; b++) {
		const double *r = meds + b * c->m;
		work[b] = (r[c->total] - pairing_explained(specs, nspecs, r)) / r[c->total];
	}
	out->has_share = tot > 0;
	if (out->has_share)
		out->rest_share = pairing_est_of((tot - ex) / tot, work, ci && share);
}

/* Every column's estimate from the points and the resamples. */
static void pairing_cols_est(const struct pairing_cols *c, size_t nspecs, const double *point,
                             const double *meds, bool ci, double *work, struct pairing_result *out)
{
	for (size_t k = 0; k < c->m; k++) {
		struct pairing_est e;
		for (size_t b = 0; ci && b < BB_BOOTSTRAP_RESAMPLES; b++)
			work[b] = meds[b * c->m + k];
		e = pairing_est_of(point[k], work, ci);
		if (k < nspecs)
			out->parts[k] = e;
		else if (k == c->full)
			out->full = e;
		else if (k == c->native)
			out->native = e;
		else
			out->total = e;
	}
}

int pairing_estimate(const struct pairing *p, const struct pairing_spec *specs, size_t nspecs,
                     struct pairing_result *out, struct bb_err *err)
{
	struct pairing_cols c = pairing_layout(p, nspecs);
	_cleanup_free_ double *d = NULL, *meds = NULL, *col = NULL, *work = NULL;
	double point[PAIRING_MAX_PARTS + 3];
	bool ci;

	memset(out, 0, sizeof(*out));
	if (nspecs > PAIRING_MAX_PARTS || p->full < 0)
		return bb_fail(err, 0, "pairing: no full container, or more than %d parts",
		               PAIRING_MAX_PARTS);
	d = calloc(p->nblocks * c.m + 1, sizeof(*d));
	col = calloc(p->nblocks + 1, sizeof(*col));
	work = calloc(BB_BOOTSTRAP_RESAMPLES, sizeof(*work));
	if (!d || !col || !work)
		return bb_fail(err, ENOMEM, "pairing: %zu blocks", p->nblocks);
	out->n = pairing_rows(p, specs, nspecs, &c, d);
	if (!out->n)
		return bb_fail(err, 0, "pairing: no block where every start succeeded");
	pairing_points(d, out->n, c.m, col, point);
	ci = out->n >= BB_CI_MIN_N;
	if (ci && (!(meds = calloc((size_t)BB_BOOTSTRAP_RESAMPLES * c.m, sizeof(*meds))) ||
	           stats_boot_rows(d, out->n, c.m, p->seed, meds, err) < 0))
		return meds ? bb_wrap(err, "pairing") : bb_fail(err, ENOMEM, "pairing: bootstrap");
	out->nparts = nspecs;
	pairing_cols_est(&c, nspecs, point, meds, ci, work, out);
	out->has_total = p->native >= 0;
	if (out->has_total)
		pairing_sums(specs, nspecs, &c, point, meds, ci, work, out);
	return 0;
}

/* The differences the stopping rule watches: full - each variant. */
static size_t pairing_watch(const struct pairing *p, struct pairing_spec *specs)
{
	size_t n = 0;

	for (size_t k = 0; k < p->ncols && n < PAIRING_MAX_PARTS; k++)
		if ((int)k != p->full && (int)k != p->native)
			specs[n++] = (struct pairing_spec){ p->full, (int)k, true };
	return n;
}

/* The worst half-width of a watched part relative to the full container's median. */
static int pairing_precision(struct pairing *p, struct bb_err *err)
{
	struct pairing_spec specs[PAIRING_MAX_PARTS] = { { 0 } };
	struct pairing_result r;
	size_t n = pairing_watch(p, specs);
	double worst = 0;

	if (pairing_estimate(p, specs, n, &r, err) < 0)
		return -1;
	for (size_t k = 0; k < n; k++)
		worst = r.parts[k].ci ? fmax(worst, (r.parts[k].hi - r.parts[k].lo) / 2) : INFINITY;
	p->precision = r.full.v > 0 ? worst / r.full.v : INFINITY;
	return 0;
}

int pairing_update(struct pairing *p, struct bb_err *err)
{
	long n = (long)p->nblocks, ok = (long)pairing_complete(p);
	bool over = p->spent_s >= p->budget_s;

	if (p->stop)
		return 0;
	if (p->fixed > 0) {
		p->stop = n >= p->fixed ? "reps" : NULL;
		return 0;
	}
	if (ok == 0 && n >= PAIRING_MAX_FAILED) {
		p->stop = "failed";
		return 0;
	}
	if (ok >= PAIRING_MIN_BLOCKS && (ok >= p->next_check || over || n >= p->max_blocks)) {
		if (pairing_precision(p, err) < 0)
			return -1;
		if (p->precision <= p->target) {
			p->stop = "precision";
			return 0;
		}
		p->next_check = (long)ceil((double)ok * PAIRING_CHECK_GROWTH);
	}
	if (p->max_blocks > 0 && n >= p->max_blocks)
		p->stop = "max";
	else if (n >= PAIRING_MIN_BLOCKS && over)
		p->stop = "budget";
	return 0;
}
