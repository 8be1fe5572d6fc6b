/*
 * A vif's port on an Open vSwitch bridge, in the Open_vSwitch database:
 * the plan operations that add and remove it, as Xen's vif-openvswitch
 * does with ovs-vsctl (tools/hotplug/Linux/vif-openvswitch), and the
 * read-only queries a mode plans and checks with. All of it speaks OVSDB
 * through ovsdb.h; nothing here runs a program.
 *
 * VLANs: the port's tag and trunks are written as given, vlan_mode left
 * empty, as ovs-vsctl add-port ... tag=N trunks=A,B does. With vlan_mode
 * empty, ovs-vswitchd takes a port that has a tag for an access port of
 * that VLAN and ignores its trunks (ovs-vswitchd.conf.db(5), Port
 * vlan_mode: "If tag contains a value, the port is an access port. The
 * trunks column should be empty."; 3.1 logs "port DEV: ignoring trunks
 * in favor of implicit vlan", which the unit test checks); a port without a
 * tag is a trunk of its trunks, or of every VLAN when there are none.
 * Whether BR.TAG:TRUNK means that or "native VLAN plus trunks"
 * (vlan_mode native-untagged) is the mode's choice, not this layer's: the
 * spec's vlan_mode, when given, is written too.
 */
#ifndef NETMODES_OVS_PORT_H
#define NETMODES_OVS_PORT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netmodes/err.h"
#include "netmodes/ovs/ovsdb.h"
#include "netmodes/plan.h"

#define OVS_DB_NAME "Open_vSwitch"
/* OVS's VLAN numbers, 0..4095, for a tag and for trunks */
#define OVS_VLAN_COUNT 4096
/* ovs-vswitchd's answer to a port it could not open: ofport -1 */
#define OVS_OFPORT_FAILED (-1)
/* What an undo (a rollback) may take past the call's deadline. */
#define OVS_UNDO_GRACE_MS 2000u
#define OVS_ERROR_LEN 256
/* Names read back (a port's may be longer than a device's: patch ports) */
#define OVS_NAME_LEN 256

struct ovs_vlans {
	uint8_t bits[OVS_VLAN_COUNT / 8];
};

/* vid 0..4095; larger is ignored */
void ovs_vlans_add(struct ovs_vlans *v, unsigned vid);
bool ovs_vlans_has(const struct ovs_vlans *v, unsigned vid);
bool ovs_vlans_empty(const struct ovs_vlans *v);

/*
 * What add-port writes. The external_ids are those the script sets, in its
 * order: xen-vm-name, xen-vm-uuid, attached-mac; NULL: that key is not
 * written. The strings are copied by the constructor.
 */
struct ovs_port_spec {
	const char *bridge;	    /* the bridge, which must exist */
	const char *dev;	    /* the port's and its interface's name: the vif */
	int tag;		    /* 0..4095; -1: none */
	const struct ovs_vlans *trunks; /* NULL or empty: none */
	const char *vlan_mode;	    /* NULL: empty (see above); else "native-untagged"... */
	const char *vm_name, *vm_uuid, *attached_mac;
};

/*
 * Plan: ovs-vsctl --if-exists del-port DEV -- add-port BR DEV [tag=N]
 * [trunks=A,B] [vlan_mode=M] -- set interface DEV external-ids:xen-vm-name=...
 *
 * Apply: one transact (bridge BR must exist, "no such Open vSwitch bridge
 * BR", -ENODEV, and nothing changed; any Port DEV removed from whatever
 * bridge holds it, with its interfaces; Interface and Port DEV inserted and
 * added to BR's ports; next_cfg bumped), then a wait by deadline_ms (see
 * ovsdb.h) until ovs-vswitchd has applied it (cur_cfg; a monitor sent
 * with the transact, which brings the interface's ofport and error in the
 * same update): an error there, or ofport -1, fails the step ("ovs-
 * vswitchd cannot add DEV to BR: ERROR"), and so does the wait's end
 * (-ETIMEDOUT); on either, the port just added is removed again before
 * the step returns, so a failed step leaves no port of its own (a stale
 * port it removed stays removed). One case stays open: a server that takes
 * the transaction and does not answer it by the deadline (stopped, or
 * hung) may still commit it later, with nobody left to take it back; the
 * port then carries the vif's name, and the next add-port (a stale port,
 * replaced) or del-port (by name) of that vif removes it.
 *
 * Undo: removes exactly the port and interface this step inserted (by
 * their row uuids, whatever has the name since), and bumps next_cfg
 * without waiting for ovs-vswitchd: a rollback is quick, and ovs-vswitchd
 * applies it on its own. It may run OVS_UNDO_GRACE_MS past the deadline.
 *
 * sock: ovsdb-server's socket (OVSDB_DEFAULT_SOCK); the step connects when
 * it runs. Fails only with -ENOMEM.
 */
int op_ovs_add_port(struct plan *p, const char *sock, uint64_t deadline_ms,
		    const struct ovs_port_spec *spec);

/*
 * What a plan's read (ovs_port_read) leaves its add-port step: the
 * connection, and Port DEV's rows as read, which the step's transaction
 * then takes for its guard instead of reading them again. One session and
 * three round trips per online: the read; the transact with its wait's
 * monitor; the wait's end.
 */
struct ovs_port_read {
	struct ovsdb *db;
	json_t *guard;
	json_int_t id; /* the read's request, until ovs_port_read_end */
};

/* Closes r's connection and drops its rows; r may be NULL. */
void ovs_port_read_release(struct ovs_port_read *r);

/*
 * op_ovs_add_port on the session a plan's read left (read NULL, or its
 * members NULL: the step connects and reads when it runs, as
 * op_ovs_add_port's). The step takes read over, on failure too: read's
 * members are NULL after the call. When the port changed between that read
 * and the step, the step reads it again and retries, as op_ovs_add_port's.
 * Fails only with -ENOMEM.
 */
int op_ovs_add_port_on(struct plan *p, const char *sock, uint64_t deadline_ms,
		       const struct ovs_port_spec *spec, struct ovs_port_read *read);

/*
 * Plan: ovs-vsctl --if-exists del-port DEV
 *
 * Apply: when a Port DEV exists, on whatever bridge, one transact removes
 * it and its interfaces and bumps next_cfg, then waits by deadline_ms for
 * ovs-vswitchd to apply it; no Port DEV: nothing to do, no transact.
 * Undo: none. An offline's removal is not put back: the port was the vif's,
 * which is going away, and re-adding it would need every column ovs-
 * vswitchd and others keep in the rows, not only those add-port writes.
 * Fails only with -ENOMEM.
 */
int op_ovs_del_port(struct plan *p, const char *sock, uint64_t deadline_ms, const char *dev);

/* A bridge, as ovs_bridge_query reads it. */
struct ovs_bridge_state {
	bool exists;
	size_t n_ports;
	char **ports; /* n_ports names, sorted; the bridge's own port too */
};

/* A port, as ovs_port_query reads it. */
struct ovs_port_state {
	bool exists;
	char bridge[OVS_NAME_LEN]; /* "": on no bridge */
	int tag;		/* -1: none */
	struct ovs_vlans trunks;
	char vlan_mode[32];	/* "": empty (see above) */
	/* its interface of the same name */
	bool has_iface;
	int64_t ofport;		/* -1: failed; 0: none assigned (yet) */
	char error[OVS_ERROR_LEN]; /* "": none */
	char vm_name[256], vm_uuid[64], attached_mac[32]; /* external_ids; "": not set */
};

/*
 * Reads bridge br: whether it exists and the names of its ports. Returns 0
 * (ret->exists false when there is no such bridge: not an error), or -errno
 * with e set. On success the caller frees ret with ovs_bridge_state_free.
 */
int ovs_bridge_query(struct ovsdb *db, const char *br, uint64_t deadline_ms,
		     struct ovs_bridge_state *ret, struct nm_err *e);
void ovs_bridge_state_free(struct ovs_bridge_state *s);

/*
 * Reads port dev: whether it exists, its bridge, tag, trunks, vlan_mode,
 * and its interface's ofport, error and Xen external_ids. Returns 0
 * (ret->exists false: no such port), or -errno with e set.
 */
int ovs_port_query(struct ovsdb *db, const char *dev, uint64_t deadline_ms,
		   struct ovs_port_state *ret, struct nm_err *e);

/*
 * A plan's read, in one transaction on a connection of its own to sock:
 * ovs_port_query's, and whether bridge br exists (*ret_br_exists). When
 * ret_read is not NULL, the connection stays open in it with Port dev's
 * rows, for op_ovs_add_port_on (or ovs_port_read_release); else it is
 * closed. Returns 0, or -errno with e set (nothing kept then).
 */
int ovs_port_read(const char *sock, const char *br, const char *dev, uint64_t deadline_ms,
		  bool *ret_br_exists, struct ovs_port_state *ret, struct ovs_port_read *ret_read,
		  struct nm_err *e);

/*
 * The same in two halves, so the caller can do other work while
 * ovsdb-server answers: _start connects and sends the read (0, or -errno
 * with e set and nothing kept); _end takes its answer, as ovs_port_read
 * does, keeping the session in r when keep (else, and on failure, r is
 * released).
 */
int ovs_port_read_start(const char *sock, const char *dev, uint64_t deadline_ms,
			struct ovs_port_read *r, struct nm_err *e);
int ovs_port_read_end(struct ovs_port_read *r, const char *br, uint64_t deadline_ms,
		      bool *ret_br_exists, struct ovs_port_state *ret, bool keep, struct nm_err *e);

#endif
