#include "runsuite.h"

#include <stdio.h>

#include "footprint.h"
#include "isolation.h"
#include "sampling.h"

extern const struct suite suite_mem;
extern const struct suite suite_isolation;
extern const struct suite suite_footprint;
extern const struct suite suite_startup;
extern const struct suite suite_limits;
extern const struct suite suite_io;

/* mem: an array far larger than the LLC (8x), so that its random walk misses the caches; capped
 * so that the default guest and cgroup still hold it. */
static size_t mem_args(const struct run_suite_ctx *ctx, char **argv, size_t max)
{
	static char mib_text[24];
	unsigned long long llc_mib = ctx->llc_bytes >> 20;
	unsigned long long mib = llc_mib ? 8 * llc_mib : 64;

	if (max < 2)
		return 0;
	mib = mib < 16 ? 16 : mib > 256 ? 256 : mib;
	snprintf(mib_text, sizeof(mib_text), "%llu", mib);
	argv[0] = "--array-mib";
	argv[1] = mib_text;
	return 2;
}

static const struct run_suite run_mem = {
	.suite = &suite_mem,
	.args = mem_args,
};

static size_t isolation_args(const struct run_suite_ctx *ctx, char **argv, size_t max)
{
	(void)ctx;
	return isolation_suite_args(argv, max);
}

/* The host's own view, against which the suite's facts from inside each box are compared. */
static int isolation_begin(struct run_suite_state *st, struct bb_result *res, struct bb_err *err)
{
	(void)st;
	return isolation_record_host(res, &suite_isolation.name, 1, err);
}

/* What a box lets its workload see is a fact, not an estimate: one instance each. */
static const struct run_suite run_isolation = {
	.suite = &suite_isolation,
	.args = isolation_args,
	.begin = isolation_begin,
	.checks = 1,
};

/* Whether a limit holds is checked, not estimated (claims read the first instance's facts):
 * one instance each, which in an emulated guest touching its memory up to the OOM killer
 * costs several seconds. */
static const struct run_suite run_limits = {
	.suite = &suite_limits,
	.checks = 1,
};

#define FP_OPT(f) (offsetof(struct run_suite_state, footprint) + offsetof(struct fp_ctx, f))

static const struct bb_option footprint_options[] = {
	{ .name = "density",
	  .type = BB_OPT_UINT,
	  .field = FP_OPT(density),
	  .min = FP_MIN_DENSITY,
	  .max = FP_MAX_DENSITY,
	  .arg = "K",
	  .help = "most instances the density measures at once (default 32)" },
	{ .name = "density-share",
	  .type = BB_OPT_UINT,
	  .field = FP_OPT(share),
	  .min = 1,
	  .max = 100,
	  .arg = "PCT",
	  .help = "the density grows until the memory measured reaches PCT% of --budget (default "
	          "10)" },
	{ .name = "density-time",
	  .type = BB_OPT_DOUBLE,
	  .field = FP_OPT(time_s),
	  .min = 1,
	  .max = 3600,
	  .arg = "S",
	  .help = "time budget of the density per environment, in s (default 60, --quick 15)" },
	{ .name = "budget",
	  .type = BB_OPT_SIZE,
	  .field = FP_OPT(budget),
	  .min = 1,
	  .arg = "SIZE",
	  .help = "memory budget the density is extrapolated to (default 16G)" },
	BB_OPTIONS_END,
};

static const struct bb_live *footprint_step(struct run_suite_state *st, struct bb_result *res,
                                            long rep, struct bb_live *live)
{
	st->footprint.res = res;
	*live = (struct bb_live){
		.trigger = FP_TRIGGER, .fn = footprint_live, .ctx = &st->footprint, .rep = rep
	};
	return live;
}

static const struct run_suite run_footprint = {
	.suite = &suite_footprint,
	.options = footprint_options,
	.live = footprint_step,
};

/* Startup costs a few milliseconds a sample natively: a tighter target is cheap. */
static const struct run_suite run_startup = {
	.suite = &suite_startup,
	.variants_run = true,
	.precision = 0.02,
};

#define IO_OPT(f) (offsetof(struct run_suite_state, io) + offsetof(struct run_io_opts, f))

static const struct bb_option io_options[] = {
	{ .name = "io-mib",
	  .type = BB_OPT_UINT,
	  .field = IO_OPT(mib),
	  .min = 1,
	  .max = 65536,
	  .arg = "N",
	  .help = "MiB of the file every box writes and reads (default 128, --quick 64; a VM's "
	          "disk image is sized to hold it)" },
	{ .name = "io-reads",
	  .type = BB_OPT_UINT,
	  .field = IO_OPT(reads),
	  .min = 1,
	  .max = 10000000,
	  .arg = "N",
	  .help = "random 4 KiB reads timed one by one per instance (default 2000, --quick "
	          "1000)" },
	BB_OPTIONS_END,
};

void run_io_size(const struct run_io_opts *o, bool quick, unsigned *mib, unsigned *reads)
{
	*mib = o && o->mib ? o->mib : quick ? RUN_IO_QUICK_MIB : RUN_IO_MIB;
	*reads = o && o->reads ? o->reads : quick ? RUN_IO_QUICK_READS : RUN_IO_READS;
}

static size_t io_args(const struct run_suite_ctx *ctx, char **argv, size_t max)
{
	static char mib_text[16], reads_text[16];
	unsigned mib, reads;

	if (max < 4)
		return 0;
	run_io_size(ctx->state ? &ctx->state->io : NULL, ctx->quick, &mib, &reads);
	snprintf(mib_text, sizeof(mib_text), "%u", mib);
	snprintf(reads_text, sizeof(reads_text), "%u", reads);
	argv[0] = "--size-mib";
	argv[1] = mib_text;
	argv[2] = "--reads";
	argv[3] = reads_text;
	return 4;
}

static const struct run_suite run_io = {
	.suite = &suite_io,
	.options = io_options,
	.args = io_args,
};

/* The table: a suite that needs the harness for more than running it adds one line here. */
/* clang-format off */
const struct run_suite *const run_suites[] = {
	&run_startup,
	&run_mem,
	&run_isolation,
	&run_limits,
	&run_footprint,
	&run_io,
	NULL,
};
/* clang-format on */

double run_suite_precision(const struct suite *s)
{
	const struct run_suite *rs = run_suite_find(s);

	return rs && rs->precision > 0 ? rs->precision : SAMPLING_TARGET_DEFAULT;
}

const struct run_suite *run_suite_find(const struct suite *s)
{
	for (size_t i = 0; s && run_suites[i]; i++)
		if (run_suites[i]->suite == s)
			return run_suites[i];
	return NULL;
}
