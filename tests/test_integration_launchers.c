/* Integration: one contract for every box. The same cases run on every launcher of
 * `launchers[]` that its probe says can run here, driven the way `run` drives them (probe,
 * prepare, spawn, records through the runner, reap, cleanup):
 *   - the startup suite's `ready` arrives and the sample ends with a clean `end`;
 *   - records cross the box intact (selftest's ok mode, with storage attached);
 *   - each misbehaving workload of the selftest suite (garbage, death, missing end, flood,
 *     over-long line, failure status) is a clear per-sample error, ended by itself long before
 *     the timeout;
 *   - a hanging workload is killed after the job's timeout, within a bounded teardown margin;
 *   - after every case nothing is left: no child process, no cgroup of this test, no mount,
 *     no file in the scratch directory, no open file descriptor.
 * A launcher added to the table gets these checks without an edit here. Launchers that cannot
 * run here are skipped with their probe's reason; at least one must run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "cgroup.h"
#include "helpers.h"
#include "launcher.h"
#include "options.h"
#include "runner.h"

#define MAX_BOXES 16
#define MAX_CASES 16
/* A misbehaving workload ends by itself well before this: only `hang` may reach a timeout.
 * The slowest case is a flood through a guest's serial line under TCG: its 4096 records took
 * 30-40 s here. */
#define CASE_TIMEOUT_S 120.0
/* With BOXBENCH_TEST_SLOW=1, a slow box's cases wait as long as its own timeout. */
#define SLOW_TIMEOUT_S 400.0
/* Killing and tearing down an instance after its timeout (SIGKILL, reap, cgroup removal, a
 * QEMU process's exit) takes well under a second; the rest is slack for a busy 2-core host. */
#define TEARDOWN_MARGIN_S 5.0
#define SNAP_MAX          16384

/* One launcher of the table: its probe and, during a case, its prepared environment. */
struct box {
	const struct launcher *l;
	struct bb_probe probe;
	struct bb_env_opts opts;
	struct bb_env env;
	bool prepared;
	double ready_s; /* launch to ready in the ready case: calibrates the timeout case */
};

/* What a case must leave as it found it. */
struct snapshot {
	int fds;
	char scratch[SNAP_MAX]; /* the scratch directory's entries */
	char mounts[SNAP_MAX];  /* mount points under the scratch or build directory */
};

/* A misbehaving mode of the selftest suite and what its per-sample error must say. */
struct misbehaviour {
	const char *mode;
	const char *want;
};

static const struct misbehaviour misbehaviours[] = {
	{ "garbage", "bad record" },         { "die", "no end record" },
	{ "no-end", "no end record" },       { "flood", "flooded" },
	{ "long-line", "longer than 4096" }, { "fail", "ended with status 3" },
};
#define NMISBEHAVIOURS (sizeof(misbehaviours) / sizeof(misbehaviours[0]))

static struct box boxes[MAX_BOXES];
static struct box *cur; /* the launcher whose group is running */
static char scratch[64];
static char build_real[PATH_MAX];
static struct snapshot before;
/* A daemon a launcher keeps for the whole run (BB_CAP_DAEMON: dockerd) is a child of ours from
 * prepare to cleanup: it is no instance's leftover. */
static int daemon_children;

/* --- what is left behind --- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static void list_dir(const char *path, char *out, size_t len)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..") && o < len)
			o += (size_t)snprintf(out + o, len - o, "%s\n", names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* Mount points (field 5 of mountinfo) in this test's scratch directory or the build tree, where
 * a box's root or storage would show if a mount escaped its namespace. Other work on the
 * machine (another run's daemon state, say) does not count: only what this test could make. */
static void list_mounts(char *out, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PATH_MAX];
	size_t o = 0;

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
		    (strstr(mnt, scratch) || strstr(mnt, build_real)) && o < len)
			o += (size_t)snprintf(out + o, len - o, "%s\n", mnt);
	if (f)
		fclose(f);
}

static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

/* Instance cgroups this test process made (cgroup.h: `boxbench-<pid>-<seq>` under the
 * `boxbench` parent of each hierarchy); other runs on the machine do not count. */
static int leftover_cgroups(void)
{
	struct cg_layout lo;
	struct bb_err err = { 0 };
	char prefix[32];
	int n = 0;

	if (cg_layout_init(&lo, &err) < 0)
		return 0; /* no usable cgroups here: no launcher can have made one */
	snprintf(prefix, sizeof(prefix), "boxbench-%d-", (int)getpid());
	for (int c = 0; c < CG_NCTRL; c++) {
		bool seen = false;
		for (int k = 0; k < c; k++)
			seen |= !strcmp(lo.parent[k], lo.parent[c]);
		if (lo.parent[c][0] && !seen)
			n += count_entries(lo.parent[c], prefix);
	}
	return n;
}

static void snapshot_take(struct snapshot *s)
{
	s->fds = count_fds();
	list_dir(scratch, s->scratch, sizeof(s->scratch));
	list_mounts(s->mounts, sizeof(s->mounts));
}

/* After every instance is reaped: no process and no cgroup of it. */
static void assert_reaped(const char *what)
{
	int children = leftover_children() - daemon_children, cgroups = leftover_cgroups();

	if (children || cgroups)
		fail_msg("%s: %s left %d process(es), %d cgroup(s)", cur->l->name, what, children,
		         cgroups);
}

/* After cleanup: the machine as the case found it. */
static void assert_nothing_left(void)
{
	static struct snapshot after;

	assert_reaped("cleanup");
	snapshot_take(&after);
	if (strcmp(after.scratch, before.scratch))
		fail_msg("%s: scratch directory was\n%s\nand is now\n%s", cur->l->name,
		         before.scratch, after.scratch);
	if (strcmp(after.mounts, before.mounts))
		fail_msg("%s: mounts were\n%s\nand are now\n%s", cur->l->name, before.mounts,
		         after.mounts);
	if (after.fds != before.fds)
		fail_msg("%s: %d file descriptors open before, %d after", cur->l->name, before.fds,
		         after.fds);
}

/* --- driving a box --- */

static void box_release(struct box *b)
{
	if (!b->prepared)
		return;
	b->l->cleanup(&b->env);
	envdesc_free(&b->env.desc);
	b->prepared = false;
	daemon_children = 0;
}

/* Each case gets a freshly prepared environment, so that what cleanup() must remove is
 * checked as well. */
static void box_begin(struct box *b)
{
	struct bb_err err = { 0 };

	if (!b->probe.available)
		skip();
	snapshot_take(&before);
	memset(&b->env, 0, sizeof(b->env));
	b->env.launcher = b->l;
	b->env.opts = &b->opts;
	snprintf(b->env.name, sizeof(b->env.name), "%s", b->l->name);
	envdesc_init(&b->env.desc, b->l->name);
	b->env.desc.class = b->l->class;
	b->env.desc.caps = b->l->caps;
	if (b->l->prepare(&b->env, &err) < 0)
		fail_msg("%s: prepare: %s", b->l->name, err.msg);
	b->prepared = true;
	if (b->l->caps & BB_CAP_DAEMON)
		daemon_children = leftover_children();
	/* the contract: prepare says what the box is made of */
	if (!b->env.desc.kind[0])
		fail_msg("%s: prepare left the description's kind empty", b->l->name);
	if (b->l->class == BB_CLASS_UNKNOWN)
		fail_msg("%s: the launcher declares no class", b->l->name);
}

static void box_end(struct box *b)
{
	box_release(b);
	assert_nothing_left();
}

/* One sample of `boxbench-load suite [--mode mode]` through the runner; never a harness
 * failure, and its instance is gone when it returns. */
static void box_sample(struct box *b, const char *mode, double timeout_s, bool storage,
                       struct bb_sample *smp)
{
	char *args[] = { "--mode", (char *)mode, NULL };
	struct bb_job job = {
		.suite = mode ? "selftest" : "startup",
		.args = mode ? args : NULL,
		.timeout_s = timeout_s,
		.storage = storage,
	};
	struct bb_err err = { 0 };

	if (runner_sample(&b->env, &job, smp, &err) < 0)
		fail_msg("%s: %s: harness failure: %s", b->l->name, mode ? mode : "startup",
		         err.msg);
	print_message("launchers: %s %s: %.2f s, %s\n", b->l->name, mode ? mode : "startup",
	              (double)smp->exit_ns / 1e9, smp->ok ? "ok" : smp->error);
	assert_reaped(mode ? mode : "startup");
}

static const struct bb_record *find_record(const struct bb_sample *smp, const char *metric)
{
	for (size_t i = 0; i < smp->nrecs; i++)
		if (!strcmp(smp->recs[i].metric, metric))
			return &smp->recs[i];
	return NULL;
}

static double case_timeout(void)
{
	return getenv("BOXBENCH_TEST_SLOW") ? SLOW_TIMEOUT_S : CASE_TIMEOUT_S;
}

/* --- the cases --- */

static void test_ready_and_end(void **state)
{
	struct bb_sample smp;

	(void)state;
	box_begin(cur);
	box_sample(cur, NULL, case_timeout(), false, &smp);
	if (!smp.ok)
		fail_msg("%s: startup sample failed: %s", cur->l->name, smp.error);
	assert_true(smp.ready_ns > 0);
	assert_int_equal(smp.end_status, 0);
	assert_false(smp.stopped);
	assert_true(smp.exit_ns >= smp.ready_ns);
	assert_true((double)smp.exit_ns < case_timeout() * 1e9);
	cur->ready_s = (double)smp.ready_ns / 1e9;
	sample_free(&smp);
	box_end(cur);
}

/* A metric, an info number and an info text cross the box as the workload wrote them; the
 * job asks for storage, so whatever a launcher makes for it must go at cleanup too. */
static void test_records_intact(void **state)
{
	struct bb_sample smp;

	(void)state;
	box_begin(cur);
	box_sample(cur, "ok", case_timeout(), true, &smp);
	if (!smp.ok)
		fail_msg("%s: selftest ok failed: %s", cur->l->name, smp.error);
	const struct bb_record *value = find_record(&smp, "value");
	const struct bb_record *pid = find_record(&smp, "pid");
	const struct bb_record *host = find_record(&smp, "hostname");
	assert_non_null(value);
	assert_int_equal(value->kind, BB_REC_METRIC);
	assert_string_equal(value->suite, "selftest");
	assert_string_equal(value->unit, "ns");
	assert_true(value->value == 42.0);
	assert_non_null(pid);
	assert_true(pid->value >= 1);
	assert_non_null(host);
	assert_true(host->is_text && host->text[0]);
	sample_free(&smp);
	box_end(cur);
}

static void test_misbehaving(void **state)
{
	const struct misbehaviour *m = *state;
	struct bb_sample smp;

	box_begin(cur);
	box_sample(cur, m->mode, case_timeout(), false, &smp);
	assert_false(smp.ok);
	if (!strstr(smp.error, m->want))
		fail_msg("%s: %s: error \"%s\" does not say \"%s\"", cur->l->name, m->mode,
		         smp.error, m->want);
	/* The workload was up (ready is its first record) and the harness saw the problem
	 * itself: the sample was not ended by the timeout. */
	assert_true(smp.ready_ns > 0);
	assert_null(strstr(smp.error, "timed out"));
	assert_true((double)smp.exit_ns < case_timeout() * 1e9);
	sample_free(&smp);
	box_end(cur);
}

/* The timeout leaves the box time to start (three times its measured time to ready) and
 * then kills the hanging workload: not before the timeout, and done within the margin. */
static void test_timeout(void **state)
{
	struct bb_sample smp;
	double timeout_s = 1.0 + 3.0 * (cur->ready_s > 0 ? cur->ready_s : 3.0);

	(void)state;
	box_begin(cur);
	box_sample(cur, "hang", timeout_s, false, &smp);
	assert_false(smp.ok);
	if (!strstr(smp.error, "timed out"))
		fail_msg("%s: hang: error \"%s\" does not say \"timed out\"", cur->l->name,
		         smp.error);
	assert_true(smp.ready_ns > 0);
	double took = (double)smp.exit_ns / 1e9;
	if (took < timeout_s || took > timeout_s + TEARDOWN_MARGIN_S)
		fail_msg("%s: hang: ended after %.2f s, timeout %.2f s + margin %.1f s",
		         cur->l->name, took, timeout_s, TEARDOWN_MARGIN_S);
	sample_free(&smp);
	box_end(cur);
}

/* --- groups: one per launcher, the same cases in each --- */

static int case_teardown(void **state)
{
	(void)state;
	box_release(cur);
	return 0;
}

/* A box that needs its own per-sample timeout beyond a case's (a full OS booting under
 * emulation: minutes per instance) would take the whole test budget for its nine cases: it
 * runs them only with BOXBENCH_TEST_SLOW=1, and its own integration test boots it once. */
static void slow_box(struct box *b)
{
	struct bb_err err = { 0 };
	double t;

	memset(&b->env, 0, sizeof(b->env));
	b->env.launcher = b->l;
	b->env.opts = &b->opts;
	envdesc_init(&b->env.desc, b->l->name);
	if (b->l->prepare(&b->env, &err) < 0) {
		envdesc_free(&b->env.desc);
		return; /* the ready case reports it */
	}
	t = b->env.timeout_s;
	b->l->cleanup(&b->env);
	envdesc_free(&b->env.desc);
	if (t <= CASE_TIMEOUT_S || getenv("BOXBENCH_TEST_SLOW"))
		return;
	b->probe.available = false;
	snprintf(b->probe.reason, sizeof(b->probe.reason),
	         "its own timeout of %.0f s per sample (a boot takes minutes here): "
	         "BOXBENCH_TEST_SLOW=1 runs its cases",
	         t);
}

static int group_setup(void **state)
{
	(void)state;
	cur->l->probe(&cur->opts, &cur->probe);
	if (cur->probe.available)
		slow_box(cur);
	print_message("launchers: %s %s: %s\n", cur->l->name,
	              cur->probe.available ? "runs" : "skipped", cur->probe.reason);
	return 0;
}

static size_t cases(struct CMUnitTest *t)
{
	size_t n = 0;

	t[n++] =
	    (struct CMUnitTest){ "ready_and_end", test_ready_and_end, NULL, case_teardown, NULL };
	t[n++] =
	    (struct CMUnitTest){ "records_intact", test_records_intact, NULL, case_teardown, NULL };
	for (size_t i = 0; i < NMISBEHAVIOURS; i++)
		t[n++] = (struct CMUnitTest){ misbehaviours[i].mode, test_misbehaving, NULL,
			                      case_teardown, (void *)&misbehaviours[i] };
	t[n++] = (struct CMUnitTest){ "timeout", test_timeout, NULL, case_teardown, NULL };
	return n;
}

static int fixture(void)
{
	char load[PATH_MAX];

	become_subreaper();
	if (!realpath(build_dir(), build_real))
		return -1;
	/* options_defaults() looks for the workload next to the running binary: point it at
	 * the build tree instead. */
	setenv("BOXBENCH_LIBEXEC", build_real, 1);
	snprintf(load, sizeof(load), "%s/boxbench-load", build_real);
	snprintf(scratch, sizeof(scratch), "/var/tmp/bb-test-launchers-XXXXXX");
	return access(load, X_OK) == 0 && mkdtemp(scratch) ? 0 : -1;
}

int main(void)
{
	struct CMUnitTest tests[MAX_CASES];
	char group[64];
	size_t n = cases(tests), ran = 0, nb = 0;
	int failed = 0;

	if (fixture() < 0) {
		fprintf(stderr, "launchers: no workload in %s or no scratch directory\n",
		        build_dir());
		return 1;
	}
	for (; launchers[nb] && nb < MAX_BOXES; nb++) {
		cur = &boxes[nb];
		cur->l = launchers[nb];
		options_defaults(&cur->opts);
		cur->opts.scratch_dir = scratch;
		snprintf(group, sizeof(group), "integration_launchers_%s", cur->l->name);
		failed += _cmocka_run_group_tests(group, tests, n, group_setup, NULL);
		ran += cur->probe.available;
	}
	for (size_t i = 0; i < nb; i++)
		fprintf(stderr, "launchers: %s %s%s%s\n", boxes[i].l->name,
		        boxes[i].probe.available ? "ran" : "skipped",
		        boxes[i].probe.available ? "" : ": ",
		        boxes[i].probe.available ? "" : boxes[i].probe.reason);
	remove_tree(scratch);
	if (!ran)
		fprintf(stderr, "launchers: no launcher can run here, not even native\n");
	return failed || !ran;
}
