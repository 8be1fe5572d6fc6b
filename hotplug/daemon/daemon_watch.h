/*
 * xen-netmodesd's own eyes: a watch on backend/vif (relative: this
 * domain's backends). A device whose script names one of this project's
 * modes and whose online/state say it is coming or going gets its online
 * or offline as a queued job, with no process and no toolstack call.
 * It has its own xenstore connection, beside the calls' (daemon_conns).
 * xenstore going away is noticed here: the calls' connections are
 * retired, the watch reconnects, and every backend is looked at again.
 */
#ifndef HOTPLUG_DAEMON_WATCH_H
#define HOTPLUG_DAEMON_WATCH_H

#include "netmodes/err.h"
#include "hotplug/daemon/daemon_jobs.h"

#define WATCH_PATH "backend/vif"

/* Starts the watch thread; its calls run in env (kept). Returns 0 or -errno with e set. */
int watch_start(const struct call_env *env, const struct applet_table *all, struct nm_err *e);

/* Stops the watch thread and waits for it. */
void watch_stop(void);

#endif
