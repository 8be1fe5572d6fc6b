/* xen-netmodes status [--json] | --watch: what this project manages on the host, its drops. */
#ifndef HOTPLUG_STATUS_H
#define HOTPLUG_STATUS_H

#include "hotplug/call/applet.h"

#define STATUS_USAGE "usage: xen-netmodes status [--json]\n" \
	"       xen-netmodes status --watch [--interval SECONDS] [--count N]\n"

/* inv->json: the same as JSON; inv->watch: drop rates until a signal. Returns the exit status. */
applet_main status_main;

#endif
