/* A fake root for the probes that read /sys and /proc under a root directory (harness/sysfs.h):
 * a temporary directory under /tmp, files put in it with their parent directories, removed
 * with everything in it at the end. */
#ifndef BB_TEST_FAKE_TREE_H
#define BB_TEST_FAKE_TREE_H

#define _XOPEN_SOURCE_EXTENDED 1
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fake_tree {
	char root[64];
};

/* A new empty tree; 0, or -1 when /tmp refuses. */
static inline int fake_tree_new(struct fake_tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/bb-fake-root-XXXXXX");
	return mkdtemp(t->root) ? 0 : -1;
}

/* mkdir -p of root/rel (rel relative, no leading slash needed). */
static inline int fake_tree_mkdir(const struct fake_tree *t, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", t->root, rel[0] == '/' ? rel + 1 : rel);
	for (char *s = p + strlen(t->root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && access(p, F_OK) < 0)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) < 0 && access(p, F_OK) < 0 ? -1 : 0;
}

/* Write root/rel with text (replacing it), creating its directories. */
static inline int fake_tree_put(const struct fake_tree *t, const char *rel, const char *text)
{
	char p[512], dir[512];
	char *slash;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", t->root, rel[0] == '/' ? rel + 1 : rel);
	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (fake_tree_mkdir(t, dir) < 0)
			return -1;
	}
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static inline int fake_tree_unlink_one(const char *path, const struct stat *st, int flag,
                                       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf of the whole tree. */
static inline void fake_tree_free(struct fake_tree *t)
{
	if (t->root[0] && strncmp(t->root, "/tmp/bb-fake-root-", 18) == 0)
		nftw(t->root, fake_tree_unlink_one, 16, FTW_DEPTH | FTW_PHYS);
	t->root[0] = '\0';
}

#endif
