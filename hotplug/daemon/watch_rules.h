/*
 * When xen-netmodesd brings a vif up or down by itself: from the backend's
 * nodes, as libxl and netback leave them, and what the daemon last did for
 * that vif.
 */
#ifndef HOTPLUG_WATCH_RULES_H
#define HOTPLUG_WATCH_RULES_H

enum watch_cmd { WATCH_NONE, WATCH_ONLINE, WATCH_OFFLINE };

/* A backend's nodes; NULL when absent. */
struct vif_nodes {
	const char *online, *state, *hotplug_status;
};

struct watch_verdict {
	enum watch_cmd run;  /* the call to make, or WATCH_NONE */
	enum watch_cmd now;  /* what the vif is now, to remember */
};

/*
 * Coming: online=1 and state InitWait, Initialised or Connected (2-4): an
 * online, unless already done (by the daemon: last; by anyone:
 * hotplug-status connected) or failed (hotplug-status error: the toolstack
 * decides what next). Going: online=0 and state Closing or Closed (5, 6): an
 * offline when the vif was brought up. Anything else: nothing.
 */
struct watch_verdict watch_decide(const struct vif_nodes *n, enum watch_cmd last);

#endif
