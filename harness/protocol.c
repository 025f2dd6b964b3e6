#include "protocol.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "proc.h"

#define MARKER    "@bb "
#define SCAN_MORE 100 /* reader_scan: no complete line buffered yet */

static int copy_str(json_t *obj, const char *key, char *dst, size_t dstlen, bool required,
                    struct bb_err *err)
{
	json_t *v = json_object_get(obj, key);

	dst[0] = '\0';
	if (!v)
		return required ? bb_fail(err, 0, "record lacks \"%s\"", key) : 0;
	if (!json_is_string(v))
		return bb_fail(err, 0, "record's \"%s\" is not a string", key);
	if (json_string_length(v) >= dstlen)
		return bb_fail(err, 0, "record's \"%s\" is longer than %zu bytes", key, dstlen - 1);
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int parse_end(json_t *o, struct bb_record *rec, struct bb_err *err)
{
	json_t *st = json_object_get(o, "status");

	if (!json_is_true(json_object_get(o, "end")))
		return bb_fail(err, 0, "record's \"end\" is not true");
	if (!json_is_integer(st) || json_integer_value(st) < 0 || json_integer_value(st) > 255)
		return bb_fail(err, 0, "end record lacks an integer \"status\" in 0..255");
	rec->kind = BB_REC_END;
	rec->status = (int)json_integer_value(st);
	return 0;
}

static int parse_info(json_t *o, struct bb_record *rec, struct bb_err *err)
{
	json_t *v = json_object_get(o, "value");

	rec->kind = BB_REC_INFO;
	if (copy_str(o, "info", rec->metric, sizeof(rec->metric), true, err) < 0)
		return -1;
	if (json_is_string(v))
		return rec->is_text = true,
		       copy_str(o, "value", rec->text, sizeof(rec->text), true, err);
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return bb_fail(err, 0,
		               "info record's \"value\" is neither text nor a finite number");
	rec->value = json_number_value(v);
	return 0;
}

static int parse_measure(json_t *o, struct bb_record *rec, struct bb_err *err)
{
	json_t *v;

	if (strcmp(rec->metric, "ready") == 0) {
		v = json_object_get(o, "t_mono_ns");
		if (!json_is_integer(v))
			return bb_fail(err, 0, "ready record lacks an integer \"t_mono_ns\"");
		rec->kind = BB_REC_READY;
		rec->t_mono_ns = json_integer_value(v);
		return 0;
	}
	rec->kind = BB_REC_METRIC;
	if (copy_str(o, "unit", rec->unit, sizeof(rec->unit), true, err) < 0)
		return -1;
	v = json_object_get(o, "value");
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return bb_fail(err, 0, "metric record's \"value\" is not a finite number");
	rec->value = json_number_value(v);
	v = json_object_get(o, "iters");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
		return bb_fail(err, 0, "metric record's \"iters\" is not a non-negative integer");
	rec->iters = v ? json_integer_value(v) : 0;
	v = json_object_get(o, "truncated");
	if (v && !json_is_boolean(v))
		return bb_fail(err, 0, "metric record's \"truncated\" is not a boolean");
	rec->truncated = json_is_true(v);
	return 0;
}

static int parse_object(json_t *o, struct bb_record *rec, struct bb_err *err)
{
	if (json_object_get(o, "end"))
		return parse_end(o, rec, err);
	if (json_object_get(o, "error")) {
		rec->kind = BB_REC_ERROR;
		rec->is_text = true;
		if (copy_str(o, "suite", rec->suite, sizeof(rec->suite), false, err) < 0 ||
		    copy_str(o, "metric", rec->metric, sizeof(rec->metric), false, err) < 0)
			return -1;
		return copy_str(o, "error", rec->text, sizeof(rec->text), true, err);
	}
	if (copy_str(o, "suite", rec->suite, sizeof(rec->suite), true, err) < 0)
		return -1;
	if (json_object_get(o, "info"))
		return parse_info(o, rec, err);
	if (copy_str(o, "metric", rec->metric, sizeof(rec->metric), true, err) < 0)
		return -1;
	return parse_measure(o, rec, err);
}

int proto_parse_line(const char *line, size_t len, struct bb_record *rec, struct bb_err *err)
{
	/* The marker may follow other bytes on a serial line (a console prefix, a half-written
	 * kernel message), so look for it anywhere, not only at column 0. */
	const char *m = memmem(line, len, MARKER, sizeof(MARKER) - 1);
	json_error_t jerr;
	json_t *o;
	int rc;

	if (!m)
		return 0;
	if (len > BB_LINE_MAX)
		return bb_fail(err, 0, "record longer than %d bytes", BB_LINE_MAX);
	memset(rec, 0, sizeof(*rec));
	m += sizeof(MARKER) - 1;
	o = json_loadb(m, len - (size_t)(m - line), JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return bb_fail(err, 0, "record is not valid JSON: %s", jerr.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return bb_fail(err, 0, "record is not a JSON object");
	}
	rc = parse_object(o, rec, err);
	json_decref(o);
	return rc < 0 ? -1 : 1;
}

void reader_init(struct bb_reader *r, int fd)
{
	memset(r, 0, offsetof(struct bb_reader, buf));
	r->fd = fd;
}

/* Find a line in the buffer; handles the discard state of an over-long line. */
static int reader_scan(struct bb_reader *r, const char **line, size_t *len)
{
	char *base = r->buf + r->start;
	size_t avail = r->len - r->start;
	char *nl = memchr(base, '\n', avail);

	if (r->discarding) {
		if (!nl) {
			r->start = r->len = 0;
			return SCAN_MORE;
		}
		r->discarding = false;
		r->start += (size_t)(nl - base) + 1;
		return reader_scan(r, line, len);
	}
	if (!nl) {
		if (avail > BB_LINE_MAX) {
			r->discarding = true;
			r->start = r->len = 0;
			return BB_READ_LONG;
		}
		return SCAN_MORE;
	}
	*line = base;
	*len = (size_t)(nl - base);
	r->start += *len + 1;
	if (*len && base[*len - 1] == '\r')
		(*len)--;
	if (*len > BB_LINE_MAX)
		return BB_READ_LONG;
	return BB_READ_LINE;
}

static int reader_fill(struct bb_reader *r, uint64_t deadline_ns, struct bb_err *err)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	for (;;) {
		uint64_t now = bb_now_ns();
		if (bb_interrupted || now >= deadline_ns)
			return BB_READ_TIMEOUT;
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		int ms = (int)((deadline_ns - now + 999999) / 1000000);
		int pr = poll(&p, 1, ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return bb_fail(err, errno, "poll");
		if (pr == 0)
			continue;
		ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return bb_fail(err, errno, "read");
		r->t_chunk = bb_now_ns();
		r->len += (size_t)n;
		return n == 0 ? BB_READ_EOF : BB_READ_LINE;
	}
}

enum bb_read_result reader_next(struct bb_reader *r, uint64_t deadline_ns, const char **line,
                                size_t *len, uint64_t *t_ns, struct bb_err *err)
{
	for (;;) {
		int s = reader_scan(r, line, len);
		if (s == BB_READ_LINE || s == BB_READ_LONG) {
			*t_ns = r->t_chunk;
			return (enum bb_read_result)s;
		}
		int f = reader_fill(r, deadline_ns, err);
		if (f == BB_READ_EOF) {
			if (r->len > r->start && !r->discarding) {
				/* The last line had no newline: hand it over as it is. */
				*line = r->buf + r->start;
				*len = r->len - r->start;
				r->start = r->len;
				*t_ns = r->t_chunk;
				return *len > BB_LINE_MAX ? BB_READ_LONG : BB_READ_LINE;
			}
			return BB_READ_EOF;
		}
		if (f != BB_READ_LINE)
			return (enum bb_read_result)f;
	}
}
