/*
 * Turning argv, the environment and the backend's xenstore nodes into a
 * validated struct vif_request, in rising precedence: environment, VAR=VAL
 * arguments, xenstore.
 */
#ifndef HOTPLUG_REQUEST_H
#define HOTPLUG_REQUEST_H

#include "netmodes/err.h"
#include "netmodes/modes/vif.h"
#include "hotplug/call/invocation.h"
#include "hotplug/xen/xs.h"

/* Parameters given as VAR=VAL arguments or environment variables, not yet validated. */
struct vif_params {
	const char *type_if, *bridge, *ip, *netdev, *dhcp;
};

/*
 * The part that needs no xenstore, from the call's invocation (read once,
 * by invocation_parse): command, dry run, type_if, the device and the
 * backend path. Returns 0, 1 when nothing is to be done for this command
 * and type (exit 0 at once, as the shell scripts do), or -EINVAL with e
 * set (the invocation's own error, when it has one).
 */
int request_from_invocation(struct vif_request *r, const struct invocation *inv,
			    struct vif_params *params, struct nm_err *e);

/*
 * Reads and validates the backend's nodes (frontend, mac, bridge, ip,
 * vifname, mtu, gatewaydev), which take precedence over params, and, when
 * r->want_vm_ids, the frontend's VM name and uuid. Returns 0 or -errno
 * with e set.
 */
int request_read_xenstore(struct vif_request *r, struct xs_handle *xs,
			  const struct vif_params *params, struct nm_err *e);

/* "online", "offline", "add", "remove" */
const char *vif_command_name(enum vif_command c);

#endif
