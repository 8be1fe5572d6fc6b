/* xen-netmodes status [--json]: what this project manages on the host. */
#ifndef HOTPLUG_STATUS_H
#define HOTPLUG_STATUS_H

/* argv[0] is "status". Returns the exit status. */
int status_main(int argc, char **argv);

#endif
