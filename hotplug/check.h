/* xen-netmodes check VIF: live state against what the vif's xenstore configuration asks for. */
#ifndef HOTPLUG_CHECK_H
#define HOTPLUG_CHECK_H

#include "../netmodes/modes.h"

/* Finds a planner for a script name ("vif-bridge"...), NULL when not ours. */
typedef vif_planner *planner_lookup(const char *script);

/* argv[0] is "check". Exit status: 0 in place, 1 when anything differs or cannot be read. */
int check_main(int argc, char **argv, planner_lookup *lookup);

#endif
