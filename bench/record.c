#include "record.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t rec_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One write(2) per record: a pipe write of <= PIPE_BUF bytes is atomic, so records from a
 * workload and its children never interleave, and nothing waits in a stdio buffer. */
static void rec_emit(const char *json)
{
	char line[BB_LINE_MAX];
	int len = snprintf(line, sizeof(line), BB_MARKER "%s\n", json);
	const char *p = line;

	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line))
		len = (int)sizeof(line) - 1, line[len - 1] = '\n';
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, p, (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (int)n;
	}
}

char *rec_escape(char *dst, size_t dstlen, const char *src)
{
	size_t o = 0;

	for (const unsigned char *s = (const unsigned char *)src; *s && o + 7 < dstlen; s++) {
		if (*s == '"' || *s == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)*s;
		} else if (*s < 0x20 || *s == 0x7f) {
			o += (size_t)snprintf(dst + o, dstlen - o, "\\u%04x", *s);
		} else if (*s >= 0x80) {
			/* Not validated as UTF-8: the fact is kept readable but never breaks JSON.
			 */
			dst[o++] = '?';
		} else {
			dst[o++] = (char)*s;
		}
	}
	if (dstlen)
		dst[o < dstlen ? o : dstlen - 1] = '\0';
	return dst;
}

void rec_ready(const char *suite)
{
	char buf[256], s[96];

	snprintf(buf, sizeof(buf), "{\"suite\":\"%s\",\"metric\":\"ready\",\"t_mono_ns\":%llu}",
	         rec_escape(s, sizeof(s), suite), (unsigned long long)rec_now_ns());
	rec_emit(buf);
}

void rec_metric_flag(const char *suite, const char *metric, const char *unit, double value,
                     uint64_t iters, int truncated)
{
	char buf[512], s[96], m[96], u[48];

	if (!isfinite(value)) {
		rec_error(suite, metric, "measurement produced a non-finite value");
		return;
	}
	snprintf(buf, sizeof(buf),
	         "{\"suite\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\",\"value\":%.9g,"
	         "\"iters\":%llu%s}",
	         rec_escape(s, sizeof(s), suite), rec_escape(m, sizeof(m), metric),
	         rec_escape(u, sizeof(u), unit), value, (unsigned long long)iters,
	         truncated ? ",\"truncated\":true" : "");
	rec_emit(buf);
}

void rec_metric(const char *suite, const char *metric, const char *unit, double value,
                uint64_t iters)
{
	rec_metric_flag(suite, metric, unit, value, iters, 0);
}

void rec_error(const char *suite, const char *metric, const char *reason)
{
	char buf[1024], s[96], m[96], r[640];

	snprintf(buf, sizeof(buf), "{\"suite\":\"%s\",\"metric\":\"%s\",\"error\":\"%s\"}",
	         rec_escape(s, sizeof(s), suite), rec_escape(m, sizeof(m), metric),
	         rec_escape(r, sizeof(r), reason));
	rec_emit(buf);
}

void rec_info(const char *suite, const char *key, const char *value)
{
	char buf[BB_LINE_MAX - 8], s[96], k[96], v[3072];

	snprintf(buf, sizeof(buf), "{\"suite\":\"%s\",\"info\":\"%s\",\"value\":\"%s\"}",
	         rec_escape(s, sizeof(s), suite), rec_escape(k, sizeof(k), key),
	         rec_escape(v, sizeof(v), value));
	rec_emit(buf);
}

void rec_info_num(const char *suite, const char *key, double value)
{
	char buf[512], s[96], k[96];

	if (!isfinite(value))
		value = 0;
	snprintf(buf, sizeof(buf), "{\"suite\":\"%s\",\"info\":\"%s\",\"value\":%.17g}",
	         rec_escape(s, sizeof(s), suite), rec_escape(k, sizeof(k), key), value);
	rec_emit(buf);
}

void rec_end(int status)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "{\"end\":true,\"status\":%d}", status);
	rec_emit(buf);
}
