/* The per-host calls (network-route, network-nat) and what the per-vif modes learn from them. */
#ifndef NETMODES_NETWORK_H
#define NETMODES_NETWORK_H

#include <stdbool.h>
#include <stdio.h>

#include "netmodes/modes/ctx.h"
#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/host/dhcp_host.h"
#include "netmodes/plan.h"
#include "netmodes/host/state_ops.h"
#include "netmodes/vlan_spec.h"

struct rt_conn;

#define NETWORK_ROUTE_STATE "network-route"
#define NETWORK_NAT_STATE "network-nat"
#define NETWORK_BRIDGE_STATE "network-bridge"

enum network_command { NET_START, NET_STOP, NET_STATUS };
struct network_request {
	const char *prog;
	enum network_command cmd;
	char netdev[IFNAMSIZ]; /* "" when not given */
	bool antispoof;
	enum dhcp_kind dhcp;	 /* network-nat */
	struct prefix nat_range; /* network-nat */
	char bridge[IFNAMSIZ];	 /* network-bridge; "" for the netdev's name */
	bool bridge_null;	 /* network-bridge bridge=null: nothing to do */
	bool vlan_filtering;	 /* network-bridge: the bridge filters VLANs */
	struct vlan_set vlans;	 /* network-bridge: the VLANs the uplink trunks (tagged) */
	bool dry_run, json;
};


/*
 * The uplink: the given name, else the one start recorded in ns, else the
 * default route's device, else eth0.
 */
int network_netdev(struct rt_conn *sk, const struct network_state *ns, const char *given,
		   char ret[IFNAMSIZ], struct nm_err *e);

/*
 * The uplink netdev exists and is free to be used: not enslaved to a bond,
 * a bridge or any master (uplink.h). bridge_ok: netdev may be a bridge, so
 * a bridge's port is told to give the bridge. Returns 0 or -errno with e set.
 */
int network_uplink_free(struct rt_conn *sk, const char *netdev, bool bridge_ok, struct nm_err *e);

/*
 * A routed start's first steps (network-route, network-nat): 1 when the
 * state file named state says started already (start twice changes
 * nothing), else 0 with netdev the uplink (network_netdev) checked free,
 * a bridge allowed. Or -errno with e set.
 */
int network_start_uplink(const struct mode_ctx *c, const char *state, const char *given,
			 char netdev[IFNAMSIZ], struct nm_err *e);

/*
 * network-route and network-nat share the routed anti-spoofing table
 * (inet xen-netmodes) and kernel parameters (net/ipv4/ip_forward): each is
 * a shared resource, held by every started mode that recorded it (the
 * table: started with anti-spoofing) and, for the table, by every vif
 * filtered in it (an element of its ports set). A stop puts a parameter
 * back, or deletes the table, only when nothing else holds it; the value
 * recorded is the one before the first of the two started.
 */

/* The other of network-route and network-nat, by state name: the one name shares with. */
const char *network_routed_peer(const char *name);

/* Loads name's state into ns and its peer's into peer. Returns 0 or -errno with e set. */
int network_load_shared(const struct mode_ctx *c, const char *name, struct network_state *ns,
			struct network_state *peer, struct nm_err *e);

/*
 * Plans key = value, recording in st the value before start: the one the
 * started peer recorded when it holds key already, else the current one.
 */
int network_plan_sysctl(struct plan *p, struct state *st, const struct network_state *peer,
			const char *key, const char *value, struct nm_err *e);
/*
 * Plans every recorded value back, in reverse order, but those the started
 * peer still holds. Returns 0 or -ENOMEM.
 */
int network_plan_restore(struct plan *p, const struct state *st, const struct network_state *peer);
/*
 * Start's part for routed anti-spoofing: the inet table created when it is
 * missing, which st records so that stop deletes only what a start made
 * (when the started peer with anti-spoofing recorded that its start made
 * it, st records that too: whichever stops last deletes it).
 */
int network_plan_routed_table(struct plan *p, struct nft_conn *nft, struct state *st,
			      const struct network_state *peer, struct nm_err *e);
/*
 * The end of every stop: the routed anti-spoofing table deleted when a
 * start made it and nothing holds it any more (neither the peer, started
 * with anti-spoofing, nor any vif filtered in it: then it stays, for good),
 * then the state file removed. Returns 0 or -errno with e set.
 */
int network_plan_forget(struct plan *p, struct mode_ctx *c, const char *name,
			const struct network_state *ns, const struct network_state *peer,
			struct nm_err *e);
/*
 * The parameters ns recorded, now and before start, and which of name and
 * its peer hold each, as text lines or a JSON object's members.
 */
void network_print_sysctls(const char *name, const struct network_state *ns,
			   const struct network_state *peer, bool json, FILE *out);
/*
 * The routed anti-spoofing table: present or not, made by a start, and
 * who holds it (the started modes, the vifs filtered in it), as a text
 * line or a JSON member "antispoof_table". Returns 0 or -errno with e set.
 */
int network_print_table(struct mode_ctx *c, const char *name, const struct network_state *ns,
			const struct network_state *peer, bool json, FILE *out, struct nm_err *e);

/* A per-host call's planner, and its status printer (plain text, or JSON with r->json). */
typedef int network_planner(const struct network_request *r, struct mode_ctx *c, struct plan *p,
			    struct nm_err *e);
typedef int network_status(const struct network_request *r, struct mode_ctx *c, FILE *out,
			   struct nm_err *e);

/*
 * network-route start: forwarding and proxy ARP (and for IPv6 forwarding and proxy NDP)
 * on netdev, the routed anti-spoofing table, and a state file recording
 * every previous value; nothing when already started. stop: exactly the
 * reverse, from the state file; nothing when not started.
 */
int network_route_plan(const struct network_request *r, struct mode_ctx *c, struct plan *p,
		       struct nm_err *e);

/* Plain text, or JSON with r->json. Returns 0 or -errno with e set. */
int network_route_status(const struct network_request *r, struct mode_ctx *c, FILE *out,
			 struct nm_err *e);

/* network-nat, likewise, with the masquerading table instead of proxies. */
int network_nat_plan(const struct network_request *r, struct mode_ctx *c, struct plan *p,
		     struct nm_err *e);
int network_nat_status(const struct network_request *r, struct mode_ctx *c, FILE *out,
		       struct nm_err *e);

/*
 * network-bridge start: the uplink's addresses and routes moved onto a new
 * bridge that takes its name, MAC and MTU; the uplink, renamed p<netdev>,
 * enslaved. stop: the exact reverse. Every step undoes itself.
 */
int network_bridge_plan(const struct network_request *r, struct mode_ctx *c, struct plan *p,
			struct nm_err *e);
int network_bridge_status(const struct network_request *r, struct mode_ctx *c, FILE *out,
			  struct nm_err *e);

#endif
