/*
 * xen-netmodes-cleanup: what xen-hotplug-cleanup does when a vif backend is
 * removed: its hotplug-status and hotplug-error go, and so does the device's
 * entry under the domain's /vm/UUID. Best effort: a node already gone is fine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/host/lock.h"
#include "netmodes/modes/vif.h"
#include "hotplug/tools/cleanup.h"
#include "hotplug/xen/libxl_owned.h"
#include "hotplug/call/log.h"
#include "hotplug/call/parse.h"
#include "hotplug/vif/request.h"
#include "hotplug/xen/xs.h"

/* The shell script's lock: it keeps block scripts from seeing the store change under them. */
#define CLEANUP_LOCK "block"
#define CLEANUP_LOCK_TIMEOUT_MS 30000

/* "/vm/UUID": what a domain's vm node must look like before we remove below it. */
static bool vm_path_ok(const char *vm)
{
	if (strncmp(vm, "/vm/", 4) || !vm[4])
		return false;
	for (const char *p = vm + 4; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return false;
	return true;
}

/* Removes path, or prints the removal on a dry run. */
static int rm_node(struct xs_handle *xs, const char *path, bool dry_run, struct nm_err *e)
{
	if (!dry_run)
		return xsw_rm(xs, path, e);
	printf("xenstore-rm %s\n", path);
	return 0;
}

static int cleanup(struct xs_handle *xs, const char *backend, unsigned domid, unsigned devid,
		   bool dry_run, struct nm_err *e)
{
	char path[XS_PATH_LEN + 64], vm[128];
	int rc;

	snprintf(path, sizeof(path), "%s/hotplug-status", backend);
	if ((rc = rm_node(xs, path, dry_run, e)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/hotplug-error", backend);
	if ((rc = rm_node(xs, path, dry_run, e)) < 0)
		return rc;
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	if ((rc = xsw_read_opt(xs, path, vm, sizeof(vm), e)) < 0)
		return rc;
	if (!vm[0])
		return 0;
	if (!vm_path_ok(vm))
		return nm_fail(e, -EINVAL, "%s is not a /vm/UUID path: left alone", path);
	snprintf(path, sizeof(path), "%s/device/vif/%u", vm, devid);
	return rm_node(xs, path, dry_run, e);
}

int cleanup_main(const struct applet *a, const struct applet_table *all, const struct invocation *inv,
		 deadline_t deadline)
{
	const char *name = a->name;
	char backend[XS_PATH_LEN];
	unsigned domid = 0, devid = 0;
	const char *udev = env_get(inv->envp, "UDEV_CALL");
	struct xs_handle *xs = NULL;
	struct hp_lock lock = { .fd = -1 };
	struct nm_err e = { "" };
	int rc = inv->rc;

	(void)all;

	(void)deadline;
	log_init(name);
	/* Other arguments are ignored, as xen-hotplug-cleanup ignores them. */
	if (rc < 0)
		e = inv->err;
	if (!rc)
		rc = parse_xenbus_path(env_get(inv->envp, "XENBUS_PATH"), backend, sizeof(backend),
				       &domid, &devid, &e);
	if (!rc)
		rc = xsw_open(&xs, &e);
	/* under udev for a domain libxl manages: libxl removes what it wrote */
	if (!rc && udev && *udev && libxl_runs_scripts(xs, domid)) {
		log_line(LOG_INFO, "udev's call for %s left to libxl.", backend);
		xsw_close(xs);
		return 0;
	}
	if (!rc && !inv->dry_run)
		rc = lock_claim(inv->env.lock_dir, CLEANUP_LOCK, CLEANUP_LOCK_TIMEOUT_MS, &lock, &e);
	if (!rc)
		rc = cleanup(xs, backend, domid, devid, inv->dry_run, &e);
	lock_release(&lock);
	xsw_close(xs);
	if (rc < 0) {
		log_line(LOG_ERR, "%s", e.msg);
		return 1;
	}
	return 0;
}
