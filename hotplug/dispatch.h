/* Runs one applet's call: the per-vif modes through xen-netmodesd when one listens. */
#ifndef HOTPLUG_DISPATCH_H
#define HOTPLUG_DISPATCH_H

#include "hotplug/applets.h"

/* Runs a as inv says (its argv, its environment), all of it by deadline. Returns the exit status. */
int applet_run(const struct applet *a, const struct invocation *inv, deadline_t deadline);

#endif
