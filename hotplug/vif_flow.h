/* The flow every per-vif call shares: request -> plan -> apply or print -> report. */
#ifndef HOTPLUG_VIF_FLOW_H
#define HOTPLUG_VIF_FLOW_H

#include "../netmodes/modes.h"

/* Wait for another call on the same vif at most this long: libxl gives up after 40 s. */
#define VIF_LOCK_TIMEOUT_MS 30000

/* Runs one call of mode prog. Returns the exit status. */
int vif_flow_run(const char *prog, vif_planner *planner, int argc, char **argv, char **envp);

#endif
