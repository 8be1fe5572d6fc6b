/*
 * Administrator hooks, as Xen's call_hooks: the executable *.hook files in
 * SCRIPT_DIR/vif-post.d, in name order, after a successful call, with
 * command, dev, ip, XENBUS_PATH (and vif, bridge, mac, type_if) in their
 * environment. Each runs for at most CHILD_TIME_LIMIT_MS (netmodes/child.h):
 * one still running then is killed with its process group, and fails the
 * call.
 */
#ifndef HOTPLUG_HOOKS_H
#define HOTPLUG_HOOKS_H

#include "netmodes/plan.h"
#include "netmodes/modes/vif.h"

/*
 * Appends one operation per hook found (none when the directory is
 * missing). dev and bridge are the final names. Returns 0 or -ENOMEM.
 */
int op_hooks(struct plan *p, const struct vif_request *r, const char *dev, const char *bridge);

#endif
