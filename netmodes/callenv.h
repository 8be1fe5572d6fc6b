/*
 * The environment of the call being served. A one-shot process reads its
 * own; the daemon serves many calls at once, each with the environment its
 * client sent, so the knobs a call reads (defaults file, run directory,
 * test-build switches) come from here, never from getenv directly.
 */
#ifndef NETMODES_CALLENV_H
#define NETMODES_CALLENV_H

/* Makes envp (NULL-terminated "NAME=VALUE"; NULL: the process's) this thread's. */
void callenv_set(char **envp);

/* NAME's value in this thread's call environment; NULL when absent. */
const char *callenv_get(const char *name);

/* The run directory: $XEN_NETMODES_RUN_DIR, else /run/xen-netmodes. */
const char *callenv_run_dir(void);

#endif
