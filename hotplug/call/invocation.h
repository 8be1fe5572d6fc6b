/*
 * One call's argv and the switches of its environment, read once, here,
 * for every applet, the daemon's client and the daemon's workers alike:
 * the flags (--dry-run, --json, -h/--help; status's --watch, --interval
 * SECONDS and --count N, as "--interval=SECONDS" too), the command word, the VAR=VAL
 * arguments (kept as they are: each applet validates its own) and the
 * variables XEN_NETMODES_DRY_RUN and XEN_NETMODES_DAEMON, and the call's
 * environment (struct call_env) that the layers below are handed:
 *
 *   XEN_NETMODES_DRY_RUN  1, yes, true or on: a dry run; 0, no, false,
 *                         off, empty or unset: a real run; else an error
 *   XEN_NETMODES_DAEMON   yes, 1, true or on: through xen-netmodesd only;
 *                         no, 0, false or off: never through it; auto,
 *                         empty or unset: through it when one listens;
 *                         else an error
 *   XEN_NETMODES_RUN_DIR  state files and the daemon's socket (/run/xen-netmodes)
 *   XEN_NETMODES_LOCK_DIR the locks shared with locking.sh (/var/run/xen-hotplug)
 *   XEN_NETMODES_CONF     the defaults file (/etc/xen/xen-netmodes.conf)
 *   XEN_NETMODES_LOG_DIR  where xen-hotplug.log is (/var/log/xen): the
 *                         process's, not the call's (inv.log_dir, not env)
 *   XEN_NETMODES_MOUNTS   stands in for /proc/self/mounts (tests)
 *   XEN_NETMODES_FAIL_AT, _EVENT_AT, _EVENT_CMD  test builds' switches (plan.h)
 */
#ifndef HOTPLUG_INVOCATION_H
#define HOTPLUG_INVOCATION_H

#include <stdbool.h>

#include "netmodes/callenv.h"
#include "netmodes/err.h"

#define INV_MAX_ASSIGN 64

enum daemon_use { DAEMON_AUTO, DAEMON_NEVER, DAEMON_ALWAYS };

/* What an applet takes besides --dry-run and --help. */
enum inv_accept {
	INV_JSON = 1,	/* --json (the network applets) */
	INV_DAEMON = 2, /* XEN_NETMODES_DAEMON is read (the per-vif modes) */
	INV_WATCH = 4,	/* --watch, --interval SECONDS, --count N (status; watch_opts.h) */
};

struct invocation {
	int argc;
	char **argv; /* argv[0] is the program's name */
	char **envp; /* NULL-terminated "NAME=VALUE" */
	bool help, dry_run, json;
	bool watch;	      /* INV_WATCH: --watch */
	unsigned interval_ms; /* INV_WATCH: --interval's, in ms; 0: not given */
	unsigned count;	      /* INV_WATCH: --count's; 0: not given */
	enum daemon_use daemon;
	const char *command; /* the first word that is neither a flag nor VAR=VAL; NULL: none */
	const char *assign[INV_MAX_ASSIGN]; /* the VAR=VAL arguments, in order */
	unsigned n_assign;
	struct call_env env; /* its strings point into envp */
	const char *log_dir; /* the log's directory: main hands it to log_set_dir */
	int rc;		    /* 0, or -EINVAL: err says what was wrong */
	struct nm_err err;
};

/*
 * Reads argv and envp (both kept, not copied) into ret; accept is a mask
 * of enum inv_accept. Returns ret->rc. Every field is filled even on
 * failure: help is set when -h or --help is anywhere, and dry_run is
 * true when the call may have been meant as a dry run (an invalid
 * XEN_NETMODES_DRY_RUN), so that nothing is written for it.
 */
int invocation_parse(int argc, char **argv, char **envp, unsigned accept, struct invocation *ret);

/* A dry-run switch's value: see above. Returns 0, or -EINVAL with e set. */
int parse_dry_run(const char *s, bool *ret, struct nm_err *e);

/* Looks up NAME in a NULL-terminated "NAME=VALUE" array; NULL when absent. */
const char *env_get(char **envp, const char *name);

/* The script directory: where argv0 was run from, as the shell scripts take it. */
void script_dir_of(const char *argv0, char *buf, size_t n);

#endif
