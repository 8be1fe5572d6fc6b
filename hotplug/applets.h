/*
 * Every program this project is, one row each: the per-vif modes, the
 * per-host calls and the tools (a row: hotplug/call/applet.h). main, status,
 * check, the daemon and its watch, --help and the build (the links make and
 * make install create: `xen-netmodes --list`) all read this table; main and
 * xen-netmodesd's main pass it down. Adding a mode is its planner in
 * netmodes/modes/ and one row here.
 */
#ifndef HOTPLUG_APPLETS_H
#define HOTPLUG_APPLETS_H

#include "hotplug/call/applet.h"

extern const struct applet_table applet_table;

#endif
