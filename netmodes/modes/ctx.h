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

/*
 * What a planner does when a part of the live state cannot be read (an
 * ovsdb-server that does not answer): UNREAD_FAILS, the call fails (a
 * real call: it must not start what it could not finish); otherwise it
 * plans on, with the reason in its vif_outcome's unread, and takes that
 * part for missing, so every step that would make it is listed
 * (UNREAD_AS_MISSING, --dry-run), or for in place, so that only what it
 * could read is compared (UNREAD_AS_IN_PLACE, xen-netmodes check).
 */
enum unread_policy { UNREAD_FAILS, UNREAD_AS_MISSING, UNREAD_AS_IN_PLACE };

struct mode_ctx {
	struct rt_conn *nl;	/* rtnetlink, one per thread */
	struct nft_conn *nft;	/* nftables */
	const struct call_env *env;
	const struct dhcp_settings *dhcp; /* vif-nat */
	const char *sysfs;		  /* where sysfs is mounted; NULL: /sys */
	/* the call's deadline, ms on CLOCK_MONOTONIC (hotplug/call/deadline.h); 0: none */
	uint64_t deadline_ms;
	enum unread_policy unread;
};

#endif
