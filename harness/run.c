#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure.h"
#include "proc.h"
#include "runner.h"
#include "runsuite.h"
#include "suite.h"

enum bb_better run_metric_better(const char *suite, const char *metric, const char *unit)
{
	static const char *higher_units[] = { "GB/s", "MB/s", "GFLOP/s", "Mops/s", "ops/s", NULL };
	const struct bb_metric_def *def = measure_metric_find(suite, metric);

	if (def)
		return def->higher_is_better ? BB_HIGHER : BB_LOWER;
	for (size_t i = 0; higher_units[i]; i++)
		if (!strcmp(unit, higher_units[i]))
			return BB_HIGHER;
	return BB_LOWER;
}

static struct bb_series *run_series(struct bb_result *res, const struct bb_env *env,
                                    const char *suite, const char *metric, const char *unit,
                                    struct bb_err *err)
{
	struct bb_series *s = results_series(res, suite, metric, env->name, true);

	if (!s) {
		bb_fail(err, 0, "cannot record %s/%s/%s", suite, metric, env->name);
		return NULL;
	}
	if (!s->unit[0]) {
		snprintf(s->unit, sizeof(s->unit), "%s", unit);
		s->better = run_metric_better(suite, metric, unit);
		snprintf(s->accel, sizeof(s->accel), "%s", env->desc.accel);
		s->emulated = env->desc.emulated;
	}
	return s;
}

static void run_fact(struct bb_result *res, const struct bb_env *env, const struct bb_record *r,
                     long rep)
{
	json_t *v = r->is_text ? json_string(r->text) : json_real(r->value);

	json_array_append_new(res->facts, json_pack("{s:s, s:s, s:s, s:o, s:i}", "env", env->name,
	                                            "suite", r->suite, "key", r->metric, "value",
	                                            v ? v : json_null(), "rep", (int)rep));
}

/* A failed sample is kept as an error on every series the suite has for this env (and on
 * startup's two, which every sample yields). */
static int run_sample_error(struct bb_result *res, const struct bb_env *env, const char *suite,
                            long rep, const char *reason, struct bb_err *err)
{
	size_t marked = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		if (strcmp(s->suite, suite) || strcmp(s->env, env->name))
			continue;
		if (series_add_error(s, (int)rep, reason, err) < 0)
			return -1;
		marked++;
	}
	if (marked)
		return 0;
	const char *metric = strcmp(suite, "startup") ? "sample" : "ready";
	struct bb_series *s = run_series(res, env, suite, metric, "ms", err);
	return s ? series_add_error(s, (int)rep, reason, err) : -1;
}

/* Startup-phase timestamps reported from inside a box: numeric info "<phase>_ns". */
static bool run_phase(const struct bb_record *r)
{
	size_t n = strlen(r->metric);

	return !strcmp(r->suite, "startup") && n > 3 && !strcmp(r->metric + n - 3, "_ns");
}

/* In a box with its own kernel, the ready record's clock is the guest's CLOCK_MONOTONIC,
 * which starts near the guest kernel's start: launch request (host) minus it is what came
 * before the kernel (VMM, firmware, boot loader). Two clocks: kept only when it makes sense. */
static int run_before_kernel(struct bb_result *res, const struct bb_env *env,
                             const struct bb_sample *smp, struct bb_err *err)
{
	struct bb_series *s;

	if (!(env->desc.caps & BB_CAP_OWN_KERNEL) || smp->ready_box_ns <= 0 ||
	    (uint64_t)smp->ready_box_ns >= smp->ready_ns)
		return 0;
	s = run_series(res, env, "startup", "boot_to_kernel", "ms", err);
	return s && series_add_sample(
	                s, (double)(smp->ready_ns - (uint64_t)smp->ready_box_ns) / 1e6, err) == 0
	           ? 0
	           : -1;
}

static int run_record(struct bb_result *res, const struct bb_env *env, const struct bb_sample *smp,
                      long rep, struct bb_err *err)
{
	for (size_t i = 0; i < smp->nrecs; i++) {
		const struct bb_record *r = &smp->recs[i];
		struct bb_series *s;
		if (r->kind == BB_REC_INFO && !r->is_text && run_phase(r)) {
			/* A guest's own clock (guest_boottime_at_init_ns: its CLOCK_BOOTTIME at
			 * init, i.e. kernel start up to init) splits the VM's start into VMM,
			 * kernel and init+workload phases: keep it as a series. */
			char metric[64];
			snprintf(metric, sizeof(metric), "%.*s", (int)strlen(r->metric) - 3,
			         r->metric);
			s = run_series(res, env, r->suite, metric, "ms", err);
			if (!s || series_add_sample(s, r->value / 1e6, err) < 0)
				return -1;
			continue;
		}
		if (r->kind == BB_REC_INFO) {
			run_fact(res, env, r, rep);
			continue;
		}
		s = run_series(res, env, r->suite, r->metric, r->unit[0] ? r->unit : "-", err);
		if (!s)
			return -1;
		if (r->kind == BB_REC_ERROR ? series_add_error(s, (int)rep, r->text, err) < 0
		                            : series_add_sample(s, r->value, err) < 0)
			return -1;
		s->truncated += r->kind == BB_REC_METRIC && r->truncated;
	}
	return 0;
}

static int run_keep(struct bb_run *run, struct bb_result *res, const struct bb_env *env,
                    const char *suite, const struct bb_sample *smp, long rep, struct bb_err *err)
{
	if (!smp->ok) {
		run->failed++;
		return run_sample_error(res, env, suite, rep, smp->error, err);
	}
	if (!strcmp(suite, "startup")) {
		/* One series at a time: creating a series may move the others (realloc), so a
		 * pointer is used before the next series is looked up. */
		struct bb_series *s = run_series(res, env, suite, "ready", "ms", err);
		if (!s || series_add_sample(s, (double)smp->ready_ns / 1e6, err) < 0)
			return -1;
		s = run_series(res, env, suite, "exit", "ms", err);
		if (!s || series_add_sample(s, (double)smp->exit_ns / 1e6, err) < 0 ||
		    run_before_kernel(res, env, smp, err) < 0)
			return -1;
	}
	/* An error the workload reports (a measurement it could not make) fails the sample. */
	for (size_t i = 0; i < smp->nrecs; i++)
		if (smp->recs[i].kind == BB_REC_ERROR) {
			run->failed++;
			break;
		}
	return run_record(res, env, smp, rep, err);
}

/* A failed warm-up sample is not measured, but it is told: a fact in the result. */
static void run_warmup_failed(struct bb_result *res, const struct bb_env *env, const char *suite,
                              const struct bb_sample *smp)
{
	if (smp->ok)
		return;
	json_array_append_new(res->facts, json_pack("{s:s, s:s, s:s, s:s, s:i}", "env", env->name,
	                                            "suite", suite, "key", "warmup_failed", "value",
	                                            smp->error, "rep", -1));
}

static void run_job(const struct bb_run *run, const struct bb_env *env, size_t si,
                    struct bb_job *job)
{
	job->suite = run->suites[si];
	job->args = run->suite_args[si][0] ? run->suite_args[si] : NULL;
	job->timeout_s = env->timeout_s > run->timeout_s ? env->timeout_s : run->timeout_s;
	const struct suite *s = suite_find(job->suite);
	job->storage = s && s->needs_storage;
}

/* Does env run suite si? A decomposition variant exists to price a start: it runs only the
 * suites that say variants run them. */
static bool run_wants(const struct bb_run *run, const struct bb_env *env, size_t si)
{
	const struct run_suite *rs = run_suite_find(suite_find(run->suites[si]));

	return !envdesc_is_variant(&env->desc) || (rs && rs->variants_run);
}

/* Each suite's step before the first sample (the isolation suite records the host's view). */
static int run_begin(struct bb_run *run, struct bb_result *res, struct bb_err *err)
{
	for (size_t si = 0; si < run->nsuites; si++) {
		const struct run_suite *rs = run_suite_find(suite_find(run->suites[si]));
		if (rs && rs->begin && rs->begin(&run->suite_state, res, err) < 0)
			return -1;
	}
	return 0;
}

/* Suites measured from outside while their instance idles (a live step: see runner.h). */
static const struct bb_live *run_live(struct bb_run *run, struct bb_result *res,
                                      const struct bb_job *job, long rep, struct bb_live *live)
{
	const struct run_suite *rs = run_suite_find(suite_find(job->suite));

	return rs && rs->live ? rs->live(&run->suite_state, res, rep, live) : NULL;
}

/* Progress: on a terminal one line rewritten in place; otherwise a line per warm-up, per
 * failed sample and per pair that stopped. */
static double run_eta(const struct bb_run *run, const struct sampling_cfg *c)
{
	double eta = 0;

	for (size_t i = 0; i < run->npairs; i++)
		eta += sampling_eta_s(&run->pairs[i], c);
	return eta;
}

static void run_progress(const struct bb_run *run, const struct sampling_cfg *c,
                         const struct run_pair *p, const struct bb_sample *smp, bool warm)
{
	const char *suite = run->suites[p->si], *env = run->envs[p->ei].name;
	char what[160];

	if (!run->progress)
		return;
	if (!smp->ok)
		snprintf(what, sizeof(what), "FAILED: %.100s", smp->error);
	else
		snprintf(what, sizeof(what), "ready %.3f ms", (double)smp->ready_ns / 1e6);
	if (run->progress_tty)
		fprintf(run->progress, "\r\033[K[round %ld] %s %s %s%ld %s  (at most ~%.0f s left)",
		        run->rounds, suite, env, warm ? "warm-up " : "n=", warm ? 0 : p->kept, what,
		        run_eta(run, c));
	else if (warm || !smp->ok)
		fprintf(run->progress, "boxbench: round %ld %s %s %s%s\n", run->rounds, suite, env,
		        warm ? "warm-up " : "", what);
	fflush(run->progress);
}

static void run_progress_stop(const struct bb_run *run, const struct run_pair *p)
{
	char prec[48] = "no interval";

	if (!run->progress)
		return;
	if (isfinite(p->precision))
		snprintf(prec, sizeof(prec), "+-%.1f%%", 100 * p->precision);
	if (p->target > 0)
		snprintf(prec + strlen(prec), sizeof(prec) - strlen(prec), " (target +-%.1f%%)",
		         100 * p->target);
	fprintf(run->progress, "%sboxbench: %s %s: %ld samples in %.1f s, %s, stopped: %s\n",
	        run->progress_tty ? "\r\033[K" : "", run->suites[p->si], run->envs[p->ei].name,
	        p->kept, p->spent_s, p->kept ? prec : "-", p->stop);
	fflush(run->progress);
}

static struct sampling_cfg run_sampling_cfg(const struct bb_run *run)
{
	return (struct sampling_cfg){ .reps = run->reps,
		                      .budget_s = run->budget_s,
		                      .max_n =
		                          run->max_reps > 0 ? run->max_reps : SAMPLING_MAX_DEFAULT,
		                      .seed = run->seed };
}

static void run_pairs_init(struct bb_run *run, const struct sampling_cfg *c)
{
	run->npairs = 0;
	for (size_t si = 0; si < run->nsuites; si++) {
		const struct suite *s = suite_find(run->suites[si]);
		const struct run_suite *rs = run_suite_find(s);
		double target = run->precision > 0 ? run->precision : run_suite_precision(s);
		for (size_t ei = 0; ei < run->nenvs; ei++) {
			struct run_pair *p = &run->pairs[run->npairs];
			if (!run_wants(run, &run->envs[ei], si))
				continue;
			sampling_pair_init(p, si, ei, target, rs ? rs->checks : 0, c);
			/* a variant starts only in the decomposition's blocks, with no target of
			 * its own: the blocks' rule decides (pairing.h) */
			p->paired = envdesc_is_variant(&run->envs[ei].desc);
			p->target = p->paired ? 0 : p->target;
			run->npairs++;
		}
	}
}

/* One instance of pair p: kept as sample p->kept, or a warm-up (discarded). */
static int run_one(struct bb_run *run, struct bb_result *res, const struct sampling_cfg *c,
                   struct run_pair *p, bool warm, double *ready_ms, struct bb_err *err)
{
	struct bb_env *env = &run->envs[p->ei];
	long rep = warm ? -1 : p->kept;
	struct bb_sample smp;
	struct bb_live live;
	struct bb_job job;
	uint64_t t0 = bb_now_ns();
	double dt;
	int rc = 0;

	run_job(run, env, p->si, &job);
	if (runner_sample_live(env, &job, run_live(run, res, &job, rep, &live), &smp, err) < 0)
		return -1;
	dt = (double)(bb_now_ns() - t0) / 1e9;
	if (bb_interrupted) { /* a sample cut short is not a sample */
		sample_free(&smp);
		return 1;
	}
	p->runs++;
	p->run_s += dt;
	if (ready_ms)
		*ready_ms = smp.ok ? (double)smp.ready_ns / 1e6 : NAN;
	if (!warm) {
		rc = run_keep(run, res, env, job.suite, &smp, rep, err);
		if (rc == 0)
			rc = results_stamp_seq(res, run->seq, err);
		p->kept++;
		p->ok += smp.ok;
		p->spent_s += dt;
	} else {
		run_warmup_failed(res, env, job.suite, &smp);
	}
	run->seq++;
	run_progress(run, c, p, &smp, warm);
	sample_free(&smp);
	return rc;
}

/* Warm-up: `warmup` instances of each environment (of the first suite it runs), in a
 * shuffled order. Every sample is a fresh instance, so what a warm-up warms is the host's:
 * page cache of the binaries and images, processor frequency. */
static int run_warmup(struct bb_run *run, struct bb_result *res, const struct sampling_cfg *c,
                      gsl_rng *rng, struct bb_err *err)
{
	size_t first[BB_MAX_ENVS], n = 0;

	for (size_t ei = 0; ei < run->nenvs; ei++)
		for (size_t i = 0; i < run->npairs; i++)
			if (run->pairs[i].ei == ei) {
				first[n++] = i;
				break;
			}
	sampling_shuffle(first, n, rng);
	for (long w = 0; w < run->warmup; w++)
		for (size_t k = 0; k < n; k++) {
			int rc = run_one(run, res, c, &run->pairs[first[k]], true, NULL, err);
			if (rc)
				return rc;
		}
	return 0;
}

/* One round: every active pair's batch, shuffled together. Returns 2 when no pair is left. */
static int run_round(struct bb_run *run, struct bb_result *res, const struct sampling_cfg *c,
                     gsl_rng *rng, size_t *slots, size_t cap, struct bb_err *err)
{
	size_t n = 0;

	for (size_t i = 0; i < run->npairs; i++)
		for (long b = sampling_batch(&run->pairs[i], c); b > 0 && n < cap; b--)
			slots[n++] = i;
	if (!n)
		return 2;
	sampling_shuffle(slots, n, rng);
	for (size_t k = 0; k < n; k++) {
		int rc = run_one(run, res, c, &run->pairs[slots[k]], false, NULL, err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < run->npairs; i++) {
		struct run_pair *p = &run->pairs[i];
		bool was = p->stop != NULL;
		if (sampling_update(p, c, res, run->suites[p->si], run->envs[p->ei].name, err) < 0)
			return -1;
		if (!was && p->stop)
			run_progress_stop(run, p);
	}
	run->rounds++;
	return 0;
}

/* Position of a series in the run's order: its suite's, then its environment's. */
static size_t run_series_rank(const struct bb_run *run, const struct bb_series *s)
{
	size_t si = run->nsuites, ei = run->nenvs;

	for (size_t i = 0; i < run->nsuites; i++)
		if (!strcmp(run->suites[i], s->suite))
			si = i;
	for (size_t i = 0; i < run->nenvs; i++)
		if (!strcmp(run->envs[i].name, s->env))
			ei = i;
	return si * (BB_MAX_ENVS + 1) + ei;
}

/* Series are created in the shuffled order their first samples came in: put them back in
 * the run's (suite by suite, environment by environment; a stable insertion sort keeps each
 * pair's metrics in the order the workload reports them). */
static void run_sort_series(const struct bb_run *run, struct bb_result *res)
{
	for (size_t i = 1; i < res->nseries; i++) {
		struct bb_series t = res->series[i];
		size_t j = i, rank = run_series_rank(run, &t);
		for (; j > 0 && run_series_rank(run, &res->series[j - 1]) > rank; j--)
			res->series[j] = res->series[j - 1];
		res->series[j] = t;
	}
}

/* Each series gets what its pair did: the target, why it stopped, the wall time. */
static void run_mark_series(struct bb_run *run, struct bb_result *res)
{
	for (size_t i = 0; i < run->npairs; i++) {
		const struct run_pair *p = &run->pairs[i];
		for (size_t k = 0; k < res->nseries; k++) {
			struct bb_series *s = &res->series[k];
			if (strcmp(s->suite, run->suites[p->si]) ||
			    strcmp(s->env, run->envs[p->ei].name))
				continue;
			/* a series measured once per pair (disk, density) has no target */
			s->target = s->n == (size_t)p->ok ? p->target : 0;
			snprintf(s->stop, sizeof(s->stop), "%s", p->stop ? p->stop : "interrupted");
			s->wall_s = p->spent_s;
		}
	}
}

/* The startup pair of environment ei, or NULL. */
static struct run_pair *run_startup_pair(struct bb_run *run, size_t ei)
{
	for (size_t i = 0; i < run->npairs; i++)
		if (run->pairs[i].ei == ei && !strcmp(run->suites[run->pairs[i].si], "startup"))
			return &run->pairs[i];
	return NULL;
}

/* The blocks' columns: native, the full container the variants come from, then the variants
 * with a startup pair; cols[k] is column k's pair. No variant: no blocks (ncols 0). */
static int run_pairing_cols(struct bb_run *run, const struct sampling_cfg *c,
                            struct run_pair **cols, struct bb_err *err)
{
	struct pairing *pg = &run->pairing;
	const char *full = NULL;

	pairing_init(pg, c->seed);
	for (size_t ei = 0; ei < run->nenvs && !full; ei++)
		if (run_startup_pair(run, ei) && run->envs[ei].desc.variant_of[0])
			full = run->envs[ei].desc.variant_of;
	for (size_t ei = 0; full && ei < run->nenvs; ei++) {
		const struct bb_envdesc *d = &run->envs[ei].desc;
		struct run_pair *p = run_startup_pair(run, ei);
		bool is_full = !strcmp(d->name, full), is_var = !strcmp(d->variant_of, full);
		int k;
		if (!p || !(d->class == BB_CLASS_NATIVE || is_full || is_var) ||
		    (d->class == BB_CLASS_NATIVE && pg->native >= 0))
			continue;
		if ((k = pairing_add_col(pg, d->name, err)) < 0)
			return -1;
		cols[k] = p;
		pg->native = d->class == BB_CLASS_NATIVE ? k : pg->native;
		pg->full = is_full ? k : pg->full;
	}
	if (pg->full < 0)
		pg->ncols = 0; /* variants without their full box: nothing to pair them with */
	pg->target =
	    run->precision > 0 ? run->precision : run_suite_precision(suite_find("startup"));
	pg->budget_s = run->decompose_budget_s > 0 ? run->decompose_budget_s : run->budget_s;
	pg->fixed = run->reps;
	pg->max_blocks = c->max_n;
	return 0;
}

/* One block: a start of every column, in a shuffled order. */
static int run_block(struct bb_run *run, struct bb_result *res, const struct sampling_cfg *c,
                     gsl_rng *rng, struct run_pair **cols, struct bb_err *err)
{
	struct pairing *pg = &run->pairing;
	size_t order[PAIRING_MAX_COLS];
	uint64_t t0 = bb_now_ns();

	if (pairing_block(pg, rng, order, err) < 0)
		return -1;
	for (size_t k = 0; k < pg->ncols; k++) {
		double ms = NAN;
		int rc = run_one(run, res, c, cols[order[k]], false, &ms, err);
		if (rc)
			return rc;
		pairing_set(pg, order[k], ms);
	}
	pg->spent_s += (double)(bb_now_ns() - t0) / 1e9;
	return pairing_update(pg, err);
}

/* The decomposition's blocks, after the rounds; the variants' pairs stop with them. */
static int run_blocks(struct bb_run *run, struct bb_result *res, const struct sampling_cfg *c,
                      gsl_rng *rng, struct bb_err *err)
{
	struct run_pair *cols[PAIRING_MAX_COLS];
	struct pairing *pg = &run->pairing;
	int rc = 0;

	if (run_pairing_cols(run, c, cols, err) < 0)
		return -1;
	while (pg->ncols && !pg->stop && rc == 0)
		rc = run_block(run, res, c, rng, cols, err);
	if (rc > 0)
		pg->stop = "interrupted";
	for (size_t i = 0; i < run->npairs; i++)
		if (run->pairs[i].paired && !run->pairs[i].stop)
			run->pairs[i].stop = pg->stop ? pg->stop : "interrupted";
	if (run->progress && pg->ncols)
		fprintf(
		    run->progress,
		    "%sboxbench: decomposition: %zu blocks of %zu starts in %.1f s, stopped: %s\n",
		    run->progress_tty ? "\r\033[K" : "", pg->nblocks, pg->ncols, pg->spent_s,
		    pg->stop ? pg->stop : "-");
	return rc;
}

static int run_rounds(struct bb_run *run, struct bb_result *res, const struct sampling_cfg *c,
                      gsl_rng *rng, struct bb_err *err)
{
	size_t cap = 0;
	size_t *slots;
	int rc;

	for (size_t i = 0; i < run->npairs; i++)
		cap += (size_t)(run->pairs[i].fixed ? 1 : c->max_n);
	if (!(slots = calloc(cap ? cap : 1, sizeof(*slots))))
		return bb_fail(err, ENOMEM, "run: order of a round");
	if (run_begin(run, res, err) < 0)
		rc = -1;
	else
		rc = run_warmup(run, res, c, rng, err);
	while (rc == 0)
		rc = run_round(run, res, c, rng, slots, cap, err);
	free(slots);
	if (rc == 2)
		rc = run_blocks(run, res, c, rng, err);
	return rc;
}

int run_samples(struct bb_run *run, struct bb_result *res, struct bb_err *err)
{
	struct sampling_cfg c = run_sampling_cfg(run);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int rc;

	if (!rng)
		return bb_fail(err, ENOMEM, "run: random order");
	/* The order's own stream: seeded like the bootstrap, drawn from independently. */
	gsl_rng_set(rng, c.seed);
	run_pairs_init(run, &c);
	rc = run_rounds(run, res, &c, rng, err);
	gsl_rng_free(rng);
	run_mark_series(run, res);
	run_sort_series(run, res);
	if (run->progress && run->progress_tty)
		fputc('\n', run->progress);
	return rc;
}
