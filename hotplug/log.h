/*
 * Logging like the shell scripts: syslog (ident = the program's name,
 * facility daemon) and a line appended to /var/log/xen/xen-hotplug.log.
 * Warnings and errors also go to stderr, which libxl copies into its log.
 */
#ifndef HOTPLUG_LOG_H
#define HOTPLUG_LOG_H

#include <syslog.h>

#define HOTPLUG_LOG_FILE "/var/log/xen/xen-hotplug.log"

void log_init(const char *prog);
void log_line(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
