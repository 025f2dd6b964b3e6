#include "isolation.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define ISO_SLURP_MAX (4u << 20)
#define ISO_MAX_NAMES 4096
#define ISO_MAX_CPUS  4096
#define ISO_KLOG_MAX  (64 << 20)

const char *const iso_keys[] = {
	"kernel_release", "kernel_version", "boot_id",     "boot_time",
	"mem_total",      "cpu_list",       "cpu_model",   "process_count",
	"host_pid",       "net_interfaces", "hostname",    "kernel_modules",
	"kernel_log",     "mounts",         "clocksource", NULL,
};

static const char *const iso_hidden_words[] = { "hidden", "denied", "unreadable", "unavailable",
	                                        NULL };

bool iso_value_hidden(const char *v)
{
	if (!v || !*v)
		return true;
	for (size_t i = 0; iso_hidden_words[i]; i++) {
		size_t n = strlen(iso_hidden_words[i]);
		if (!strncasecmp(v, iso_hidden_words[i], n) && (v[n] == '\0' || v[n] == ':'))
			return true;
	}
	return false;
}

uint32_t iso_fnv1a(uint32_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

char *iso_slurp(const char *path, size_t max)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !buf)
		goto fail;
	/* /proc files report size 0: read until end of file, growing. */
	while ((n = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		len += (size_t)n;
		if (len + 1 < cap)
			continue;
		if (cap >= max) {
			errno = EFBIG;
			goto fail;
		}
		nb = realloc(buf, cap * 2);
		if (!nb)
			goto fail;
		buf = nb;
		cap *= 2;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	n = errno;
	free(buf);
	if (fd >= 0)
		close(fd);
	errno = (int)n;
	return NULL;
}

/* Parsers */

int iso_meminfo_bytes(const char *meminfo, const char *field, long long *bytes)
{
	size_t fl = strlen(field);

	for (const char *l = meminfo; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *end;
		if (strncmp(l, field, fl) || l[fl] != ':')
			continue;
		long long v = strtoll(l + fl + 1, &end, 10);
		if (end == l + fl + 1 || v < 0)
			return -1;
		while (*end == ' ')
			end++;
		*bytes = !strncmp(end, "kB", 2) ? v * 1024 : v;
		return 0;
	}
	return -1;
}

/* "0-3,6" from a bitmap of CPU numbers. */
static void iso_format_cpus(const unsigned char *on, size_t n, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		if (!on[i])
			continue;
		while (j + 1 < n && on[j + 1])
			j++;
		if (o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%zu", o ? "," : "", i);
		if (j > i && o < len)
			o += (size_t)snprintf(out + o, len - o, "-%zu", j);
		i = j;
	}
}

int iso_stat_cpu_list(const char *stat, char *out, size_t len)
{
	unsigned char *on = calloc(ISO_MAX_CPUS, 1);
	size_t found = 0;

	if (!on)
		return -1;
	for (const char *l = stat; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *end;
		if (strncmp(l, "cpu", 3) || !isdigit((unsigned char)l[3]))
			continue;
		unsigned long c = strtoul(l + 3, &end, 10);
		if (c < ISO_MAX_CPUS && *end == ' ') {
			on[c] = 1;
			found++;
		}
	}
	if (found)
		iso_format_cpus(on, ISO_MAX_CPUS, out, len);
	free(on);
	return found ? 0 : -1;
}

static int iso_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names joined by commas when they fit in out, else "N <what>, fnv1a X". */
static void iso_names_out(char **names, size_t n, const char *what, bool join, char *out,
                          size_t len)
{
	uint32_t h = ISO_FNV_INIT;
	size_t o = 0;

	qsort(names, n, sizeof(*names), iso_cmp_str);
	out[0] = '\0';
	for (size_t i = 0; join && i < n && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? "," : "", names[i]);
	if (join && o < len)
		return;
	for (size_t i = 0; i < n; i++)
		h = iso_fnv1a(h, names[i], strlen(names[i]) + 1);
	snprintf(out, len, "%zu %s, fnv1a %08" PRIx32, n, what, h);
}

/* Split a copy of text into lines; call take() on each, which may keep a pointer into the
 * copy (returned in *copy, freed by the caller). */
static char **iso_lines(const char *text, char **copy, size_t *n)
{
	char **v = calloc(ISO_MAX_NAMES, sizeof(*v)), *save = NULL, *l;

	*n = 0;
	*copy = strdup(text);
	if (!v || !*copy) {
		free(v);
		free(*copy);
		*copy = NULL;
		return NULL;
	}
	for (l = strtok_r(*copy, "\n", &save); l && *n < ISO_MAX_NAMES;
	     l = strtok_r(NULL, "\n", &save))
		v[(*n)++] = l;
	return v;
}

int iso_net_dev_names(const char *net_dev, char *out, size_t len)
{
	char *copy, **lines;
	size_t n, k = 0;

	lines = iso_lines(net_dev, &copy, &n);
	if (!lines)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char *colon = strchr(lines[i], ':'), *name = lines[i];
		if (!colon || strchr(lines[i], '|'))
			continue; /* the two header lines */
		*colon = '\0';
		while (*name == ' ')
			name++;
		lines[k++] = name;
	}
	if (k)
		iso_names_out(lines, k, "interfaces", true, out, len);
	free(lines);
	free(copy);
	return k ? 0 : -1;
}

int iso_modules_summary(const char *modules, char *out, size_t len)
{
	char *copy, **lines;
	size_t n;

	lines = iso_lines(modules, &copy, &n);
	if (!lines)
		return -1;
	for (size_t i = 0; i < n; i++)
		lines[i][strcspn(lines[i], " ")] = '\0';
	iso_names_out(lines, n, "modules", false, out, len);
	if (!n)
		snprintf(out, len, "0 modules");
	free(lines);
	free(copy);
	return 0;
}

/* "type source mountpoint" of one mountinfo line (malloc'd); NULL if malformed. */
static char *iso_mount_entry(char *line)
{
	char *f[5] = { 0 }, *save = NULL, *t, *sep = strstr(line, " - "), *type, *src, *e;
	size_t k = 0;

	if (!sep)
		return NULL;
	*sep = '\0';
	for (t = strtok_r(line, " ", &save); t && k < 5; t = strtok_r(NULL, " ", &save))
		f[k++] = t; /* id parent major:minor root mountpoint */
	save = NULL;
	type = strtok_r(sep + 3, " ", &save);
	src = strtok_r(NULL, " ", &save);
	if (k < 5 || !type || !src || asprintf(&e, "%s %s %s", type, src, f[4]) < 0)
		return NULL;
	return e;
}

int iso_mounts_summary(const char *mountinfo, char *out, size_t len)
{
	char *copy, **lines;
	size_t n, k = 0;

	lines = iso_lines(mountinfo, &copy, &n);
	if (!lines)
		return -1;
	/* The entries replace the lines they came from, in the same array. */
	for (size_t i = 0; i < n; i++) {
		char *e = iso_mount_entry(lines[i]);
		if (e)
			lines[k++] = e;
	}
	if (k)
		iso_names_out(lines, k, "mounts", false, out, len);
	for (size_t i = 0; i < k; i++)
		free(lines[i]);
	free(lines);
	free(copy);
	return k ? 0 : -1;
}

int iso_cpuinfo_model(const char *cpuinfo, char *out, size_t len)
{
	for (const char *l = cpuinfo; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *colon = strchr(l, ':'), *eol = strchr(l, '\n');
		if (strncmp(l, "model name", 10) || !colon || (eol && colon > eol))
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		snprintf(out, len, "%.*s", (int)(eol ? eol - colon : (long)strlen(colon)), colon);
		return 0;
	}
	return -1;
}

int iso_stat_start(const char *stat, char *comm, size_t commlen, unsigned long long *start)
{
	const char *open = strchr(stat, '('), *close = strrchr(stat, ')'), *p;
	char *end;

	if (!open || !close || close < open)
		return -1;
	snprintf(comm, commlen, "%.*s", (int)(close - open - 1), open + 1);
	p = close + 1;
	/* Fields after the comm start at field 3 (state); starttime is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	errno = 0;
	*start = strtoull(p + 1, &end, 10);
	return errno || end == p + 1 ? -1 : 0;
}

int iso_self_start(unsigned long long *start)
{
	char *stat = iso_slurp("/proc/self/stat", 4096), comm[64];
	int rc = stat ? iso_stat_start(stat, comm, sizeof(comm), start) : -1;

	free(stat);
	return rc;
}

/* Cgroups */

static bool iso_list_has(const char *list, size_t listlen, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p < list + listlen;) {
		const char *c = memchr(p, ',', (size_t)(list + listlen - p));
		size_t l = c ? (size_t)(c - p) : (size_t)(list + listlen - p);
		if (l == wl && !strncmp(p, word, wl))
			return true;
		p += l + 1;
	}
	return false;
}

int iso_cgroup_path(const char *proc_cgroup, const char *ctrl, char *path, size_t len)
{
	for (const char *l = proc_cgroup; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const char *eol = strchr(l, '\n');
		if (!c2 || (eol && c2 > eol))
			continue;
		bool match = ctrl ? iso_list_has(c1 + 1, (size_t)(c2 - c1 - 1), ctrl)
		                  : c2 == c1 + 1 && !strncmp(l, "0:", 2);
		if (!match)
			continue;
		snprintf(path, len, "%.*s", (int)(eol ? eol - c2 - 1 : (long)strlen(c2 + 1)),
		         c2 + 1);
		return 0;
	}
	return -1;
}

/* A mount of the hierarchy (type "cgroup" naming ctrl in its options, or "cgroup2") whose root
 * holds path: dir = mount point + the part of path below the root. */
static int iso_cgroup_mount(char *line, const char *ctrl, const char *path, char *dir, size_t len)
{
	char *f[5] = { 0 }, *save = NULL, *t, *sep = strstr(line, " - "), *type, *opts;
	size_t k = 0, rl;

	if (!sep)
		return -1;
	*sep = '\0';
	for (t = strtok_r(line, " ", &save); t && k < 5; t = strtok_r(NULL, " ", &save))
		f[k++] = t;
	save = NULL;
	type = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save); /* source */
	opts = strtok_r(NULL, " ", &save);
	if (k < 5 || !type || strcmp(type, ctrl ? "cgroup" : "cgroup2") ||
	    (ctrl && (!opts || !iso_list_has(opts, strlen(opts), ctrl))))
		return -1;
	rl = strcmp(f[3], "/") ? strlen(f[3]) : 0;
	/* In a cgroup namespace, mounts from outside it show a root of "/.." */
	if (strncmp(path, f[3], rl) || (path[rl] != '/' && path[rl] != '\0'))
		return -1;
	snprintf(dir, len, "%s%s", f[4], strcmp(path + rl, "/") ? path + rl : "");
	return 0;
}

int iso_cgroup_dir(const char *proc_cgroup, const char *mountinfo, const char *ctrl, char *dir,
                   size_t len, int *version)
{
	char path[4096];

	for (int v = 1; v <= 2; v++) {
		const char *c = v == 1 ? ctrl : NULL;
		char *copy, **lines;
		size_t n;
		int found = -1;
		if (iso_cgroup_path(proc_cgroup, c, path, sizeof(path)) < 0)
			continue;
		lines = iso_lines(mountinfo, &copy, &n);
		if (!lines)
			return -1;
		for (size_t i = 0; i < n && found < 0; i++)
			found = iso_cgroup_mount(lines[i], c, path, dir, len);
		free(lines);
		free(copy);
		if (found == 0) {
			*version = v;
			return 0;
		}
	}
	return -1;
}

enum iso_mem_outcome iso_mem_outcome(double limit, double used, double got, double step, double tol,
                                     bool machine)
{
	double left = limit - (used > 0 ? used : 0);

	if (machine)
		return ISO_MEM_MACHINE;
	if (got > limit * (1 + tol) + step)
		return ISO_MEM_BEYOND;
	if (got < left * (1 - tol) - step)
		return ISO_MEM_BELOW;
	return ISO_MEM_ENFORCED;
}

int iso_parse_limit(const char *text, long long *v)
{
	char *end;

	while (*text == ' ')
		text++;
	if (!strncmp(text, "max", 3)) {
		*v = -1;
		return 0;
	}
	errno = 0;
	*v = strtoll(text, &end, 10);
	if (errno || end == text)
		return -1;
	/* v1 writes "unlimited" as PAGE_COUNTER_MAX pages: 9223372036854771712 with 4 KiB */
	if (*v < 0 || *v >= (1ll << 62))
		*v = -1;
	return 0;
}

int iso_parse_cpu_max(const char *text, double *cpus)
{
	long long q, p;
	char *end;

	if (iso_parse_limit(text, &q) < 0)
		return -1;
	end = strchr(text, ' ');
	if (!end)
		return -1;
	errno = 0;
	p = strtoll(end + 1, NULL, 10);
	if (errno || p <= 0)
		return -1;
	*cpus = q < 0 ? -1 : (double)q / (double)p;
	return 0;
}

/* Collectors: each fills one fact, or returns false to leave it out. */

static void iso_text(struct iso_fact *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void iso_text(struct iso_fact *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	f->numeric = false;
}

static void iso_num(struct iso_fact *f, double v)
{
	f->numeric = true;
	f->num = v;
	snprintf(f->text, sizeof(f->text), "%.15g", v);
}

/* EACCES/EPERM: the box refuses; anything else: the box does not have it. */
static void iso_hide(struct iso_fact *f, const char *what, int errnum)
{
	iso_text(f, "%s: %s: %s", errnum == EACCES || errnum == EPERM ? "denied" : "unreadable",
	         what, strerror(errnum));
}

/* The first line of a file, or hidden with the reason. */
static bool iso_file_line(struct iso_fact *f, const char *path)
{
	char *t = iso_slurp(path, ISO_SLURP_MAX);

	if (!t) {
		iso_hide(f, path, errno);
		return true;
	}
	iso_text(f, "%.*s", (int)strcspn(t, "\n"), t);
	free(t);
	return true;
}

/* Parse a file with one of the parsers above. */
static bool iso_file_parse(struct iso_fact *f, const char *path,
                           int (*parse)(const char *, char *, size_t))
{
	char *t = iso_slurp(path, ISO_SLURP_MAX);

	if (!t) {
		iso_hide(f, path, errno);
		return true;
	}
	if (parse(t, f->text, sizeof(f->text)) < 0)
		iso_text(f, "unreadable: %s: nothing recognised", path);
	free(t);
	return true;
}

static bool iso_uname(struct iso_fact *f, int which)
{
	struct utsname u;

	if (uname(&u) < 0) {
		iso_hide(f, "uname", errno);
		return true;
	}
	iso_text(f, "%s", which == 0 ? u.release : which == 1 ? u.version : u.nodename);
	return true;
}

static bool iso_release(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	return iso_uname(f, 0);
}

static bool iso_version(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	return iso_uname(f, 1);
}

static bool iso_hostname(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	return iso_uname(f, 2);
}

static bool iso_boot_id(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	return iso_file_line(f, "/proc/sys/kernel/random/boot_id");
}

/* Uptime as the moment of boot (wall clock minus time since boot): a value that does not move
 * between the moments the host and the box look. A time namespace offsets CLOCK_BOOTTIME. */
static bool iso_boot_time(const struct iso_opts *o, struct iso_fact *f)
{
	struct timespec rt, bt;

	(void)o;
	if (clock_gettime(CLOCK_REALTIME, &rt) < 0 || clock_gettime(CLOCK_BOOTTIME, &bt) < 0) {
		iso_hide(f, "clock_gettime", errno);
		return true;
	}
	double t = (double)(rt.tv_sec - bt.tv_sec) + (double)(rt.tv_nsec - bt.tv_nsec) / 1e9;
	iso_num(f, (double)(long long)(t * 100 + 0.5) / 100);
	return true;
}

static bool iso_mem_total(const struct iso_opts *o, struct iso_fact *f)
{
	char *t = iso_slurp("/proc/meminfo", ISO_SLURP_MAX);
	long long b;

	(void)o;
	if (!t)
		iso_hide(f, "/proc/meminfo", errno);
	else if (iso_meminfo_bytes(t, "MemTotal", &b) < 0)
		iso_text(f, "unreadable: /proc/meminfo: no MemTotal");
	else
		iso_num(f, (double)b);
	free(t);
	return true;
}

/* The kernel's online CPUs, not this process's affinity (which the harness pins). */
static bool iso_cpu_list(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	iso_file_line(f, "/sys/devices/system/cpu/online");
	if (iso_value_hidden(f->text)) /* no /sys in the box: the cpuN lines of /proc/stat */
		iso_file_parse(f, "/proc/stat", iso_stat_cpu_list);
	return true;
}

static bool iso_cpu_model(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	return iso_file_parse(f, "/proc/cpuinfo", iso_cpuinfo_model);
}

static bool iso_processes(const struct iso_opts *o, struct iso_fact *f)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	long n = 0;

	(void)o;
	if (!d) {
		iso_hide(f, "/proc", errno);
		return true;
	}
	while ((de = readdir(d)))
		n += isdigit((unsigned char)de->d_name[0]) != 0;
	closedir(d);
	iso_num(f, (double)n);
	return true;
}

/* Whether the harness's own process is visible: its pid must exist here *and* be the same
 * process (same start time), since another PID namespace or kernel reuses the number. */
static bool iso_host_pid(const struct iso_opts *o, struct iso_fact *f)
{
	char path[64], comm[64], *stat;
	unsigned long long start;

	if (o->host_pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", o->host_pid);
	stat = iso_slurp(path, 4096);
	if (!stat) {
		iso_text(f, "hidden: no process %ld here (%s)", o->host_pid, strerror(errno));
		return true;
	}
	if (iso_stat_start(stat, comm, sizeof(comm), &start) < 0)
		iso_text(f, "unreadable: %s: malformed", path);
	else if (start != o->host_start)
		iso_text(f, "hidden: pid %ld here is another process (%s)", o->host_pid, comm);
	else
		iso_text(f, "visible");
	free(stat);
	return true;
}

/* /proc/net/dev lists the interfaces of the network namespace; /sys/class/net (absent in a box
 * without /sys) says the same. */
static bool iso_net(const struct iso_opts *o, struct iso_fact *f)
{
	char *names[ISO_MAX_NAMES];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	(void)o;
	iso_file_parse(f, "/proc/net/dev", iso_net_dev_names);
	if (!iso_value_hidden(f->text) || !(d = opendir("/sys/class/net")))
		return true;
	while ((de = readdir(d)) && n < ISO_MAX_NAMES)
		if (de->d_name[0] != '.' && (names[n] = strdup(de->d_name)))
			n++;
	closedir(d);
	iso_names_out(names, n, "interfaces", true, f->text, sizeof(f->text));
	while (n)
		free(names[--n]);
	return true;
}

static bool iso_modules(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	iso_file_parse(f, "/proc/modules", iso_modules_summary);
	/* /proc is there but /proc/modules is not: a kernel built without module support. */
	if (iso_value_hidden(f->text) && strstr(f->text, strerror(ENOENT)) &&
	    access("/proc/self/stat", R_OK) == 0)
		iso_text(f, "none: no /proc/modules (a kernel without loadable modules)");
	return true;
}

/* Readable or not, and whose. There is one ring per running kernel (no namespace has its
 * own), so a log that can be read at all is the log of the kernel the box runs on, which its
 * boot id names. The oldest record in the ring would name it too, but only until the ring wraps
 * (one OOM kill's task dump is dozens of lines): two readings minutes apart would then differ
 * on the same kernel. Without a boot id, the oldest record it is. A size-limited read returns
 * the newest records, so the read asks for the whole ring. */
static bool iso_klog(const struct iso_opts *o, struct iso_fact *f)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n;
	char *buf;

	(void)o;
	if (size < 0) {
		iso_hide(f, "klogctl", errno);
		return true;
	}
	if (size <= 0 || size > ISO_KLOG_MAX)
		size = 1 << 20;
	buf = malloc((size_t)size + 1);
	if (!buf) {
		iso_hide(f, "klogctl", ENOMEM);
		return true;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		iso_hide(f, "klogctl", errno);
	} else {
		char *id = iso_slurp("/proc/sys/kernel/random/boot_id", ISO_SLURP_MAX);
		buf[n] = '\0';
		if (id)
			iso_text(f, "readable (the log of kernel boot fnv1a %08" PRIx32 ")",
			         iso_fnv1a(ISO_FNV_INIT, id, strcspn(id, "\n")));
		else
			iso_text(f, "readable (oldest record fnv1a %08" PRIx32 ")",
			         iso_fnv1a(ISO_FNV_INIT, buf, strcspn(buf, "\n")));
		free(id);
	}
	free(buf);
	return true;
}

static bool iso_mounts(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	return iso_file_parse(f, "/proc/self/mountinfo", iso_mounts_summary);
}

static bool iso_clocksource(const struct iso_opts *o, struct iso_fact *f)
{
	(void)o;
	return iso_file_line(f, "/sys/devices/system/clocksource/clocksource0/current_clocksource");
}

/* In the order of iso_keys. */
static bool (*const iso_collectors[])(const struct iso_opts *, struct iso_fact *) = {
	iso_release,  iso_version,   iso_boot_id,   iso_boot_time, iso_mem_total,
	iso_cpu_list, iso_cpu_model, iso_processes, iso_host_pid,  iso_net,
	iso_hostname, iso_modules,   iso_klog,      iso_mounts,    iso_clocksource,
};

_Static_assert(sizeof(iso_collectors) / sizeof(iso_collectors[0]) + 1 ==
                   sizeof(iso_keys) / sizeof(iso_keys[0]),
               "one collector per key");

size_t iso_collect(const struct iso_opts *o, struct iso_fact *facts, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; iso_keys[i] && n < max; i++) {
		struct iso_fact *f = &facts[n];
		memset(f, 0, sizeof(*f));
		f->key = iso_keys[i];
		if (iso_collectors[i](o, f))
			n++;
	}
	return n;
}
