/* KVM speed probe: a 64-bit guest running `inc rax; dec rcx; jnz` N times then `hlt`, set up
 * through the raw KVM API, timed against the same three instructions on the host. */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#endif

#define KVM_DEV "/dev/kvm"
/* Hardware-assisted guests run a register-only loop at 1.0-1.1x native; anything slower by 2x
 * is some form of emulation (software KVM, shadow paging, binary translation). */
#define KVM_HW_RATIO_MAX 2.0
/* The whole probe runs in a child; past this it is killed and KVM reported unusable. */
#define PROBE_WATCHDOG_MS 10000

enum bb_kvm_kind kvm_classify(double ratio)
{
	if (isnan(ratio) || ratio <= 0)
		return BB_KVM_ABSENT;
	return ratio < KVM_HW_RATIO_MAX ? BB_KVM_HARDWARE : BB_KVM_EMULATED;
}

const char *kvm_kind_name(enum bb_kvm_kind k)
{
	switch (k) {
	case BB_KVM_ABSENT:
		return "absent";
	case BB_KVM_EMULATED:
		return "emulated";
	case BB_KVM_HARDWARE:
		return "hardware";
	}
	return "unknown";
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#if defined(__x86_64__)

/* Guest physical layout: one 2 MiB slot at 0, identity-mapped by a single 2 MiB page. */
#define GUEST_MEM_SIZE 0x200000UL
#define GDT_ADDR       0x1000UL
#define PML4_ADDR      0x2000UL
#define PDPT_ADDR      0x3000UL
#define PD_ADDR        0x4000UL
#define CODE_ADDR      0x5000UL

#define PTE_P  (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7)

#define CR0_PE   (1ULL << 0)
#define CR0_MP   (1ULL << 1)
#define CR0_ET   (1ULL << 4)
#define CR0_NE   (1ULL << 5)
#define CR0_WP   (1ULL << 16)
#define CR0_AM   (1ULL << 18)
#define CR0_PG   (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

#define SEL_CODE 0x08
#define SEL_DATA 0x10

/* Measurement budget: grow N from N_START until the host loop lasts HOST_TARGET_NS or one
 * guest run lasts GUEST_CAP_NS. At 500x that stops near N = 64k (~25 ms a run), so the whole
 * probe stays around a quarter of a second; on hardware KVM it stops on the host target. */
#define N_START        1024UL
#define N_MAX          (1UL << 34)
#define HOST_TARGET_NS 1e6
#define GUEST_CAP_NS   20e6
#define GUEST_REPS     5
#define HOST_REPS      9

/* inc rax; dec rcx; jnz -8; hlt. rcx = N on entry; on exit rax must equal N. */
static const uint8_t guest_code[] = {
	0x48, 0xff, 0xc0, /* inc rax */
	0x48, 0xff, 0xc9, /* dec rcx */
	0x75, 0xf8,       /* jnz CODE_ADDR */
	0xf4,             /* hlt */
};

struct kvm_box {
	int sys_fd, vm_fd, vcpu_fd;
	uint8_t *mem;
	struct kvm_run *run;
	size_t run_size;
};

#define KVM_BOX_INIT                                                                               \
	{                                                                                          \
		.sys_fd = -1, .vm_fd = -1, .vcpu_fd = -1                                           \
	}

static void box_close(struct kvm_box *b)
{
	if (b->run)
		munmap(b->run, b->run_size);
	if (b->vcpu_fd >= 0)
		close(b->vcpu_fd);
	if (b->vm_fd >= 0)
		close(b->vm_fd);
	if (b->mem)
		munmap(b->mem, GUEST_MEM_SIZE);
	if (b->sys_fd >= 0)
		close(b->sys_fd);
	*b = (struct kvm_box)KVM_BOX_INIT;
}

static int box_open_vm(struct kvm_box *b, struct bb_err *err)
{
	struct kvm_userspace_memory_region region = { 0 };
	void *mem;
	int api;

	b->sys_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (b->sys_fd < 0)
		return bb_fail(err, errno, "open %s", KVM_DEV);
	api = ioctl(b->sys_fd, KVM_GET_API_VERSION, 0);
	if (api < 0)
		return bb_fail(err, errno, "KVM_GET_API_VERSION");
	if (api != KVM_API_VERSION)
		return bb_fail(err, 0, "KVM_GET_API_VERSION: %d, expected %d", api,
		               KVM_API_VERSION);
	b->vm_fd = ioctl(b->sys_fd, KVM_CREATE_VM, 0);
	if (b->vm_fd < 0)
		return bb_fail(err, errno, "KVM_CREATE_VM");
	mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return bb_fail(err, errno, "mmap guest memory");
	b->mem = mem;
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = GUEST_MEM_SIZE;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(b->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return bb_fail(err, errno, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static int box_open_vcpu(struct kvm_box *b, struct bb_err *err)
{
	void *run;
	int size;

	b->vcpu_fd = ioctl(b->vm_fd, KVM_CREATE_VCPU, 0);
	if (b->vcpu_fd < 0)
		return bb_fail(err, errno, "KVM_CREATE_VCPU");
	size = ioctl(b->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return bb_fail(err, errno, "KVM_GET_VCPU_MMAP_SIZE");
	if ((size_t)size < sizeof(struct kvm_run))
		return bb_fail(err, 0, "KVM_GET_VCPU_MMAP_SIZE: %d bytes, too small", size);
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, b->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return bb_fail(err, errno, "mmap kvm_run");
	b->run = run;
	b->run_size = (size_t)size;
	return 0;
}

/* Give the vCPU the host's supported CPUID, as every VMM does: KVM validates some state (long
 * mode in EFER on recent kernels) against the guest's CPUID, which starts out empty. */
static int box_set_cpuid(struct kvm_box *b, struct bb_err *err)
{
	struct kvm_cpuid2 *cpuid = NULL;
	unsigned nent;
	int r = -1;

	for (nent = 64; nent <= 4096; nent *= 2) {
		free(cpuid);
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return bb_fail(err, ENOMEM, "cpuid table");
		cpuid->nent = nent;
		r = ioctl(b->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
		if (r == 0 || errno != E2BIG)
			break;
	}
	if (r < 0)
		bb_fail(err, errno, "KVM_GET_SUPPORTED_CPUID");
	else if (ioctl(b->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		r = bb_fail(err, errno, "KVM_SET_CPUID2");
	free(cpuid);
	return r < 0 ? -1 : 0;
}

/* Page tables (PML4 -> PDPT -> PD with one 2 MiB page at 0), a flat GDT matching the segment
 * registers loaded below (so nothing changes if the guest ever reloads them), and the code. */
static void box_write_memory(struct kvm_box *b)
{
	uint64_t *pml4 = (uint64_t *)(b->mem + PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(b->mem + PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(b->mem + PD_ADDR);
	uint64_t *gdt = (uint64_t *)(b->mem + GDT_ADDR);

	pml4[0] = PDPT_ADDR | PTE_P | PTE_RW;
	pdpt[0] = PD_ADDR | PTE_P | PTE_RW;
	pd[0] = 0 | PTE_P | PTE_RW | PTE_PS;
	gdt[0] = 0;
	gdt[SEL_CODE / 8] = 0x00af9b000000ffffULL; /* P, DPL 0, code exec/read, G, L */
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffULL; /* P, DPL 0, data read/write, G, D/B */
	memcpy(b->mem + CODE_ADDR, guest_code, sizeof(guest_code));
}

static void seg_flat(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = code ? 0 : 1, /* L=1 requires D=0 */
		.s = 1,
		.l = code ? 1 : 0,
		.g = 1,
	};
}

static int box_long_mode(struct kvm_box *b, struct bb_err *err)
{
	struct kvm_sregs sregs;

	box_write_memory(b);
	if (ioctl(b->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return bb_fail(err, errno, "KVM_GET_SREGS");
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = 3 * 8 - 1;
	seg_flat(&sregs.cs, SEL_CODE, 11, true);
	seg_flat(&sregs.ds, SEL_DATA, 3, false);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr3 = PML4_ADDR;
	sregs.cr4 = CR4_PAE;
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
	sregs.efer = EFER_LME | EFER_LMA;
	if (ioctl(b->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return bb_fail(err, errno, "KVM_SET_SREGS (64-bit long mode)");
	return 0;
}

static int box_open(struct kvm_box *b, struct bb_err *err)
{
	if (box_open_vm(b, err) < 0 || box_open_vcpu(b, err) < 0 || box_set_cpuid(b, err) < 0 ||
	    box_long_mode(b, err) < 0)
		return -1;
	return 0;
}

static int guest_check_exit(const struct kvm_run *run, struct bb_err *err)
{
	switch (run->exit_reason) {
	case KVM_EXIT_HLT:
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		return bb_fail(err, 0, "KVM_RUN: entry failed, hardware reason 0x%llx",
		               (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return bb_fail(err, 0, "KVM_RUN: internal error, suberror %u",
		               run->internal.suberror);
	case KVM_EXIT_SHUTDOWN:
		return bb_fail(err, 0, "KVM_RUN: guest shut down (triple fault)");
	}
	return bb_fail(err, 0, "KVM_RUN: exit reason %u, expected hlt (%d)", run->exit_reason,
	               KVM_EXIT_HLT);
}

/* One guest run of n iterations; *ns is the KVM_RUN wall time, entry and exit included. The
 * registers are checked so that a guest that faulted or exited early is an error, not a
 * suspiciously fast result. */
static int guest_time(struct kvm_box *b, unsigned long n, double *ns, struct bb_err *err)
{
	struct kvm_regs regs = { 0 };
	double t0, t1;
	int r, tries = 0;

	do {
		memset(&regs, 0, sizeof(regs));
		regs.rip = CODE_ADDR;
		regs.rsp = GUEST_MEM_SIZE;
		regs.rflags = 0x2; /* bit 1 is reserved and must be set */
		regs.rcx = n;
		if (ioctl(b->vcpu_fd, KVM_SET_REGS, &regs) < 0)
			return bb_fail(err, errno, "KVM_SET_REGS");
		t0 = now_ns();
		r = ioctl(b->vcpu_fd, KVM_RUN, 0);
		t1 = now_ns();
	} while (r < 0 && errno == EINTR && ++tries < 3); /* a signal spoils the timing */
	if (r < 0)
		return bb_fail(err, errno, "KVM_RUN");
	if (guest_check_exit(b->run, err) < 0)
		return -1;
	if (ioctl(b->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return bb_fail(err, errno, "KVM_GET_REGS");
	if (regs.rax != n || regs.rcx != 0 || regs.rip != CODE_ADDR + sizeof(guest_code))
		return bb_fail(
		    err, 0, "guest loop wrong: rax %llu rcx %llu rip 0x%llx, expected %lu 0 0x%lx",
		    (unsigned long long)regs.rax, (unsigned long long)regs.rcx,
		    (unsigned long long)regs.rip, n, CODE_ADDR + sizeof(guest_code));
	*ns = t1 - t0;
	return 0;
}

/* The guest's instructions, on the host. asm volatile with the counters as outputs keeps the
 * compiler from folding the loop away. */
static double host_time(unsigned long n)
{
	unsigned long rax = 0, rcx = n;
	double t0, t1;

	t0 = now_ns();
	__asm__ volatile(".p2align 4\n"
	                 "1:\n\t"
	                 "incq %%rax\n\t"
	                 "decq %%rcx\n\t"
	                 "jnz 1b"
	                 : "+a"(rax), "+c"(rcx)
	                 :
	                 : "cc");
	t1 = now_ns();
	return rax == n ? t1 - t0 : -1;
}

static int probe_pick_n(struct kvm_box *b, unsigned long *n_out, struct bb_err *err)
{
	unsigned long n;
	double g;

	for (n = N_START; n < N_MAX; n *= 2) {
		if (guest_time(b, n, &g, err) < 0)
			return -1;
		if (host_time(n) >= HOST_TARGET_NS || g >= GUEST_CAP_NS)
			break;
	}
	*n_out = n;
	return 0;
}

/* Minimum over repeats of a full run (n) and a near-empty run (1 iteration), interleaved so
 * drift hits both; their difference cancels VM entry/exit and the clock's own cost. */
static int guest_delta(struct kvm_box *b, unsigned long n, double *delta, struct bb_err *err)
{
	double full = INFINITY, empty = INFINITY, t;
	int i;

	for (i = 0; i < GUEST_REPS; i++) {
		if (guest_time(b, n, &t, err) < 0)
			return -1;
		full = fmin(full, t);
		if (guest_time(b, 1, &t, err) < 0)
			return -1;
		empty = fmin(empty, t);
	}
	*delta = full - empty;
	return 0;
}

static double host_delta(unsigned long n)
{
	double full = INFINITY, empty = INFINITY;
	int i;

	for (i = 0; i < HOST_REPS; i++) {
		full = fmin(full, host_time(n));
		empty = fmin(empty, host_time(1));
	}
	return full - empty;
}

/* Host ns per iteration over at least HOST_TARGET_NS. When the guest cap stopped N early (an
 * emulated KVM), the host loop at that N lasts only microseconds, too short to time well; the
 * host loop costs nothing, so grow its own count. */
static double host_ns_per_iter(unsigned long n)
{
	while (n < N_MAX && host_time(n) < HOST_TARGET_NS)
		n *= 2;
	return host_delta(n) / (double)(n - 1);
}

static int probe_measure(struct kvm_box *b, struct bb_kvm_probe *p, struct bb_err *err)
{
	unsigned long n;
	double g, h;

	/* The first KVM_RUN builds the guest's page mappings (EPT or shadow) and the host loop
	 * needs the core at speed: neither belongs in the figures. */
	if (guest_time(b, 1, &g, err) < 0 || guest_time(b, N_START, &g, err) < 0)
		return -1;
	host_time(1UL << 20);
	if (probe_pick_n(b, &n, err) < 0 || guest_delta(b, n, &g, err) < 0)
		return -1;
	h = host_ns_per_iter(n);
	if (!(g > 0) || !(h > 0))
		return bb_fail(err, 0,
		               "loop timing unusable: guest %lu iterations %.0f ns over an "
		               "empty run, host %.3g ns/iter",
		               n, g, h);
	p->iterations = n;
	p->guest_ns_per_iter = g / (double)(n - 1);
	p->host_ns_per_iter = h;
	p->ratio = p->guest_ns_per_iter / p->host_ns_per_iter;
	p->kind = kvm_classify(p->ratio);
	snprintf(p->reason, sizeof(p->reason),
	         "guest loop %.3g ns/iter vs host %.3g ns/iter (%lu iterations): %.3gx native, %s",
	         p->guest_ns_per_iter, p->host_ns_per_iter, n, p->ratio,
	         p->kind == BB_KVM_HARDWARE ? "hardware-assisted" : "emulated");
	return 0;
}

static void probe_run(struct bb_kvm_probe *p)
{
	struct kvm_box b = KVM_BOX_INIT;
	struct bb_err e = { 0 };

	if (box_open(&b, &e) < 0 || probe_measure(&b, p, &e) < 0) {
		p->kind = BB_KVM_ABSENT;
		p->guest_ns_per_iter = p->host_ns_per_iter = p->ratio = 0;
		p->iterations = 0;
		snprintf(p->reason, sizeof(p->reason), "%.*s", (int)sizeof(p->reason) - 1, e.msg);
	}
	box_close(&b);
}

#else /* !__x86_64__ */

static void probe_run(struct bb_kvm_probe *p)
{
	p->kind = BB_KVM_ABSENT;
	snprintf(p->reason, sizeof(p->reason), "kvm probe: the guest payload is x86-64 only");
}

#endif

static noreturn void probe_child(int fd)
{
	struct bb_kvm_probe p = { 0 };
	ssize_t w;

	probe_run(&p);
	w = write(fd, &p, sizeof(p)); /* < PIPE_BUF: one atomic write */
	_exit(w == (ssize_t)sizeof(p) ? 0 : 1);
}

#define READ_TIMEOUT (-1)
#define READ_FAILED  (-2)

/* Read the child's result until EOF or the watchdog: bytes read, READ_TIMEOUT, or READ_FAILED
 * (a harness-side error, in err). */
static ssize_t probe_read(int fd, struct bb_kvm_probe *p, struct bb_err *err)
{
	double deadline = now_ns() + PROBE_WATCHDOG_MS * 1e6;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t r;

	while (got < sizeof(*p)) {
		int left_ms = (int)((deadline - now_ns()) / 1e6);

		if (left_ms <= 0)
			return READ_TIMEOUT;
		r = poll(&pfd, 1, left_ms);
		if (r < 0 && errno != EINTR)
			return bb_fail(err, errno, "kvm probe: poll"), READ_FAILED;
		if (r <= 0)
			continue;
		r = read(fd, (char *)p + got, sizeof(*p) - got);
		if (r < 0 && errno != EINTR)
			return bb_fail(err, errno, "kvm probe: read"), READ_FAILED;
		if (r == 0)
			break;
		if (r > 0)
			got += (size_t)r;
	}
	return (ssize_t)got;
}

static int probe_reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1; /* ECHILD: someone else reaped it; nothing is left behind */
	}
	return status;
}

/* Turn what came back from the child into a result; only a harness failure returns -1. */
static int probe_collect(int fd, pid_t pid, struct bb_kvm_probe *out, struct bb_err *err)
{
	struct bb_kvm_probe p = { 0 };
	ssize_t got = probe_read(fd, &p, err);
	int status;

	if (got < 0)
		kill(pid, SIGKILL);
	status = probe_reap(pid);
	if (got == READ_FAILED)
		return -1;
	if (got == (ssize_t)sizeof(p)) {
		p.present = out->present;
		*out = p;
		return 0;
	}
	out->kind = BB_KVM_ABSENT;
	if (got == READ_TIMEOUT)
		snprintf(out->reason, sizeof(out->reason),
		         "kvm probe: guest did not finish within %d s (killed)",
		         PROBE_WATCHDOG_MS / 1000);
	else if (status >= 0 && WIFSIGNALED(status))
		snprintf(out->reason, sizeof(out->reason), "kvm probe: child killed by signal %d",
		         WTERMSIG(status));
	else
		snprintf(out->reason, sizeof(out->reason),
		         "kvm probe: child exited without result");
	return 0;
}

static int kvm_probe_speed(struct bb_kvm_probe *out, struct bb_err *err)
{
	struct stat st;
	int fds[2], r;
	pid_t pid;

	if (stat(KVM_DEV, &st) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s: %s", KVM_DEV, strerror(errno));
		return 0;
	}
	out->present = true;
	/* A child, so that a KVM stuck in KVM_RUN is killed by the watchdog instead of hanging
	 * doctor, and the probe's VM, memory and signals never touch the caller. */
	if (pipe2(fds, O_CLOEXEC) < 0)
		return bb_fail(err, errno, "kvm probe: pipe");
	pid = fork();
	if (pid < 0) {
		r = bb_fail(err, errno, "kvm probe: fork");
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		close(fds[0]);
		probe_child(fds[1]);
	}
	close(fds[1]);
	r = probe_collect(fds[0], pid, out, err);
	close(fds[0]);
	return r;
}

int kvm_probe(struct bb_kvm_probe *out, struct bb_err *err)
{
	memset(out, 0, sizeof(*out));
	out->kind = BB_KVM_ABSENT;
	if (kvm_probe_speed(out, err) < 0)
		return -1;
	/* After the speed probe, whose child hands back a whole struct: the paging is read here,
	 * in the caller, from the host's /sys and /proc. */
	out->paging = kvm_paging_detect("/", out->paging_evidence, sizeof(out->paging_evidence));
	return 0;
}
