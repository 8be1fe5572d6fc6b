/*
 * The programs the project starts (hooks, the DHCP server's init script):
 * started with a clean signal state, in a process group of their own, and
 * given CHILD_TIME_LIMIT_MS to finish. One still running then is killed,
 * its whole process group with it (what it started and left in its group),
 * and the caller fails its step, saying so.
 */
#ifndef NETMODES_CHILD_H
#define NETMODES_CHILD_H

#include <stdbool.h>

#include "netmodes/err.h"

/*
 * 10 s: a call's whole deadline is 30 s after its script started (libxl
 * kills a script at 40 s), and a call can start a hook, the init script
 * and, undoing, the init script again: each is bounded well inside both.
 */
#define CHILD_TIME_LIMIT_MS 10000u

struct child_spec {
	const char *path;    /* what is executed */
	char *const *argv;   /* argv[0] included, NULL-terminated */
	char *const *envp;   /* NULL: the process's own environment */
	bool shell_fallback; /* not a binary nor #! (ENOEXEC): run through /bin/sh */
	bool null_stdio;     /* standard input and output on /dev/null */
	unsigned limit_ms;   /* CHILD_TIME_LIMIT_MS, or less */
};

/*
 * Runs s->path and waits for it. Returns 0 with *status as waitpid sets
 * it; -ETIMEDOUT when it ran past s->limit_ms and was killed with its
 * process group (e: "did not finish within N s; killed it and its process
 * group", the caller names the program); -errno when it could not be
 * started (fork), with e set.
 */
int child_run(const struct child_spec *s, int *status, struct nm_err *e);

/* Unblocks every signal and restores SIGPIPE's default (the daemon blocks and ignores some). */
void child_reset_signals(void);

#endif
