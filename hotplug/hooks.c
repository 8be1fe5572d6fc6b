#include "hooks.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../netmodes/child.h"
#include "log.h"

#define HOOK_ENV_MAX 12

struct hook_op {
	char path[PATH_MAX];
	char *env[HOOK_ENV_MAX];
};

static const char *const sane_path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/* A failing hook is reported and ignored: the network itself is in place. */
static int hook_apply(struct op *op, struct nm_err *e)
{
	struct hook_op *o = op->data;
	int status;
	pid_t pid;

	(void)e;
	pid = fork();
	if (pid < 0) {
		log_line(LOG_WARNING, "hook %s: cannot fork: %s, ignoring", o->path, strerror(errno));
		return 0;
	}
	if (pid == 0) {
		char *argv[] = { o->path, NULL };
		child_reset_signals();
		execve(o->path, argv, o->env);
		if (errno == ENOEXEC) {
			/* Xen sources hook files: a fragment without #! is shell. */
			char *sh[] = { "/bin/sh", o->path, NULL };
			execve("/bin/sh", sh, o->env);
		}
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
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
