/* The workload side of the record protocol (DESIGN.md): one `@bb {json}` line per record on
 * stdout, written with a single write(2) so records never interleave or sit in a buffer. */
#ifndef BB_RECORD_H
#define BB_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define BB_MARKER   "@bb "
#define BB_LINE_MAX 4096

uint64_t rec_now_ns(void); /* CLOCK_MONOTONIC */

/* {"suite":S,"metric":"ready","t_mono_ns":N} */
void rec_ready(const char *suite);
/* {"suite":S,"metric":M,"unit":U,"value":V,"iters":I} */
void rec_metric(const char *suite, const char *metric, const char *unit, double value,
                uint64_t iters);
/* rec_metric, plus "truncated":true when truncated is set (the measurement was cut short by
 * its time budget: measure.h). */
void rec_metric_flag(const char *suite, const char *metric, const char *unit, double value,
                     uint64_t iters, int truncated);
/* {"suite":S,"metric":M,"error":REASON}: the metric could not be measured here. */
void rec_error(const char *suite, const char *metric, const char *reason);
/* {"suite":S,"info":KEY,"value":STRING}: a fact, not a measurement. */
void rec_info(const char *suite, const char *key, const char *value);
/* {"suite":S,"info":KEY,"value":NUMBER} */
void rec_info_num(const char *suite, const char *key, double value);
/* {"end":true,"status":N} */
void rec_end(int status);

/* JSON string escaping into dst (always NUL-terminated); returns dst. */
char *rec_escape(char *dst, size_t dstlen, const char *src);

#endif
