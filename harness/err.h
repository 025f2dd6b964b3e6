/* Error reporting: library functions return an int (negative on failure) and fill a
 * struct bb_err; callers add context as the error travels up ("vm: prepare: ...").
 * Commands turn an error into a one-line message and an exit code (cli_error); a child after
 * fork reports its failure to the parent through a pipe or an error record, then _exits. */
#ifndef BB_ERR_H
#define BB_ERR_H

#include <stdarg.h>

#define BB_ERR_MSG 1024

struct bb_err {
	int errnum; /* errno at the failure, 0 when not a system error */
	char msg[BB_ERR_MSG];
};

/* Set the error (the message gets ": strerror(errnum)" appended when errnum != 0).
 * Always returns -1 so callers can write `return bb_fail(err, errno, "...")`. */
int bb_fail(struct bb_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the existing message with context: "ctx: old message". Returns -1. */
int bb_wrap(struct bb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void bb_err_clear(struct bb_err *err);

#endif
