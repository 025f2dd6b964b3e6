#include "mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* mountinfo escapes space, tab, newline and backslash in paths as \ooo (octal). */
static void mi_unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
static int mi_parse_line(char *line, struct bb_mount *m)
{
	char *f[6], *save = NULL, *tok, *fstype, *source, *sopts;
	int i = 0;

	for (tok = strtok_r(line, " ", &save); tok && i < 6; tok = strtok_r(NULL, " ", &save))
		f[i++] = tok;
	if (i < 6)
		return -1;
	while (tok && strcmp(tok, "-") != 0)
		tok = strtok_r(NULL, " ", &save);
	fstype = tok ? strtok_r(NULL, " ", &save) : NULL;
	source = fstype ? strtok_r(NULL, " ", &save) : NULL;
	sopts = source ? strtok_r(NULL, " ", &save) : NULL;
	if (!sopts)
		return -1;
	mi_unescape(f[4]);
	mi_unescape(source);
	snprintf(m->target, sizeof(m->target), "%s", f[4]);
	snprintf(m->source, sizeof(m->source), "%s", source);
	snprintf(m->fstype, sizeof(m->fstype), "%s", fstype);
	snprintf(m->options, sizeof(m->options), "%s,%s", f[5], sopts);
	return 0;
}

static size_t mi_prefix_len(const char *target, const char *path)
{
	size_t n = strlen(target);

	if (!strcmp(target, "/"))
		return 1;
	if (strncmp(target, path, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return 0;
	return n;
}

int mountinfo_find(const char *text, const char *path, struct bb_mount *m)
{
	char line[4096];
	size_t best = 0;
	struct bb_mount cur;

	while (text && *text) {
		size_t n = strcspn(text, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1),
		         text);
		text += n + (text[n] == '\n');
		if (!line[0])
			continue;
		if (mi_parse_line(line, &cur) < 0)
			return -1;
		size_t k = mi_prefix_len(cur.target, path);
		if (k && k >= best) {
			best = k;
			*m = cur;
		}
	}
	return best > 0;
}

int mountinfo_of(const char *path, struct bb_mount *m, struct bb_err *err)
{
	char real[PATH_MAX], *text = NULL;
	size_t cap = 0;
	FILE *f;
	int r;

	if (!realpath(path, real))
		return bb_fail(err, errno, "%s", path);
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return bb_fail(err, errno, "/proc/self/mountinfo");
	/* The whole file as one string (getdelim with NUL: no NUL in mountinfo). */
	r = getdelim(&text, &cap, '\0', f) < 0 ? -1 : 0;
	fclose(f);
	if (r == 0)
		r = mountinfo_find(text, real, m);
	free(text);
	if (r < 0)
		return bb_fail(err, 0, "/proc/self/mountinfo: unreadable or malformed");
	if (r == 0)
		return bb_fail(err, 0, "no mount holds %s", real);
	return 0;
}

/* The options a guest may take, the flags they are, and whether only an ext4 host's count. */
static const struct {
	const char *name; /* "data=" matches data=VALUE */
	unsigned long flag;
	bool ext4_only;
} mount_known[] = {
	{ "noatime", MS_NOATIME, false },
	{ "relatime", MS_RELATIME, false },
	{ "strictatime", MS_STRICTATIME, false },
	{ "nodiratime", MS_NODIRATIME, false },
	{ "lazytime", MS_LAZYTIME, false },
	{ "discard", 0, false },
	{ "data=", 0, true },
	{ "commit=", 0, true },
	{ "barrier=", 0, true },
	{ "nobarrier", 0, true },
	{ "dioread_nolock", 0, true },
	{ "nodelalloc", 0, true },
};

#define MOUNT_NKNOWN (sizeof(mount_known) / sizeof(mount_known[0]))

static int mount_lookup(const char *opt)
{
	for (size_t i = 0; i < MOUNT_NKNOWN; i++) {
		const char *k = mount_known[i].name;
		size_t n = strlen(k);
		if (k[n - 1] == '=' ? !strncmp(opt, k, n) && opt[n] : !strcmp(opt, k))
			return (int)i;
	}
	return -1;
}

static bool mount_has(const char *list, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (!strncmp(p, opt, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

void mount_guest_options(const char *fstype, const char *options, char *out, size_t len)
{
	char buf[512], *save = NULL;
	bool ext4 = fstype && !strcmp(fstype, "ext4");
	size_t o = 0;

	if (len)
		out[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", options ? options : "");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = mount_lookup(t);
		if (k < 0 || (mount_known[k].ext4_only && !ext4) || mount_has(out, t))
			continue;
		if (o + strlen(t) + 2 > len)
			break;
		o += (size_t)snprintf(out + o, len - o, "%s%s", o ? "," : "", t);
	}
}

/* Values the guest accepts for the options that carry one. */
static bool mount_value_ok(const char *opt)
{
	const char *v = strchr(opt, '=');

	if (!v)
		return true;
	v++;
	if (!strncmp(opt, "data=", 5))
		return !strcmp(v, "ordered") || !strcmp(v, "writeback") || !strcmp(v, "journal");
	if (!strncmp(opt, "barrier=", 8))
		return !strcmp(v, "0") || !strcmp(v, "1");
	return *v && strspn(v, "0123456789") == strlen(v); /* commit=SECONDS */
}

int mount_split_options(const char *options, unsigned long *flags, char *data, size_t len)
{
	char buf[512], *save = NULL;
	size_t o = 0;

	*flags = 0;
	if (len)
		data[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", options ? options : "");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = mount_lookup(t);
		if (k < 0 || !mount_value_ok(t) || o + strlen(t) + 2 > len) {
			errno = EINVAL;
			return -1;
		}
		if (mount_known[k].flag)
			*flags |= mount_known[k].flag;
		else
			o += (size_t)snprintf(data + o, len - o, "%s%s", o ? "," : "", t);
	}
	return 0;
}
