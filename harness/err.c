#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int bb_fail(struct bb_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (!err)
		return -1;
	va_start(ap, fmt);
	len = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	if (errnum && (size_t)len < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	err->errnum = errnum;
	return -1;
}

int bb_wrap(struct bb_err *err, const char *fmt, ...)
{
	char prefix[256], old[BB_ERR_MSG];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Checking the result keeps gcc's -Wformat-truncation quiet: a long chain of context
	 * may be cut, which is fine for a one-line message. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) >= (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 1] = '\0';
	return -1;
}

void bb_err_clear(struct bb_err *err)
{
	err->errnum = 0;
	err->msg[0] = '\0';
}
