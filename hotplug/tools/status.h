/* xen-netmodes status [--json]: what this project manages on the host. */
#ifndef HOTPLUG_STATUS_H
#define HOTPLUG_STATUS_H

#include "hotplug/call/applet.h"

/* inv->json: the same as JSON. Returns the exit status. */
applet_main status_main;

#endif
