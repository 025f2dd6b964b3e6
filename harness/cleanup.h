/* Scope-bound cleanup (systemd/crun style): a variable declared with one of these
 * is released on every path out of its block. */
#ifndef BB_CLEANUP_H
#define BB_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

static inline void bb_freep(void *p)
{
	free(*(void **)p);
}

static inline void bb_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void bb_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_   __attribute__((cleanup(bb_freep)))
#define _cleanup_close_  __attribute__((cleanup(bb_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(bb_fclosep)))

/* Hand ownership out of a cleanup-scoped variable. */
#define BB_STEAL(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _tmp = (p);                                                          \
		(p) = (__typeof__(p))0;                                                            \
		_tmp;                                                                              \
	})
#define BB_STEAL_FD(fd)                                                                            \
	({                                                                                         \
		int _tmp = (fd);                                                                   \
		(fd) = -1;                                                                         \
		_tmp;                                                                              \
	})

#endif
