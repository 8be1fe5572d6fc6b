/*
 * The VLANs a bridge port is to carry, and the two ways a vif's
 * configuration names them: the backend's `vlan` node (xl's `vlan=`, libxl
 * 4.19 on) and a suffix on the bridge's name (vif-openvswitch's form, which
 * xl 4.17 can pass today). Pure: no kernel, no xenstore.
 */
#ifndef NETMODES_VLAN_SPEC_H
#define NETMODES_VLAN_SPEC_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netmodes/err.h"

#define VLAN_MIN 1
#define VLAN_MAX 4094
/* The longest `vlan` value read: longer is refused, never cut. */
#define VLAN_SPEC_MAX 1023

struct vlan_set {
	uint16_t pvid; /* 0: none; else also a member, untagged */
	uint8_t member[VLAN_MAX / 8 + 1];
	uint8_t untagged[VLAN_MAX / 8 + 1];
};

bool vlan_set_has(const struct vlan_set *s, unsigned vid);
bool vlan_set_untagged(const struct vlan_set *s, unsigned vid);

/*
 * The last VLAN of the run that starts at vid (a member of s): the members
 * after it alike in flags. The PVID always stands alone.
 */
unsigned vlan_set_run_end(const struct vlan_set *s, unsigned vid);
bool vlan_set_empty(const struct vlan_set *s);
unsigned vlan_set_count(const struct vlan_set *s);
/* Adds vid (1..4094; anything else is ignored). */
void vlan_set_add(struct vlan_set *s, unsigned vid, bool untagged);
bool vlan_set_equal(const struct vlan_set *a, const struct vlan_set *b);

/*
 * xl's `vlan=` value: terms separated by '/', each one of
 *   N     a VLAN (1..4094); Np: the PVID (untagged too); Nu: untagged
 *   N-M   VLANs N to M; N-Mu: untagged
 *   N+OxC VLAN N and C more, each O above the one before; N+OxCu: untagged
 * Exactly one VLAN is the PVID; a value that is one single VLAN needs no p.
 * A VLAN named twice, an empty term and anything else is refused.
 * Returns 0 or -EINVAL with e saying what is wrong.
 */
int vlan_spec_parse(const char *s, struct vlan_set *ret, struct nm_err *e);

/*
 * The bridge value as vif-openvswitch reads it: BRIDGE[.PVID][:VID...]:
 * BRIDGE.10 an access port untagged on VLAN 10 (its PVID), BRIDGE:20:30 a
 * trunk tagged 20 and 30, BRIDGE.10:20:30 both. Returns 1 with base and
 * ret set when s has such a suffix, 0 when s is a plain name (no '.N' and
 * no ':'), -EINVAL with e set when it has a ':' but is not of that form.
 * A value with only '.N' may also be a device's own name: the caller
 * decides (the suffix counts only when no device has the full name).
 */
int vlan_bridge_parse(const char *s, char base[IFNAMSIZ], struct vlan_set *ret, struct nm_err *e);

/*
 * A plain list of tagged VLANs, "10,20,30-40" (network-bridge's vlans=):
 * ids and ranges separated by ',', none twice. 0 or -EINVAL with e set.
 */
int vlan_list_parse(const char *s, struct vlan_set *ret, struct nm_err *e);

/* s's VLANs as such a list ("10,20,30-40"; "" when empty), cut short to fit n. */
void vlan_list_format(const struct vlan_set *s, char *buf, size_t n);

/* s in `vlan` syntax ("10p/20-22/30u"; "-" when empty), cut short to fit n. */
void vlan_set_format(const struct vlan_set *s, char *buf, size_t n);

#endif
