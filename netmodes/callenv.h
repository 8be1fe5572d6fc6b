/*
 * The environment of one call: where it keeps state, where locks and the
 * defaults file are, and the test builds' switches. hotplug/ reads it from
 * the call's own environment (a one-shot process's, or what a daemon's
 * client sent) and hands it down in the mode context; nothing below reads
 * the process's environment.
 */
#ifndef NETMODES_CALLENV_H
#define NETMODES_CALLENV_H

#define CALLENV_RUN_DIR "/run/xen-netmodes"
/* locking.sh's directory: the shell scripts and these binaries share its locks */
#define CALLENV_LOCK_DIR "/var/run/xen-hotplug"
#define CALLENV_MOUNTS "/proc/self/mounts"

struct call_env {
	const char *run_dir;  /* $XEN_NETMODES_RUN_DIR: state files, the daemon's socket */
	const char *lock_dir; /* $XEN_NETMODES_LOCK_DIR */
	const char *conf;     /* $XEN_NETMODES_CONF: the defaults file */
	const char *mounts;   /* $XEN_NETMODES_MOUNTS: stands in for /proc/self/mounts */
	/*
	 * Test builds only (see plan_apply): fail step fail_at, or run
	 * event_cmd before step event_at; NULL: not asked.
	 */
	const char *fail_at, *event_at, *event_cmd;
};

#endif
