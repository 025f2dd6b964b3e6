#include "sysfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"

void sysfs_path(const char *root, const char *path, char *dst, size_t len)
{
	if (!root || !root[0] || !strcmp(root, "/"))
		snprintf(dst, len, "%s", path);
	else
		snprintf(dst, len, "%s/%s", root, path[0] == '/' ? path + 1 : path);
}

FILE *sysfs_open(const char *root, const char *path)
{
	char p[4096];

	sysfs_path(root, path, p, sizeof(p));
	return fopen(p, "re");
}

int sysfs_read(const char *root, const char *path, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = sysfs_open(root, path);
	size_t n;

	if (len == 0)
		return errno = EINVAL, -1;
	buf[0] = '\0';
	if (!f || !fgets(buf, (int)len, f))
		return errno = f ? ENODATA : errno, -1;
	n = strcspn(buf, "\n");
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return n ? 0 : (errno = ENODATA, -1);
}

bool sysfs_exists(const char *root, const char *path)
{
	char p[4096];
	struct stat st;

	sysfs_path(root, path, p, sizeof(p));
	return stat(p, &st) == 0;
}

int sysfs_cpulist_has(const char *list, int cpu)
{
	const char *s = list;
	int found = 0;

	while (*s && *s != '\n') {
		char *end;
		long lo = strtol(s, &end, 10), hi = lo;

		if (end == s || lo < 0)
			return -1;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			if (end == s + 1 || hi < lo)
				return -1;
			s = end;
		}
		found |= cpu >= lo && cpu <= hi;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -1;
	}
	return found;
}

int sysfs_bool(const char *value)
{
	if (!strcmp(value, "Y") || !strcmp(value, "y") || !strcmp(value, "1"))
		return 1;
	if (!strcmp(value, "N") || !strcmp(value, "n") || !strcmp(value, "0"))
		return 0;
	return -1;
}
