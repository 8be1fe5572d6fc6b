/* xen-netmodesd: the per-vif modes served by a resident process (see xen-netmodesd(8)). */
#ifndef HOTPLUG_DAEMON_H
#define HOTPLUG_DAEMON_H

#include "hotplug/daemon/daemon_jobs.h"

#define DAEMON_DEFAULT_WORKERS 8

/*
 * Runs the daemon as inv says: its options from inv's argv (its own, not
 * the applets' syntax), its socket and its watch's calls in inv's
 * environment. Returns the exit status.
 */
int daemon_main(const struct invocation *inv, const struct applet_table *all);

#endif
