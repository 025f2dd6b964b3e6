/* boxbench doctor: what can run here, and why not. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "host.h"
#include "image.h"
#include "launcher.h"
#include "oci.h"
#include "options.h"
#include "sweep.h"

static json_t *doctor_envs(const struct bb_env_opts *opts)
{
	json_t *envs = json_object();

	for (size_t i = 0; launchers[i]; i++) {
		struct bb_probe p = { 0 };
		launchers[i]->probe(opts, &p);
		json_object_set_new(envs, launchers[i]->name,
		                    json_pack("{s:s, s:b, s:s}", "class",
		                              envdesc_class_name(launchers[i]->class), "available",
		                              p.available, "reason", p.reason));
	}
	return envs;
}

/* The programs under the container stacks, found or not and their version: what `run` would
 * measure (whether each stack can run here is its environment's probe above). */
static json_t *doctor_runtimes(void)
{
	static const char *const progs[][2] = {
		{ "runc", "runc" },
		{ "crun", "crun" },
		{ "conmon", "conmon" },
		{ "podman", "podman" },
		{ "containerd", "containerd" },
		{ "containerd-shim-runc-v2", "containerd" },
		{ "dockerd", "docker.io" },
		{ "docker", "docker.io" },
	};
	json_t *out = json_object();
	char path[PATH_MAX], version[256], why[128];

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		bool found = oci_find_binary(progs[i][0], path) == 0;
		version[0] = '\0';
		if (found)
			oci_binary_version(path, version, sizeof(version));
		snprintf(why, sizeof(why), "not found (Debian package %s)", progs[i][1]);
		json_object_set_new(
		    out, progs[i][0],
		    json_pack("{s:b, s:s, s:s}", "found", found, "path", found ? path : "",
		              "version", found ? (version[0] ? version : "(no --version)") : why));
	}
	return out;
}

static json_t *doctor_image(const struct bb_env_opts *opts, const char *name)
{
	struct bb_env_opts o = *opts;
	struct bb_image img;
	struct bb_err err = { 0 };

	o.image = name;
	int rc = image_open_opts(&o, &img, &err);
	return json_pack("{s:b, s:s}", "available", rc == 0, "reason",
	                 rc == 0 ? img.source : err.msg);
}

/* Root images for `run --image`: the built ones in <build>/images, and debian, which `make
 * image-debian` builds, whether built or not. */
static json_t *doctor_images(const struct bb_env_opts *opts)
{
	char dir[4200];
	json_t *images = json_object();
	struct dirent *e;
	DIR *d;

	json_object_set_new(images, IMAGE_MINIMAL,
	                    json_pack("{s:b, s:s}", "available", 1, "reason",
	                              "built in: the workload alone (container), the initramfs "
	                              "alone (vm)"));
	snprintf(dir, sizeof(dir), "%s/" IMAGE_DIRNAME, opts->build_dir);
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (image_name_valid(e->d_name) && strcmp(e->d_name, IMAGE_MINIMAL))
			json_object_set_new(images, e->d_name, doctor_image(opts, e->d_name));
	if (d)
		closedir(d);
	if (!json_object_get(images, "debian"))
		json_object_set_new(images, "debian", doctor_image(opts, "debian"));
	return images;
}

static void doctor_print(const struct bb_host *h, json_t *envs, json_t *runtimes, json_t *images)
{
	const struct bb_topology *t = &h->topo;
	const char *name;
	json_t *e;

	printf("host\n");
	printf("  hostname     %s\n", h->hostname);
	printf("  kernel       %s\n", h->kernel);
	printf("  cpu          %s\n", h->cpu_model);
	printf(
	    "  topology     %d package(s), %d core(s), %d PU(s), %d NUMA node(s); LLC %llu KiB\n",
	    t->packages, t->cores, t->pus, t->numa_nodes, t->llc_bytes / 1024);
	printf("  pinning      workload on PU %d, harness on ", t->pinned_pu);
	t->harness_pu >= 0 ? printf("PU %d\n", t->harness_pu) : printf("the same PU\n");
	printf("  hypervisor   %s\n",
	       h->hypervisor[0] ? h->hypervisor : "none (bare metal: native means the machine)");
	if (h->hypervisor[0])
		printf("               this host is itself a VM: \"native\" means this guest\n");
	printf("  cgroup       %s\n", h->cgroup);
	printf("  kvm          %s: %s\n", kvm_kind_name(h->kvm.kind), h->kvm.reason);
	printf("  kvm paging   %s: %s\n", kvm_paging_name(h->kvm.paging), h->kvm.paging_evidence);
	printf("  cpufreq      governor %s, boost %s\n", h->state.cpufreq.governor,
	       h->state.cpufreq.boost < 0 ? "unknown"
	       : h->state.cpufreq.boost   ? "on"
	                                  : "off");
	for (size_t i = 0; i < h->state.nwarnings; i++)
		printf("  WARNING      %s\n", h->state.warnings[i]);
	printf("environments\n");
	json_object_foreach(envs, name, e)
	{
		printf("  %-10s %-10s %-13s %s\n", name,
		       json_string_value(json_object_get(e, "class")),
		       json_is_true(json_object_get(e, "available")) ? "available" : "UNAVAILABLE",
		       json_string_value(json_object_get(e, "reason")));
	}
	printf("container runtimes and engines (each stack's own line is above)\n");
	json_object_foreach(runtimes, name, e)
	{
		printf("  %-24s %s%s%s\n", name, json_string_value(json_object_get(e, "path")),
		       json_is_true(json_object_get(e, "found")) ? ": " : "",
		       json_string_value(json_object_get(e, "version")));
	}
	printf("images (run --image)\n");
	json_object_foreach(images, name, e)
	{
		printf("  %-10s %-13s %s\n", name,
		       json_is_true(json_object_get(e, "available")) ? "built" : "NOT BUILT",
		       json_string_value(json_object_get(e, "reason")));
	}
}

/* State left by harnesses that no longer run (sweep.h): listed on stderr, removed with
 * --clean. Returns the exit code so far. */
static int doctor_stale(bool clean)
{
	struct sweep_counts c;
	struct bb_err err = { 0 };

	if (sweep_run(sweepers, clean, stderr, "doctor", &c, &err) < 0)
		return cli_error("doctor", BB_EXIT_FAIL, "stale state not removed: %s", err.msg);
	if (c.stale == 0)
		fprintf(stderr, "boxbench: doctor: no stale state (%zu piece(s) of live runs)\n",
		        c.live);
	else if (!clean)
		fprintf(stderr,
		        "boxbench: doctor: %zu piece(s) of stale state: `boxbench doctor "
		        "--clean` (or the next run) removes them\n",
		        c.stale);
	return BB_EXIT_OK;
}

static const struct option doctor_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "clean", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int doctor_main(int argc, char **argv)
{

	struct bb_env_opts opts;
	struct bb_host host;
	struct bb_err err = { 0 };
	bool as_json = false, clean = false;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", doctor_longopts, NULL)) != -1) {
		if (c == 'j')
			as_json = true;
		else if (c == 'c')
			clean = true;
		else if (c == 'h')
			return printf("usage: boxbench doctor [--json] [--clean]\n"), BB_EXIT_OK;
		else
			return cli_bad_option("doctor", c, argv[optind - 1]);
	}
	if (optind < argc)
		return cli_error("doctor", BB_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	if ((rc = doctor_stale(clean)) != BB_EXIT_OK)
		return rc;
	options_defaults(&opts);
	if (host_probe(-1, &host, &err) < 0)
		return cli_error("doctor", BB_EXIT_FAIL, "%s", err.msg);
	if (kvm_probe(&host.kvm, &err) < 0)
		return cli_error("doctor", BB_EXIT_FAIL, "kvm probe: %s", err.msg);
	opts.pu = host.topo.pinned_pu;
	json_t *envs = doctor_envs(&opts);
	json_t *images = doctor_images(&opts), *runtimes = doctor_runtimes();
	if (as_json) {
		json_t *doc =
		    json_pack("{s:o, s:o, s:o, s:o}", "host", host_to_json(&host), "environments",
		              envs, "runtimes", runtimes, "images", images);
		if (cli_print_json(doc, stdout) < 0)
			return cli_error("doctor", BB_EXIT_FAIL, "--json: cannot write the output");
	} else {
		doctor_print(&host, envs, runtimes, images);
		json_decref(envs);
		json_decref(runtimes);
		json_decref(images);
	}
	return BB_EXIT_OK;
}

const struct command cmd_doctor = {
	.name = "doctor",
	.usage = "[--json] [--clean]",
	.summary = "what can run here, and why not; what killed runs left (--clean removes it)",
	.main = doctor_main,
	.longopts = doctor_longopts,
};
