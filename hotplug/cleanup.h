/* The cleanup applet run by udev when a vif backend is removed. */
#ifndef HOTPLUG_CLEANUP_H
#define HOTPLUG_CLEANUP_H

#include "invocation.h"

/* Runs one call as inv says (--dry-run prints the removals). Returns the exit status. */
int cleanup_main(const char *name, const struct invocation *inv);

#endif
