/*
 * What every planner works with: the call's connections and its
 * environment, owned by the caller (hotplug/), which opens them, lends
 * them for the call and closes them. A daemon lends the same connections
 * to many calls at once; each carries its own lock where that matters.
 */
#ifndef NETMODES_CTX_H
#define NETMODES_CTX_H

#include <netlink/socket.h>
#include <stdint.h>

#include "netmodes/callenv.h"

struct rt_conn;

struct nft_conn;
struct dhcp_settings;

struct mode_ctx {
	struct rt_conn *nl;	/* rtnetlink, one per thread */
	struct nft_conn *nft;	/* nftables */
	const struct call_env *env;
	const struct dhcp_settings *dhcp; /* vif-nat */
	const char *sysfs;		  /* where sysfs is mounted; NULL: /sys */
	/* the call's deadline, ms on CLOCK_MONOTONIC (hotplug/call/deadline.h); 0: none */
	uint64_t deadline_ms;
};

#endif
