#include "hotplug/call/deadline.h"

#include <stdlib.h>
#include <time.h>

#include "hotplug/call/invocation.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

deadline_t deadline_in(unsigned ms)
{
	return now_ms() + ms;
}

unsigned deadline_left(deadline_t d)
{
	uint64_t now;

	if (!d)
		return UINT32_MAX;
	now = now_ms();
	return d > now ? (unsigned)(d - now) : 0;
}

unsigned call_budget_ms(char **envp)
{
#ifdef XNM_FAULT_INJECTION
	const char *s = env_get(envp, "XEN_NETMODES_CALL_BUDGET_MS");
	char *end;
	unsigned long v;

	if (s && *s && (v = strtoul(s, &end, 10)) > 0 && !*end && v <= CALL_BUDGET_MS)
		return (unsigned)v;
#else
	(void)envp;
#endif
	return CALL_BUDGET_MS;
}
