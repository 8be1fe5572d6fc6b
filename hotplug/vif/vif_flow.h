/* The flow every per-vif call shares: request -> plan -> apply or print -> report. */
#ifndef HOTPLUG_VIF_FLOW_H
#define HOTPLUG_VIF_FLOW_H

#include "netmodes/modes/modes.h"
#include "hotplug/call/deadline.h"
#include "hotplug/call/invocation.h"

/* Wait for another call on the same vif at most this long (and never past the call's deadline). */
#define VIF_LOCK_TIMEOUT_MS 30000

/*
 * Runs one call of mode prog, as inv says (invocation_parse, INV_DAEMON);
 * its lock wait ends by deadline (0: none). Returns the exit status.
 */
int vif_flow_run(const char *prog, vif_planner *planner, const struct invocation *inv,
		 deadline_t deadline);

struct xs_handle;
struct rt_conn;
struct nft_conn;

/* The connections a long-lived server lends its calls; a call opens the NULL ones itself. */
struct flow_conns {
	struct xs_handle *xs;
	struct rt_conn *nl;
	struct nft_conn *nft;
};

/*
 * vif_flow_run on the connections lent, which it uses and leaves open
 * (those it opened itself it closes).
 */
int vif_flow_serve(const char *prog, vif_planner *planner, const struct invocation *inv,
		   deadline_t deadline, const struct flow_conns *lent);

/*
 * What the call inv describes (a dry run: nothing is changed, no lock
 * taken) would change, planned as the call itself plans it, by deadline
 * (0: none): the mode's plan and the frontend's mtu, without the hooks and
 * the report to xenstore. xen-netmodes check's: a part of the live state
 * its mode cannot read is taken for in place (UNREAD_AS_IN_PLACE), so the
 * plan lists only what differs in the rest. The plan goes to ret, which
 * the caller frees, also on failure. Returns 0; 1 when a part was not read,
 * with e saying which and why ("the Open vSwitch port is unverifiable:
 * REASON"); or -errno with e set.
 */
int vif_flow_plan(const char *prog, vif_planner *planner, const struct invocation *inv,
		  deadline_t deadline, const struct flow_conns *lent, struct plan *ret,
		  struct nm_err *e);

/*
 * Reports a call refused before any mode ran (vif-setup's $script): logged,
 * and written to hotplug-error with hotplug-status=error when XENBUS_PATH
 * is sound and the call is no dry run.
 */
void vif_flow_refused(const char *prog, const char *msg, const struct invocation *inv);

#endif
