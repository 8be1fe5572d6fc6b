/* What -h and --help print: each applet's usage, on the one page it names. */
#ifndef HOTPLUG_USAGE_H
#define HOTPLUG_USAGE_H

#include <stdbool.h>
#include <stdio.h>

/* Prints applet name's usage to out; false when name has none. */
bool usage_print(const char *name, FILE *out);

#endif
