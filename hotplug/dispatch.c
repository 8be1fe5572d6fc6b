#include "hotplug/dispatch.h"

#include "hotplug/daemon/daemon_client.h"
#include "hotplug/call/log.h"
#include "hotplug/network/network_flow.h"
#include "hotplug/vif/vif_flow.h"

/*
 * A per-vif call goes to xen-netmodesd when one is listening, and is made
 * here only when the daemon never took it; all of it by deadline.
 */
static int run_vif_mode(const struct applet *a, const struct invocation *inv, deadline_t deadline)
{
	struct nm_err e = { "" };
	int status;

	if (inv->rc < 0) {
		vif_flow_refused(a->name, inv->err.msg, inv);
		return 1;
	}
	switch ((status = daemon_client_call(a->name, inv, deadline, &e))) {
	case DAEMON_LOCAL:
		if (inv->daemon != DAEMON_ALWAYS || inv->dry_run)
			return vif_flow_run(a->name, a->plan, inv, deadline);
		vif_flow_refused(a->name, "xen-netmodesd did not make the call (XEN_NETMODES_DAEMON=yes)",
				 inv);
		return 1;
	case DAEMON_LOST: /* the daemon is gone: no one else reports it */
		vif_flow_refused(a->name, e.msg, inv);
		return 1;
	case DAEMON_LATE: /* the daemon may still make it, and reports it then */
		log_init(a->name);
		log_line(LOG_ERR, "%s", e.msg);
		return 1;
	default:
		return status;
	}
}

int applet_run(const struct applet *a, const struct invocation *inv, deadline_t deadline)
{
	switch (a->kind) {
	case APPLET_VIF:
		return run_vif_mode(a, inv, deadline);
	case APPLET_NETWORK:
		return network_flow_run(a->name, a->net_plan, a->net_status, a->net_keys, inv);
	default:
		return a->main(a, inv, deadline);
	}
}
