/* boxbench run: measure the requested suites in the requested environments. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "footprint.h"
#include "ns.h"
#include "host.h"
#include "image.h"
#include "isolation.h"
#include "options.h"
#include "proc.h"
#include "run.h"
#include "show.h"
#include "suite.h"

#define RUN_MAX_IMAGES 4

struct run_cli {
	char *envs_buf, *suites_buf;
	char *envs[BB_MAX_ENVS];
	size_t nenvs;
	bool envs_given;
	const char *out;
	bool force, quick;
	char *load_args[BB_MAX_SUITE_ARGS];
	size_t nload_args;
	char array_mib[24];
	struct {
		const char *accel, *kernel, *initrd;
		long mem_mib, vcpus;
	} vm;
	struct {
		unsigned ns;
		bool ns_given, no_cgroup, no_rootfs, decompose;
		double cpu_quota;
		long long mem_limit;
		long pids_limit;
	} ct;
	struct {
		char *buf;
		char *names[RUN_MAX_IMAGES];
		size_t n;
		const char *dir;
	} img;
	struct bb_env_opts variant_opts[BB_MAX_ENVS];
	size_t nvariants;
	char scratch[4096];
	bool scratch_given, scratch_made;
	long reps, warmup, pu;
	unsigned long seed;
	double timeout_s;
	struct bb_env_opts opts;
	char cmdline[2048];
};

enum {
	OPT_ENVS = 256,
	OPT_SUITES,
	OPT_REPS,
	OPT_WARMUP,
	OPT_QUICK,
	OPT_SEED,
	OPT_TIMEOUT,
	OPT_FORCE,
	OPT_PU,
	OPT_LOAD_ARG,
	OPT_SCRATCH,
	OPT_VM_ACCEL,
	OPT_VM_KERNEL,
	OPT_VM_INITRD,
	OPT_VM_MEM,
	OPT_VM_VCPUS,
	OPT_BUDGET,
	OPT_DENSITY,
	OPT_CT_NS,
	OPT_CT_NO_CGROUP,
	OPT_CT_NO_ROOTFS,
	OPT_CPU_QUOTA,
	OPT_MEM_LIMIT,
	OPT_PIDS_LIMIT,
	OPT_DECOMPOSE,
	OPT_IMAGE,
	OPT_IMAGES_DIR,
	OPT_HELP,
};

static const struct option run_longopts[] = {
	{ "envs", required_argument, NULL, OPT_ENVS },
	{ "suites", required_argument, NULL, OPT_SUITES },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "pu", required_argument, NULL, OPT_PU },
	{ "load-arg", required_argument, NULL, OPT_LOAD_ARG },
	{ "scratch", required_argument, NULL, OPT_SCRATCH },
	{ "vm-accel", required_argument, NULL, OPT_VM_ACCEL },
	{ "vm-kernel", required_argument, NULL, OPT_VM_KERNEL },
	{ "vm-initrd", required_argument, NULL, OPT_VM_INITRD },
	{ "vm-mem", required_argument, NULL, OPT_VM_MEM },
	{ "vm-vcpus", required_argument, NULL, OPT_VM_VCPUS },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "density", required_argument, NULL, OPT_DENSITY },
	{ "container-ns", required_argument, NULL, OPT_CT_NS },
	{ "container-no-cgroup", no_argument, NULL, OPT_CT_NO_CGROUP },
	{ "container-no-rootfs", no_argument, NULL, OPT_CT_NO_ROOTFS },
	{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
	{ "mem-limit", required_argument, NULL, OPT_MEM_LIMIT },
	{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
	{ "decompose", no_argument, NULL, OPT_DECOMPOSE },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "images-dir", required_argument, NULL, OPT_IMAGES_DIR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static const char run_usage[] =
    "usage: boxbench run [options]\n"
    "  --envs LIST      environments, comma-separated (default: every one available here)\n"
    "  --suites LIST    workload suites (default: startup; 'all' for every suite)\n"
    "  --reps N         measured samples per suite and environment (default 10, --quick 6)\n"
    "  --warmup N       discarded samples first (default 2, --quick 1)\n"
    "  --quick          fewer samples and shorter measurements\n"
    "  --seed N         seed of the bootstrap (default 1; recorded)\n"
    "  --timeout S      seconds before a sample is killed (default 60)\n"
    "  --pu N           pin workloads to this OS processing unit (default: chosen with hwloc)\n"
    "  --scratch DIR    storage for the io suite (default: a new directory in /var/tmp)\n"
    "  --container-ns LIST   namespaces of the container (default all: "
    "mnt,pid,uts,ipc,net,cgroup)\n"
    "  --container-no-cgroup, --container-no-rootfs   leave out the cgroup / the root switch\n"
    "  --cpu-quota CPUS, --mem-limit SIZE, --pids-limit N   container limits (default 1, 512M, "
    "256)\n"
    "  --decompose      also run the container minus one part at a time (startup decomposition)\n"
    "  --image LIST     root images of the container and the VM (default minimal): each other\n"
    "                   image adds container-NAME and vm-NAME; `make image-debian` builds debian\n"
    "  --images-dir DIR where images live (default: images/ beside boxbench-load)\n"
    "  --vm-accel kvm|tcg  override the measured choice (kvm only when hardware assisted)\n"
    "  --vm-kernel F, --vm-initrd F  guest kernel and initramfs (default: built ones)\n"
    "  --vm-mem MIB, --vm-vcpus N    guest size (default 512 MiB, 1 vCPU)\n"
    "  --density K      footprint: instances started at once (default 3)\n"
    "  --budget SIZE    footprint: memory budget the density is extrapolated to (default 16G)\n"
    "  -o, --output F   result file (default results/<id>.json)\n"
    "  --force          replace an existing result file\n"
    "  --load-arg ARG   pass ARG to every workload (repeatable), e.g. "
    "--load-arg=--inject-delay-us\n"
    "                   --load-arg=500 slows each start by 0.5 ms to test a regression gate\n";

static int run_parse_suites(struct bb_run *run, const char *arg, char **buf, struct bb_err *err)
{
	char *items[BB_MAX_SUITES];
	size_t n;

	if (!strcmp(arg, "all")) {
		run->nsuites = 0;
		for (n = 0; suites[n] && run->nsuites < BB_MAX_SUITES; n++)
			if (!suites[n]->internal)
				run->suites[run->nsuites++] = suites[n]->name;
		return 0;
	}
	if (cli_list("--suites", arg, items, BB_MAX_SUITES, &n, buf, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!suite_find(items[i]))
			return bb_fail(err, 0, "--suites: unknown suite '%s'", items[i]);
		run->suites[i] = items[i];
	}
	run->nsuites = n;
	return 0;
}

static int run_parse_images(struct run_cli *cli, const char *arg, struct bb_err *err)
{
	if (cli_list("--image", arg, cli->img.names, RUN_MAX_IMAGES, &cli->img.n, &cli->img.buf,
	             err) < 0)
		return -1;
	for (size_t i = 0; i < cli->img.n; i++) {
		if (!image_name_valid(cli->img.names[i]))
			return bb_fail(err, 0,
			               "--image: '%s' is not an image name (1..%d of a-z, 0-9, _)",
			               cli->img.names[i], IMAGE_NAME_MAX);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cli->img.names[i], cli->img.names[j]))
				return bb_fail(err, 0, "--image: '%s' given twice",
				               cli->img.names[i]);
	}
	return 0;
}

static bool run_has_image(const struct run_cli *cli, const char *name)
{
	for (size_t i = 0; i < cli->img.n; i++)
		if (!strcmp(cli->img.names[i], name))
			return true;
	return cli->img.n == 0 && !strcmp(name, IMAGE_MINIMAL);
}

/* Flags that cannot go together with the images asked for. */
static int run_check_images(const struct run_cli *cli)
{
	/* names are distinct: more names than the minimal one means another image */
	bool others = cli->img.n > (run_has_image(cli, IMAGE_MINIMAL) ? 1u : 0u);

	if (cli->ct.decompose && !run_has_image(cli, IMAGE_MINIMAL))
		return cli_error("run", BB_EXIT_USAGE,
		                 "--decompose takes the minimal container apart: add minimal to "
		                 "--image");
	if (others && cli->ct.no_rootfs)
		return cli_error("run", BB_EXIT_USAGE,
		                 "--image: an image is the container's root; it cannot go with "
		                 "--container-no-rootfs");
	return -1;
}

static int run_parse_opt(int c, const char *arg, struct run_cli *cli, struct bb_run *run,
                         struct bb_err *err)
{
	long v;
	double d;

	switch (c) {
	case OPT_ENVS:
		cli->envs_given = true;
		free(cli->envs_buf);
		return cli_list("--envs", arg, cli->envs, BB_MAX_ENVS, &cli->nenvs, &cli->envs_buf,
		                err);
	case OPT_SUITES:
		free(cli->suites_buf);
		return run_parse_suites(run, arg, &cli->suites_buf, err);
	case OPT_REPS:
		return cli_int("--reps", arg, 1, 100000, &cli->reps, err);
	case OPT_WARMUP:
		return cli_int("--warmup", arg, 0, 100000, &cli->warmup, err);
	case OPT_QUICK:
		return cli->quick = true, 0;
	case OPT_SEED:
		if (cli_int("--seed", arg, 0, 0x7fffffffL, &v, err) < 0)
			return -1;
		return cli->seed = (unsigned long)v, 0;
	case OPT_TIMEOUT:
		if (cli_double("--timeout", arg, 0.1, 86400, &d, err) < 0)
			return -1;
		return cli->timeout_s = d, 0;
	case 'o':
		return cli->out = arg, 0;
	case OPT_FORCE:
		return cli->force = true, 0;
	case OPT_PU:
		return cli_int("--pu", arg, 0, 4095, &cli->pu, err);
	case OPT_VM_ACCEL:
		if (strcmp(arg, "kvm") && strcmp(arg, "tcg"))
			return bb_fail(err, 0, "--vm-accel: expected kvm or tcg, got '%s'", arg);
		return cli->vm.accel = arg, 0;
	case OPT_VM_KERNEL:
		return cli->vm.kernel = arg, 0;
	case OPT_VM_INITRD:
		return cli->vm.initrd = arg, 0;
	case OPT_VM_MEM:
		return cli_int("--vm-mem", arg, 64, 65536, &cli->vm.mem_mib, err);
	case OPT_VM_VCPUS:
		return cli_int("--vm-vcpus", arg, 1, 64, &cli->vm.vcpus, err);
	case OPT_BUDGET:
		return fp_parse_size(arg, &run->footprint.budget, err) < 0
		           ? bb_wrap(err, "--budget")
		           : 0;
	case OPT_CT_NS:
		return ns_parse_list(arg, &cli->ct.ns, err) < 0 ? bb_wrap(err, "--container-ns")
		                                                : (cli->ct.ns_given = true, 0);
	case OPT_CT_NO_CGROUP:
		return cli->ct.no_cgroup = true, 0;
	case OPT_CT_NO_ROOTFS:
		return cli->ct.no_rootfs = true, 0;
	case OPT_CPU_QUOTA:
		return cli_double("--cpu-quota", arg, 0.01, 1024, &cli->ct.cpu_quota, err);
	case OPT_MEM_LIMIT:
		if (fp_parse_size(arg, &cli->ct.mem_limit, err) < 0)
			return bb_wrap(err, "--mem-limit");
		if (cli->ct.mem_limit < (16ll << 20))
			return bb_fail(err, 0, "--mem-limit: at least 16M");
		return 0;
	case OPT_PIDS_LIMIT:
		return cli_int("--pids-limit", arg, 8, 4194304, &cli->ct.pids_limit, err);
	case OPT_DECOMPOSE:
		return cli->ct.decompose = true, 0;
	case OPT_IMAGE:
		free(cli->img.buf);
		return run_parse_images(cli, arg, err);
	case OPT_IMAGES_DIR:
		return cli->img.dir = arg, 0;
	case OPT_DENSITY:
		if (cli_int("--density", arg, 2, FP_MAX_DENSITY, &v, err) < 0)
			return -1;
		return run->footprint.density = (unsigned)v, 0;
	case OPT_SCRATCH:
		cli->scratch_given = true;
		snprintf(cli->scratch, sizeof(cli->scratch), "%s", arg);
		return 0;
	case OPT_LOAD_ARG:
		if (cli->nload_args + 1 >= BB_MAX_SUITE_ARGS)
			return bb_fail(err, 0, "--load-arg: at most %d", BB_MAX_SUITE_ARGS - 2);
		cli->load_args[cli->nload_args++] = (char *)arg;
		return 0;
	}
	return bb_fail(err, 0, "internal: unhandled option %d", c);
}

static void run_cmdline(struct run_cli *cli, int argc, char **argv)
{
	size_t o = 0;

	o += (size_t)snprintf(cli->cmdline, sizeof(cli->cmdline), "boxbench");
	for (int i = 0; i < argc && o < sizeof(cli->cmdline); i++)
		o += (size_t)snprintf(cli->cmdline + o, sizeof(cli->cmdline) - o, " %s", argv[i]);
}

/* Returns an exit code, or -1 to go on. */
static int run_parse(int argc, char **argv, struct run_cli *cli, struct bb_run *run)
{
	struct bb_err err = { 0 };
	int c;

	cli->reps = cli->warmup = cli->pu = -1;
	cli->seed = 1;
	cli->timeout_s = 60;
	run_cmdline(cli, argc, argv);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:", run_longopts, NULL)) != -1) {
		if (c == OPT_HELP)
			return fputs(run_usage, stdout), BB_EXIT_OK;
		if (c == '?' || c == ':')
			return cli_bad_option("run", c, argv[optind - 1]);
		if (run_parse_opt(c, optarg, cli, run, &err) < 0)
			return cli_error("run", BB_EXIT_USAGE, "%s", err.msg);
	}
	if (optind < argc)
		return cli_error("run", BB_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	if ((c = run_check_images(cli)) >= 0)
		return c;
	if (run->nsuites == 0)
		run->suites[run->nsuites++] = "startup";
	run->reps = cli->reps > 0 ? cli->reps : cli->quick ? COMPARE_MIN_REPS : 10;
	run->warmup = cli->warmup >= 0 ? cli->warmup : cli->quick ? 1 : 2;
	run->timeout_s = cli->timeout_s;
	if (!run->footprint.budget)
		run->footprint.budget = FP_DEFAULT_BUDGET;
	if (!run->footprint.density)
		run->footprint.density = FP_DEFAULT_DENSITY;
	return -1;
}

/* Arguments every environment passes alike: --quick first (it resets the suite's timing
 * options), the memory suite's array size from the host's LLC, then --load-arg ones. */
static void run_suite_args(struct run_cli *cli, struct bb_run *run, const struct bb_host *host)
{
	unsigned long long llc_mib = host->topo.llc_bytes >> 20, mib;

	/* Far larger than the LLC (8x), capped so the default guest and cgroup still hold it. */
	mib = llc_mib ? 8 * llc_mib : 64;
	mib = mib < 16 ? 16 : mib > 256 ? 256 : mib;
	snprintf(cli->array_mib, sizeof(cli->array_mib), "%llu", mib);
	for (size_t si = 0; si < run->nsuites; si++) {
		const struct suite *s = suite_find(run->suites[si]);
		char **a = run->suite_args[si];
		size_t n = 0;
		if (cli->quick && s && !s->internal && strcmp(s->name, "startup"))
			a[n++] = "--quick";
		if (!strcmp(run->suites[si], "mem")) {
			a[n++] = "--array-mib";
			a[n++] = cli->array_mib;
		}
		if (!strcmp(run->suites[si], "isolation"))
			n += isolation_suite_args(a + n, BB_MAX_SUITE_ARGS - 1 - n);
		for (size_t i = 0; i < cli->nload_args && n + 1 < BB_MAX_SUITE_ARGS; i++)
			a[n++] = cli->load_args[i];
		a[n] = NULL;
	}
}

/* Storage for suites that need it: a fresh directory on a disk-backed file system
 * (/var/tmp, never tmpfs on Debian) unless --scratch names one; removed at the end. */
static int run_scratch(struct run_cli *cli, const struct bb_run *run, struct bb_err *err)
{
	bool needed = false;

	for (size_t si = 0; si < run->nsuites; si++) {
		const struct suite *s = suite_find(run->suites[si]);
		needed |= s && s->needs_storage;
	}
	if (!needed)
		return 0;
	if (cli->scratch_given) {
		if (access(cli->scratch, W_OK | X_OK) < 0)
			return bb_fail(err, errno, "--scratch %s", cli->scratch);
		cli->opts.scratch_dir = cli->scratch;
		return 0;
	}
	snprintf(cli->scratch, sizeof(cli->scratch), "/var/tmp/boxbench-scratch-XXXXXX");
	if (!mkdtemp(cli->scratch))
		return bb_fail(err, errno, "create scratch directory in /var/tmp");
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

static int run_add_env(struct bb_run *run, const struct launcher *l, const char *name,
                       const struct bb_env_opts *opts)
{
	if (run->nenvs >= BB_MAX_ENVS)
		return -1;
	struct bb_env *env = &run->envs[run->nenvs++];
	memset(env, 0, sizeof(*env));
	env->launcher = l;
	env->opts = opts;
	snprintf(env->name, sizeof(env->name), "%s", name);
	return 0;
}

/* The startup decomposition (C10): the full container minus one part at a time, so each
 * part's cost is the full container's start minus the variant's. The root switch needs the
 * mount namespace, so leaving out mnt leaves out the root switch too. */
static const struct ct_variant {
	const char *name;
	unsigned drop_ns;
	bool drop_cgroup, drop_rootfs;
} ct_variants[] = {
	{ "container-nonet", BB_NS_NET, false, false },
	{ "container-noipc", BB_NS_IPC, false, false },
	{ "container-nouts", BB_NS_UTS, false, false },
	{ "container-nopid", BB_NS_PID, false, false },
	{ "container-nocgroupns", BB_NS_CGROUP, false, false },
	{ "container-nocgroup", 0, true, false },
	{ "container-norootfs", 0, false, true },
	{ "container-nomnt", BB_NS_MNT, false, true },
	{ NULL, 0, false, false },
};

static int run_add_variants(struct run_cli *cli, struct bb_run *run, const struct launcher *l)
{
	for (const struct ct_variant *v = ct_variants; v->name; v++) {
		struct bb_env_opts *o = &cli->variant_opts[cli->nvariants];
		if (cli->nvariants >= BB_MAX_ENVS)
			return -1;
		*o = cli->opts;
		o->container_ns &= ~v->drop_ns;
		o->container_cgroup &= !v->drop_cgroup;
		o->container_rootfs &= !v->drop_rootfs;
		/* a part the full container does not have cannot be taken away */
		if (o->container_ns == cli->opts.container_ns &&
		    o->container_cgroup == cli->opts.container_cgroup &&
		    o->container_rootfs == cli->opts.container_rootfs)
			continue;
		cli->nvariants++;
		if (run_add_env(run, l, v->name, o) < 0)
			return -1;
		run->envs[run->nenvs - 1].startup_only = true;
	}
	return 0;
}

/* One environment of launcher l with root image `image` (minimal: the launcher's own name;
 * another image: "<launcher>-<image>"). An environment asked for (by --envs, or by naming its
 * image) must be available, else exit 3; otherwise an unavailable one is recorded with the
 * reason and skipped. Returns an exit code, or -1 to go on. */
static int run_add_box(struct run_cli *cli, struct bb_run *run, const struct launcher *l,
                       const char *image, json_t *environments)
{
	const struct bb_env_opts *opts = &cli->opts;
	bool minimal = !strcmp(image, IMAGE_MINIMAL);
	struct bb_probe p = { 0 };
	char name[sizeof(run->envs[0].name)];

	snprintf(name, sizeof(name), "%s", l->name);
	if (!minimal) {
		if (cli->nvariants >= BB_MAX_ENVS)
			return cli_error("run", BB_EXIT_USAGE, "more than %d environments",
			                 BB_MAX_ENVS);
		struct bb_env_opts *o = &cli->variant_opts[cli->nvariants++];
		*o = cli->opts;
		o->image = image;
		o->images_dir = cli->img.dir;
		opts = o;
		snprintf(name, sizeof(name), "%s-%s", l->name, image);
	}
	l->probe(opts, &p);
	if (!p.available && (cli->envs_given || !minimal))
		return cli_error("run", BB_EXIT_UNAVAILABLE, "%s is unavailable here: %s", name,
		                 p.reason);
	if (!p.available) {
		json_object_set_new(environments, name,
		                    json_pack("{s:b, s:s}", "available", 0, "reason", p.reason));
		fprintf(stderr, "boxbench: run: skipping %s: %s\n", name, p.reason);
		return -1;
	}
	if (run_add_env(run, l, name, opts) < 0 ||
	    (cli->ct.decompose && !strcmp(name, "container") && run_add_variants(cli, run, l) < 0))
		return cli_error("run", BB_EXIT_USAGE, "more than %d environments", BB_MAX_ENVS);
	return -1;
}

/* Environments: the requested ones (by default every one here), the container and the VM once
 * per image. */
static int run_envs(struct run_cli *cli, struct bb_run *run, json_t *environments)
{
	static char *const minimal_only[] = { IMAGE_MINIMAL };
	char *const *images = cli->img.n ? cli->img.names : minimal_only;
	size_t nimages = cli->img.n ? cli->img.n : 1;
	const char *names[BB_MAX_ENVS];
	size_t n = 0;
	int rc;

	if (cli->envs_given)
		for (size_t i = 0; i < cli->nenvs; i++)
			names[n++] = cli->envs[i];
	else
		for (size_t i = 0; launchers[i] && n < BB_MAX_ENVS; i++)
			names[n++] = launchers[i]->name;
	for (size_t i = 0; i < n; i++) {
		const struct launcher *l = launcher_find(names[i]);
		if (!l)
			return cli_error("run", BB_EXIT_USAGE, "--envs: unknown environment '%s'",
			                 names[i]);
		bool boxed = !strcmp(l->name, "container") || !strcmp(l->name, "vm");
		for (size_t k = 0; k < (boxed ? nimages : 1); k++)
			if ((rc = run_add_box(cli, run, l, boxed ? images[k] : IMAGE_MINIMAL,
			                      environments)) >= 0)
				return rc;
	}
	return -1;
}

static int run_prepare(struct bb_run *run, json_t *environments)
{
	struct bb_err err = { 0 };

	for (size_t i = 0; i < run->nenvs; i++) {
		struct bb_env *env = &run->envs[i];
		if (env->launcher->prepare(env, &err) < 0) {
			for (size_t j = 0; j <= i; j++)
				run->envs[j].launcher->cleanup(&run->envs[j]);
			return cli_error("run", BB_EXIT_UNAVAILABLE, "%s: prepare: %s", env->name,
			                 err.msg);
		}
		json_t *d = env->describe ? json_incref(env->describe) : json_object();
		json_object_set_new(d, "available", json_true());
		if (env->accel) {
			json_object_set_new(d, "accel", json_string(env->accel));
			json_object_set_new(d, "emulated", json_boolean(env->emulated));
		}
		json_object_set_new(environments, env->name, d);
	}
	return -1;
}

static void run_cleanup(struct bb_run *run)
{
	for (size_t i = 0; i < run->nenvs; i++) {
		run->envs[i].launcher->cleanup(&run->envs[i]);
		json_decref(run->envs[i].describe);
	}
}

static void utc_now(char *buf, size_t len, const char *fmt)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, fmt, &tm);
}

static json_t *run_config(const struct run_cli *cli, const struct bb_run *run)
{
	json_t *envs = json_array(), *suites_ = json_array();

	for (size_t i = 0; i < run->nenvs; i++)
		json_array_append_new(envs, json_string(run->envs[i].name));
	for (size_t i = 0; i < run->nsuites; i++)
		json_array_append_new(suites_, json_string(run->suites[i]));
	return json_pack(
	    "{s:o, s:o, s:i, s:i, s:I, s:b, s:{s:f}, s:s, s:i, s:{s:I, s:i}}", "envs", envs,
	    "suites", suites_, "reps", (int)run->reps, "warmup", (int)run->warmup, "seed",
	    (json_int_t)cli->seed, "quick", cli->quick, "timeouts", "sample_s", run->timeout_s,
	    "command", cli->cmdline, "pu", cli->opts.pu, "footprint", "budget_bytes",
	    (json_int_t)run->footprint.budget, "density_k", (int)run->footprint.density);
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

	utc_now(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ");
	snprintf(res->id, sizeof(res->id), "%s-%.40s-%d", stamp, host->hostname, (int)getpid());
	utc_now(res->started_at, sizeof(res->started_at), "%Y-%m-%dT%H:%M:%SZ");
	res->tool = json_pack("{s:s, s:s, s:s}", "name", "boxbench", "version", BB_VERSION,
	                      "commit", BB_GIT_COMMIT);
	res->host = host_to_json(host);
	res->config = run_config(cli, run);
	return res->tool && res->host && res->config ? 0 : -1;
}

static int run_default_path(struct bb_result *res, char *buf, size_t len)
{
	if (mkdir("results", 0755) < 0 && errno != EEXIST)
		return cli_error("run", BB_EXIT_USAGE, "mkdir results: %s", strerror(errno));
	snprintf(buf, len, "results/%s.json", res->id);
	return -1;
}

/* Finish, summarize, write; returns the exit code. */
static int run_finish(struct run_cli *cli, struct bb_run *run, struct bb_result *res,
                      const char *path, int loop_rc, const struct bb_err *loop_err)
{
	struct bb_err err = { 0 };

	utc_now(res->finished_at, sizeof(res->finished_at), "%Y-%m-%dT%H:%M:%SZ");
	res->complete = loop_rc == 0;
	if (results_summarize(res, cli->seed, &err) < 0)
		return cli_error("run", BB_EXIT_FAIL, "summarize: %s", err.msg);
	if (results_write(res, path, cli->force, &err) < 0)
		return cli_error("run", BB_EXIT_USAGE, "%s", err.msg);
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

static void run_container_opts(struct run_cli *cli)
{
	if (cli->ct.ns_given)
		cli->opts.container_ns = cli->ct.ns;
	if (cli->ct.no_cgroup)
		cli->opts.container_cgroup = false;
	if (cli->ct.no_rootfs)
		cli->opts.container_rootfs = false;
	if (cli->ct.cpu_quota > 0)
		cli->opts.cpu_quota = cli->ct.cpu_quota;
	if (cli->ct.mem_limit > 0)
		cli->opts.mem_limit = cli->ct.mem_limit;
	if (cli->ct.pids_limit > 0)
		cli->opts.pids_limit = cli->ct.pids_limit;
}

static void run_vm_opts(struct run_cli *cli, const struct bb_host *host)
{
	cli->opts.vm_accel = cli->vm.accel;
	cli->opts.vm_kernel = cli->vm.kernel;
	cli->opts.vm_initrd = cli->vm.initrd;
	if (cli->vm.mem_mib > 0)
		cli->opts.vm_mem_mib = (unsigned)cli->vm.mem_mib;
	if (cli->vm.vcpus > 0)
		cli->opts.vm_vcpus = (unsigned)cli->vm.vcpus;
	if (cli->vm.accel && !strcmp(cli->vm.accel, "kvm") && host->kvm.kind != BB_KVM_HARDWARE)
		fprintf(
		    stderr,
		    "boxbench: run: warning: --vm-accel kvm, but KVM here is %s (%s): guests will "
		    "not run at native speed\n",
		    kvm_kind_name(host->kvm.kind), host->kvm.reason);
}

static int run_setup(struct run_cli *cli, struct bb_run *run, struct bb_result *res,
                     struct bb_host *host)
{
	struct bb_err err = { 0 };
	int rc;

	options_defaults(&cli->opts);
	if (host_probe((int)cli->pu, host, &err) < 0)
		return cli_error("run", BB_EXIT_USAGE, "%s", err.msg);
	cli->opts.pu = host->topo.pinned_pu;
	run_vm_opts(cli, host);
	run_container_opts(cli);
	run_suite_args(cli, run, host);
	if (run_scratch(cli, run, &err) < 0)
		return cli_error("run", BB_EXIT_USAGE, "%s", err.msg);
	if (kvm_probe(&host->kvm, &err) < 0)
		return cli_error("run", BB_EXIT_FAIL, "kvm probe: %s", err.msg);
	/* The harness sits on another core than the workload, so its reading and parsing do
	 * not take cycles from what is measured. */
	if (host->topo.harness_pu >= 0)
		proc_pin(0, host->topo.harness_pu, NULL);
	res->environments = json_object();
	if ((rc = run_envs(cli, run, res->environments)) >= 0)
		return rc;
	if (run->nenvs == 0)
		return cli_error("run", BB_EXIT_UNAVAILABLE, "no environment can run here");
	if ((rc = run_prepare(run, res->environments)) >= 0)
		return rc;
	if (run_header(cli, run, res, host) < 0) {
		run_cleanup(run);
		return cli_error("run", BB_EXIT_FAIL, "out of memory");
	}
	return -1;
}

static int run_main(int argc, char **argv)
{
	struct run_cli cli = { 0 };
	struct bb_run run = { 0 };
	struct bb_result res;
	struct bb_host host;
	struct bb_err err = { 0 };
	char pathbuf[512];
	const char *path;
	int rc;

	results_init(&res);
	if ((rc = run_parse(argc, argv, &cli, &run)) >= 0)
		goto out;
	if (cli.out && !cli.force && access(cli.out, F_OK) == 0) {
		rc = cli_error("run", BB_EXIT_USAGE, "%s exists (use --force to replace it)",
		               cli.out);
		goto out;
	}
	run_signals();
	if ((rc = run_setup(&cli, &run, &res, &host)) >= 0)
		goto out;
	path = cli.out;
	if (!path && (rc = run_default_path(&res, pathbuf, sizeof(pathbuf))) >= 0)
		goto cleanup;
	path = path ? path : pathbuf;
	run.progress = stderr;
	run.progress_tty = isatty(STDERR_FILENO);
	rc = run_samples(&run, &res, &err);
	rc = run_finish(&cli, &run, &res, path, rc, &err);
cleanup:
	run_cleanup(&run);
out:
	run_scratch_remove(&cli);
	results_free(&res);
	free(cli.envs_buf);
	free(cli.suites_buf);
	free(cli.img.buf);
	return rc;
}

const struct command cmd_run = {
	.name = "run",
	.usage = "[--envs LIST] [--suites LIST] [--reps N] [--warmup N] [--quick] [-o FILE]",
	.summary = "measure suites in environments, write a result file",
	.main = run_main,
};
