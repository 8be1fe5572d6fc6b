/*
 * xen-netmodesd's drop log: the kernel's own line for a port whose filter
 * drops (port_drops.h: at most one a minute per port, the kernel's limit)
 * turned into one that names the guest, in syslog and xen-hotplug.log:
 *   guest web (domain 3) vif3.0 started dropping frames: mac (dropped so far: mac 12, ipv4 2)
 * A thread of its own reads /dev/kmsg from its end, waiting in poll: it
 * costs nothing while nothing is dropped, and polls no port. Without the
 * daemon the kernel's line alone is logged (xen-netmodes(7), "Drop log").
 */
#ifndef HOTPLUG_DAEMON_DROPLOG_H
#define HOTPLUG_DAEMON_DROPLOG_H

#include "netmodes/err.h"

/*
 * Opens /dev/kmsg at its end (what the kernel logs from now on is read)
 * and starts the thread. Returns 0, or -errno with e set (no /dev/kmsg, a
 * kernel without it): the daemon serves without its drop log.
 */
int droplog_start(struct nm_err *e);

/* Stops the thread (when started) and waits for it. */
void droplog_stop(void);

#endif
