/* The flow every per-vif call shares: request -> plan -> apply or print -> report. */
#ifndef HOTPLUG_VIF_FLOW_H
#define HOTPLUG_VIF_FLOW_H

#include "../netmodes/modes.h"

/* Wait for another call on the same vif at most this long: libxl gives up after 40 s. */
#define VIF_LOCK_TIMEOUT_MS 30000

/* Runs one call of mode prog. Returns the exit status. */
int vif_flow_run(const char *prog, vif_planner *planner, int argc, char **argv, char **envp);

/*
 * Reports a call refused before any mode ran (vif-setup's $script): logged,
 * and written to hotplug-error with hotplug-status=error when XENBUS_PATH
 * is sound and the call is no dry run.
 */
void vif_flow_refused(const char *prog, const char *msg, int argc, char **argv, char **envp);

#endif
