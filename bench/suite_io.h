/* The io suite's pieces that tests reach (suite_io.c). */
#ifndef BB_SUITE_IO_H
#define BB_SUITE_IO_H

#include <stddef.h>

/* Latencies of the random reads, in the unit of the input. */
struct io_lat {
	double mean, p50, p90, p99;
};

/* Mean and percentiles of n > 0 latencies (GSL's quantile of sorted data: linear
 * interpolation between the closest ranks). Sorts lat in place. -1 when n is 0. */
int io_latency_summary(double *lat, size_t n, struct io_lat *out);

#endif
