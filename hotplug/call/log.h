/*
 * Logging like the shell scripts: syslog (ident = the program's name,
 * facility daemon) and a line appended to /var/log/xen/xen-hotplug.log
 * (the directory: $XEN_NETMODES_LOG_DIR, read by the front end).
 * Warnings and errors also go to stderr, which libxl copies into its log.
 */
#ifndef HOTPLUG_LOG_H
#define HOTPLUG_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

#define HOTPLUG_LOG_DIR "/var/log/xen"
#define HOTPLUG_LOG_NAME "xen-hotplug.log"

/* Names the calls this thread makes (syslog ident, unless log_shared). */
void log_init(const char *prog);

/*
 * For the daemon: one syslog ident for the process, each line then
 * starting with the call's program name; foreground: the daemon's own
 * lines (not its calls') also go to stderr, whatever their priority.
 */
void log_shared(const char *ident, bool foreground);

/*
 * The log file's directory for the whole process (HOTPLUG_LOG_DIR until
 * then): set once, before any thread starts. No directory there, no file.
 */
void log_set_dir(const char *dir);

/* Where this thread's warnings and errors go besides the logs (NULL: stderr). */
void log_set_err(FILE *f);
void log_line(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
