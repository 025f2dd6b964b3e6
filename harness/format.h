/* Figures as people read them: a value with its unit, a ratio, and text appended to a bounded
 * buffer. Pure functions with no I/O, shared by the claims, the isolation tables and the report
 * so that one number reads the same in every place it is shown. */
#ifndef BB_FORMAT_H
#define BB_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/* "0.52 ms", "2.10 s", "41.3 GB/s": a value with 3 significant digits, time units scaled. */
void fmt_value(char *buf, size_t len, double v, const char *unit);
/* "0.52 ms [0.41 ms, 0.60 ms]", or "0.52 ms (no CI)" when there is no interval; returns buf. */
const char *fmt_estimate(char *buf, size_t len, double v, double lo, double hi, bool ci,
                         const char *unit);
/* "1.02x", "13.4x", "1750x". */
void fmt_ratio(char *buf, size_t len, double r);
/* printf onto the end of the string in buf; what does not fit is cut, never overrun. */
void fmt_append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
