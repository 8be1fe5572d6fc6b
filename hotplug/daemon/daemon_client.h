/*
 * The client side of xen-netmodesd: a per-vif call hands itself to the
 * daemon when one is listening, and is made here only when the daemon
 * never took it. Once the daemon has accepted a call, the call is the
 * daemon's: the client waits for its answer until the call's deadline
 * and never makes it a second time, whatever happens.
 */
#ifndef HOTPLUG_DAEMON_CLIENT_H
#define HOTPLUG_DAEMON_CLIENT_H

#include "netmodes/err.h"
#include "hotplug/call/deadline.h"
#include "hotplug/call/invocation.h"

/*
 * How long a client waits for the daemon to take its call (and never past
 * the deadline): a third of the budget, leaving it the rest to make the
 * call itself. A daemon that cannot start the call says so sooner.
 */
#define DAEMON_ACCEPT_TIMEOUT_MS 10000u
/*
 * The daemon starts a client's call within this long of receiving it, or
 * hands it back: well before the client's own wait ends, so that its
 * "accepted" never crosses the client's giving up.
 */
#define DAEMON_START_WINDOW_MS 8000u
/*
 * A worker on one call for longer is hung, by all signs (calls take
 * milliseconds): a call that would wait for it is handed back at once.
 */
#define DAEMON_HUNG_MS 3000u
/* The part of the deadline the daemon leaves its reply to travel back. */
#define DAEMON_REPLY_MARGIN_MS 1000u

#define DAEMON_LOCAL (-1) /* the daemon never took the call: make it here */
#define DAEMON_LOST (-2)  /* it took the call and went away without answering */
#define DAEMON_LATE (-3)  /* it took the call and did not answer by the deadline */

/*
 * Sends the call (mode prog, as inv says) to the daemon and waits for its
 * answer, by deadline; the call's warnings and errors are copied to
 * stderr. Returns its exit status, or:
 *   DAEMON_LOCAL  a dry run, XEN_NETMODES_DAEMON=no, no daemon listening,
 *                 or the daemon refused, declined (DPROTO_NOT_SERVED) or
 *                 went away before it took the call;
 *   DAEMON_LOST, DAEMON_LATE  with e saying so: the caller reports the
 *                 failure and does not make the call.
 */
int daemon_client_call(const char *prog, const struct invocation *inv, deadline_t deadline,
		       struct nm_err *e);

#endif
