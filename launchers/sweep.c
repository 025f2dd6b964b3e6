#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Field 22 (starttime) and field 3 (state) of /proc/PID/stat. The command name (field 2) may
 * hold spaces and parentheses: fields are counted after its last ')'. */
static int sweep_read_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[64], buf[1024];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c", state) != 1)
		return -1;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -1;
	char *end;
	errno = 0;
	*start = strtoull(p + 1, &end, 10);
	return end == p + 1 || errno ? -1 : 0;
}

int sweep_pid_start(pid_t pid, unsigned long long *start)
{
	char state;

	if (pid <= 0 || sweep_read_stat(pid, &state, start) < 0)
		return -1;
	return state == 'Z' || state == 'X' ? -1 : 0;
}

const struct bb_owner *sweep_self(void)
{
	static struct bb_owner self;
	pid_t pid = getpid();

	/* Re-read after a fork: a child is another owner. */
	if (self.pid != pid) {
		self.pid = pid;
		if (sweep_pid_start(pid, &self.start) < 0)
			self.start = 0;
	}
	return &self;
}

const char *sweep_self_tag(void)
{
	static char tag[SWEEP_TAG_MAX];
	const struct bb_owner *o = sweep_self();

	snprintf(tag, sizeof(tag), "%d-%llu", (int)o->pid, o->start);
	return tag;
}

bool sweep_owner_alive(const struct bb_owner *o)
{
	unsigned long long start;

	if (sweep_pid_start(o->pid, &start) < 0)
		return false;
	return o->start == 0 || start == o->start;
}

static const char *sweep_number(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return NULL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno ? NULL : end;
}

const char *sweep_parse_owner(const char *s, struct bb_owner *o)
{
	unsigned long long pid, start = 0, seq;
	const char *p = sweep_number(s, &pid), *q;

	if (!p || pid == 0 || pid > INT_MAX || (*p && *p != '-'))
		return NULL;
	/* "<pid>-<start>-<rest>" (now) or "<pid>-<seq>" (a name from before start times): the
	 * second number is a start time only when something follows it. */
	if (*p == '-' && (q = sweep_number(p + 1, &seq)) && *q == '-') {
		start = seq;
		p = q;
	}
	o->pid = (pid_t)pid;
	o->start = start;
	return p;
}

struct sweep_pass {
	const struct bb_sweeper *sw;
	bool remove;
	FILE *out;
	const char *who;
	struct sweep_counts *c;
	struct bb_err *err;
	int rc;
};

static void sweep_one(void *ctx, const char *path, const struct bb_owner *owner)
{
	struct sweep_pass *p = ctx;
	struct bb_err e = { 0 };
	char what[64];

	if (sweep_owner_alive(owner)) {
		p->c->live++;
		return;
	}
	p->c->stale++;
	if (owner->start)
		snprintf(what, sizeof(what), "harness %d (started at tick %llu) is gone",
		         (int)owner->pid, owner->start);
	else
		snprintf(what, sizeof(what), "harness %d is gone", (int)owner->pid);
	if (!p->remove) {
		fprintf(p->out, "boxbench: %s: stale %s %s (%s)\n", p->who, p->sw->kind, path,
		        what);
		return;
	}
	if (p->sw->remove(p->sw, path, &e) < 0) {
		fprintf(p->out, "boxbench: %s: stale %s %s (%s) not removed: %s\n", p->who,
		        p->sw->kind, path, what, e.msg);
		if (p->rc == 0)
			*p->err = e;
		p->rc = -1;
		return;
	}
	p->c->removed++;
	fprintf(p->out, "boxbench: %s: swept stale %s %s (%s)\n", p->who, p->sw->kind, path, what);
}

int sweep_run(const struct bb_sweeper *const *table, bool remove, FILE *out, const char *who,
              struct sweep_counts *c, struct bb_err *err)
{
	struct sweep_pass p = {
		.remove = remove, .out = out, .who = who, .c = c, .err = err, .rc = 0
	};

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; table[i]; i++) {
		p.sw = table[i];
		p.sw->list(p.sw, sweep_one, &p);
	}
	fflush(out);
	return p.rc;
}

void sweep_dir_list(const struct bb_sweeper *sw, sweep_visit visit, void *ctx)
{
	size_t plen = strlen(sw->prefix);
	DIR *d = opendir(sw->dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		struct bb_owner o;
		char path[PATH_MAX];
		if (strncmp(e->d_name, sw->prefix, plen) != 0 ||
		    !sweep_parse_owner(e->d_name + plen, &o) || o.start == 0)
			continue; /* not ours, or a name without an owner */
		snprintf(path, sizeof(path), "%s/%s", sw->dir, e->d_name);
		visit(ctx, path, &o);
	}
	if (d)
		closedir(d);
}

static int sweep_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP ? rmdir(path) < 0 : unlink(path) < 0)
		return errno == ENOENT ? 0 : -1;
	return 0;
}

int sweep_dir_remove(const struct bb_sweeper *sw, const char *path, struct bb_err *err)
{
	struct stat st;

	(void)sw;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : bb_fail(err, errno, "%s", path);
	if (!S_ISDIR(st.st_mode))
		return bb_fail(err, 0, "%s is not a directory", path);
	/* FTW_MOUNT: a file system mounted inside is not ours to empty (rmdir then fails). */
	if (nftw(path, sweep_rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
		return bb_fail(err, errno, "remove %s", path);
	return 0;
}

int sweep_mkdtemp(const char *dir, const char *prefix, char *out, size_t len, struct bb_err *err)
{
	int n = snprintf(out, len, "%s/%s%s-XXXXXX", dir, prefix, sweep_self_tag());

	if (n < 0 || (size_t)n >= len)
		return bb_fail(err, ENAMETOOLONG, "%s/%s...", dir, prefix);
	if (!mkdtemp(out))
		return bb_fail(err, errno, "create a directory in %s", dir);
	return 0;
}

const struct bb_sweeper sweeper_scratch = {
	.kind = "scratch directory",
	.list = sweep_dir_list,
	.remove = sweep_dir_remove,
	.dir = SWEEP_SCRATCH_DIR,
	.prefix = SWEEP_SCRATCH_PREFIX,
};
