/*
 * The client side of xen-netmodesd: a per-vif call hands itself to the
 * daemon when one is listening, and makes the call itself when not.
 */
#ifndef HOTPLUG_DAEMON_CLIENT_H
#define HOTPLUG_DAEMON_CLIENT_H

#include <stdbool.h>

/* How long a client waits for the daemon's answer before making the call itself. */
#define DAEMON_REPLY_TIMEOUT_MS 32000

/* A dry run prints its plan where it was asked; XEN_NETMODES_DAEMON=no keeps a call local. */
bool daemon_call_stays_local(int argc, char **argv, char **envp);

#define DAEMON_LOCAL (-1)    /* make the call here */
#define DAEMON_REQUIRED (-2) /* XEN_NETMODES_DAEMON=yes, and the daemon did not make it */

/*
 * Sends the call (mode prog, argv, envp) to the daemon and waits for its
 * answer; the call's warnings and errors are copied to stderr. Returns its
 * exit status, or DAEMON_LOCAL when the caller is to make the call itself:
 * no daemon listening, a dry run, XEN_NETMODES_DAEMON=no, the daemon
 * declined, or it went away before answering; with XEN_NETMODES_DAEMON=yes
 * (tests: no silent fallback) DAEMON_REQUIRED instead, unless a dry run.
 */
int daemon_client_call(const char *prog, int argc, char **argv, char **envp);

#endif
