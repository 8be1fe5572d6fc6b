/*
 * Anti-spoofing for guest ports, kept in the project's own nftables table
 * "xen-netmodes": in the bridge family for bridged vifs (frames, ARP
 * included), in the inet family for routed vifs (packets). The rules are
 * fixed (port_rules.c); a port is only elements of the table's sets,
 * all keyed by its name:
 *
 *   ports   { "vif1.0" comment "3 records v2" }     the port is filtered
 *   macs    { "vif1.0" . 00:16:3e:.. }             the one MAC it may send from
 *   addrs4, addrs6 (whole addresses), nets4, nets6 (shorter prefixes);
 *           addrs6 also has the link-local address its MAC makes (EUI-64)
 *   vlans   { "vif1.0" . 20-30 }                    VLANs it may send tagged
 *   records { "vif1.0" . 0 comment "mac 00:16:3e:..", ... }
 *
 * The records say what the port owns, so removing it needs no listing of
 * any set, and they change in the same atomic batch as the elements, so
 * they cannot disagree with them; a hand edit can, which a query of a port
 * in place sees (each element the records name asked for) and a change
 * repairs, listing the sets that once. A hotplug adds or removes a handful of
 * hash elements: its cost, and a packet's, do not grow with the number of
 * ports (no per-port chain whose jump the kernel would revalidate).
 *
 * A port of an Open vSwitch bridge (PORT_OVS) is the exception: its frames
 * are judged at its own device's ingress, in the netdev family, where a
 * base chain hooks one device; so it also has a base chain of its own,
 * "ingress-vif1.0", whose one rule jumps to the shared rules. The chain
 * is made, replaced and deleted in the same batch as the port's elements
 * (port_rules.h says what each kernel does with it when the device goes).
 */
#ifndef NETMODES_NFT_PORT_FILTER_H
#define NETMODES_NFT_PORT_FILTER_H

#include <stdbool.h>
#include <stdio.h>

#include "netmodes/err.h"
#include "netmodes/plan.h"
#include "netmodes/nft/nft_conn.h"
#include "netmodes/netaddr.h"
#include "netmodes/vlan_spec.h"

#include "netmodes/nft/port_types.h"

/*
 * Read-only, never a dump: a GET of the port's ports element; when it is
 * there, one of its records and, the records whole, one per set holding
 * other elements they name, each asking for all of them (PORT_OVS: and one
 * GET of the port's chain, into chain and chain_hooked). A port absent
 * costs the first GET alone. Damaged records, or an element they name that
 * the kernel lacks (someone deleted or edited elements by hand), read as
 * damaged, which a change repairs. Returns 0, or a negative errno with e set.
 */
int nft_port_query(struct nft_conn *nft, enum port_kind kind, const char *ifname, struct port_state *ret,
		   struct nm_err *e);

/* Whether f can be installed (kind, name, addresses). Returns 0 or -EINVAL with e set. */
int nft_port_check(const struct port_filter *f, struct nm_err *e);

/* Whether the filter in place (s) is exactly f. */
bool nft_port_matches(const struct port_state *s, const struct port_filter *f);

/*
 * Makes f the port's filter in one batch: nothing when it is already in
 * place, else the old elements (if any) replaced and the table created on
 * first use (a concurrent creator is tolerated). Returns 0, or a negative
 * errno with e set (the kernel's extended ack text when it gave one).
 */
int nft_port_set(struct nft_conn *nft, const struct port_filter *f, struct nm_err *e);

/*
 * Calls fn with the name of each port the kind's table filters, in the
 * set's order (one dump, read-only); with none when the table is absent.
 * Returns 0 or -errno with e set.
 */
int nft_port_each(struct nft_conn *nft, enum port_kind kind, void (*fn)(const char *name, void *data),
		  void *data, struct nm_err *e);

/* Removes ifname's elements in one batch; 0 when it had none. */
int nft_port_clear(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		   struct nm_err *e);

/*
 * As nft_port_set (f) or nft_port_clear (f NULL), from state s already read
 * by nft_port_query: no second query unless another call created the table
 * meanwhile, released it, or the kernel lacked an element s names (then,
 * the same records read again, the port is taken for damaged). Calls for one
 * port are serialised by the caller.
 */
int nft_port_change(struct nft_conn *nft, enum port_kind kind, const char *ifname,
		    const struct port_filter *f, const struct port_state *s, struct nm_err *e);

/*
 * The table alone, for per-host calls: created with its sets and base chain
 * (0 when it exists), or deleted with everything in it (0 when absent).
 */
int nft_port_table_create(struct nft_conn *nft, enum port_kind kind, struct nm_err *e);
/* 1, 0, or -errno with e set. */
int nft_port_table_exists(struct nft_conn *nft, enum port_kind kind, struct nm_err *e);
int nft_port_table_delete(struct nft_conn *nft, enum port_kind kind, struct nm_err *e);
/*
 * The table deleted only if no port is in its ports set, at one generation
 * of the ruleset: a port a vif online adds while this looks keeps it.
 * Returns 1 when deleted, 0 when a port holds it or it is absent, or -errno.
 */
int nft_port_table_release(struct nft_conn *nft, enum port_kind kind, struct nm_err *e);

/* Called with each element a GET returns. */
struct nftnl_set;
struct nftnl_set_elem;
typedef void port_elem_fn(struct nftnl_set_elem *el, void *data);

/*
 * One GETSETELEM on nft: for the elements s carries (flags 0; the kernel
 * answers them in order and stops at the first it lacks), or every element
 * of its set (NLM_F_DUMP); each goes to fn. Frees s. Returns 1, 0 when the
 * kernel said ENOENT, or -errno with e set.
 */
int port_get_elems(struct nft_conn *nft, enum port_kind kind, struct nftnl_set *s, uint16_t flags,
		   port_elem_fn *fn, void *data, struct nm_err *e);

/* Plan operations around the above: one batch each, so one step of the
 * plan, on the connection the planner was given (kept in the step). */

/*
 * Installs f over what s says is in place, on nft. Undo puts back what was
 * there: the filter it replaced, or none. Returns 0 or -ENOMEM.
 */
int op_port_filter_set(struct plan *p, struct nft_conn *nft, const struct port_filter *f,
		       const struct port_state *s);

/*
 * Plans dev's filter of kind from live state: mac and ips when want (no ips:
 * the port may send nothing), and the VLANs of vlans it carries tagged
 * (NULL: none, no tag at all); none otherwise; nothing at all when that is
 * already in place. Returns 0, or -errno with e set (-EINVAL when ips are
 * given and mac is NULL).
 */
int plan_port_filter(struct plan *p, struct nft_conn *nft, enum port_kind kind, const char *dev,
		     bool want, const struct mac_addr *mac, const struct prefix_list *ips,
		     const struct vlan_set *vlans, struct nm_err *e);

/* Removes the filter s says is in place; undo puts it back. Returns 0 or -ENOMEM. */
int op_port_filter_clear(struct plan *p, struct nft_conn *nft, const struct port_state *s);

/* Creates (create) or deletes the kind's table; each undoes the other. */
int op_port_table(struct plan *p, struct nft_conn *nft, enum port_kind kind, bool create);

/*
 * Who uses a table: the ports its ports set names. network-route and
 * network-nat share the inet table with every routed and NAT vif; a stop
 * deletes it only when no port is left in it.
 */
#define PORT_HOLDERS_MAX 64

struct port_holders {
	size_t n;			       /* every port in the set */
	char name[PORT_HOLDERS_MAX][IFNAMSIZ]; /* PORT_HOLDERS_MAX of them at most, in name order */
};

/*
 * Lists the kind's ports set (one dump, read-only): none when the table
 * or the set is absent. Returns 0 or -errno with e set.
 */
int port_holders_list(struct nft_conn *nft, enum port_kind kind, struct port_holders *ret,
		      struct nm_err *e);

#endif
