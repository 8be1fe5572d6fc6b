/* network-route: the host side of routed mode, and what vif-route learns from it. */
#ifndef NETMODES_NETWORK_ROUTE_H
#define NETMODES_NETWORK_ROUTE_H

#include <stdbool.h>
#include <stdio.h>

#include <netlink/socket.h>

#include "err.h"
#include "netaddr.h"
#include "plan.h"

#define NETWORK_ROUTE_STATE "network-route"

enum network_command { NET_START, NET_STOP, NET_STATUS };

struct network_request {
	const char *prog;
	enum network_command cmd;
	char netdev[IFNAMSIZ]; /* "" when not given */
	bool antispoof;
	bool dry_run, json;
};

/*
 * start: forwarding and proxy ARP (and for IPv6 forwarding and proxy NDP)
 * on netdev, the routed anti-spoofing table, and a state file recording
 * every previous value; nothing when already started. stop: exactly the
 * reverse, from the state file; nothing when not started.
 */
int network_route_plan(const struct network_request *r, struct nl_sock *sk, struct plan *p,
		       struct nm_err *e);

/* Plain text, or JSON with r->json. Returns 0 or -errno with e set. */
int network_route_status(const struct network_request *r, struct nl_sock *sk, FILE *out,
			 struct nm_err *e);

/*
 * The uplink for routed vifs: the given name, else the one network-route
 * start chose, else the default route's device, else eth0. Sets
 * *ret_antispoof from network-route's setting (yes when not started).
 */
int network_route_netdev(struct nl_sock *sk, const char *given, char ret[IFNAMSIZ],
			 bool *ret_antispoof, struct nm_err *e);

#endif
