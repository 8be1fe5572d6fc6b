/* xen-netmodesd: the per-vif modes served by a resident process (see xen-netmodesd(8)). */
#ifndef HOTPLUG_DAEMON_H
#define HOTPLUG_DAEMON_H

#include "daemon_jobs.h"

#define DAEMON_DEFAULT_WORKERS 8

/* argv[0] is the program's name. Returns the exit status. */
int daemon_main(int argc, char **argv, mode_lookup *lookup);

#endif
