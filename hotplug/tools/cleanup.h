/* The cleanup applet run by udev when a vif backend is removed. */
#ifndef HOTPLUG_CLEANUP_H
#define HOTPLUG_CLEANUP_H

#include "hotplug/call/applet.h"

/* Runs one call as inv says (--dry-run prints the removals). Returns the exit status. */
applet_main cleanup_main;

#endif
