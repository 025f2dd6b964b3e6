/* boxbench run: measure the requested suites in the requested environments. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "decomp.h"
#include "footprint.h"
#include "ns.h"
#include "host.h"
#include "image.h"
#include "isolation.h"
#include "options.h"
#include "opttab.h"
#include "outfile.h"
#include "proc.h"
#include "run.h"
#include "runsuite.h"
#include "show.h"
#include "suite.h"
#include "sweep.h"
#include "vm_disk.h"

#define RUN_MAX_IMAGES  4
#define RUN_RESULTS_DIR "results"
/* Set (to anything) by boxbench's tests to run the internal suites. */
#define RUN_INTERNAL_ENV "BOXBENCH_INTERNAL_SUITES"
/* Wall-time budget per (suite, environment) pair. */
#define RUN_BUDGET_S       8.0
#define RUN_BUDGET_QUICK_S 2.0
/* Wall-time budget of the decomposition's blocks (pairing.h). */
#define RUN_DECOMP_BUDGET_S       30.0
#define RUN_DECOMP_BUDGET_QUICK_S 15.0

/* --load-arg ARG, repeatable */
struct run_load_args {
	char *v[BB_MAX_SUITE_ARGS];
	size_t n;
};

struct run_cli {
	/* run's own options (run_options) */
	const char *envs_arg, *suites_arg, *image_arg, *images_dir, *out, *scratch_arg;
	bool force, quick, decompose;
	long reps, warmup, pu, seed, max_reps;
	double timeout_s, precision_pct, budget_s, decompose_budget_s;
	struct run_load_args load;
	/* what they say */
	char *envs_buf, *suites_buf, *img_buf;
	char *envs[BB_MAX_ENVS];
	size_t nenvs;
	char *images[RUN_MAX_IMAGES];
	size_t nimages;
	/* the launchers' options (their tables) and the boxes' copies of them */
	struct bb_env_opts opts;
	struct bb_env_opts variant_opts[BB_MAX_ENVS];
	size_t nvariants;
	char scratch[4096];
	bool scratch_made;
	char cmdline[2048];
};

static int run_parse_load_arg(void *field, const char *arg, struct bb_err *err)
{
	struct run_load_args *a = field;

	if (a->n + 1 >= BB_MAX_SUITE_ARGS)
		return bb_fail(err, 0, "at most %d", BB_MAX_SUITE_ARGS - 2);
	a->v[a->n++] = (char *)arg;
	return 0;
}

#define RUN_OPT(f) offsetof(struct run_cli, f)

static const struct bb_option run_options[] = {
	{ .name = "envs",
	  .type = BB_OPT_STRING,
	  .field = RUN_OPT(envs_arg),
	  .arg = "LIST",
	  .help = "environments, comma-separated (default: every one available here)" },
	{ .name = "suites",
	  .type = BB_OPT_STRING,
	  .field = RUN_OPT(suites_arg),
	  .arg = "LIST",
	  .help = "workload suites (default: startup; 'all' for every suite)" },
	{ .name = "precision",
	  .type = BB_OPT_DOUBLE,
	  .field = RUN_OPT(precision_pct),
	  .min = 0.1,
	  .max = 50,
	  .arg = "PCT",
	  .help = "sample each suite in each environment until the 95% CI of every median it "
	          "yields is within +-PCT% (default: the suite's, 2 for startup, 3 for the rest)" },
	{ .name = "budget-s",
	  .type = BB_OPT_DOUBLE,
	  .field = RUN_OPT(budget_s),
	  .min = 0.1,
	  .max = 86400,
	  .arg = "S",
	  .help = "or until its samples took S seconds, per suite and environment, after at "
	          "least 10 samples (5 where one takes 0.1 s or more) (default 8, --quick 2)" },
	{ .name = "max-reps",
	  .type = BB_OPT_LONG,
	  .field = RUN_OPT(max_reps),
	  .min = 1,
	  .max = 100000,
	  .arg = "N",
	  .help = "at most N samples per suite and environment (default 5000)" },
	{ .name = "reps",
	  .type = BB_OPT_LONG,
	  .field = RUN_OPT(reps),
	  .min = 1,
	  .max = 100000,
	  .arg = "N",
	  .help = "exactly N samples per suite and environment instead (no target; no CI "
	          "below 5)" },
	{ .name = "warmup",
	  .type = BB_OPT_LONG,
	  .field = RUN_OPT(warmup),
	  .min = 0,
	  .max = 100000,
	  .arg = "N",
	  .help = "discarded instances per environment first (default 2, --quick 1)" },
	{ .name = "quick",
	  .type = BB_OPT_SET,
	  .field = RUN_OPT(quick),
	  .help = "a shorter budget (2 s per suite and environment) and shorter measurements" },
	{ .name = "seed",
	  .type = BB_OPT_LONG,
	  .field = RUN_OPT(seed),
	  .min = 0,
	  .max = 0x7fffffff,
	  .arg = "N",
	  .help = "seed of the sample order and the bootstrap (default 1; recorded)" },
	{ .name = "timeout",
	  .type = BB_OPT_DOUBLE,
	  .field = RUN_OPT(timeout_s),
	  .min = 0.1,
	  .max = 86400,
	  .arg = "S",
	  .help = "seconds before a sample is killed (default 60)" },
	{ .name = "pu",
	  .type = BB_OPT_LONG,
	  .field = RUN_OPT(pu),
	  .min = 0,
	  .max = 4095,
	  .arg = "N",
	  .help = "pin workloads to this OS processing unit (default: chosen with hwloc)" },
	{ .name = "scratch",
	  .type = BB_OPT_STRING,
	  .field = RUN_OPT(scratch_arg),
	  .arg = "DIR",
	  .help = "storage for the io suite (default: a new directory in /var/tmp)" },
	{ .name = "decompose",
	  .type = BB_OPT_SET,
	  .field = RUN_OPT(decompose),
	  .help = "also run each box that can be taken apart minus one part at a time, in "
	          "blocks of one start each of native, the box and every variant (paired)" },
	{ .name = "decompose-budget-s",
	  .type = BB_OPT_DOUBLE,
	  .field = RUN_OPT(decompose_budget_s),
	  .min = 0.1,
	  .max = 86400,
	  .arg = "S",
	  .help = "the blocks go on until each part's 95% CI is within the precision target "
	          "(of the box's start) or they took S seconds, after at least 10 (default 30, "
	          "--quick 15)" },
	{ .name = "image",
	  .type = BB_OPT_STRING,
	  .field = RUN_OPT(image_arg),
	  .arg = "LIST",
	  .help = "root images (default minimal); each other one adds a BOX-IMAGE box" },
	{ .name = "images-dir",
	  .type = BB_OPT_STRING,
	  .field = RUN_OPT(images_dir),
	  .arg = "DIR",
	  .help = "where images live (default: images/ beside boxbench-load)" },
	{ .name = "output",
	  .short_name = 'o',
	  .type = BB_OPT_STRING,
	  .field = RUN_OPT(out),
	  .arg = "FILE",
	  .help = "result file (default results/<id>.json)" },
	{ .name = "force",
	  .type = BB_OPT_SET,
	  .field = RUN_OPT(force),
	  .help = "replace an existing result file" },
	{ .name = "load-arg",
	  .type = BB_OPT_CUSTOM,
	  .field = RUN_OPT(load),
	  .parse = run_parse_load_arg,
	  .arg = "ARG",
	  .help = "pass ARG to every workload (repeatable; --load-arg=--inject-delay-us ...)" },
	BB_OPTIONS_END,
};

/* The option groups: run's own, then every launcher's and every suite's that has options. */
static size_t run_groups(struct run_cli *cli, struct bb_run *run, struct bb_opt_group *g,
                         size_t max)
{
	static char titles[BB_MAX_ENVS + BB_MAX_SUITES][96];
	size_t n = 0, t = 0;

	g[n++] = (struct bb_opt_group){ "run", run_options, cli };
	for (size_t i = 0; launchers[i] && n < max && t < BB_MAX_ENVS; i++) {
		if (!launchers[i]->options)
			continue;
		snprintf(titles[t], sizeof(titles[t]), "%s: %s", launchers[i]->name,
		         launchers[i]->summary);
		g[n++] = (struct bb_opt_group){ titles[t++], launchers[i]->options, &cli->opts };
	}
	for (size_t i = 0; run_suites[i] && n < max && t < BB_MAX_ENVS + BB_MAX_SUITES; i++) {
		if (!run_suites[i]->options)
			continue;
		snprintf(titles[t], sizeof(titles[t]), "suite %s: %s", run_suites[i]->suite->name,
		         run_suites[i]->suite->summary);
		g[n++] =
		    (struct bb_opt_group){ titles[t++], run_suites[i]->options, &run->suite_state };
	}
	return n;
}

static int run_parse_suites(struct run_cli *cli, struct bb_run *run, struct bb_err *err)
{
	char *items[BB_MAX_SUITES];
	size_t n;

	if (!cli->suites_arg) {
		run->suites[run->nsuites++] = "startup";
		return 0;
	}
	if (!strcmp(cli->suites_arg, "all")) {
		for (n = 0; suites[n] && run->nsuites < BB_MAX_SUITES; n++)
			if (!suites[n]->internal)
				run->suites[run->nsuites++] = suites[n]->name;
		return 0;
	}
	if (cli_list("--suites", cli->suites_arg, items, BB_MAX_SUITES, &n, &cli->suites_buf, err) <
	    0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct suite *s = suite_find(items[i]);
		/* Internal suites (misbehaving workloads) are for boxbench's own tests. */
		if (!s || (s->internal && !getenv(RUN_INTERNAL_ENV)))
			return bb_fail(err, 0, "--suites: unknown suite '%s'", items[i]);
		run->suites[i] = items[i];
	}
	run->nsuites = n;
	return 0;
}

static int run_parse_images(struct run_cli *cli, struct bb_err *err)
{
	static char *const minimal_only[] = { IMAGE_MINIMAL };

	if (!cli->image_arg) {
		cli->images[0] = minimal_only[0];
		cli->nimages = 1;
		return 0;
	}
	if (cli_list("--image", cli->image_arg, cli->images, RUN_MAX_IMAGES, &cli->nimages,
	             &cli->img_buf, err) < 0)
		return -1;
	for (size_t i = 0; i < cli->nimages; i++)
		if (!image_name_valid(cli->images[i]))
			return bb_fail(err, 0,
			               "--image: '%s' is not an image name (1..%d of a-z, 0-9, _)",
			               cli->images[i], IMAGE_NAME_MAX);
	return 0;
}

static bool run_has_image(const struct run_cli *cli, const char *name)
{
	for (size_t i = 0; i < cli->nimages; i++)
		if (!strcmp(cli->images[i], name))
			return true;
	return false;
}

static bool run_wants_launcher(const struct run_cli *cli, const struct launcher *l)
{
	for (size_t i = 0; i < cli->nenvs; i++)
		if (!strcmp(cli->envs[i], l->name))
			return true;
	return !cli->envs_arg;
}

/* Options that cannot go together: run's own, then each requested launcher's with every
 * image it will run on. */
static int run_check(struct run_cli *cli, struct bb_err *err)
{
	struct bb_env_opts o = cli->opts;

	if (cli->decompose && !run_has_image(cli, IMAGE_MINIMAL))
		return bb_fail(err, 0,
		               "--decompose takes the minimal boxes apart: add minimal to --image");
	o.images_dir = cli->images_dir;
	for (size_t k = 0; k < cli->nimages; k++) {
		o.image = strcmp(cli->images[k], IMAGE_MINIMAL) ? cli->images[k] : NULL;
		for (size_t i = 0; launchers[i]; i++)
			if (launchers[i]->check && run_wants_launcher(cli, launchers[i]) &&
			    (!o.image || launchers[i]->caps & BB_CAP_IMAGE) &&
			    launchers[i]->check(&o, err) < 0)
				return -1;
	}
	return 0;
}

static void run_cmdline(struct run_cli *cli, int argc, char **argv)
{
	char *line = cli_command_line(argc, argv);

	snprintf(cli->cmdline, sizeof(cli->cmdline), "%s", line ? line : "boxbench run");
	free(line);
}

static int run_parse_lists(struct run_cli *cli, struct bb_run *run, struct bb_err *err)
{
	if (cli->envs_arg && cli_list("--envs", cli->envs_arg, cli->envs, BB_MAX_ENVS, &cli->nenvs,
	                              &cli->envs_buf, err) < 0)
		return -1;
	if (run_parse_suites(cli, run, err) < 0 || run_parse_images(cli, err) < 0)
		return -1;
	return run_check(cli, err);
}

static int run_defaults(struct run_cli *cli, struct bb_run *run, struct bb_err *err)
{
	if (cli->reps > 0 && (cli->precision_pct > 0 || cli->budget_s > 0 || cli->max_reps > 0 ||
	                      cli->decompose_budget_s > 0))
		return bb_fail(err, 0,
		               "--reps fixes the count: --precision, --budget-s, "
		               "--decompose-budget-s and --max-reps do not apply");
	if (cli->decompose_budget_s > 0 && !cli->decompose)
		return bb_fail(err, 0, "--decompose-budget-s is the budget of --decompose");
	run->reps = cli->reps > 0 ? cli->reps : 0;
	run->precision = cli->precision_pct > 0 ? cli->precision_pct / 100 : 0;
	run->budget_s = cli->budget_s > 0 ? cli->budget_s
	                : cli->quick      ? RUN_BUDGET_QUICK_S
	                                  : RUN_BUDGET_S;
	run->max_reps = cli->max_reps > 0 ? cli->max_reps : SAMPLING_MAX_DEFAULT;
	run->decompose_budget_s = cli->decompose_budget_s > 0 ? cli->decompose_budget_s
	                          : cli->quick                ? RUN_DECOMP_BUDGET_QUICK_S
	                                                      : RUN_DECOMP_BUDGET_S;
	run->seed = (unsigned long)cli->seed;
	run->warmup = cli->warmup >= 0 ? cli->warmup : cli->quick ? 1 : 2;
	run->timeout_s = cli->timeout_s;
	if (!run->suite_state.footprint.budget)
		run->suite_state.footprint.budget = FP_DEFAULT_BUDGET;
	if (!run->suite_state.footprint.density)
		run->suite_state.footprint.density = FP_DEFAULT_DENSITY;
	if (!run->suite_state.footprint.share)
		run->suite_state.footprint.share = FP_DEFAULT_SHARE;
	if (!(run->suite_state.footprint.time_s > 0))
		run->suite_state.footprint.time_s =
		    cli->quick ? FP_DENSITY_QUICK_S : FP_DENSITY_TIME_S;
	return 0;
}

/* Fills cli and run; *done is set when there is nothing to run (--help). */
static int run_parse(int argc, char **argv, struct run_cli *cli, struct bb_run *run, bool *done,
                     struct bb_err *err)
{
	struct bb_opt_group groups[1 + BB_MAX_ENVS + BB_MAX_SUITES];
	size_t ng = run_groups(cli, run, groups, sizeof(groups) / sizeof(groups[0]));

	cli->reps = cli->warmup = cli->pu = cli->max_reps = -1;
	cli->seed = 1;
	cli->timeout_s = 60;
	options_defaults(&cli->opts);
	run_cmdline(cli, argc, argv);
	if (opttab_parse(groups, ng, argc, argv, done, err) < 0)
		return -1;
	if (*done) {
		opttab_help(stdout, "boxbench run [options]", groups, ng);
		return 0;
	}
	if (run_parse_lists(cli, run, err) < 0)
		return -1;
	return run_defaults(cli, run, err);
}

/* Arguments every environment passes alike: --quick first (it resets the suite's timing
 * options), then each suite's own (runsuite.h), then --load-arg ones. */
static void run_suite_args(struct run_cli *cli, struct bb_run *run, const struct bb_host *host)
{
	struct run_suite_ctx ctx = { .quick = cli->quick,
		                     .llc_bytes = host->topo.llc_bytes,
		                     .state = &run->suite_state };

	for (size_t si = 0; si < run->nsuites; si++) {
		const struct suite *s = suite_find(run->suites[si]);
		const struct run_suite *rs = run_suite_find(s);
		char **a = run->suite_args[si];
		size_t n = 0;
		if (cli->quick && s && s->measure_opts)
			a[n++] = "--quick";
		if (rs && rs->args)
			n += rs->args(&ctx, a + n, BB_MAX_SUITE_ARGS - 1 - n);
		for (size_t i = 0; i < cli->load.n && n + 1 < BB_MAX_SUITE_ARGS; i++)
			a[n++] = cli->load.v[i];
		a[n] = NULL;
	}
}

/* Storage for suites that need it: a fresh directory on a disk-backed file system
 * (/var/tmp, never tmpfs on Debian) unless --scratch names one; removed at the end, or by a
 * later run's sweep when this one is killed (its name carries the owner, sweep.h). */
static int run_scratch(struct run_cli *cli, const struct bb_run *run, struct bb_err *err)
{
	bool needed = false;
	unsigned reads;

	for (size_t si = 0; si < run->nsuites; si++) {
		const struct suite *s = suite_find(run->suites[si]);
		needed |= s && s->needs_storage;
	}
	if (!needed)
		return 0;
	run_io_size(&run->suite_state.io, cli->quick, &cli->opts.scratch_mib, &reads);
	if (cli->scratch_arg) {
		if (access(cli->scratch_arg, W_OK | X_OK) < 0)
			return bb_fail(err, errno, "--scratch %s", cli->scratch_arg);
		cli->opts.scratch_dir = cli->scratch_arg;
		return 0;
	}
	if (sweep_mkdtemp(SWEEP_SCRATCH_DIR, SWEEP_SCRATCH_PREFIX, cli->scratch,
	                  sizeof(cli->scratch), err) < 0)
		return bb_wrap(err, "scratch directory");
	cli->scratch_made = true;
	cli->opts.scratch_dir = cli->scratch;
	return 0;
}

static void run_scratch_remove(struct run_cli *cli)
{
	if (cli->scratch_made && rmdir(cli->scratch) < 0)
		fprintf(stderr, "boxbench: run: scratch directory %s not removed: %s\n",
		        cli->scratch, strerror(errno));
	cli->scratch_made = false;
}

/* A copy of the options for one box (an image, a variant): they live as long as the run. */
static struct bb_env_opts *run_opts_copy(struct run_cli *cli, struct bb_err *err)
{
	if (cli->nvariants >= BB_MAX_ENVS) {
		bb_fail(err, 0, "more than %d environments", BB_MAX_ENVS);
		return NULL;
	}
	cli->variant_opts[cli->nvariants] = cli->opts;
	return &cli->variant_opts[cli->nvariants++];
}

static struct bb_env *run_add_env(struct bb_run *run, const struct launcher *l, const char *name,
                                  const struct bb_env_opts *opts, struct bb_err *err)
{
	struct bb_env *env;

	if (run->nenvs >= BB_MAX_ENVS) {
		bb_fail(err, 0, "more than %d environments", BB_MAX_ENVS);
		return NULL;
	}
	env = &run->envs[run->nenvs++];
	memset(env, 0, sizeof(*env));
	env->launcher = l;
	env->opts = opts;
	snprintf(env->name, sizeof(env->name), "%s", name);
	envdesc_init(&env->desc, name);
	env->desc.class = l->class;
	env->desc.caps = l->caps;
	return env;
}

/* The decomposition (C10): the full box minus one part at a time, each part priced as the
 * full box's start minus the variant's. */
static int run_add_variants(struct run_cli *cli, struct bb_run *run, const struct bb_env *full,
                            struct bb_err *err)
{
	for (const struct bb_variant *v = full->launcher->variants; v && v->suffix; v++) {
		struct bb_env_opts o = *full->opts, *copy;
		char name[ENVDESC_NAME];
		struct bb_env *env;
		if (!v->apply(&o, v))
			continue; /* a part the full box does not have cannot be taken away */
		if (!(copy = run_opts_copy(cli, err)))
			return -1;
		*copy = o;
		snprintf(name, sizeof(name), "%s-%s", full->name, v->suffix);
		if (!(env = run_add_env(run, full->launcher, name, copy, err)))
			return -1;
		snprintf(env->desc.variant_of, sizeof(env->desc.variant_of), "%s", full->name);
		snprintf(env->desc.removed, sizeof(env->desc.removed), "%s", v->removed);
	}
	return 0;
}

/* A box that cannot run here is recorded with the reason and skipped. */
static int run_unavailable(struct bb_result *res, const struct launcher *l, const char *name,
                           const char *reason, struct bb_err *err)
{
	struct bb_envdesc d;
	int rc;

	envdesc_init(&d, name);
	d.class = l->class;
	d.caps = l->caps;
	snprintf(d.reason, sizeof(d.reason), "%s", reason);
	rc = results_add_env(res, &d, err);
	envdesc_free(&d);
	fprintf(stderr, "boxbench: run: skipping %s: %s\n", name, reason);
	return rc;
}

/* One box of launcher l with root image `image` (minimal: the launcher's own name; another
 * image: "<launcher>-<image>"). A box asked for (by --envs, or by naming its image) must be
 * available: else *code is BB_EXIT_UNAVAILABLE. */
static int run_add_box(struct run_cli *cli, struct bb_run *run, struct bb_result *res,
                       const struct launcher *l, const char *image, int *code, struct bb_err *err)
{
	bool minimal = !strcmp(image, IMAGE_MINIMAL);
	const struct bb_env_opts *opts = &cli->opts;
	struct bb_probe p = { 0 };
	char name[ENVDESC_NAME];
	struct bb_env *env;

	snprintf(name, sizeof(name), minimal ? "%s" : "%s-%s", l->name, image);
	if (!minimal) {
		struct bb_env_opts *o = run_opts_copy(cli, err);
		if (!o)
			return -1;
		o->image = image;
		o->images_dir = cli->images_dir;
		opts = o;
	}
	l->probe(opts, &p);
	if (!p.available && (cli->envs_arg || !minimal)) {
		*code = BB_EXIT_UNAVAILABLE;
		return bb_fail(err, 0, "%s is unavailable here: %s", name, p.reason);
	}
	if (!p.available)
		return run_unavailable(res, l, name, p.reason, err);
	if (!(env = run_add_env(run, l, name, opts, err)))
		return -1;
	if (cli->decompose && minimal && (l->caps & BB_CAP_DECOMPOSE))
		return run_add_variants(cli, run, env, err);
	return 0;
}

/* Environments: the requested ones (by default every one here); a box that runs on an image
 * once per image. */
static int run_envs(struct run_cli *cli, struct bb_run *run, struct bb_result *res, int *code,
                    struct bb_err *err)
{
	const char *names[BB_MAX_ENVS];
	size_t n = 0;

	if (cli->envs_arg)
		for (size_t i = 0; i < cli->nenvs; i++)
			names[n++] = cli->envs[i];
	else
		for (size_t i = 0; launchers[i] && n < BB_MAX_ENVS; i++)
			names[n++] = launchers[i]->name;
	for (size_t i = 0; i < n; i++) {
		const struct launcher *l = launcher_find(names[i]);
		if (!l)
			return bb_fail(err, 0, "--envs: unknown environment '%s'", names[i]);
		bool imaged = l->caps & BB_CAP_IMAGE;
		for (size_t k = 0; k < (imaged ? cli->nimages : 1); k++)
			if (run_add_box(cli, run, res, l, imaged ? cli->images[k] : IMAGE_MINIMAL,
			                code, err) < 0)
				return -1;
	}
	return 0;
}

static int run_prepare(struct bb_run *run, struct bb_result *res, struct bb_err *err)
{
	for (size_t i = 0; i < run->nenvs; i++) {
		struct bb_env *env = &run->envs[i];
		if (env->launcher->prepare(env, err) < 0) {
			for (size_t j = 0; j <= i; j++)
				run->envs[j].launcher->cleanup(&run->envs[j]);
			run->nenvs = 0;
			return bb_wrap(err, "%s: prepare", env->name);
		}
		env->desc.available = true;
		/* A box that writes to the scratch directory itself (not through a disk image of
		 * its own, which its launcher describes): the host file system under it. */
		if (env->opts->scratch_dir && !env->desc.storage.on)
			vm_disk_describe_dir(env->opts->scratch_dir, &env->desc.storage,
			                     &(struct bb_err){ 0 });
		if (results_add_env(res, &env->desc, err) < 0)
			return -1;
	}
	return 0;
}

static void run_cleanup(struct bb_run *run)
{
	for (size_t i = 0; i < run->nenvs; i++) {
		run->envs[i].launcher->cleanup(&run->envs[i]);
		envdesc_free(&run->envs[i].desc);
	}
}

/* How the run sampled: a fixed count, or each suite's target within a budget. */
static json_t *run_sampling_json(const struct bb_run *run)
{
	json_t *targets = json_object();

	for (size_t i = 0; run->reps == 0 && i < run->nsuites; i++)
		json_object_set_new(targets, run->suites[i],
		                    json_real(run->precision > 0 ? run->precision
		                                                 : run_suite_precision(suite_find(
		                                                       run->suites[i]))));
	return json_pack("{s:s, s:o, s:f, s:I, s:i, s:f, s:s}", "mode",
	                 run->reps ? "fixed" : "precision", "targets", targets, "budget_s",
	                 run->budget_s, "max_reps", (json_int_t)run->max_reps, "min_reps_cheap",
	                 SAMPLING_MIN_CHEAP, "cheap_s", SAMPLING_CHEAP_S, "order",
	                 "shuffled within each round with the seed; each sample's instance "
	                 "number is its series' seq");
}

static json_t *run_config(const struct run_cli *cli, const struct bb_run *run)
{
	json_t *envs = json_array(), *suites_ = json_array(), *config;
	unsigned mib, reads;

	for (size_t i = 0; i < run->nenvs; i++)
		json_array_append_new(envs, json_string(run->envs[i].name));
	for (size_t i = 0; i < run->nsuites; i++)
		json_array_append_new(suites_, json_string(run->suites[i]));
	config = json_pack(
	    "{s:o, s:o, s:o, s:i, s:o, s:I, s:b, s:{s:f}, s:s, s:i, s:{s:I, s:i, s:i, "
	    "s:f}}",
	    "envs", envs, "suites", suites_, "reps",
	    run->reps ? json_integer(run->reps) : json_null(), "warmup", (int)run->warmup,
	    "sampling", run_sampling_json(run), "seed", (json_int_t)cli->seed, "quick", cli->quick,
	    "timeouts", "sample_s", run->timeout_s, "command", cli->cmdline, "pu", cli->opts.pu,
	    "footprint", "budget_bytes", (json_int_t)run->suite_state.footprint.budget, "density_k",
	    (int)run->suite_state.footprint.density, "density_share_pct",
	    (int)run->suite_state.footprint.share, "density_time_s",
	    run->suite_state.footprint.time_s);
	run_io_size(&run->suite_state.io, cli->quick, &mib, &reads);
	json_object_set_new(config, "io",
	                    json_pack("{s:i, s:i}", "mib", (int)mib, "reads", (int)reads));
	return config;
}

static void on_signal(int sig)
{
	(void)sig;
	bb_interrupted = 1;
}

static void run_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: waits wake up */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int run_header(struct run_cli *cli, struct bb_run *run, struct bb_result *res,
                      const struct bb_host *host)
{
	char stamp[32];

	results_utc_now(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ");
	snprintf(res->id, sizeof(res->id), "%s-%.40s-%d", stamp, host->hostname, (int)getpid());
	results_utc_now(res->started_at, sizeof(res->started_at), "%Y-%m-%dT%H:%M:%SZ");
	res->tool = json_pack("{s:s, s:s, s:s}", "name", "boxbench", "version", BB_VERSION,
	                      "commit", BB_GIT_COMMIT);
	res->host = host_to_json(host);
	res->config = run_config(cli, run);
	return res->tool && res->host && res->config ? 0 : -1;
}

static int run_default_path(struct bb_result *res, char *buf, size_t len, struct bb_err *err)
{
	if (mkdir(RUN_RESULTS_DIR, 0755) < 0 && errno != EEXIST)
		return bb_fail(err, errno, "mkdir " RUN_RESULTS_DIR);
	snprintf(buf, len, RUN_RESULTS_DIR "/%s.json", res->id);
	return 0;
}

/* Where the result goes must take it, checked before anything is measured: -o (a regular file
 * replaced only with --force, or a new one in a writable directory) or results/. */
static int run_check_output(const struct run_cli *cli, struct bb_err *err)
{
	if (cli->out)
		return outfile_check(cli->out, cli->force, err);
	if (mkdir(RUN_RESULTS_DIR, 0755) < 0 && errno != EEXIST)
		return bb_fail(err, errno, "mkdir " RUN_RESULTS_DIR);
	return outfile_check(RUN_RESULTS_DIR "/.probe.json", true, err);
}

/* The result could not be written where asked (a full disk): keep it in results/ or in
 * $TMPDIR (/tmp), never replacing anything. Fills where; -1 when no place took it. */
static int run_fallback(const struct bb_result *res, const char *path, char *where, size_t len)
{
	const char *tmpdir = getenv("TMPDIR");
	char places[2][PATH_MAX];
	struct bb_err err = { 0 };

	snprintf(places[0], sizeof(places[0]), RUN_RESULTS_DIR "/%s.json", res->id);
	snprintf(places[1], sizeof(places[1]), "%s/boxbench-%s.json",
	         tmpdir && *tmpdir ? tmpdir : "/tmp", res->id);
	for (size_t i = 0; i < 2; i++) {
		if (!strcmp(places[i], path) || results_write(res, places[i], false, &err) < 0)
			continue;
		snprintf(where, len, "%s", places[i]);
		return 0;
	}
	return -1;
}

/* Finish, summarize, write; returns the exit code. */
static int run_finish(struct run_cli *cli, struct bb_run *run, struct bb_result *res,
                      const char *path, int loop_rc, const struct bb_err *loop_err)
{
	struct bb_err err = { 0 };

	results_utc_now(res->finished_at, sizeof(res->finished_at), "%Y-%m-%dT%H:%M:%SZ");
	res->complete = loop_rc == 0;
	json_object_set_new(json_object_get(res->config, "sampling"), "rounds",
	                    json_integer(run->rounds));
	if (results_summarize(res, cli->seed, &err) < 0)
		return cli_error("run", BB_EXIT_FAIL, "summarize: %s", err.msg);
	if (run->pairing.ncols && decomp_store(res, &run->pairing, &err) < 0)
		return cli_error("run", BB_EXIT_FAIL, "decomposition: %s", err.msg);
	if (results_write(res, path, cli->force, &err) < 0) {
		char kept[PATH_MAX];
		show_table(res, stdout);
		if (run_fallback(res, path, kept, sizeof(kept)) < 0)
			return cli_error("run", BB_EXIT_WRITE, "%s; no other place took it",
			                 err.msg);
		return cli_error("run", BB_EXIT_WRITE, "%s; the result is kept in %s", err.msg,
		                 kept);
	}
	show_table(res, stdout);
	fprintf(stderr, "boxbench: run: wrote %s%s\n", path, res->complete ? "" : " (incomplete)");
	if (loop_rc < 0)
		return cli_error("run", BB_EXIT_FAIL, "%s", loop_err->msg);
	if (loop_rc > 0)
		return cli_error("run", BB_EXIT_INTERRUPTED, "interrupted: partial results kept");
	if (run->failed)
		return cli_error("run", BB_EXIT_FAIL, "%zu sample(s) failed (see errors in %s)",
		                 run->failed, path);
	return BB_EXIT_OK;
}

static void run_warn_accel(const struct run_cli *cli, const struct bb_host *host)
{
	const char *accel = cli->opts.vm_accel;

	if (accel && !strcmp(accel, "kvm") && host->kvm.kind != BB_KVM_HARDWARE)
		fprintf(
		    stderr,
		    "boxbench: run: warning: --vm-accel kvm, but KVM here is %s (%s): guests will "
		    "not run at native speed\n",
		    kvm_kind_name(host->kvm.kind), host->kvm.reason);
}

/* Host, boxes, scratch storage; the boxes prepared. Fills *code with the exit code when it
 * fails (bad usage unless a box is unavailable). */
static int run_setup(struct run_cli *cli, struct bb_run *run, struct bb_result *res,
                     struct bb_host *host, int *code, struct bb_err *err)
{
	struct sweep_counts swept;

	*code = BB_EXIT_USAGE;
	/* What killed runs left behind (a failure to remove it is said, not fatal). */
	sweep_run(sweepers, true, stderr, "run", &swept, &(struct bb_err){ 0 });
	if (host_probe((int)cli->pu, host, err) < 0)
		return -1;
	cli->opts.pu = host->topo.pinned_pu;
	run_suite_args(cli, run, host);
	if (run_scratch(cli, run, err) < 0)
		return -1;
	if (kvm_probe(&host->kvm, err) < 0)
		return *code = BB_EXIT_FAIL, bb_wrap(err, "kvm probe");
	/* The harness sits on another core than the workload, so its reading and parsing do
	 * not take cycles from what is measured. */
	if (host->topo.harness_pu >= 0)
		proc_pin(0, host->topo.harness_pu, NULL);
	if (run_envs(cli, run, res, code, err) < 0)
		return -1;
	*code = BB_EXIT_UNAVAILABLE;
	if (run->nenvs == 0)
		return bb_fail(err, 0, "no environment can run here");
	if (run_prepare(run, res, err) < 0)
		return -1;
	if (run_header(cli, run, res, host) < 0) {
		*code = BB_EXIT_FAIL;
		return bb_fail(err, ENOMEM, "result header");
	}
	/* Once the run is sure to start (bad usage stays one line on stderr), and after the KVM
	 * probe: before it, every KVM reads "absent (not probed)". */
	run_warn_accel(cli, host);
	for (size_t i = 0; i < host->state.nwarnings; i++)
		fprintf(stderr, "boxbench: run: warning: host: %s\n", host->state.warnings[i]);
	return 0;
}

/* A box with its own, longer timeout (a full OS booting) says so before its first sample. */
static void run_say_timeouts(const struct bb_run *run)
{
	for (size_t i = 0; i < run->nenvs; i++) {
		const struct bb_env *env = &run->envs[i];
		if (env->timeout_s > run->timeout_s)
			fprintf(run->progress,
			        "boxbench: %s: its own timeout, up to %.0f s per sample%s\n",
			        env->name, env->timeout_s,
			        env->desc.emulated
			            ? " (emulated: one boot may take a minute or more)"
			            : "");
	}
}

static int run_measure(struct run_cli *cli, struct bb_run *run, struct bb_result *res)
{
	struct bb_err err = { 0 };
	char pathbuf[512];
	const char *path = cli->out;
	int rc;

	if (!path && run_default_path(res, pathbuf, sizeof(pathbuf), &err) < 0)
		return cli_error("run", BB_EXIT_USAGE, "%s", err.msg);
	path = path ? path : pathbuf;
	run->progress = stderr;
	run->progress_tty = isatty(STDERR_FILENO);
	run_say_timeouts(run);
	rc = run_samples(run, res, &err);
	return run_finish(cli, run, res, path, rc, &err);
}

static int run_main(int argc, char **argv)
{
	struct run_cli cli = { 0 };
	struct bb_run run = { 0 };
	struct bb_err err = { 0 };
	struct bb_result res;
	struct bb_host host;
	bool help = false;
	int rc = BB_EXIT_OK, code;

	results_init(&res);
	if (run_parse(argc, argv, &cli, &run, &help, &err) < 0) {
		rc = cli_error("run", BB_EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	if (help)
		goto out;
	if (run_check_output(&cli, &err) < 0) {
		rc = cli_error("run", BB_EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	run_signals();
	if (run_setup(&cli, &run, &res, &host, &code, &err) < 0)
		rc = bb_interrupted ? cli_error("run", BB_EXIT_INTERRUPTED,
		                                "interrupted before the first sample (%s): nothing "
		                                "measured, nothing written",
		                                err.msg)
		                    : cli_error("run", code, "%s", err.msg);
	else
		rc = run_measure(&cli, &run, &res);
	run_cleanup(&run);
	pairing_free(&run.pairing);
out:
	run_scratch_remove(&cli);
	results_free(&res);
	free(cli.envs_buf);
	free(cli.suites_buf);
	free(cli.img_buf);
	return rc;
}

/* The completion's words: the same tables the parser reads. */
static void run_words(FILE *out)
{
	struct run_cli cli = { 0 };
	struct bb_run run = { 0 };
	struct bb_opt_group groups[1 + BB_MAX_ENVS + BB_MAX_SUITES];

	opttab_words(out, groups,
	             run_groups(&cli, &run, groups, sizeof(groups) / sizeof(groups[0])));
}

const struct command cmd_run = {
	.words = run_words,
	.name = "run",
	.usage = "[--envs LIST] [--suites LIST] [--reps N] [--warmup N] [--quick] [-o FILE]",
	.summary = "measure suites in environments, write a result file",
	.main = run_main,
};
