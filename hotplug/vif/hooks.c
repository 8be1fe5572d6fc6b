#include "hotplug/vif/hooks.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "netmodes/host/child.h"
#include "hotplug/call/log.h"
#include "hotplug/vif/request.h"

#define HOOK_ENV_MAX 12

struct hook_op {
	char path[PATH_MAX];
	char *env[HOOK_ENV_MAX];
};

static const char *const sane_path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/*
 * A failing hook is reported and ignored: the network itself is in place.
 * A hook still running at its time limit is killed, its process group with
 * it, and fails the call (as a hook that hangs Xen's script does, but
 * within the limit): the steps before it are undone, and hotplug-error
 * names the hook.
 */
static int hook_apply(struct op *op, struct nm_err *e)
{
	struct hook_op *o = op->data;
	char *argv[] = { o->path, NULL };
	struct child_spec s = { .path = o->path, .argv = argv, .envp = o->env,
				.shell_fallback = true, .limit_ms = CHILD_TIME_LIMIT_MS };
	struct nm_err ce = { "" };
	int status, rc = child_run(&s, &status, &ce);

	if (rc == -ETIMEDOUT)
		return nm_fail(e, rc, "%s %s", o->path, ce.msg);
	if (rc < 0) {
		log_line(LOG_WARNING, "hook %s: %s, ignoring", o->path, ce.msg);
		return 0;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		log_line(LOG_WARNING, "hook %s failed (status %d), ignoring", o->path,
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

static void hook_describe(const struct op *op, FILE *out)
{
	const struct hook_op *o = op->data;

	fprintf(out, "run %s\n", o->path);
}

static void hook_release(void *data)
{
	struct hook_op *o = data;

	for (int i = 0; i < HOOK_ENV_MAX && o->env[i]; i++)
		free(o->env[i]);
	free(o);
}

static const struct op_type hook_type = {
	.name = "hook",
	.apply = hook_apply,
	.describe = hook_describe,
	.release = hook_release,
};

/* Only root's own, not group- or world-writable files: a hook runs as root. */
static bool hook_trusted(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
		return false;
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_line(LOG_WARNING, "hook %s is not root's or is writable by others, skipping",
			 path);
		return false;
	}
	return true;
}

static int hook_env(struct hook_op *o, const struct vif_request *r, const char *dev,
		    const char *bridge)
{
	char ips[MAX_PREFIXES * PREFIX_STR_LEN], mac[MAC_STR_LEN] = "";
	int n = 0;

	prefix_list_format(&r->ips, ips, sizeof(ips));
	if (r->has_mac)
		mac_format(&r->mac, mac);
	if (asprintf(&o->env[n++], "command=%s", vif_command_name(r->cmd)) < 0 ||
	    asprintf(&o->env[n++], "dev=%s", dev) < 0 ||
	    asprintf(&o->env[n++], "vif=%s", r->dev) < 0 ||
	    asprintf(&o->env[n++], "ip=%s", ips) < 0 ||
	    asprintf(&o->env[n++], "mac=%s", mac) < 0 ||
	    asprintf(&o->env[n++], "bridge=%s", bridge) < 0 ||
	    asprintf(&o->env[n++], "type_if=%s", r->type == VIF_TYPE_TAP ? "tap" : "vif") < 0 ||
	    asprintf(&o->env[n++], "XENBUS_PATH=%s", r->backend) < 0 ||
	    !(o->env[n++] = strdup(sane_path))) {
		o->env[n - 1] = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_hook_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 5 && !strcmp(d->d_name + len - 5, ".hook");
}

int op_hooks(struct plan *p, const struct vif_request *r, const char *dev, const char *bridge)
{
	char dir[sizeof(r->script_dir) + 16];
	struct dirent **names = NULL;
	int n, rc = 0;

	snprintf(dir, sizeof(dir), "%s/vif-post.d", r->script_dir);
	n = scandir(dir, &names, is_hook_file, by_name);
	for (int i = 0; i < n; i++) {
		struct hook_op *o;
		if (rc == 0 && (o = calloc(1, sizeof(*o)))) {
			snprintf(o->path, sizeof(o->path), "%s/%s", dir, names[i]->d_name);
			if (!hook_trusted(o->path))
				hook_release(o);
			else if (hook_env(o, r, dev, bridge) < 0) {
				hook_release(o);
				rc = -ENOMEM;
			} else
				rc = plan_add(p, &hook_type, o);
		} else if (rc == 0)
			rc = -ENOMEM;
		free(names[i]);
	}
	free(names);
	return rc;
}
