/* The cleanup applet run by udev when a vif backend is removed. */
#ifndef HOTPLUG_CLEANUP_H
#define HOTPLUG_CLEANUP_H

int cleanup_main(const char *name, int argc, char **argv);

#endif
