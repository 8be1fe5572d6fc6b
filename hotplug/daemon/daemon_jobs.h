/*
 * xen-netmodesd's work: a queue of calls and the workers that make them.
 * Calls for different vifs run at once (as many as there are workers);
 * calls for one vif run one after the other, in the order they came. The
 * workers share the daemon's connections (daemon_conns) from call to call
 * and hold no lock between calls.
 */
#ifndef HOTPLUG_DAEMON_JOBS_H
#define HOTPLUG_DAEMON_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/err.h"
#include "hotplug/call/applet.h"
#include "hotplug/daemon/daemon_proto.h"
#include "hotplug/call/deadline.h"
#include "hotplug/call/invocation.h"

#define DAEMON_MAX_WORKERS 64
#define DAEMON_PROG "xen-netmodesd"
/* Clients' calls waiting for a worker, at most (--queue); one more is handed back at once. */
#define DAEMON_DEFAULT_QUEUE 256
#define DAEMON_MAX_QUEUE 4096

struct job {
	struct job *next;
	char key[64];	/* the vif's XENBUS_PATH: calls with one key keep their order */
	int fd;		/* the client's socket, or -1 (a call the daemon made itself) */
	const struct applet *mode; /* a per-vif mode's row */
	struct dproto_request req;
	char *buf; /* holds req's strings */
	struct invocation inv; /* req's argv and environment, read once */
	deadline_t deadline;   /* a client's call: its deadline; 0 for the watch's */
	deadline_t start_by;   /* a client's call: started by then, or handed back */
	char why[128];	       /* why it is handed back */
};

/*
 * A job for the call (mode, argv, envp), its strings copied, in the
 * environment env (the watch's: the daemon's own; no deadline), or a
 * request unpacked from buf (len bytes, taken over; its environment the
 * client's, its deadline the request's budget from now, at most
 * CALL_BUDGET_MS; to be started within DAEMON_START_WINDOW_MS and that
 * budget). NULL when it is malformed, names no per-vif mode, or is out of
 * memory.
 */
struct job *job_new(const struct applet *mode, int argc, char **argv, char **envp,
		    const struct call_env *env);
struct job *job_from_request(const struct applet_table *all, char *buf, size_t len, int fd,
			     const char **why);
void job_free(struct job *j);

/*
 * Starts n workers; at most max_queue clients' calls wait for them.
 * Returns 0 or -errno with e set.
 */
int jobs_start(unsigned n, unsigned max_queue, struct nm_err *e);

/*
 * Queues j (taken over). A client's call is "accepted" only when a worker
 * starts it; one that cannot be started in time is handed back to its
 * client at once (DPROTO_NOT_SERVED: the client makes it itself): when
 * max_queue calls wait already, or every worker has been on its call for
 * longer than DAEMON_HUNG_MS (hung, by all signs).
 */
void jobs_submit(struct job *j);

/*
 * Hands back the queued clients' calls no worker started in their window,
 * and those that wait for hung workers (all of them, or the one making a
 * call for their vif). Returns the ms until it should look again, or -1
 * when no client's call waits.
 */
int jobs_expire(void);

/*
 * Lets the running calls finish; the queued ones are answered
 * DPROTO_NOT_SERVED (their clients make them) or dropped.
 */
void jobs_stop(void);

/* Calls made so far. */
unsigned long jobs_served(void);

#endif
