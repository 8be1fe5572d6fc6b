#include "callenv.h"

#include <stdlib.h>
#include <string.h>

static __thread char **call_env;

void callenv_set(char **envp)
{
	call_env = envp;
}

const char *callenv_get(const char *name)
{
	size_t n = strlen(name);

	if (!call_env)
		return getenv(name);
	for (char **p = call_env; *p; p++)
		if (!strncmp(*p, name, n) && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

const char *callenv_run_dir(void)
{
	const char *dir = callenv_get("XEN_NETMODES_RUN_DIR");

	return dir && *dir ? dir : "/run/xen-netmodes";
}
