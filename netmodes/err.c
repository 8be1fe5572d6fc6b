#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int nm_fail(struct nm_err *e, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return rc;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return rc;
}
