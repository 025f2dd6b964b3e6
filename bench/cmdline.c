#include "cmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's isspace() for its command line parser (lib/ctype.c): the C locale set. */
static bool cmdline_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Copy the next argument of *p into tok without its quote characters (as next_arg() in
 * lib/cmdline.c leaves it for parameter handlers). Returns the token length, or -1 at the
 * end of the line. A token longer than toklen is cut (it is then simply not one of ours). */
static int cmdline_next(const char **p, char *tok, size_t toklen)
{
	const char *s = *p;
	bool quoted = false;
	size_t n = 0;

	while (cmdline_space(*s))
		s++;
	if (!*s)
		return -1;
	for (; *s && (quoted || !cmdline_space(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < toklen)
			tok[n++] = *s;
	}
	tok[n] = '\0';
	*p = s;
	return (int)n;
}

int cmdline_param(const char *cmdline, const char *name, char *val, size_t vallen)
{
	size_t nlen = strlen(name);
	char tok[BB_KCMD_SIZE];
	int found = 0;

	while (cmdline_next(&cmdline, tok, sizeof(tok)) >= 0) {
		if (strncmp(tok, name, nlen) != 0 || tok[nlen] != '=')
			continue;
		size_t vlen = strlen(tok + nlen + 1);
		if (vlen >= vallen)
			return -1;
		memcpy(val, tok + nlen + 1, vlen + 1);
		found = 1;
	}
	return found;
}

static int cmdline_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode src (up to its end or the next comma) into dst; returns the bytes consumed from src,
 * or -1 for a malformed escape. dst gets the decoded bytes and a NUL. */
static long cmdline_pct_decode(const char *src, char *dst)
{
	const char *s = src;

	while (*s && *s != ',') {
		if (*s != '%') {
			*dst++ = *s++;
			continue;
		}
		int hi = cmdline_hex(s[1]), lo = hi < 0 ? -1 : cmdline_hex(s[2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -1;
		*dst++ = (char)(hi << 4 | lo);
		s += 3;
	}
	*dst = '\0';
	return s - src;
}

int cmdline_decode_argv(const char *val, char ***argv)
{
	size_t n = 1, len = strlen(val);
	char **v, *store;

	for (const char *c = val; *c; c++)
		n += *c == ',';
	/* One block: the pointer array, then the decoded strings (never longer than encoded). */
	v = malloc((n + 1) * sizeof(*v) + len + n);
	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	store = (char *)(v + n + 1);
	for (size_t i = 0; i < n; i++) {
		long used = cmdline_pct_decode(val, store);
		if (used < 0) {
			free(v);
			errno = EINVAL;
			return -1;
		}
		v[i] = store;
		store += strlen(store) + 1;
		val += used + (val[used] == ',');
	}
	v[n] = NULL;
	*argv = v;
	return (int)n;
}
