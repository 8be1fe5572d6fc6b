#include "hotplug/call/watch_opts.h"

#include <errno.h>

#include "netmodes/netaddr.h"

static int bad_interval(const char *s, struct nm_err *e)
{
	char q[64];

	return nm_fail(e, -EINVAL,
		       "invalid --interval \"%s\": expected seconds from 0.1 to 86400, as 2 or 0.5",
		       quote_value(s, q, sizeof(q)));
}

int parse_watch_interval(const char *s, unsigned *ret_ms, struct nm_err *e)
{
	unsigned long ms = 0, scale = 1000;
	const char *p = s;

	if (!s || !*s)
		return nm_fail(e, -EINVAL, "--interval needs a value: seconds, as 2 or 0.5");
	if (!is_digit(*p) || (p[0] == '0' && is_digit(p[1])))
		return bad_interval(s, e);
	for (; is_digit(*p); p++) {
		ms = ms * 10 + (unsigned long)(*p - '0') * 1000;
		if (ms > WATCH_INTERVAL_MAX_MS)
			return bad_interval(s, e);
	}
	if (*p == '.') {
		if (!is_digit(*++p))
			return bad_interval(s, e);
		for (; is_digit(*p) && scale > 1; p++)
			ms += (unsigned long)(*p - '0') * (scale /= 10);
	}
	if (*p || ms < WATCH_INTERVAL_MIN_MS || ms > WATCH_INTERVAL_MAX_MS)
		return bad_interval(s, e);
	*ret_ms = (unsigned)ms;
	return 0;
}

int parse_watch_count(const char *s, unsigned *ret, struct nm_err *e)
{
	unsigned n;
	int rc;

	if (!s || !*s)
		return nm_fail(e, -EINVAL, "--count needs a value: how many refreshes, 1 or more");
	if ((rc = parse_uint(s, "--count", WATCH_COUNT_MAX, &n, e)) < 0)
		return rc;
	if (!n)
		return nm_fail(e, -EINVAL, "invalid --count \"0\": expected 1 or more refreshes");
	*ret = n;
	return 0;
}
