#include "ns.h"

#include "cleanup.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

const struct ns_kind ns_kinds[] = {
	{ .name = "mnt", .bit = BB_NS_MNT, .clone_flag = CLONE_NEWNS },
	{ .name = "pid", .bit = BB_NS_PID, .clone_flag = CLONE_NEWPID },
	{ .name = "uts", .bit = BB_NS_UTS, .clone_flag = CLONE_NEWUTS },
	{ .name = "ipc", .bit = BB_NS_IPC, .clone_flag = CLONE_NEWIPC },
	{ .name = "net", .bit = BB_NS_NET, .clone_flag = CLONE_NEWNET },
	{ .name = "cgroup", .bit = BB_NS_CGROUP, .clone_flag = CLONE_NEWCGROUP },
	{ .name = NULL },
};

#define NS_KNOWN "mnt, pid, uts, ipc, net, cgroup, all, none"

static const struct ns_kind *ns_lookup(const char *word)
{
	for (const struct ns_kind *k = ns_kinds; k->name; k++)
		if (strcmp(k->name, word) == 0)
			return k;
	return NULL;
}

/* Strip spaces and tabs around a word, in place. */
static char *ns_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static int ns_parse_word(const char *word, int nwords, unsigned *mask, struct bb_err *err)
{
	const struct ns_kind *k;

	if (strcmp(word, "all") == 0 || strcmp(word, "none") == 0) {
		if (nwords > 1)
			return bb_fail(err, 0, "ns: \"%s\" must stand alone in the namespace list",
			               word);
		*mask = strcmp(word, "all") == 0 ? BB_NS_ALL : 0;
		return 0;
	}
	k = ns_lookup(word);
	if (!k)
		return bb_fail(err, 0, "ns: unknown namespace \"%s\" (known: %s)", word, NS_KNOWN);
	if (*mask & k->bit)
		return bb_fail(err, 0, "ns: namespace \"%s\" listed twice", word);
	*mask |= k->bit;
	return 0;
}

int ns_parse_list(const char *list, unsigned *mask, struct bb_err *err)
{
	_cleanup_free_ char *copy = strdup(list ? list : "");
	char *p, *word;
	unsigned m = 0;
	int nwords = 1;

	if (!copy)
		return bb_fail(err, errno, "ns: parse namespace list");
	for (p = copy; *p; p++)
		nwords += *p == ',';
	if (*ns_trim(copy) == '\0') {
		*mask = 0;
		return 0;
	}
	p = copy;
	while ((word = strsep(&p, ",")) != NULL) {
		word = ns_trim(word);
		if (!*word)
			return bb_fail(err, 0, "ns: empty name in namespace list \"%s\"", list);
		if (ns_parse_word(word, nwords, &m, err) < 0)
			return -1;
	}
	*mask = m;
	return 0;
}

const char *ns_format(unsigned mask, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (const struct ns_kind *k = ns_kinds; k->name; k++) {
		if (!(mask & k->bit))
			continue;
		int n = snprintf(buf + o, len - o, "%s%s", o ? "," : "", k->name);
		if (n < 0 || (size_t)n >= len - o) {
			buf[o] = '\0'; /* whole names only */
			return buf;
		}
		o += (size_t)n;
	}
	if (!o)
		snprintf(buf, len, "none");
	return buf;
}

int ns_clone_flags(unsigned mask)
{
	int flags = 0;

	for (const struct ns_kind *k = ns_kinds; k->name; k++)
		if (mask & k->bit)
			flags |= k->clone_flag;
	return flags;
}
