/* The flow of the per-host calls (network-*): start | stop | status [VAR=VAL...]. */
#ifndef HOTPLUG_NETWORK_FLOW_H
#define HOTPLUG_NETWORK_FLOW_H

#include <stdbool.h>
#include <stdio.h>

#include "netmodes/modes/network.h"
#include "hotplug/call/invocation.h"

/* What an applet takes besides netdev= and antispoof=, and its defaults. */
enum network_keys { NET_KEY_DHCP = 1, NET_KEY_BRIDGE = 2, NET_ANTISPOOF_OFF = 4 };

/*
 * Runs one call of prog (keys: enum network_keys) as inv says
 * (invocation_parse, INV_JSON); returns the exit status.
 */
int network_flow_run(const char *prog, network_planner *planner, network_status *status,
		     unsigned keys, const struct invocation *inv);

#endif
