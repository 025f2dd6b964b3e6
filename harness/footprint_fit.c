/* The density's arithmetic (footprint.h, "density"): the least-squares line through the
 * measured points and its error, how many fit in a budget from it, and when to stop adding
 * instances. No process is touched here: all of it is unit-tested on known points. */
#include "footprint.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>

int fp_fit_line(const double *x, const double *y, size_t n, struct fp_fit *f, struct bb_err *err)
{
	double c0, c1, cov00, cov01, cov11, sumsq;
	size_t distinct = 0;

	memset(f, 0, sizeof(*f));
	for (size_t i = 1; i < n; i++)
		distinct += x[i] != x[0];
	if (n < FP_MIN_DENSITY || !distinct)
		return bb_fail(err, EINVAL,
		               "density: %zu point%s at %s instance count%s: a line with an error "
		               "needs at least %d",
		               n, n == 1 ? "" : "s", distinct ? "different" : "one",
		               n == 1 ? "" : "s", FP_MIN_DENSITY);
	gsl_set_error_handler_off();
	if (gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq) != GSL_SUCCESS)
		return bb_fail(err, EDOM, "density: the least-squares fit failed");
	double t = gsl_cdf_tdist_Pinv(0.975, (double)(n - 2));
	f->n = n;
	f->slope = c1;
	f->intercept = c0;
	f->se = sqrt(cov11);
	f->lo = c1 - t * f->se;
	f->hi = c1 + t * f->se;
	f->resid_sd = sqrt(sumsq / (double)(n - 2));
	return 0;
}

/* The largest N with intercept + slope * N <= budget, for a positive slope. */
static double fp_fits_in(double intercept, double slope, double budget)
{
	double n = floor((budget - intercept) / slope);

	return n < 0 ? 0 : n;
}

int fp_fit_capacity(const struct fp_fit *f, double budget, double *fit, double *lo, double *hi,
                    struct bb_err *err)
{
	if (!(f->slope > 0))
		return bb_fail(err, 0,
		               "density: each added instance took no memory measurable (slope "
		               "%.3g MiB): nothing to extrapolate from",
		               f->slope / FP_MIB);
	*fit = fp_fits_in(f->intercept, f->slope, budget);
	*lo = fp_fits_in(f->intercept, f->hi, budget);
	*hi = f->lo > 0 ? fp_fits_in(f->intercept, f->lo, budget) : -1;
	return 0;
}

static unsigned fp_stop(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static unsigned fp_stop(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return 0;
}

/* Past FP_MIN_DENSITY: fewer where the share or the time budget would be passed. */
static unsigned fp_batch_budgets(const struct fp_plan *p, const struct fp_grow_state *g,
                                 unsigned want, double per, char *why, size_t len)
{
	if (g->measured >= p->share)
		return fp_stop(why, len,
		               "the memory measured (%.0f MiB) reached the density's share of the "
		               "budget (%.0f MiB)",
		               g->measured / FP_MIB, p->share / FP_MIB);
	double by_share = floor((p->share - g->measured) / per);
	if (by_share < want)
		want = by_share < 1 ? 1 : (unsigned)by_share; /* one more reaches the share */
	if (g->s_per_inst > 0) {
		double by_time = floor((p->time_s - g->elapsed_s) / g->s_per_inst);
		if (by_time < 1)
			return fp_stop(
			    why, len,
			    "one more instance (%.1f s each) would pass the density's time "
			    "budget (%.0f s; %.1f s spent)",
			    g->s_per_inst, p->time_s, g->elapsed_s);
		if (by_time < want)
			want = (unsigned)by_time;
	}
	return want;
}

unsigned fp_next_batch(const struct fp_plan *p, const struct fp_grow_state *g, char *why,
                       size_t len)
{
	unsigned want = g->n / 2 ? g->n / 2 : 1;
	double per = g->per_inst > 0 ? g->per_inst : 1;

	why[0] = '\0';
	if (g->n >= p->kmax)
		return fp_stop(why, len, "reached --density %u instances", p->kmax);
	if (want > p->kmax - g->n)
		want = p->kmax - g->n;
	/* the host first, always: a shared machine keeps its floor */
	double by_floor = floor((g->avail - p->floor) / per);
	if (by_floor < 1)
		return fp_stop(why, len,
		               "one more instance (%.1f MiB) would take the host's MemAvailable "
		               "(%.0f MiB) under its floor (%.0f MiB)",
		               per / FP_MIB, g->avail / FP_MIB, p->floor / FP_MIB);
	if (by_floor < want)
		want = (unsigned)by_floor;
	if (g->n < FP_MIN_DENSITY)
		return want;
	return fp_batch_budgets(p, g, want, per, why, len);
}
