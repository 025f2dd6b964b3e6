/* cpu: pure user-mode computation, which a box should not slow down at all (claim C7: a VM's
 * code runs on the hardware except privileged operations). Identical inputs everywhere. */
#include "measure.h"
#include "record.h"
#include "suite.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdint.h>

#define CPU_SUITE "cpu"
/* 128x128 doubles = 128 KiB per matrix, 384 KiB for A, B and C: they fit in the L2 cache of
 * current x86 cores (512 KiB..2 MiB), so the multiply measures the core's floating point and
 * not memory bandwidth, which the mem suite measures on its own. */
#define CPU_DGEMM_N 128

struct cpu_dgemm {
	gsl_matrix *a, *b, *c;
	volatile double sink;
};

struct cpu_hash {
	uint64_t state;
	volatile uint64_t sink;
};

static void cpu_dgemm_op(void *ctx, uint64_t n)
{
	struct cpu_dgemm *d = ctx;

	for (uint64_t i = 0; i < n; i++)
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, d->a, d->b, 0.0, d->c);
	d->sink = gsl_matrix_get(d->c, CPU_DGEMM_N - 1, CPU_DGEMM_N - 1);
}

/* splitmix64's finaliser. Each round feeds on the previous result: a serial dependency chain
 * the compiler can neither vectorise nor fold, so the work is the same at every -O level. */
static void cpu_hash_op(void *ctx, uint64_t n)
{
	struct cpu_hash *h = ctx;
	uint64_t z = h->state;

	for (uint64_t i = 0; i < n; i++) {
		z += 0x9e3779b97f4a7c15ull;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
	}
	h->state = z;
	h->sink = z;
}

/* Deterministic, non-trivial inputs (no zeros or denormals, which some FPUs handle slowly). */
static void cpu_fill(gsl_matrix *m, double seed)
{
	for (size_t i = 0; i < m->size1; i++)
		for (size_t j = 0; j < m->size2; j++)
			gsl_matrix_set(m, i, j,
			               1.0 + (double)((i * 31 + j * 17) % 97) / 97.0 + seed);
}

static void cpu_measure_dgemm(const struct bb_measure_opts *o)
{
	struct cpu_dgemm d = { 0 };
	struct bb_bench b = { .op = cpu_dgemm_op, .ctx = &d };
	struct bb_measure_result r;
	struct bb_err err = { 0 };
	const double flops = 2.0 * CPU_DGEMM_N * CPU_DGEMM_N * CPU_DGEMM_N;

	d.a = gsl_matrix_alloc(CPU_DGEMM_N, CPU_DGEMM_N);
	d.b = gsl_matrix_alloc(CPU_DGEMM_N, CPU_DGEMM_N);
	d.c = gsl_matrix_calloc(CPU_DGEMM_N, CPU_DGEMM_N);
	if (!d.a || !d.b || !d.c) {
		rec_error(CPU_SUITE, "dgemm", "out of memory for three 128x128 matrices");
		goto out;
	}
	cpu_fill(d.a, 0.0);
	cpu_fill(d.b, 0.5);
	if (measure_run(&measure_clock_monotonic, o, &b, &r, &err) < 0) {
		rec_error(CPU_SUITE, "dgemm", err.msg);
		goto out;
	}
	/* 2n^3 flops per multiply (n^3 multiply-adds); flop per ns is GFLOP/s. */
	measure_report(CPU_SUITE, "dgemm", r.ns_per_op > 0 ? flops / r.ns_per_op : NAN, &r);
out:
	gsl_matrix_free(d.a);
	gsl_matrix_free(d.b);
	gsl_matrix_free(d.c);
}

static void cpu_measure_hash(const struct bb_measure_opts *o)
{
	struct cpu_hash h = { .state = 0x243f6a8885a308d3ull };
	struct bb_bench b = { .op = cpu_hash_op, .ctx = &h };
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	if (measure_run(&measure_clock_monotonic, o, &b, &r, &err) < 0) {
		rec_error(CPU_SUITE, "hash", err.msg);
		return;
	}
	/* One hash per op; ops per ns x 1000 is Mops/s. */
	measure_report(CPU_SUITE, "hash", r.ns_per_op > 0 ? 1000.0 / r.ns_per_op : NAN, &r);
}

static int cpu_run(int argc, char **argv)
{
	static const struct option longopts[] = { MEASURE_LONG_OPTIONS, { 0 } };
	struct bb_measure_opts o;
	struct bb_err err = { 0 };

	/* GSL's default handler abort()s: an allocation failure must become an error record. */
	gsl_set_error_handler_off();
	measure_defaults(&o);
	if (measure_parse_args(argc, argv, longopts, &o, NULL, NULL, &err) < 0) {
		rec_error(CPU_SUITE, "options", err.msg);
		return 2;
	}
	cpu_measure_dgemm(&o);
	cpu_measure_hash(&o);
	return 0;
}

const struct suite suite_cpu = {
	.name = "cpu",
	.summary = "GFLOP/s of a 128x128 dgemm (GSL BLAS), Mops/s of an integer hash loop",
	.settles = "C7",
	.run = cpu_run,
	.measure_opts = 1,
};
