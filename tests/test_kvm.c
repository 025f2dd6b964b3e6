/* KVM probe: the pure classification, and kvm_probe() on whatever machine runs the tests (no
 * assertion on which kind: CI hosts differ), plus the absent paths forced in a child. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <math.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_tree.h"
#include "kvm.h"

static void test_classify_hardware(void **state)
{
	(void)state;
	assert_int_equal(kvm_classify(1.0), BB_KVM_HARDWARE);
	assert_int_equal(kvm_classify(1.1), BB_KVM_HARDWARE);
	assert_int_equal(kvm_classify(1.9), BB_KVM_HARDWARE);
	assert_int_equal(kvm_classify(1.999), BB_KVM_HARDWARE);
	/* Faster than native happens with timer noise on a hardware guest. */
	assert_int_equal(kvm_classify(0.8), BB_KVM_HARDWARE);
}

static void test_classify_emulated(void **state)
{
	(void)state;
	assert_int_equal(kvm_classify(2.0), BB_KVM_EMULATED);
	assert_int_equal(kvm_classify(2.001), BB_KVM_EMULATED);
	assert_int_equal(kvm_classify(500.0), BB_KVM_EMULATED);
	assert_int_equal(kvm_classify(INFINITY), BB_KVM_EMULATED);
}

/* Documented choice: a ratio that is not a positive number means "not measured". */
static void test_classify_not_measured(void **state)
{
	(void)state;
	assert_int_equal(kvm_classify(0.0), BB_KVM_ABSENT);
	assert_int_equal(kvm_classify(-0.0), BB_KVM_ABSENT);
	assert_int_equal(kvm_classify(-1.0), BB_KVM_ABSENT);
	assert_int_equal(kvm_classify(-INFINITY), BB_KVM_ABSENT);
	assert_int_equal(kvm_classify(NAN), BB_KVM_ABSENT);
}

static void test_kind_name(void **state)
{
	(void)state;
	assert_string_equal(kvm_kind_name(BB_KVM_ABSENT), "absent");
	assert_string_equal(kvm_kind_name(BB_KVM_EMULATED), "emulated");
	assert_string_equal(kvm_kind_name(BB_KVM_HARDWARE), "hardware");
	assert_string_equal(kvm_kind_name((enum bb_kvm_kind)42), "unknown");
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void assert_probe_consistent(const struct bb_kvm_probe *p)
{
	struct stat st;

	assert_int_equal(p->present, stat("/dev/kvm", &st) == 0);
	assert_true(strlen(p->reason) > 0);
	/* the paging is read whatever the speed probe found */
	assert_true(strlen(p->paging_evidence) > 0);
	assert_non_null(memchr(p->reason, '\0', sizeof(p->reason)));
	if (p->kind == BB_KVM_ABSENT) {
		assert_true(p->ratio == 0 && p->guest_ns_per_iter == 0 && p->host_ns_per_iter == 0);
		return;
	}
	assert_true(p->present);
	assert_true(p->ratio > 0);
	assert_true(p->guest_ns_per_iter > 0);
	assert_true(p->host_ns_per_iter > 0);
	assert_true(p->iterations > 1);
	assert_int_equal(p->kind, kvm_classify(p->ratio));
	/* ratio is guest / host; a mismatch would mean the summary and the figures disagree */
	assert_true(fabs(p->ratio - p->guest_ns_per_iter / p->host_ns_per_iter) <= 1e-9 * p->ratio);
}

static void test_probe_here(void **state)
{
	struct bb_kvm_probe p;
	struct bb_err err = { 0 };
	int fds_before = count_fds();

	(void)state;
	assert_int_equal(kvm_probe(&p, &err), 0);
	print_message("kvm probe: %s (present %d): %s\n", kvm_kind_name(p.kind), p.present,
	              p.reason);
	assert_probe_consistent(&p);
	/* every descriptor (pipe, /dev/kvm, VM, vCPU) is released, and the child is reaped */
	assert_int_equal(count_fds(), fds_before);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Run kvm_probe() in a child after `setup`; the child exits 0 when the result is the expected
 * absent one, 1 when it is not, 77 when the setup is impossible here (not root...). */
static int probe_in_child(int (*setup)(void), const char *want_reason, bool want_present)
{
	struct bb_kvm_probe p;
	struct bb_err err = { 0 };
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (setup() < 0)
			_exit(77);
		if (kvm_probe(&p, &err) < 0)
			_exit(2);
		_exit(p.kind == BB_KVM_ABSENT && p.present == want_present && p.ratio == 0 &&
		              strstr(p.reason, want_reason)
		          ? 0
		          : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* A private mount namespace with an empty /dev: nothing on the host changes. */
static int hide_dev_kvm(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	return mount("tmpfs", "/dev", "tmpfs", 0, "size=64k");
}

static void test_probe_enoent(void **state)
{
	int r;

	(void)state;
	r = probe_in_child(hide_dev_kvm, "/dev/kvm: No such file or directory", false);
	if (r == 77)
		skip();
	assert_int_equal(r, 0);
}

static int become_nobody(void)
{
	struct stat st;

	/* only meaningful when "other" has no access to /dev/kvm */
	if (geteuid() != 0 || stat("/dev/kvm", &st) < 0 || (st.st_mode & (S_IROTH | S_IWOTH)))
		return -1;
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return -1;
	return 0;
}

static void test_probe_eacces(void **state)
{
	int r;

	(void)state;
	r = probe_in_child(become_nobody, "open /dev/kvm: Permission denied", true);
	if (r == 77)
		skip();
	assert_int_equal(r, 0);
}

/* Paging, from fake /sys and /proc trees */

#define CPU_VMX_EPT                                                                                \
	"processor\t: 0\nflags\t\t: fpu vme vmx lm\nvmx flags\t: vnmi ept_x_only ept vpid\n\n"     \
	"processor\t: 1\nflags\t\t: fpu\n\n"
#define CPU_VMX_NO_EPT "processor\t: 0\nflags\t\t: fpu vme vmx lm\nvmx flags\t: vnmi ept_x_only\n\n"
#define CPU_SVM_NPT    "processor\t: 0\nflags\t\t: fpu svm npt lm\n\n"
#define CPU_NONE       "processor\t: 0\nflags\t\t: fpu hypervisor lm\n\n"

static enum bb_kvm_paging paging_of(struct fake_tree *t, char *ev, size_t len)
{
	return kvm_paging_detect(t->root, ev, len);
}

static void test_paging_intel(void **state)
{
	struct fake_tree t;
	char ev[256];

	(void)state;
	assert_int_equal(fake_tree_new(&t), 0);
	assert_int_equal(fake_tree_put(&t, "proc/cpuinfo", CPU_VMX_EPT), 0);
	assert_int_equal(fake_tree_put(&t, "sys/module/kvm_intel/parameters/ept", "Y\n"), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_EPT);
	assert_non_null(strstr(ev, "kvm_intel loaded, ept=Y"));
	assert_non_null(strstr(ev, "CPU flags: vmx, ept"));
	/* ept=N (kvm_intel loaded with ept=0, or a CPU without it): shadow */
	assert_int_equal(fake_tree_put(&t, "sys/module/kvm_intel/parameters/ept", "N\n"), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_SHADOW);
	assert_non_null(strstr(ev, "ept=N"));
	/* the parameter unreadable: the CPU flag decides; ept_x_only is not ept */
	assert_int_equal(fake_tree_put(&t, "sys/module/kvm_intel/parameters/ept", ""), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_EPT);
	assert_non_null(strstr(ev, "unreadable"));
	assert_int_equal(fake_tree_put(&t, "proc/cpuinfo", CPU_VMX_NO_EPT), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_SHADOW);
	assert_non_null(strstr(ev, "vmx, no ept"));
	fake_tree_free(&t);
}

static void test_paging_amd(void **state)
{
	struct fake_tree t;
	char ev[256];

	(void)state;
	assert_int_equal(fake_tree_new(&t), 0);
	assert_int_equal(fake_tree_put(&t, "proc/cpuinfo", CPU_SVM_NPT), 0);
	assert_int_equal(fake_tree_put(&t, "sys/module/kvm_amd/parameters/npt", "1\n"), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_NPT);
	assert_non_null(strstr(ev, "kvm_amd loaded, npt=1"));
	assert_int_equal(fake_tree_put(&t, "sys/module/kvm_amd/parameters/npt", "0\n"), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_SHADOW);
	fake_tree_free(&t);
}

/* A software KVM (PVM) wins over everything else, as on the development machines. */
static void test_paging_pvm(void **state)
{
	struct fake_tree t;
	char ev[256];

	(void)state;
	assert_int_equal(fake_tree_new(&t), 0);
	assert_int_equal(fake_tree_put(&t, "proc/cpuinfo", CPU_NONE), 0);
	assert_int_equal(fake_tree_mkdir(&t, "sys/module/kvm/parameters"), 0);
	assert_int_equal(fake_tree_put(&t, "sys/module/kvm_pvm/parameters/force", "N\n"), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_SHADOW);
	assert_non_null(strstr(ev, "kvm_pvm loaded"));
	assert_non_null(strstr(ev, "no vmx or svm"));
	fake_tree_free(&t);
}

static void test_paging_unknown(void **state)
{
	struct fake_tree t;
	char ev[256];

	(void)state;
	assert_int_equal(fake_tree_new(&t), 0);
	/* nothing at all: no module, no cpuinfo */
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_UNKNOWN);
	assert_non_null(strstr(ev, "no KVM module loaded"));
	assert_non_null(strstr(ev, "no flags"));
	/* a CPU with EPT but no vendor module loaded: nothing runs guests yet */
	assert_int_equal(fake_tree_put(&t, "proc/cpuinfo", CPU_VMX_EPT), 0);
	assert_int_equal(fake_tree_mkdir(&t, "sys/module/kvm"), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_UNKNOWN);
	assert_non_null(strstr(ev, "without kvm_intel"));
	/* a parameter the kernel never writes: not a boolean, so the CPU decides */
	assert_int_equal(fake_tree_put(&t, "sys/module/kvm_intel/parameters/ept", "maybe\n"), 0);
	assert_int_equal(paging_of(&t, ev, sizeof(ev)), BB_PAGING_EPT);
	fake_tree_free(&t);
}

static void test_paging_name(void **state)
{
	(void)state;
	assert_string_equal(kvm_paging_name(BB_PAGING_EPT), "ept");
	assert_string_equal(kvm_paging_name(BB_PAGING_NPT), "npt");
	assert_string_equal(kvm_paging_name(BB_PAGING_SHADOW), "shadow");
	assert_string_equal(kvm_paging_name(BB_PAGING_UNKNOWN), "unknown");
	assert_string_equal(kvm_paging_name((enum bb_kvm_paging)42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_hardware),
		cmocka_unit_test(test_classify_emulated),
		cmocka_unit_test(test_classify_not_measured),
		cmocka_unit_test(test_kind_name),
		cmocka_unit_test(test_probe_here),
		cmocka_unit_test(test_probe_enoent),
		cmocka_unit_test(test_probe_eacces),
		cmocka_unit_test(test_paging_intel),
		cmocka_unit_test(test_paging_amd),
		cmocka_unit_test(test_paging_pvm),
		cmocka_unit_test(test_paging_unknown),
		cmocka_unit_test(test_paging_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
