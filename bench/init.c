/* boxbench-init: the guest's PID 1 (static, from the initramfs). It mounts the pseudo file
 * systems, reports the guest's own view of boot time, loads the virtio disk drivers when the
 * launcher attached a disk, switches to the image's root disk when there is one (bb.root),
 * mounts the io suite's scratch disk at /scratch (bb.disk, bb.diskopts),
 * runs /bin/boxbench-load with the argv found on the kernel command line (bench/cmdline.h)
 * and its output on the serial console, reports the exit status and powers the guest off. It
 * never waits for anything without a bound: every failure is reported as an `@bb` error record
 * and followed by power-off, and should power-off itself fail, init exits, the kernel panics,
 * and the launcher's panic=-1 + QEMU's -no-reboot end the VM.
 *
 * `boxbench-init --unit` is the same program as a systemd service of a full-OS guest
 * (vm-full: scripts/mkimage-full.sh): not PID 1, the command line read from the config disk
 * (BB_DISK_ARGS), the records written to the serial port itself, and after the workload the
 * guest's own clocks of its boot as systemd recorded them. */
#include "cmdline.h"
#include "mountinfo.h"
#include "record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define INIT_LOAD         "/bin/boxbench-load"
#define INIT_BOX          "/bin/boxbench-box" /* container-in-vm (bench/box.c) */
#define INIT_MODDIR       "/lib/modules"
#define INIT_MODLIST      INIT_MODDIR "/boxbench.list" /* module file names, dependencies first */
#define INIT_DISK_WAIT_MS 5000
#define INIT_NEWROOT      "/newroot"
#define INIT_SUITE_MAX    64

static char init_suite[INIT_SUITE_MAX] = "";
static bool init_scratch_mounted;

static int init_main(void);

/* The guest's CLOCK_BOOTTIME: it starts with the guest kernel, so read at init it is the
 * kernel's share of the boot (the startup metric guest_boottime_at_init), not the time since
 * the VMM was launched; what came before the kernel is boot_to_kernel (harness/run.c). */
static uint64_t init_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void init_poweroff(void)
{
	/* Unmounted so that the next instance mounts a clean file system, not one whose
	 * journal it must replay first (a busy mount is left: sync still writes it). */
	if (init_scratch_mounted && umount2(BB_GUEST_SCRATCH, 0) == 0)
		init_scratch_mounted = false;
	sync();
	reboot(RB_POWER_OFF);
	/* Still here: report it, then exit; the kernel panics and panic=-1 ends the VM. */
	rec_error(init_suite, "init", strerror(errno));
	reboot(RB_AUTOBOOT);
	_exit(1);
}

static void init_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void init_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rec_error(init_suite, "init", msg);
	init_poweroff();
	_exit(1);
}

static void init_mount(const char *fstype, const char *dir, unsigned long flags, const char *data)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		init_fail("mkdir %s: %s", dir, strerror(errno));
	if (mount(fstype, dir, fstype, flags, data) < 0)
		init_fail("mount %s on %s: %s", fstype, dir, strerror(errno));
}

static void init_mounts(void)
{
	init_mount("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	init_mount("sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	init_mount("devtmpfs", "/dev", MS_NOSUID, "mode=0755");
	init_mount("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");
}

/* The kernel opens /dev/console for init from the initramfs; should that have failed, open it
 * from devtmpfs so the records still reach the serial line. */
static void init_stdio(void)
{
	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		_exit(1); /* nowhere to report to: the kernel's panic=-1 ends the VM */
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void init_read_cmdline(char *buf, size_t len)
{
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		init_fail("open /proc/cmdline: %s", strerror(errno));
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		init_fail("read /proc/cmdline: %s", strerror(errno));
	buf[n] = '\0';
}

/* The serial console as a byte pipe: no "\n" -> "\r\n" rewriting of the records, and only
 * emergencies (panics) from the kernel, whose messages would otherwise land in the middle of
 * a record line when both write to the UART at once. */
static void init_console(void)
{
	struct termios t;

	if (tcgetattr(STDOUT_FILENO, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(STDOUT_FILENO, TCSANOW, &t);
	}
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);
}

static void init_load_module(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), INIT_MODDIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		init_fail("open %s: %s", path, strerror(errno));
	if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
		init_fail("load module %s: %s", path, strerror(errno));
	close(fd);
}

static void init_load_modules(void)
{
	FILE *f = fopen(INIT_MODLIST, "re");
	char line[256];

	if (!f)
		init_fail("open %s: %s", INIT_MODLIST, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && line[0] != '#')
			init_load_module(line);
	}
	fclose(f);
}

/* The vdX whose virtio serial is `serial`, or 0 when none (yet). */
static int init_disk_by_serial(const char *serial, char *name, size_t len)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	char path[300], val[64];
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (strncmp(e->d_name, "vd", 2) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/serial", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, val, sizeof(val) - 1);
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			continue;
		val[n] = '\0';
		val[strcspn(val, "\n")] = '\0';
		if (strcmp(val, serial) == 0) {
			snprintf(name, len, "%s", e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* virtio_blk registers the disk synchronously, but devtmpfs creates the node from its own
 * thread: poll for both, with a bound. Then /dev/SERIAL names the disk for the workload. */
static void init_wait_disk(const char *serial, char *dev, size_t len)
{
	struct timespec ms = { 0, 1000000 };
	char name[64], link[96];
	struct stat st;

	for (int i = 0; i < INIT_DISK_WAIT_MS; i++) {
		if (init_disk_by_serial(serial, name, sizeof(name))) {
			snprintf(dev, len, "/dev/%s", name);
			if (stat(dev, &st) == 0 && S_ISBLK(st.st_mode)) {
				snprintf(link, sizeof(link), "/dev/%s", serial);
				if (symlink(name, link) < 0 && errno != EEXIST)
					init_fail("symlink %s: %s", link, strerror(errno));
				return;
			}
		}
		nanosleep(&ms, NULL);
	}
	init_fail("disk with serial %s did not appear within %d ms", serial, INIT_DISK_WAIT_MS);
}

/* switch_root's steps: the image's ext4 on /newroot, the pseudo file systems moved into it,
 * then it moved over / and made the root. The initramfs stays underneath (it cannot be
 * unmounted); its two large files, which nothing runs again, are unlinked so that their pages
 * return to the guest's free memory, where the guest's view of its memory counts them. */
static void init_switch_root(const char *dev)
{
	static const char *const moved[] = { "/dev", "/proc", "/sys", "/tmp", NULL };
	char to[64];

	if (mkdir(INIT_NEWROOT, 0755) < 0 && errno != EEXIST)
		init_fail("mkdir " INIT_NEWROOT ": %s", strerror(errno));
	if (mount(dev, INIT_NEWROOT, "ext4", MS_RDONLY | MS_NODEV, NULL) < 0)
		init_fail("mount %s (ext4, read-only) on " INIT_NEWROOT ": %s", dev,
		          strerror(errno));
	for (int i = 0; moved[i]; i++) {
		snprintf(to, sizeof(to), INIT_NEWROOT "%s", moved[i]);
		if (mount(moved[i], to, NULL, MS_MOVE, NULL) < 0)
			init_fail("move %s to the image's root: %s", moved[i], strerror(errno));
	}
	unlink(INIT_LOAD);
	unlink("/init");
	if (chdir(INIT_NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		init_fail("switch to the image's root: %s", strerror(errno));
}

/* The io suite's ext4 (launchers/vm_disk.h) at /scratch with the host's options, nosuid and
 * nodev as the host's scratch directory under /var/tmp usually is not: nothing runs from it. */
static void init_mount_scratch(const char *cmdline, const char *dev)
{
	char opts[256] = "", data[256];
	unsigned long flags;

	if (cmdline_param(cmdline, BB_KCMD_DISKOPTS, opts, sizeof(opts)) < 0)
		init_fail(BB_KCMD_DISKOPTS "= value too long");
	if (mount_split_options(opts, &flags, data, sizeof(data)) < 0)
		init_fail(BB_KCMD_DISKOPTS "=%s: an option the guest does not mirror", opts);
	if (mkdir(BB_GUEST_SCRATCH, 0755) < 0 && errno != EEXIST)
		init_fail("mkdir " BB_GUEST_SCRATCH ": %s (a read-only root needs the directory: "
		          "rebuild the image)",
		          strerror(errno));
	if (mount(dev, BB_GUEST_SCRATCH, "ext4", flags | MS_NOSUID | MS_NODEV, data) < 0)
		init_fail("mount %s (ext4, %s) on " BB_GUEST_SCRATCH ": %s", dev,
		          opts[0] ? opts : "defaults", strerror(errno));
	init_scratch_mounted = true;
}

/* The disks the launcher attached: drivers, device links, the image's root, then the scratch
 * disk mounted in whichever root the workload runs from. Returns whether it switched to the
 * image's root. */
static bool init_disks(const char *cmdline)
{
	char scratch[32], root[32], dev[64], scratch_dev[64];
	bool has_scratch = cmdline_param(cmdline, BB_KCMD_DISK, scratch, sizeof(scratch)) == 1;
	bool has_root = cmdline_param(cmdline, BB_KCMD_ROOT, root, sizeof(root)) == 1;

	if (!has_scratch && !has_root)
		return false;
	init_load_modules();
	if (has_scratch)
		init_wait_disk(scratch, scratch_dev, sizeof(scratch_dev));
	if (has_root) {
		init_wait_disk(root, dev, sizeof(dev));
		init_switch_root(dev);
		rec_info(init_suite, "guest_root", dev);
	}
	if (has_scratch)
		init_mount_scratch(cmdline, scratch_dev);
	return has_root;
}

/* container-in-vm: the guest's cgroup2 (cpu, memory, pids) for the container's limits, where
 * the kernel has it (else boxbench-box runs the container without one and says why), and a
 * root that pivot_root can leave: the initramfs's rootfs is the one mount that has no parent,
 * so pivot_root refuses it (EINVAL). A recursive bind of it moved over / (switch_root's steps,
 * as for an image's disk) is an ordinary mount; nothing is copied. */
static void init_box(const char *cmdline, bool switched)
{
	char box[256];

	if (cmdline_param(cmdline, BB_KCMD_BOX, box, sizeof(box)) == 0)
		return;
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
	    0)
		rec_info(init_suite, "guest_cgroup_mount", strerror(errno));
	if (switched)
		return;
	if (mkdir(INIT_NEWROOT, 0755) < 0 && errno != EEXIST)
		init_fail("mkdir " INIT_NEWROOT ": %s", strerror(errno));
	if (mount("/", INIT_NEWROOT, NULL, MS_BIND | MS_REC, NULL) < 0 || chdir(INIT_NEWROOT) < 0 ||
	    mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		init_fail("make the initramfs a mount for the container's pivot_root: %s",
		          strerror(errno));
}

/* argv = { INIT_LOAD, suite, args..., NULL } from bb.argv; with bb.box=OPTS,
 * { INIT_BOX, OPTS, suite, args..., NULL }. */
static char **init_workload_argv(const char *cmdline)
{
	static char box[256];
	char val[BB_KCMD_SIZE], **enc, **argv;
	int argc, k = 0;
	int has_box = cmdline_param(cmdline, BB_KCMD_BOX, box, sizeof(box));

	switch (cmdline_param(cmdline, BB_KCMD_ARGV, val, sizeof(val))) {
	case 0:
		init_fail("no " BB_KCMD_ARGV "= on the kernel command line");
	case -1:
		init_fail(BB_KCMD_ARGV "= value too long");
	default:
		break;
	}
	argc = cmdline_decode_argv(val, &enc);
	if (argc < 0)
		init_fail("bad " BB_KCMD_ARGV "= value: %s",
		          errno == EINVAL ? "malformed %XX escape" : strerror(errno));
	snprintf(init_suite, sizeof(init_suite), "%s", enc[0]);
	if (has_box < 0)
		init_fail(BB_KCMD_BOX "= value too long");
	argv = calloc((size_t)argc + 3, sizeof(*argv));
	if (!argv)
		init_fail("out of memory");
	argv[k++] = has_box ? INIT_BOX : INIT_LOAD;
	if (has_box)
		argv[k++] = box;
	memcpy(argv + k, enc, (size_t)argc * sizeof(*argv));
	return argv; /* enc's strings live as long as init: never freed */
}

static pid_t init_spawn(char **argv)
{
	char *envp[] = { NULL }; /* the same empty environment the native launcher gives */
	pid_t pid = fork();

	if (pid < 0)
		init_fail("fork: %s", strerror(errno));
	if (pid > 0)
		return pid;
	int null = open("/dev/null", O_RDWR);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	setsid();
	execve(argv[0], argv, envp);
	char msg[128];
	snprintf(msg, sizeof(msg), "exec %s: %s", argv[0], strerror(errno));
	rec_error(init_suite, "init", msg);
	_exit(127);
}

/* Reap until the workload ends (adopted orphans are reaped on the way), then kill whatever
 * it left running. Returns its exit code, 128 + signal when killed (the shell's convention). */
static int init_wait(pid_t pid)
{
	int st = 0, code = -1;

	for (;;) {
		pid_t r = waitpid(-1, &st, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			init_fail("wait for the workload: %s", strerror(errno));
		if (r == pid)
			break;
	}
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return code;
}

/* The serial port as stdout and stderr: a service's own output goes to the journal. */
static void unit_stdio(void)
{
	int fd = open("/dev/ttyS0", O_WRONLY | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "boxbench-init: open /dev/ttyS0: %s\n", strerror(errno));
		init_poweroff();
	}
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* The command line from the config disk: its first line. */
static void unit_read_args(char *buf, size_t len)
{
	char dev[64];
	ssize_t n;
	int fd;

	init_wait_disk(BB_DISK_ARGS, dev, sizeof(dev));
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		init_fail("open %s: %s", dev, strerror(errno));
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		init_fail("read %s: %s", dev, strerror(errno));
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* One numeric property from `systemctl show --value -p NAME [UNIT]`, -1 when unavailable. */
static long long unit_systemd_prop(const char *name, const char *unit)
{
	char *argv[] = {
		"/bin/systemctl", "show", "--value", "-p", (char *)name, (char *)unit, NULL
	};
	char *envp[] = { NULL }, out[64];
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	waitpid(pid, &st, 0);
	if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	out[n] = '\0';
	return strtoll(out, NULL, 10);
}

/* The guest's own clock (CLOCK_MONOTONIC, microseconds in systemd): kernel start -> systemd
 * (the kernel and the initramfs), systemd -> this unit started. Asked after the workload, so
 * that the asking costs the measured start nothing. */
static void unit_boot_phases(void)
{
	long long user = unit_systemd_prop("UserspaceTimestampMonotonic", NULL);
	long long unit = unit_systemd_prop("InactiveExitTimestampMonotonic", "boxbench.service");

	if (user <= 0 || unit < user) {
		rec_info(init_suite, "boot_phases", "systemd's timestamps unavailable");
		return;
	}
	rec_info_num(init_suite, "boot_kernel_ns", (double)user * 1e3);
	rec_info_num(init_suite, "boot_init_ns", (double)(unit - user) * 1e3);
}

/* Only the workload's process group is ours to end: the rest is systemd's. */
static int unit_wait(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			init_fail("wait for the workload: %s", strerror(errno));
	kill(-pid, SIGKILL);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Powered off at once after the records (reboot(2), as `systemctl poweroff -ff`): the root is
 * read-only, nothing is lost, and a full shutdown would only add the guest's teardown. */
static int unit_main(void)
{
	uint64_t t_start = init_boottime_ns();
	char cmdline[BB_KCMD_SIZE * 2], scratch[32], dev[64];
	char **argv;

	unit_stdio();
	unit_read_args(cmdline, sizeof(cmdline));
	argv = init_workload_argv(cmdline);
	init_console();
	rec_info_num(init_suite, "guest_boottime_at_init_ns", (double)t_start);
	if (cmdline_param(cmdline, BB_KCMD_DISK, scratch, sizeof(scratch)) == 1) {
		init_wait_disk(scratch, dev, sizeof(dev));
		init_mount_scratch(cmdline, dev);
	}
	rec_info_num(init_suite, "guest_exec_ns", (double)init_boottime_ns());
	int code = unit_wait(init_spawn(argv));
	unit_boot_phases();
	rec_info_num(init_suite, "init_exit_status", code);
	init_poweroff();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--unit"))
		return unit_main();
	return init_main();
}

static int init_main(void)
{
	uint64_t t_start = init_boottime_ns();
	char cmdline[BB_KCMD_SIZE * 2];
	char **argv;

	init_mounts();
	init_stdio();
	init_read_cmdline(cmdline, sizeof(cmdline));
	argv = init_workload_argv(cmdline);
	init_console();
	rec_info_num(init_suite, "guest_boottime_at_init_ns", (double)t_start);
	init_box(cmdline, init_disks(cmdline));
	rec_info_num(init_suite, "guest_exec_ns", (double)init_boottime_ns());
	int code = init_wait(init_spawn(argv));
	rec_info_num(init_suite, "init_exit_status", code);
	init_poweroff();
	return 0;
}
