/* A one-line failure reason carried from the layer that knows it to hotplug/, which reports it. */
#ifndef NETMODES_ERR_H
#define NETMODES_ERR_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#define ERR_MSG_LEN 512

struct nm_err {
	char msg[ERR_MSG_LEN];
};

/* Formats the reason into e, which may be NULL. */
static inline __attribute__((format(printf, 2, 3))) void nm_set(struct nm_err *e, const char *fmt,
								...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/*
 * Sets the reason in e and yields rc, a negative errno, so that a failing
 * layer can write `return nm_fail(e, -EINVAL, ...)`. rc is evaluated first
 * (before formatting can touch errno); a macro, so that static analysis
 * sees the value every caller returns.
 */
#define nm_fail(e, rc, ...)                                                                        \
	__extension__({                                                                            \
		int nm_rc_ = (rc);                                                                 \
		nm_set((e), __VA_ARGS__);                                                          \
		nm_rc_;                                                                            \
	})

/* The negative errno of the call that just failed, never 0 even if errno is unset. */
static inline int nm_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

#endif
