/* Host state (harness/host_state.h) read from fake /sys and /proc trees: the governor and boost
 * of every driver's kind, SMT siblings online or busy, IRQ affinity lists, and the warnings
 * each gives; the JSON the result records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_tree.h"
#include "host.h"
#include "host_state.h"

static struct fake_tree t;

static int setup(void **state)
{
	(void)state;
	return fake_tree_new(&t);
}

static int teardown(void **state)
{
	(void)state;
	fake_tree_free(&t);
	return 0;
}

static void put(const char *rel, const char *text)
{
	assert_int_equal(fake_tree_put(&t, rel, text), 0);
}

static bool warned(const struct bb_host_state *s, const char *needle)
{
	for (size_t i = 0; i < s->nwarnings; i++)
		if (strstr(s->warnings[i], needle))
			return true;
	return false;
}

static struct bb_topology topo_pu(int pu)
{
	struct bb_topology topo = { .pinned_pu = pu, .harness_pu = -1 };
	return topo;
}

/* A VM without cpufreq (as the development machines): unknown, and no warning for it. */
static void test_no_cpufreq(void **state)
{
	struct bb_topology topo = topo_pu(1);
	struct bb_host_state s;

	(void)state;
	host_state_probe(t.root, &topo, 0, &s);
	assert_false(s.cpufreq.present);
	assert_string_equal(s.cpufreq.governor, "unknown (no cpufreq)");
	assert_int_equal(s.cpufreq.boost, -1);
	assert_false(s.irq.read);
	assert_int_equal(s.nwarnings, 0);
}

static void test_governor_and_boost(void **state)
{
	struct bb_topology topo = topo_pu(1);
	struct bb_host_state s;

	(void)state;
	put("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave\n");
	put("sys/devices/system/cpu/cpu1/cpufreq/scaling_driver", "intel_pstate\n");
	put("sys/devices/system/cpu/intel_pstate/no_turbo", "0\n");
	host_state_probe(t.root, &topo, 0, &s);
	assert_true(s.cpufreq.present);
	assert_string_equal(s.cpufreq.governor, "powersave");
	assert_string_equal(s.cpufreq.driver, "intel_pstate");
	assert_int_equal(s.cpufreq.boost, 1); /* no_turbo=0: boost on */
	assert_true(warned(&s, "governor is powersave, not performance"));
	assert_true(warned(&s, "boost is on (intel_pstate/no_turbo=0)"));
	/* performance and no turbo: nothing to say */
	put("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance\n");
	put("sys/devices/system/cpu/intel_pstate/no_turbo", "1\n");
	host_state_probe(t.root, &topo, 0, &s);
	assert_int_equal(s.cpufreq.boost, 0);
	assert_int_equal(s.nwarnings, 0);
	/* the policy's own boost file wins over the others */
	put("sys/devices/system/cpu/cpu1/cpufreq/boost", "1\n");
	host_cpufreq_read(t.root, 1, &s.cpufreq);
	assert_int_equal(s.cpufreq.boost, 1);
	assert_string_equal(s.cpufreq.boost_from, "cpu1/cpufreq/boost=1");
}

/* acpi-cpufreq says boost in cpufreq/boost; another PU's cpufreq says nothing of PU 0's. */
static void test_global_boost(void **state)
{
	struct bb_cpufreq c;

	(void)state;
	put("sys/devices/system/cpu/cpufreq/boost", "0\n");
	put("sys/devices/system/cpu/cpu3/cpufreq/scaling_governor", "schedutil\n");
	host_cpufreq_read(t.root, 0, &c);
	assert_false(c.present);
	assert_string_equal(c.governor, "unknown (no cpufreq)");
	assert_int_equal(c.boost, 0);
	assert_string_equal(c.boost_from, "cpufreq/boost=0");
	host_cpufreq_read(t.root, 3, &c);
	assert_string_equal(c.governor, "schedutil");
}

static void test_irq_affinity(void **state)
{
	struct bb_irq q;

	(void)state;
	put("proc/irq/0/smp_affinity_list", "0-3\n");
	put("proc/irq/9/smp_affinity_list", "0,2\n");
	put("proc/irq/24/smp_affinity_list", "1\n");
	put("proc/irq/25/smp_affinity_list", "\n"); /* delivered nowhere */
	put("proc/irq/26/smp_affinity_list", "1-x\n");
	assert_int_equal(fake_tree_mkdir(&t, "proc/irq/27"), 0); /* no list at all */
	put("proc/irq/default_smp_affinity", "f\n");             /* not an IRQ */
	host_irq_read(t.root, 1, &q);
	assert_true(q.read);
	assert_int_equal(q.irqs, 4);
	assert_int_equal(q.on_pu, 2);
	assert_int_equal(q.unreadable, 2);
	host_irq_read(t.root, 2, &q);
	assert_int_equal(q.on_pu, 2);
	host_irq_read(t.root, 7, &q);
	assert_int_equal(q.on_pu, 0);
}

static void test_irq_warning(void **state)
{
	struct bb_topology topo = topo_pu(1);
	struct bb_host_state s;

	(void)state;
	put("proc/irq/24/smp_affinity_list", "0-1\n");
	put("proc/irq/25/smp_affinity_list", "0\n");
	host_state_probe(t.root, &topo, 0, &s);
	assert_int_equal(s.nwarnings, 1);
	assert_true(warned(&s, "1 of 2 IRQs may be delivered on the measured PU 1"));
	/* IRQs moved away from the PU: no warning */
	put("proc/irq/24/smp_affinity_list", "0\n");
	host_state_probe(t.root, &topo, 0, &s);
	assert_int_equal(s.nwarnings, 0);
}

static void test_stat_busy(void **state)
{
	unsigned long long b0, t0, b1, t1;

	(void)state;
	put("proc/stat", "cpu  10 0 10 100 0 0 0 0 0 0\n"
	                 "cpu0 5 0 5 50 0 0 0 0 0 0\n"
	                 "cpu1 5 0 5 50 10 0 0 0 0 0\n");
	assert_int_equal(host_cpu_ticks(t.root, 1, &b0, &t0), 0);
	assert_int_equal(b0, 10);
	assert_int_equal(t0, 70); /* iowait is idle too */
	assert_int_equal(host_cpu_ticks(t.root, 2, &b1, &t1), -1);
	put("proc/stat", "cpu1 35 0 15 60 10 0 0 0 0 0\n");
	assert_int_equal(host_cpu_ticks(t.root, 1, &b1, &t1), 0);
	assert_true(host_busy_share(b0, t0, b1, t1) == 40.0 / 50.0);
	assert_true(host_busy_share(b0, t0, b0, t0) == -1); /* no time passed */
	assert_true(host_busy_share(b1, t1, b0, t0) == -1); /* counters went back */
}

/* An SMT sibling online: a warning, stronger when it was busy. */
static void test_smt_warnings(void **state)
{
	struct bb_topology topo = topo_pu(3);
	struct bb_host_state s;

	(void)state;
	topo.smt_siblings[0] = 2;
	topo.nsmt_siblings = 1;
	host_state_probe(t.root, &topo, 0, &s);
	assert_int_equal(s.smt.nsiblings, 1);
	assert_true(s.smt.busy < 0);
	assert_true(warned(&s, "PU 3 shares its core with PU 2 (online)"));
	s.smt.busy = 0.5;
	host_state_warn(&s);
	assert_true(warned(&s, "busy 50% of the time"));
	s.smt.busy = 0.01;
	host_state_warn(&s);
	assert_true(warned(&s, "idle during the probe"));
	/* no sibling: nothing */
	topo.nsmt_siblings = 0;
	host_state_probe(t.root, &topo, 0, &s);
	assert_int_equal(s.nwarnings, 0);
}

/* The busy share is really sampled over the interval (from the fake tree's /proc/stat,
 * which does not move: no time passed on the sibling, so unknown). */
static void test_smt_busy_sampled(void **state)
{
	struct bb_topology topo = topo_pu(1);
	struct bb_host_state s;

	(void)state;
	topo.smt_siblings[0] = 0;
	topo.nsmt_siblings = 1;
	put("proc/stat", "cpu0 5 0 5 50 0 0 0 0 0 0\n");
	host_state_probe(t.root, &topo, 0.01, &s);
	assert_true(s.smt.busy == -1);
	/* the live host: a share in [0, 1] or unknown */
	host_state_probe("/", &topo, 0.05, &s);
	assert_true(s.smt.busy == -1 || (s.smt.busy >= 0 && s.smt.busy <= 1));
}

static void test_json(void **state)
{
	struct bb_topology topo = topo_pu(1);
	struct bb_host_state s;
	json_t *host = json_object(), *v;

	(void)state;
	topo.smt_siblings[0] = 0;
	topo.nsmt_siblings = 1;
	put("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "ondemand\n");
	put("proc/irq/24/smp_affinity_list", "0-1\n");
	host_state_probe(t.root, &topo, 0, &s);
	host_state_to_json(&s, host);
	v = json_object_get(host, "cpufreq");
	assert_string_equal(json_string_value(json_object_get(v, "governor")), "ondemand");
	assert_string_equal(json_string_value(json_object_get(v, "boost")), "unknown");
	assert_true(json_is_null(json_object_get(v, "driver")));
	v = json_object_get(host, "smt");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(v, "siblings"), 0)), 0);
	assert_true(json_is_null(json_object_get(v, "siblings_busy")));
	v = json_object_get(host, "irq");
	assert_int_equal(json_integer_value(json_object_get(v, "on_pu")), 1);
	assert_int_equal(json_array_size(json_object_get(host, "warnings")), 3);
	json_decref(host);
}

/* The real host: host_probe records the state, and host_to_json writes it. */
static void test_host_probe_records_state(void **state)
{
	struct bb_host h;
	struct bb_err err = { 0 };
	json_t *o;

	(void)state;
	assert_int_equal(host_probe(-1, &h, &err), 0);
	assert_int_equal(h.state.smt.pu, h.topo.pinned_pu);
	assert_true(strlen(h.state.cpufreq.governor) > 0);
	o = host_to_json(&h);
	assert_non_null(json_object_get(o, "cpufreq"));
	assert_true(json_is_array(json_object_get(o, "warnings")));
	assert_non_null(json_string_value(json_object_get(json_object_get(o, "kvm"), "paging")));
	json_decref(o);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_cpufreq),   T(test_governor_and_boost),
		T(test_global_boost), T(test_irq_affinity),
		T(test_irq_warning),  T(test_stat_busy),
		T(test_smt_warnings), T(test_smt_busy_sampled),
		T(test_json),         T(test_host_probe_records_state),
	};
	return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}
