/* The flow of the per-host calls (network-*): start | stop | status [VAR=VAL...]. */
#ifndef HOTPLUG_NETWORK_FLOW_H
#define HOTPLUG_NETWORK_FLOW_H

#include <stdbool.h>
#include <stdio.h>

#include "../netmodes/network.h"

typedef int network_planner(const struct network_request *r, struct nl_sock *sk, struct plan *p,
			    struct nm_err *e);
typedef int network_status(const struct network_request *r, struct nl_sock *sk, FILE *out,
			   struct nm_err *e);

/* Runs one call of prog (with_dhcp: it takes dhcp=); returns the exit status. */
int network_flow_run(const char *prog, network_planner *planner, network_status *status,
		     bool with_dhcp, int argc, char **argv, char **envp);

#endif
