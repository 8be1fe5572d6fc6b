/*
 * vif-setup, the udev path's dispatcher: which vif script $script names.
 * A bare name resolves in the script directory; anything else must be an
 * absolute path. A script run as root must be root's and writable by no one
 * else. One of our own modes runs in-process, without a new program.
 */
#ifndef HOTPLUG_VIF_SETUP_H
#define HOTPLUG_VIF_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/err.h"
#include "hotplug/call/applet.h"

/* 0 when path is a regular executable file owned by root and not group/world writable. */
int script_trusted(const char *path, struct nm_err *e);

/*
 * Resolves script (NULL or "": fallback). When it names one of our modes
 * (a per-vif row of all), *ret_applet gets that row; otherwise ret_path gets the file
 * to execute, checked with script_trusted. Returns 0 or -errno with e set.
 */
int vif_setup_resolve(const char *script, const char *fallback, const char *script_dir,
		      const struct applet_table *all,
		      const struct applet **ret_applet, char *ret_path, size_t n, struct nm_err *e);

/*
 * udev's path: the mode $script names (a->default_script when none) makes
 * the call; a trusted script of another name is run in its place (exec).
 */
applet_choose vif_setup_choose;

#endif
