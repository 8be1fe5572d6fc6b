/* xen-netmodes check VIF: live state against what the vif's xenstore configuration asks for. */
#ifndef HOTPLUG_CHECK_H
#define HOTPLUG_CHECK_H

#include "hotplug/call/applet.h"

/* inv->command names the vif. Exit status: 0 in place, 1 when anything differs or cannot be read. */
applet_main check_main;

#endif
