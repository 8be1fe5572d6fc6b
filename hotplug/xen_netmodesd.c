/*
 * xen-netmodesd: the per-vif modes served by a resident process. Its own
 * program, linked with the shared libraries: its threads share one
 * xenstore connection, and only Debian's shared libxenstore is built
 * thread-safe.
 */
#include "hotplug/applets.h"
#include "hotplug/daemon/daemon.h"
#include "hotplug/call/invocation.h"
#include "hotplug/call/log.h"

extern char **environ;

int main(int argc, char **argv)
{
	struct invocation inv;

	/* Its options are its own (daemon_main reads them); only the environment is taken here. */
	(void)invocation_parse(argc, argv, environ, 0, &inv);
	/* The log is the process's: the daemon's own environment says where, not a client's. */
	log_set_dir(inv.log_dir);
	return daemon_main(&inv, &applet_table);
}
