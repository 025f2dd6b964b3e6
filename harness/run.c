#include "run.h"

#include <math.h>
#include <stdio.h>
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
			/* A guest's own clock (guest_boot_ns: kernel up to init) splits the VM's
			 * start into VMM+kernel and init+workload phases: keep it as a series. */
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
	return run_record(res, env, smp, rep, err);
}

static void run_progress(struct bb_run *run, size_t done, size_t total, uint64_t t_start,
                         const struct bb_env *env, const char *suite, long rep,
                         const struct bb_sample *smp)
{
	double elapsed = (double)(bb_now_ns() - t_start) / 1e9;
	double eta = done ? elapsed / (double)done * (double)(total - done) : 0;
	char what[160];

	if (!run->progress)
		return;
	if (!smp->ok)
		snprintf(what, sizeof(what), "FAILED: %.100s", smp->error);
	else
		snprintf(what, sizeof(what), "ready %.3f ms", (double)smp->ready_ns / 1e6);
	if (run->progress_tty) {
		int width = 24, fill = (int)((double)width * (double)done / (double)total);
		fprintf(run->progress, "\r\033[K[%.*s%*s] %zu/%zu ETA %.0fs %s %s %s%s", fill,
		        "########################", width - fill, "", done, total, eta, suite,
		        env->name, rep < 0 ? "warm-up " : "", what);
		if (done == total)
			fputc('\n', run->progress);
	} else {
		fprintf(run->progress, "boxbench: %zu/%zu %s %s %s%s\n", done, total, suite,
		        env->name, rep < 0 ? "warm-up " : "", what);
	}
	fflush(run->progress);
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
		if (rs && rs->begin && rs->begin(run, res, err) < 0)
			return -1;
	}
	return 0;
}

/* Suites measured from outside while their instance idles (a live step: see runner.h). */
static const struct bb_live *run_live(struct bb_run *run, struct bb_result *res,
                                      const struct bb_job *job, long rep, struct bb_live *live)
{
	const struct run_suite *rs = run_suite_find(suite_find(job->suite));

	return rs && rs->live ? rs->live(run, res, rep, live) : NULL;
}

int run_samples(struct bb_run *run, struct bb_result *res, struct bb_err *err)
{
	size_t total = 0, done = 0;

	for (size_t si = 0; si < run->nsuites; si++)
		for (size_t ei = 0; ei < run->nenvs; ei++)
			total += run_wants(run, &run->envs[ei], si);
	total *= (size_t)(run->reps + run->warmup);
	uint64_t t_start = bb_now_ns();

	if (run_begin(run, res, err) < 0)
		return -1;
	/* Round-robin: every environment gets its turn in each repetition, so slow drift of
	 * the machine (thermal, background load) hits all of them alike. */
	for (long rep = -run->warmup; rep < run->reps; rep++) {
		for (size_t si = 0; si < run->nsuites; si++) {
			for (size_t ei = 0; ei < run->nenvs; ei++) {
				struct bb_env *env = &run->envs[ei];
				struct bb_sample smp;
				struct bb_live live;
				struct bb_job job;
				int rc;

				if (bb_interrupted)
					return 1;
				if (!run_wants(run, env, si))
					continue;
				run_job(run, env, si, &job);
				if (runner_sample_live(env, &job,
				                       run_live(run, res, &job, rep, &live), &smp,
				                       err) < 0)
					return -1;
				if (bb_interrupted) { /* a sample cut short is not a sample */
					sample_free(&smp);
					return 1;
				}
				rc = rep >= 0 ? run_keep(run, res, env, job.suite, &smp, rep, err)
				              : 0;
				run_progress(run, ++done, total, t_start, env, job.suite, rep,
				             &smp);
				sample_free(&smp);
				if (rc < 0)
					return -1;
			}
		}
	}
	return 0;
}
