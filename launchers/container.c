/* container: the workload in a box made directly from the kernel's primitives (what a container
 * engine wraps): clone() into new namespaces, a per-instance cgroup, pivot_root into a minimal
 * read-only root holding only the static workload, capabilities dropped, no_new_privs.
 *
 * Spawn: the parent makes the cgroup, then a helper thread makes the network and IPC namespaces
 * while the parent clone()s the child vfork-style into the other namespaces. The child pins
 * itself to the workload's processing unit first (the helper runs there too, so a start costs
 * one processor, as every box's does), joins its cgroup itself (so it execs only once the
 * limits hold), unshares its cgroup namespace (rooted at that cgroup), builds its mounts, joins
 * the helper's namespaces, drops privileges and execs; the
 * parent resumes at the exec. A failed step is reported by spawn() and as an error record.
 * Every mount lives in the child's mount namespace and vanishes with it; reap() kills what is
 * left and removes the cgroup. Each namespace kind, the cgroup and the root switch can be turned
 * off one by one so the startup decomposition can price them separately. */
#include "launcher.h"

#include "cgroup.h"
#include "cleanup.h"
#include "ns.h"
#include "proc.h"
#include "image.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
/* The child's frames leave ASan poison on its stack, which outlives the child: the next
 * mapping at that address (the next child's stack) would report false stack errors. */
#define CT_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define CT_UNPOISON(p, n) ((void)0)
#endif

#define CT_STACK    (256 * 1024)
#define CT_MAX_ARGS 64
#define CT_ERR_LINE 512

/* Per-run state (env->priv). */
struct ct_env {
	char root[PATH_MAX];    /* the rootfs directory, absolute */
	struct bb_image img;    /* the image root comes from, img.name "" = the minimal one */
	char load[PATH_MAX];    /* the workload on the host, absolute */
	char scratch[PATH_MAX]; /* host directory bound to /scratch, "" = none */
	unsigned ns;            /* enum bb_ns */
	unsigned helper_ns;     /* the kinds a helper thread makes (see ct_helper_ns) */
	bool rootfs;
	bool use_cg;
	struct cg_layout cg;
	struct cg_limits lim;
	int cap_last;
	int pu;
	int self_pidfd; /* the harness's own pidfd: lets a child see that it died */
};

/* Per-instance state (inst->priv). */
struct ct_inst {
	struct cgroup cg;
	bool has_cg;
};

/* What the child needs. It runs vfork-style (CLONE_VM | CLONE_VFORK): it shares the parent's
 * memory, so it writes nothing but its own stack and the failure fields below, and the parent
 * sleeps until it execs or dies. vfork, not fork: no copy of the harness's page tables to make and
 * to tear down again at exec (costly on a shadow-paging VM like these machines). */
struct ct_child {
	const struct ct_env *ce;
	const struct cgroup *cg; /* NULL: no cgroup */
	char *const *argv;
	int out_w;                 /* becomes stdout */
	int helper_r;              /* receives namespaces from ct_helper_main, -1 = none */
	const char *volatile step; /* the step that failed */
	volatile int err_no;       /* its errno; 0 = the child reached exec */
	volatile bool failed;
};

/* The network namespace is the costliest part of a start (~0.75 ms here: every pernet
 * subsystem initialises), the IPC one next (an mqueue mount). Both can be joined after the fact,
 * so a helper thread makes them in parallel with the cgroup, the clone and the mounts, and hands
 * them to the child as file descriptors over a socket (SCM_RIGHTS: the child's descriptor table
 * is a copy taken at clone time); the child joins them just before exec. */
static const struct {
	unsigned bit;
	int flag;
	const char *path;
} ct_helper_ns[] = {
	{ BB_NS_NET, CLONE_NEWNET, "/proc/thread-self/ns/net" },
	{ BB_NS_IPC, CLONE_NEWIPC, "/proc/thread-self/ns/ipc" },
};
#define CT_HELPER_NS  (BB_NS_NET | BB_NS_IPC)
#define CT_HELPER_MAX (sizeof(ct_helper_ns) / sizeof(ct_helper_ns[0]))

struct ct_helper {
	pthread_t thread;
	unsigned ns; /* the CT_HELPER_NS kinds to make */
	int sock[2]; /* [0] the helper sends, [1] the child receives */
	bool started;
};

/* Open the namespaces the thread now lives in, in ct_helper_ns order; returns how many. */
static int ct_helper_open(unsigned ns, int *fds)
{
	int n = 0;

	for (size_t i = 0; i < CT_HELPER_MAX; i++) {
		if (!(ns & ct_helper_ns[i].bit))
			continue;
		fds[n] = open(ct_helper_ns[i].path, O_RDONLY | O_CLOEXEC);
		if (fds[n] < 0)
			return -1;
		n++;
	}
	return n;
}

/* Sends the descriptors, or an errno as the data byte when the namespaces could not be made. */
static void *ct_helper_main(void *arg)
{
	struct ct_helper *h = arg;
	char data = 0, ctl[CMSG_SPACE(CT_HELPER_MAX * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[CT_HELPER_MAX] = { -1, -1 }, n = -1;

	if (unshare(ns_clone_flags(h->ns)) < 0 || (n = ct_helper_open(h->ns, fds)) < 0) {
		data = (char)(errno > 0 && errno < 128 ? errno : EIO);
	} else {
		msg.msg_control = ctl;
		msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, (size_t)n * sizeof(int));
	}
	if (sendmsg(h->sock[0], &msg, MSG_NOSIGNAL) < 0) {
		/* the child died: it will not wait for us */
	}
	for (size_t i = 0; i < CT_HELPER_MAX; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return NULL;
}

/* The helper runs on the workload's processing unit, idle until the workload starts: the
 * harness pins itself elsewhere, and a thread inherits its creator's affinity. */
static int ct_helper_start(struct ct_helper *h, unsigned ns, int pu, struct bb_err *err)
{
	pthread_attr_t attr;
	sigset_t all, old;
	cpu_set_t set;
	int r;

	h->ns = ns;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, h->sock) < 0)
		return bb_fail(err, errno, "container: socketpair");
	pthread_attr_init(&attr);
	if (pu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(pu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	/* No handler of the harness runs on the helper. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&h->thread, &attr, ct_helper_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		close(h->sock[0]);
		close(h->sock[1]);
		return bb_fail(err, r, "container: start the namespace helper thread");
	}
	h->started = true;
	return 0;
}

static void ct_helper_finish(struct ct_helper *h)
{
	if (!h->started)
		return;
	close(h->sock[1]);
	pthread_join(h->thread, NULL);
	close(h->sock[0]);
	h->started = false;
}

/* --- the child --- */

/* Append src to the line at *o (bounded); async-signal-safe. */
static void ct_append(char *line, size_t *o, const char *src)
{
	while (*src && *o + 3 < CT_ERR_LINE)
		line[(*o)++] = *src++;
}

/* Tell the parent (shared memory) and the records pipe which step failed, then exit. */
static _Noreturn void ct_child_fail(struct ct_child *c, const char *step, int errnum)
{
	char line[CT_ERR_LINE];
	size_t o = 0;

	c->step = step;
	c->err_no = errnum;
	c->failed = true;
	ct_append(line, &o, "@bb {\"error\":\"container: child: ");
	ct_append(line, &o, step);
	if (errnum) {
		const char *desc = strerrordesc_np(errnum);
		ct_append(line, &o, ": ");
		ct_append(line, &o, desc ? desc : "unknown error");
	}
	ct_append(line, &o, "\"}");
	line[o++] = '\n';
	if (write(c->out_w, line, o) < 0) {
		/* nobody is listening: the parent reads c->step anyway */
	}
	_exit(127);
}

static void ct_child_stdio(struct ct_child *c)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* Like native: stdin and stderr on /dev/null, records alone on stdout. */
	if (null < 0 || dup2(c->out_w, STDOUT_FILENO) < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDERR_FILENO) < 0)
		ct_child_fail(c, "stdio", errno);
	close(null);
}

/* The harness may ignore signals (SIGPIPE) and exec keeps ignored dispositions: reset them
 * (the handler table is the child's own: no CLONE_SIGHAND). All signals stay blocked (the
 * parent blocked them around clone) until just before exec, so no handler of the harness ever
 * runs on the child's stack. */
static void ct_child_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
}

static void ct_child_parent_guard(struct ct_child *c)
{
	struct pollfd p = { .fd = c->ce->self_pidfd, .events = POLLIN };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		ct_child_fail(c, "prctl(PR_SET_PDEATHSIG)", errno);
	/* The harness may have died before the line above; a PID namespace hides it from
	 * getppid(), its pidfd does not. */
	if (c->ce->self_pidfd >= 0 && poll(&p, 1, 0) > 0)
		_exit(127);
	/* Our own process group: a kill of the group reaches what the workload forks (the last
	 * resort when there is neither a PID namespace nor a cgroup). */
	if (setpgid(0, 0) < 0)
		ct_child_fail(c, "setpgid", errno);
}

static void ct_mount(struct ct_child *c, const char *src, const char *dst, const char *type,
                     unsigned long flags, const char *data, const char *step)
{
	if (mount(src, dst, type, flags, data) < 0)
		ct_child_fail(c, step, errno);
}

/* A read-only bind: the bind, then a remount, since MS_RDONLY is ignored on the first call. */
static void ct_bind_ro(struct ct_child *c, const char *src, const char *dst, const char *step)
{
	ct_mount(c, src, dst, NULL, MS_BIND | MS_REC, NULL, step);
	ct_mount(c, NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL,
	         step);
}

/* Root without capabilities can still write root-owned files: keep the kernel knobs of
 * /proc read-only (runc's readonlyPaths). */
static void ct_proc_ro(struct ct_child *c)
{
	static const char *const paths[] = { "proc/sys", "proc/sysrq-trigger", "proc/irq",
		                             "proc/bus", NULL };

	for (int i = 0; paths[i]; i++) {
		if (access(paths[i], F_OK) < 0)
			continue;
		ct_bind_ro(c, paths[i], paths[i], "read-only /proc/sys, /proc/sysrq-trigger, ...");
	}
}

/* /dev: a small tmpfs with mknod()ed nodes. mknod (we are real root, CAP_MKNOD) costs one
 * syscall a node where a bind of the host's node costs a create and a mount; the bind is the
 * fallback where mknod is refused (a user namespace, a devices cgroup). */
static void ct_dev(struct ct_child *c)
{
	static const struct {
		const char *path, *host;
		unsigned minor;
	} nodes[] = {
		{ "dev/null", "/dev/null", 3 },
		{ "dev/zero", "/dev/zero", 5 },
		{ "dev/full", "/dev/full", 7 },
		{ "dev/urandom", "/dev/urandom", 9 },
	};

	ct_mount(c, "tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k",
	         "mount /dev");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		if (mknod(nodes[i].path, S_IFCHR | 0666, makedev(1, nodes[i].minor)) == 0)
			continue;
		if (errno != EPERM)
			ct_child_fail(c, "mknod in /dev", errno);
		int fd = open(nodes[i].path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			ct_child_fail(c, "create /dev node", errno);
		close(fd);
		ct_mount(c, nodes[i].host, nodes[i].path, NULL, MS_BIND, NULL, "bind /dev node");
	}
}

/* The instance's own cgroup directories, read-only, where the workload can read its limits
 * back: /sys/fs/cgroup/<controller> (v1) or /sys/fs/cgroup (v2). */
static void ct_cgroup_mounts(struct ct_child *c)
{
	char dst[64];

	if (c->cg->mode == CG_MODE_V2) {
		ct_bind_ro(c, c->cg->dir[0], "sys/fs/cgroup", "bind the cgroup to /sys/fs/cgroup");
		return;
	}
	for (int i = 0; i < CG_NCTRL; i++) {
		snprintf(dst, sizeof(dst), "sys/fs/cgroup/%s", cg_ctrl_names[i]);
		ct_bind_ro(c, c->cg->dir[i], dst, "bind the cgroup to /sys/fs/cgroup");
	}
}

/* Everything relative to the new root, which is our working directory from the bind on. */
static void ct_child_root(struct ct_child *c)
{
	const struct ct_env *ce = c->ce;

	ct_mount(c, ce->root, ce->root, NULL, MS_BIND, NULL, "bind the root file system");
	if (chdir(ce->root) < 0)
		ct_child_fail(c, "chdir to the root file system", errno);
	ct_mount(c, NULL, ".", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL,
	         "remount the root file system read-only");
	ct_mount(c, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "mount /proc");
	ct_proc_ro(c);
	ct_dev(c);
	ct_mount(c, "tmpfs", "tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", "mount /tmp");
	if (ce->scratch[0])
		ct_mount(c, ce->scratch, "scratch", NULL, MS_BIND, NULL, "bind /scratch");
	if (c->cg)
		ct_cgroup_mounts(c);
	/* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves no
	 * host mount visible and needs no put_old directory. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		ct_child_fail(c, "pivot_root", errno);
	if (umount2(".", MNT_DETACH) < 0)
		ct_child_fail(c, "detach the old root", errno);
	if (chdir("/") < 0)
		ct_child_fail(c, "chdir /", errno);
}

static void ct_child_drop_privs(struct ct_child *c)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	/* The bounding set first: dropping from it takes CAP_SETPCAP, gone after capset. An
	 * empty bounding set is what keeps uid 0 from regaining capabilities at exec. */
	for (int cap = 0; cap <= c->ce->cap_last; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			ct_child_fail(c, "drop the capability bounding set", errno);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		ct_child_fail(c, "clear ambient capabilities", errno);
	if (syscall(SYS_capset, &hdr, data) < 0)
		ct_child_fail(c, "capset", errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		ct_child_fail(c, "prctl(PR_SET_NO_NEW_PRIVS)", errno);
}

/* The namespaces (but the cgroup one) exist already, made by clone(). */
static void ct_child_box(struct ct_child *c)
{
	const struct ct_env *ce = c->ce;
	mode_t old_umask;

	/* Into the cgroup before anything else, so the cgroup namespace below is rooted at it
	 * and what the setup allocates is charged to it. */
	if (c->cg && cg_attach(c->cg, 0, NULL) < 0)
		ct_child_fail(c, "join the instance's cgroup", errno);
	if ((ce->ns & BB_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		ct_child_fail(c, "unshare(CLONE_NEWCGROUP)", errno);
	if ((ce->ns & BB_NS_UTS) && sethostname(ROOTFS_HOSTNAME, strlen(ROOTFS_HOSTNAME)) < 0)
		ct_child_fail(c, "sethostname", errno);
	old_umask = umask(0);
	if (ce->ns & BB_NS_MNT) {
		/* Nothing we mount may propagate back to the host (systemd makes / shared). */
		ct_mount(c, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, "make mounts private");
		if (ce->rootfs)
			ct_child_root(c);
	}
	umask(old_umask);
}

/* Join the namespaces the helper made (in ct_helper_ns order). */
static void ct_child_join_helper(struct ct_child *c)
{
	char data = 0, ctl[CMSG_SPACE(CT_HELPER_MAX * sizeof(int))];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
	};
	struct cmsghdr *cm;
	int fds[CT_HELPER_MAX], k = 0;
	ssize_t n;

	while ((n = recvmsg(c->helper_r, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n != 1)
		ct_child_fail(c, "receive the namespaces of the helper", n < 0 ? errno : EPIPE);
	cm = CMSG_FIRSTHDR(&msg);
	if (data || !cm || cm->cmsg_type != SCM_RIGHTS)
		ct_child_fail(c, "create the network and IPC namespaces", data ? data : EPROTO);
	if ((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int) !=
	    (size_t)__builtin_popcount(c->ce->helper_ns))
		ct_child_fail(c, "receive the namespaces of the helper", EPROTO);
	memcpy(fds, CMSG_DATA(cm), cm->cmsg_len - CMSG_LEN(0));
	for (size_t i = 0; i < CT_HELPER_MAX; i++) {
		if (!(c->ce->helper_ns & ct_helper_ns[i].bit))
			continue;
		if (setns(fds[k], ct_helper_ns[i].flag) < 0)
			ct_child_fail(c, "setns into the helper's namespaces", errno);
		close(fds[k++]);
	}
}

static int ct_child_main(void *arg)
{
	struct ct_child *c = arg;
	const struct ct_env *ce = c->ce;
	char *empty_env[] = { NULL };
	sigset_t none;

	ct_child_signals();
	ct_child_stdio(c);
	/* Pinned first: the whole start (mounts, root switch, joining the helper's namespaces)
	 * runs on the workload's processing unit, where the helper thread builds the network
	 * namespace, so a container costs one processor like every other box (a VMM runs pinned
	 * as a whole) instead of borrowing the harness's for its setup in parallel. */
	if (proc_pin(0, ce->pu, NULL) < 0)
		ct_child_fail(c, "pin to processing unit", errno);
	ct_child_parent_guard(c);
	ct_child_box(c);
	if (c->helper_r >= 0)
		ct_child_join_helper(c);
	ct_child_drop_privs(c);
	/* No host file descriptor may reach the box: an open directory would lead out of it. */
	if (close_range(3, ~0U, 0) < 0)
		ct_child_fail(c, "close_range", errno);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(ce->rootfs ? ROOTFS_LOAD_PATH : ce->load, c->argv, empty_env);
	ct_child_fail(c, "execve", errno);
}

/* --- the parent --- */

static int ct_argv(const struct ct_env *ce, const struct bb_job *job, char **argv,
                   struct bb_err *err)
{
	size_t n = 0;

	argv[n++] = ce->rootfs ? ROOTFS_LOAD_PATH : (char *)ce->load;
	argv[n++] = (char *)job->suite;
	for (size_t i = 0; job->args && job->args[i]; i++) {
		if (n + 3 >= CT_MAX_ARGS)
			return bb_fail(err, E2BIG, "container: too many workload arguments");
		argv[n++] = job->args[i];
	}
	/* The same host directory as native, seen where the box mounts it. */
	if (job->storage && ce->scratch[0]) {
		argv[n++] = "--dir";
		argv[n++] = ce->rootfs ? "/scratch" : (char *)ce->scratch;
	}
	argv[n] = NULL;
	return 0;
}

/* The cgroup namespace is left to the child (after it joined its cgroup), the network one to the
 * helper thread. */
static pid_t ct_clone(const struct ct_env *ce, struct ct_child *c, struct bb_err *err)
{
	int flags = ns_clone_flags(ce->ns & ~(BB_NS_CGROUP | ce->helper_ns)) | CLONE_VM |
	            CLONE_VFORK | SIGCHLD;
	sigset_t all, old;
	char *stack;
	pid_t pid;
	int saved;

	stack = mmap(NULL, CT_STACK, PROT_READ | PROT_WRITE,
	             MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return bb_fail(err, errno, "container: mmap child stack");
	CT_UNPOISON(stack, CT_STACK);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = clone(ct_child_main, stack + CT_STACK, flags, c);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	CT_UNPOISON(stack, CT_STACK);
	munmap(stack, CT_STACK);
	if (pid < 0)
		return bb_fail(err, saved, "container: clone");
	return pid;
}

/* Build the box around one child: the cgroup, then the network namespace (helper) and the
 * clone, both on the workload's processing unit. Returns the child's pid once it has exec'd; on
 * failure nothing is left. */
static pid_t ct_start(const struct ct_env *ce, struct ct_inst *ci, char **argv, int out_w,
                      struct bb_err *err)
{
	struct ct_helper helper = { .started = false };
	struct ct_child c = { .ce = ce, .argv = argv, .out_w = out_w, .helper_r = -1 };
	pid_t pid = -1;
	int st;

	/* The cgroup first, then the helper: no two steps of the start overlap on two
	 * processors (the helper and the child then share the workload's). */
	if (ce->use_cg && cg_create(&ce->cg, &ce->lim, &ci->cg, err) < 0)
		return bb_wrap(err, "container"), -1;
	ci->has_cg = ce->use_cg;
	if (ce->helper_ns && ct_helper_start(&helper, ce->helper_ns, ce->pu, err) < 0)
		goto out;
	c.cg = ci->has_cg ? &ci->cg : NULL;
	c.helper_r = helper.started ? helper.sock[1] : -1;
	pid = ct_clone(ce, &c, err);
	if (pid >= 0 && c.failed) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		bb_fail(err, c.err_no, "container: child: %s", c.step);
		pid = -1;
	}
out:
	ct_helper_finish(&helper);
	if (pid < 0 && ci->has_cg) {
		cg_destroy(&ci->cg, NULL);
		ci->has_cg = false;
	}
	return pid;
}

static int ct_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                    struct bb_err *err)
{
	const struct ct_env *ce = env->priv;
	_cleanup_free_ struct ct_inst *ci = calloc(1, sizeof(*ci));
	_cleanup_close_ int out_r = -1, out_w = -1;
	char *argv[CT_MAX_ARGS];
	int fds[2];
	pid_t pid;

	if (!ci)
		return bb_fail(err, ENOMEM, "container: spawn");
	if (ct_argv(ce, job, argv, err) < 0)
		return -1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return bb_fail(err, errno, "container: pipe");
	out_r = fds[0], out_w = fds[1];
	pid = ct_start(ce, ci, argv, out_w, err);
	if (pid < 0)
		return -1;
	inst->pid = pid;
	inst->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	inst->out_fd = BB_STEAL_FD(out_r);
	inst->priv = BB_STEAL(ci);
	return 0;
}

/* Whatever the workload left behind dies: with a PID namespace the kernel already killed it
 * with its init; otherwise the cgroup lists it, and the process group is the last resort (its
 * id cannot be reused while a member lives). */
static int ct_teardown(const struct ct_env *ce, struct ct_inst *ci, pid_t pid, struct bb_err *err)
{
	int ret = 0;

	if (!(ce->ns & BB_NS_PID))
		kill(-pid, SIGKILL);
	if (ci->has_cg) {
		if (!(ce->ns & BB_NS_PID) && cg_kill(&ci->cg, err) < 0)
			ret = -1;
		if (cg_destroy(&ci->cg, ret < 0 ? NULL : err) < 0)
			ret = -1;
	}
	return ret < 0 ? bb_wrap(err, "container: teardown") : 0;
}

static int ct_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s,
                   struct bb_err *err)
{
	const struct ct_env *ce = env->priv;
	struct ct_inst *ci = inst->priv;
	int ret = 0;
	int w = proc_wait(inst->pid, inst->pidfd, timeout_s, &inst->status, err);

	if (w != 0) {
		/* SIGKILL to the PID namespace's init takes the whole namespace down with it. */
		proc_kill_reap(inst->pid, inst->pidfd, true, &inst->status);
		inst->timed_out = w == PROC_TIMEOUT;
		if (w > 0)
			ret =
			    bb_fail(err, 0, "container: %s after %.1f s, killed",
			            w == PROC_INTERRUPTED ? "interrupted" : "timed out", timeout_s);
		else
			ret = bb_wrap(err, "container");
	}
	if (ci && ct_teardown(ce, ci, inst->pid, ret < 0 ? NULL : err) < 0)
		ret = -1;
	if (inst->pidfd >= 0)
		close(inst->pidfd);
	if (inst->out_fd >= 0)
		close(inst->out_fd);
	inst->pidfd = inst->out_fd = -1;
	free(ci);
	inst->priv = NULL;
	return ret;
}

/* --- prepare, probe --- */

static int ct_read_cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &v) != 1 || v < 0 || v > 63)
			v = CAP_LAST_CAP;
		fclose(f);
	}
	return v;
}

static int ct_realpath(const char *what, const char *path, char *out, struct bb_err *err)
{
	if (!path || !realpath(path, out))
		return bb_fail(err, path ? errno : EINVAL, "container: %s %s", what,
		               path ? path : "(unset)");
	return 0;
}

static int ct_prepare_rootfs(struct ct_env *ce, const struct bb_env_opts *opts, struct bb_err *err)
{
	char build[PATH_MAX];

	if (!(ce->ns & BB_NS_MNT))
		return bb_fail(err, 0,
		               "container: the root switch needs the mnt namespace "
		               "(add mnt to --container-ns)");
	if (rootfs_check_static(ce->load, err) < 0 ||
	    ct_realpath("build directory", opts->build_dir, build, err) < 0 ||
	    image_open_opts(opts, &ce->img, err) < 0)
		return bb_wrap(err, "container");
	if (ce->img.name[0]) {
		snprintf(ce->root, sizeof(ce->root), "%s", ce->img.root);
		return 0;
	}
	if ((size_t)snprintf(ce->root, sizeof(ce->root), "%s/%s", build, ROOTFS_DIRNAME) >=
	    sizeof(ce->root))
		return bb_fail(err, ENAMETOOLONG, "container: rootfs path");
	if (rootfs_build(ce->root, ce->load, err) < 0 || rootfs_verify(ce->root, ce->load, err) < 0)
		return bb_wrap(err, "container");
	return 0;
}

static void ct_describe_cgroup(const struct ct_env *ce, struct bb_envdesc_cgroup *c)
{
	c->on = ce->use_cg;
	if (!c->on)
		return;
	snprintf(c->mode, sizeof(c->mode), "%s", cg_mode_name(ce->cg.mode));
	c->hybrid = ce->cg.hybrid;
	c->cpu_quota = ce->lim.cpu_quota;
	c->cpu_period_us = CG_CPU_PERIOD_US;
	c->mem_limit = ce->lim.mem_limit;
	c->pids_limit = ce->lim.pids_limit;
}

static int ct_describe_rootfs(const struct ct_env *ce, struct bb_envdesc *d, struct bb_err *err)
{
	struct bb_envdesc_rootfs *r = &d->rootfs;

	r->on = ce->rootfs;
	if (!r->on)
		return 0;
	snprintf(r->path, sizeof(r->path), "%s", ce->root);
	json_object_set_new(d->extra, "rootfs",
	                    json_pack("{s:b, s:s, s:s, s:b}", "read_only", 1, "dev",
	                              "tmpfs with mknod null, zero, full, urandom", "proc",
	                              "fresh; sys, sysrq-trigger, irq, bus read-only", "scratch",
	                              ce->scratch[0] != '\0'));
	if (ce->img.name[0]) {
		/* a whole distribution tree: the footprint suite measures it, file by file */
		snprintf(d->image, sizeof(d->image), "%s", ce->img.name);
		snprintf(d->image_source, sizeof(d->image_source), "%s", ce->img.source);
		return 0;
	}
	snprintf(d->image, sizeof(d->image), "%s", IMAGE_MINIMAL);
	return rootfs_size(ce->root, &r->bytes, &r->entries, err);
}

static void ct_describe_extra(const struct ct_env *ce, json_t *x)
{
	if (ce->ns & BB_NS_UTS)
		json_object_set_new(x, "hostname", json_string(ROOTFS_HOSTNAME));
	if (ce->ns & BB_NS_NET)
		json_object_set_new(x, "network",
		                    json_string("new namespace, loopback only, down"));
	if (ce->helper_ns)
		json_object_set_new(
		    x, "ns_helper",
		    json_string((ce->helper_ns & BB_NS_IPC)
		                    ? "net and ipc namespaces made by a helper thread "
		                      "in parallel with the rest of the start"
		                    : "net namespace made by a helper thread in "
		                      "parallel with the rest of the start"));
	json_object_set_new(x, "user", json_string("uid 0 without capabilities"));
	json_object_set_new(x, "capabilities",
	                    json_string("all dropped (bounding, ambient, effective, permitted, "
	                                "inheritable)"));
	json_object_set_new(x, "no_new_privs", json_true());
	json_object_set_new(x, "seccomp", json_string("none"));
}

static int ct_describe(const struct ct_env *ce, struct bb_envdesc *d, struct bb_err *err)
{
	snprintf(d->kind, sizeof(d->kind), "namespaces");
	snprintf(d->workload, sizeof(d->workload), "%s", ce->load);
	d->pu = ce->pu;
	d->has_namespaces = true;
	d->namespaces = ce->ns;
	ct_describe_cgroup(ce, &d->cgroup);
	if (!(d->extra = json_object()))
		return bb_fail(err, ENOMEM, "container: describe");
	ct_describe_extra(ce, d->extra);
	return ct_describe_rootfs(ce, d, err);
}

static int ct_prepare_cgroup(struct ct_env *ce, const struct bb_env_opts *opts, struct bb_err *err)
{
	ce->use_cg = opts->container_cgroup;
	ce->lim = (struct cg_limits){ .cpu_quota = opts->cpu_quota,
		                      .mem_limit = opts->mem_limit,
		                      .pids_limit = opts->pids_limit };
	if (!ce->use_cg)
		return 0;
	if (cg_layout_init(&ce->cg, err) < 0 || cg_layout_prepare(&ce->cg, err) < 0)
		return bb_wrap(err, "container");
	return 0;
}

static int ct_prepare(struct bb_env *env, struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;
	struct ct_env *ce = calloc(1, sizeof(*ce));

	if (!ce)
		return bb_fail(err, ENOMEM, "container: prepare");
	ce->ns = opts->container_ns & BB_NS_ALL;
	/* The helper pays for its thread (~70 us to get going) only in parallel with a network
	 * namespace; the IPC one rides along. */
	ce->helper_ns = (ce->ns & BB_NS_NET) ? ce->ns & CT_HELPER_NS : 0;
	ce->rootfs = opts->container_rootfs;
	ce->pu = opts->pu;
	ce->cap_last = ct_read_cap_last();
	ce->self_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (ct_realpath("workload", opts->load_path, ce->load, err) < 0 ||
	    (opts->scratch_dir &&
	     ct_realpath("scratch directory", opts->scratch_dir, ce->scratch, err) < 0) ||
	    (ce->rootfs && ct_prepare_rootfs(ce, opts, err) < 0) ||
	    ct_prepare_cgroup(ce, opts, err) < 0)
		goto fail;
	if (ct_describe(ce, &env->desc, err) < 0)
		goto fail;
	env->priv = ce;
	return 0;
fail:
	if (ce->use_cg)
		cg_layout_cleanup(&ce->cg);
	if (ce->self_pidfd >= 0)
		close(ce->self_pidfd);
	free(ce);
	return -1;
}

static void ct_cleanup(struct bb_env *env)
{
	struct ct_env *ce = env->priv;

	if (!ce)
		return;
	if (ce->use_cg)
		cg_layout_cleanup(&ce->cg);
	if (ce->self_pidfd >= 0)
		close(ce->self_pidfd);
	free(ce);
	env->priv = NULL;
}

static int ct_probe_child(void *arg)
{
	(void)arg;
	_exit(0);
}

/* Really create the namespaces once: a seccomp filter or a missing CAP_SYS_ADMIN shows up
 * here and nowhere else. */
static int ct_probe_clone(unsigned ns, char *why, size_t len)
{
	char names[64];
	static char stack[16384] __attribute__((aligned(16)));
	int flags = ns_clone_flags(ns) | SIGCHLD, st;
	pid_t pid = clone(ct_probe_child, stack + sizeof(stack), flags, NULL);

	if (pid < 0) {
		snprintf(why, len, "clone with new %s namespaces: %s", ns_format(ns, names, 64),
		         strerror(errno));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static const char *ct_userns_state(void)
{
	FILE *f = fopen("/proc/sys/user/max_user_namespaces", "re");
	long max = 0;

	if (!f)
		return "user namespaces unsupported";
	if (fscanf(f, "%ld", &max) != 1)
		max = 0;
	fclose(f);
	return max > 0 ? "user namespaces available (unused: rootless containers are not "
	                 "implemented)"
	               : "user namespaces disabled";
}

static void ct_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	unsigned ns = opts ? opts->container_ns & BB_NS_ALL : BB_NS_ALL;
	bool want_cg = opts ? opts->container_cgroup : true;
	struct bb_err err = { 0 };
	struct cg_probe cp;
	struct bb_image img;
	char why[256], names[64];

	out->available = false;
	if (geteuid() != 0) {
		snprintf(out->reason, sizeof(out->reason),
		         "needs root (CAP_SYS_ADMIN for namespaces, mounts and cgroups); %s",
		         ct_userns_state());
		return;
	}
	if (ct_probe_clone(ns, why, sizeof(why)) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s", why);
		return;
	}
	cg_probe(&cp);
	if (want_cg && (cp.missing[0] || !cp.writable || cp.mode == CG_MODE_NONE)) {
		snprintf(out->reason, sizeof(out->reason), "%s", cp.reason);
		return;
	}
	if (opts && opts->container_rootfs && opts->load_path &&
	    rootfs_check_static(opts->load_path, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%.500s", err.msg);
		return;
	}
	if (opts && opts->image && image_open_opts(opts, &img, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%.500s", err.msg);
		return;
	}
	out->available = true;
	snprintf(out->reason, sizeof(out->reason), "root; namespaces %s; %s; %s",
	         ns_format(ns, names, sizeof(names)), want_cg ? cp.reason : "no cgroup",
	         ct_userns_state());
}

static int ct_parse_ns(void *field, const char *arg, struct bb_err *err)
{
	return ns_parse_list(arg, field, err);
}

static int ct_check(const struct bb_env_opts *opts, struct bb_err *err)
{
	if (opts->image && !opts->container_rootfs)
		return bb_fail(err, 0,
		               "--image: an image is the container's root; it cannot go with "
		               "--container-no-rootfs");
	return 0;
}

#define CT_OPT(f) offsetof(struct bb_env_opts, f)

static const struct bb_option ct_options[] = {
	{ .name = "container-ns",
	  .type = BB_OPT_CUSTOM,
	  .field = CT_OPT(container_ns),
	  .parse = ct_parse_ns,
	  .arg = "LIST",
	  .help = "namespaces of the container (default all: mnt,pid,uts,ipc,net,cgroup)" },
	{ .name = "container-no-cgroup",
	  .type = BB_OPT_CLEAR,
	  .field = CT_OPT(container_cgroup),
	  .help = "leave out the container's cgroup" },
	{ .name = "container-no-rootfs",
	  .type = BB_OPT_CLEAR,
	  .field = CT_OPT(container_rootfs),
	  .help = "leave out the root switch (the container sees the host's files)" },
	BB_LIMIT_OPTIONS,
	BB_OPTIONS_END,
};

enum { CT_DROP_CGROUP = 1 << 8, CT_DROP_ROOTFS = 1 << 9 };

static bool ct_variant_apply(struct bb_env_opts *o, const struct bb_variant *v)
{
	struct bb_env_opts full = *o;

	o->container_ns &= ~(unsigned)(v->what & BB_NS_ALL);
	o->container_cgroup &= !(v->what & CT_DROP_CGROUP);
	o->container_rootfs &= !(v->what & CT_DROP_ROOTFS);
	return o->container_ns != full.container_ns ||
	       o->container_cgroup != full.container_cgroup ||
	       o->container_rootfs != full.container_rootfs;
}

/* The root switch needs the mount namespace: leaving out mnt leaves out the root switch. */
static const struct bb_variant ct_variants[] = {
	{ "nonet", "net", BB_NS_NET, ct_variant_apply },
	{ "noipc", "ipc", BB_NS_IPC, ct_variant_apply },
	{ "nouts", "uts", BB_NS_UTS, ct_variant_apply },
	{ "nopid", "pid", BB_NS_PID, ct_variant_apply },
	{ "nocgroupns", "cgroupns", BB_NS_CGROUP, ct_variant_apply },
	{ "nocgroup", "cgroup", CT_DROP_CGROUP, ct_variant_apply },
	{ "norootfs", "rootfs", CT_DROP_ROOTFS, ct_variant_apply },
	{ "nomnt", "mnt+rootfs", BB_NS_MNT | CT_DROP_ROOTFS, ct_variant_apply },
	{ NULL, NULL, 0, NULL },
};

const struct launcher launcher_container = {
	.name = "container",
	.summary = "namespaces, a cgroup and a read-only minimal root, made with clone()",
	.settles = "C2, C3, C5, C6, C10",
	.class = BB_CLASS_CONTAINER,
	.caps = BB_CAP_IMAGE | BB_CAP_DECOMPOSE | BB_CAP_LIMITS,
	.options = ct_options,
	.variants = ct_variants,
	.check = ct_check,
	.probe = ct_probe,
	.prepare = ct_prepare,
	.spawn = ct_spawn,
	.reap = ct_reap,
	.cleanup = ct_cleanup,
};
