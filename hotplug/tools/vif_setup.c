#include "hotplug/tools/vif_setup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netmodes/netaddr.h"
#include "hotplug/call/invocation.h"
#include "hotplug/call/log.h"
#include "hotplug/vif/request.h"
#include "hotplug/vif/vif_flow.h"

int script_trusted(const char *path, struct nm_err *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return nm_fail(e, nm_errno(), "script %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
		return nm_fail(e, -EACCES, "script %s is not an executable file", path);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return nm_fail(e, -EPERM, "script %s must be root's and writable by no one else", path);
	return 0;
}

/* Whether path is this very binary (an installed link to it, say). */
static bool is_self(const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];

	return realpath(path, a) && realpath("/proc/self/exe", b) && !strcmp(a, b);
}

int vif_setup_resolve(const char *script, const char *fallback, const char *script_dir,
		      const struct applet_table *all,
		      const struct applet **ret_applet, char *ret_path, size_t n, struct nm_err *e)
{
	const char *base;
	char q[128];
	int rc;

	*ret_applet = NULL;
	if (!script || !*script)
		script = fallback;
	base = strrchr(script, '/') ? strrchr(script, '/') + 1 : script;
	if (script[0] != '/' && strchr(script, '/'))
		return nm_fail(e, -EINVAL, "script \"%s\": expected a name or an absolute path",
			       quote_value(script, q, sizeof(q)));
	if (script[0] != '/' && (*ret_applet = applet_of_script(all, script)))
		return 0;
	if ((size_t)(script[0] == '/' ? snprintf(ret_path, n, "%s", script)
				      : snprintf(ret_path, n, "%s/%s", script_dir, script)) >= n)
		return nm_fail(e, -ENAMETOOLONG, "script \"%s\": path too long",
			       quote_value(script, q, sizeof(q)));
	if ((rc = script_trusted(ret_path, e)) < 0)
		return rc;
	if (is_self(ret_path))
		*ret_applet = applet_of_script(all, base);
	return 0;
}

const struct applet *vif_setup_choose(const struct applet *a, const struct applet_table *all,
				      const struct invocation *inv, int *ret_status)
{
	const struct applet *mode;
	char dir[PATH_MAX], path[PATH_MAX];
	struct nm_err e = { "" };

	*ret_status = 1;
	script_dir_of(inv->argv[0], dir, sizeof(dir));
	if (vif_setup_resolve(env_get(inv->envp, "script"), a->default_script, dir, all,
			      &mode, path, sizeof(path), &e) < 0) {
		vif_flow_refused(a->name, e.msg, inv);
		return NULL;
	}
	if (mode)
		return mode;
	inv->argv[0] = path;
	execv(path, inv->argv);
	log_init(a->name);
	log_line(LOG_ERR, "cannot run %s: %s", path, strerror(errno));
	return NULL;
}
