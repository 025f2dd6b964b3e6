/* The harness side of the workload protocol: `@bb {json}` lines from an untrusted workload
 * (or a guest's serial line full of kernel chatter). Lines without the marker are skipped;
 * lines longer than BB_LINE_MAX are rejected; every record is validated. */
#ifndef BB_PROTOCOL_H
#define BB_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define BB_LINE_MAX 4096

enum bb_rec_kind {
	BB_REC_READY,  /* {"suite","metric":"ready","t_mono_ns"} */
	BB_REC_METRIC, /* {"suite","metric","unit","value"[,"iters"][,"truncated":true]} */
	BB_REC_ERROR,  /* {"suite","metric","error"} or {"error"} */
	BB_REC_INFO,   /* {"suite","info","value":string|number} */
	BB_REC_END,    /* {"end":true,"status"} */
};

struct bb_record {
	enum bb_rec_kind kind;
	char suite[64];
	char metric[64]; /* metric, or the info key */
	char unit[24];
	double value;
	long long iters;
	long long t_mono_ns;
	int status;
	bool truncated;  /* a metric the workload's time budget cut short (measure.h) */
	bool is_text;    /* info value (or error reason) is text */
	char text[1024]; /* error reason or info text */
};

/* Parse one line (without its newline). Returns 1 and fills rec for a record, 0 for a line
 * without the marker (kernel log, stray output), -1 for a malformed record (err says why). */
int proto_parse_line(const char *line, size_t len, struct bb_record *rec, struct bb_err *err);

enum bb_read_result {
	BB_READ_LINE = 1,    /* line and len hold one line, t_ns its arrival time */
	BB_READ_EOF = 0,     /* the writer closed its end */
	BB_READ_TIMEOUT = 2, /* the deadline passed (or bb_interrupted) */
	BB_READ_LONG = 3,    /* a line longer than BB_LINE_MAX was dropped */
	BB_READ_ERROR = -1,
};

struct bb_reader {
	int fd;
	size_t len;      /* bytes buffered */
	size_t start;    /* first unconsumed byte */
	bool discarding; /* inside an over-long line: drop until its newline */
	uint64_t t_chunk;
	char buf[2 * BB_LINE_MAX + 2];
};

void reader_init(struct bb_reader *r, int fd);
/* Next complete line, stamped with CLOCK_MONOTONIC when the read() that completed it
 * returned. A final unterminated line at EOF counts as a line. \r is stripped (serial). */
enum bb_read_result reader_next(struct bb_reader *r, uint64_t deadline_ns, const char **line,
                                size_t *len, uint64_t *t_ns, struct bb_err *err);

#endif
