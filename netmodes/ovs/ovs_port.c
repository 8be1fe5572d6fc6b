#include "netmodes/ovs/ovs_port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/json_str.h"

/* A transaction that met a change made since its read is tried again, this often at most. */
#define OVS_TXN_TRIES 5
#define UUID_LEN 37

static const char *const ext_keys[] = { "xen-vm-name", "xen-vm-uuid", "attached-mac" };
#define N_EXT (sizeof(ext_keys) / sizeof(ext_keys[0]))

void ovs_vlans_add(struct ovs_vlans *v, unsigned vid)
{
	if (vid < OVS_VLAN_COUNT)
		v->bits[vid / 8] |= (uint8_t)(1u << (vid % 8));
}

bool ovs_vlans_has(const struct ovs_vlans *v, unsigned vid)
{
	return vid < OVS_VLAN_COUNT && (v->bits[vid / 8] >> (vid % 8)) & 1;
}

bool ovs_vlans_empty(const struct ovs_vlans *v)
{
	for (size_t i = 0; i < sizeof(v->bits); i++)
		if (v->bits[i])
			return false;
	return true;
}

/* --- OVSDB's JSON values (RFC 7047 5.1) --- */

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* v's string, or "" when v is none */
static const char *str_of(const json_t *v)
{
	return str_or_empty(json_string_value(v));
}

/* The elements of a <set> (["set", [...]]), or of a single atom standing for one. */
static size_t set_size(const json_t *v)
{
	if (json_is_array(v) && json_array_size(v) == 2 &&
	    !strcmp(str_of(json_array_get(v, 0)), "set"))
		return json_array_size(json_array_get(v, 1));
	return v ? 1 : 0;
}

static const json_t *set_at(const json_t *v, size_t i)
{
	if (json_is_array(v) && json_array_size(v) == 2 &&
	    !strcmp(str_of(json_array_get(v, 0)), "set"))
		return json_array_get(json_array_get(v, 1), i);
	return i == 0 ? v : NULL;
}

/* The string of a <uuid> (["uuid", "..."]); NULL when v is none. */
static const char *uuid_str(const json_t *v)
{
	if (json_is_array(v) && json_array_size(v) == 2 &&
	    !strcmp(str_of(json_array_get(v, 0)), "uuid"))
		return json_string_value(json_array_get(v, 1));
	return NULL;
}

static bool set_has_uuid(const json_t *set, const char *uuid)
{
	for (size_t i = 0; i < set_size(set); i++) {
		const char *u = uuid_str(set_at(set, i));
		if (u && !strcmp(u, uuid))
			return true;
	}
	return false;
}

/* The value of key in a <map> (["map", [[k, v]...]]), or NULL. */
static const json_t *map_get(const json_t *map, const char *key)
{
	const json_t *pairs = json_array_get(map, 1), *pair;
	size_t i;

	if (strcmp(str_of(json_array_get(map, 0)), "map"))
		return NULL;
	json_array_foreach (pairs, i, pair)
		if (!strcmp(str_of(json_array_get(pair, 0)), key))
			return json_array_get(pair, 1);
	return NULL;
}

/* The rows of a select's result (the i-th of results). */
static json_t *rows_of(json_t *results, size_t i)
{
	return json_object_get(json_array_get(results, i), "rows");
}

/* --- operations (RFC 7047 5.2) --- */

/* [[column, "==", value]]; value stolen */
static json_t *where_eq(const char *column, json_t *value)
{
	json_t *w = value ? json_pack("[[s,s,O]]", column, "==", value) : NULL;

	json_decref(value);
	return w;
}

static json_t *uuid_atom(const char *uuid)
{
	return json_pack("[s,s]", "uuid", uuid);
}

static json_t *op_select(const char *table, json_t *where, const char *const *columns, size_t n)
{
	json_t *cols = json_array(), *op;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(cols, json_string(columns[i]));
	op = where && cols && json_array_size(cols) == n
		     ? json_pack("{s:s, s:s, s:O, s:O}", "op", "select", "table", table, "where", where,
				 "columns", cols)
		     : NULL;
	json_decref(where);
	json_decref(cols);
	return op;
}

static json_t *op_delete_uuid(const char *table, const char *uuid)
{
	json_t *where = where_eq("_uuid", uuid_atom(uuid));
	json_t *op = where ? json_pack("{s:s, s:s, s:O}", "op", "delete", "table", table, "where", where)
			   : NULL;

	json_decref(where);
	return op;
}

/* Removes port uuid from whichever bridge's ports hold it (a no-op for the others). */
static json_t *op_unlink_port(const char *uuid)
{
	json_t *u = uuid_atom(uuid);
	json_t *op = u ? json_pack("{s:s, s:s, s:[], s:[[s,s,[s,[O]]]]}", "op", "mutate", "table",
				   "Bridge", "where", "mutations", "ports", "delete", "set", u)
		       : NULL;

	json_decref(u);
	return op;
}

static json_t *op_comment(const char *verb, const char *dev)
{
	char text[128];

	snprintf(text, sizeof(text), "xen-netmodes: %s %s", verb, dev);
	return json_pack("{s:s, s:s}", "op", "comment", "comment", text);
}

/* next_cfg += 1, and its new value read in the same transaction */
static int add_next_cfg(json_t *ops, size_t *ret_index)
{
	if (json_array_append_new(ops, json_pack("{s:s, s:s, s:[], s:[[s,s,i]]}", "op", "mutate",
						 "table", "Open_vSwitch", "where", "mutations",
						 "next_cfg", "+=", 1)) < 0)
		return -ENOMEM;
	*ret_index = json_array_size(ops);
	return json_array_append_new(ops, json_pack("{s:s, s:s, s:[], s:[s]}", "op", "select", "table",
						     "Open_vSwitch", "where", "columns",
						     "next_cfg")) < 0
		       ? -ENOMEM
		       : 0;
}

static int next_cfg_of(json_t *results, size_t index, int64_t *ret, struct nm_err *e)
{
	const json_t *v = json_object_get(json_array_get(rows_of(results, index), 0), "next_cfg");

	if (!json_is_integer(v))
		return nm_fail(e, -EPROTO, "the Open vSwitch database has no Open_vSwitch row "
					   "(ovs-vsctl init makes it)");
	*ret = json_integer_value(v);
	return 0;
}

/* --- a port's rows, as read before a change --- */

/*
 * The Port named dev: its row (_uuid, interfaces) as select returns it,
 * and the guard that makes a transaction built on it fail (with a "timed
 * out" at that operation) if the row changed since: a `wait` until the
 * same select returns the same rows, at once.
 */
static const char *const port_cols[] = { "_uuid", "interfaces" };

struct cfg_watch;
static int transact_watched(struct ovsdb *db, json_t *ops, struct cfg_watch *w, const char *dev,
			    uint64_t deadline, json_t **ret_results, size_t *ret_failed,
			    struct nm_err *e);

/* w: the watch the connection carries, or NULL (see transact_watched) */
static int read_port(struct ovsdb *db, const char *dev, struct cfg_watch *w, uint64_t deadline,
		     json_t **ret_rows, struct nm_err *e)
{
	json_t *ops = json_array(), *results;
	int rc;

	if (json_array_append_new(ops, op_select("Port", where_eq("name", json_string(dev)), port_cols,
						 2)) < 0) {
		json_decref(ops);
		return -ENOMEM;
	}
	if ((rc = transact_watched(db, ops, w, dev, deadline, &results, NULL, e)) < 0)
		return rc;
	*ret_rows = json_incref(rows_of(results, 0));
	json_decref(results);
	return *ret_rows && json_is_array(*ret_rows)
		       ? 0
		       : (json_decref(*ret_rows),
			  nm_fail(e, -EPROTO, "ovsdb-server at %s: a select with no rows",
				  ovsdb_path(db)));
}

static json_t *op_guard_port(const char *dev, json_t *rows)
{
	json_t *where = where_eq("name", json_string(dev));
	json_t *op = where ? json_pack("{s:s, s:s, s:O, s:[s,s], s:s, s:O, s:i}", "op", "wait",
				       "table", "Port", "where", where, "columns", port_cols[0],
				       port_cols[1], "until", "==", "rows", rows, "timeout", 0)
			   : NULL;

	json_decref(where);
	return op;
}

/* The operations that remove the port rows describe (at most one: Port's name is an index). */
static int add_removal(json_t *ops, json_t *rows)
{
	json_t *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		const char *port = uuid_str(json_object_get(row, "_uuid"));
		const json_t *ifaces = json_object_get(row, "interfaces");
		if (!port)
			return -EPROTO;
		if (json_array_append_new(ops, op_unlink_port(port)) < 0 ||
		    json_array_append_new(ops, op_delete_uuid("Port", port)) < 0)
			return -ENOMEM;
		for (size_t j = 0; j < set_size(ifaces); j++) {
			const char *iface = uuid_str(set_at(ifaces, j));
			if (iface && json_array_append_new(ops, op_delete_uuid("Interface", iface)) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* --- waiting for ovs-vswitchd --- */

/*
 * The wait until ovs-vswitchd has applied a change (next_cfg): until
 * Open_vSwitch's cur_cfg, which ovs-vswitchd writes once it has
 * reconfigured, reaches it.
 *
 * Why a monitor, not a select every few ms: ovsdb-server sends the change
 * of cur_cfg the moment ovs-vswitchd commits it, so the wait lasts exactly
 * as long as ovs-vswitchd's work and costs no round trips meanwhile; a
 * loop of selects would add up to its period to every call and load the
 * server while it waits. The monitor's initial contents come with its
 * reply, so a change applied before the monitor started is seen too.
 *
 * The monitor is sent right behind the transaction it waits for, before
 * that is answered: one round trip for both, the wait starting with the
 * commit. A monitor_cond (ovsdb-server(7)) on cur_cfg and, when dev is
 * given (add-port), on the ofport and error of the interfaces named dev:
 * ovs-vswitchd writes those in the same transaction as cur_cfg, so they
 * come in the same update, and no select is left to make once cur_cfg is
 * reached. The replies and updates that come while another reply is
 * awaited on the connection are taken in on the way (watch_take).
 */
#define WATCH_ID "xnm-watch"

struct cfg_watch {
	json_int_t id; /* the monitor request's */
	bool sent, ready; /* ready: its reply, the initial contents, taken in */
	int64_t cur;	  /* cur_cfg as last seen; -1: not yet */
	json_t *ifaces;	  /* _uuid -> {"ofport", "error"} of those named dev; NULL: not watched */
};

static int watch_send(struct ovsdb *db, struct cfg_watch *w, const char *dev, uint64_t deadline,
		      struct nm_err *e)
{
	json_t *params = dev ? json_pack("[s, s, {s:[{s:[s]}], s:[{s:[s,s], s:[[s,s,s]]}]}]",
					 OVS_DB_NAME, WATCH_ID, "Open_vSwitch", "columns", "cur_cfg",
					 "Interface", "columns", "ofport", "error", "where", "name",
					 "==", dev)
			     : json_pack("[s, s, {s:[{s:[s]}]}]", OVS_DB_NAME, WATCH_ID,
					 "Open_vSwitch", "columns", "cur_cfg");
	int rc = ovsdb_send(db, "monitor_cond", params, deadline, &w->id, e);

	w->sent = rc == 0;
	return rc;
}

/* The row-update2's new values (initial, insert or modify: for a column of
 * at most one value, a modify carries the new value). */
static const json_t *update2_values(const json_t *row)
{
	static const char *const kinds[] = { "initial", "insert", "modify" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (json_object_get(row, kinds[i]))
			return json_object_get(row, kinds[i]);
	return NULL;
}

/* A <table-updates2> (the monitor's reply, or an update2's) taken in. */
static int watch_updates(struct cfg_watch *w, const json_t *updates)
{
	const json_t *row;
	const char *uuid;

	json_object_foreach ((json_t *)json_object_get(updates, "Open_vSwitch"), uuid, row) {
		const json_t *v = json_object_get(update2_values(row), "cur_cfg");
		if (json_is_integer(v) && json_integer_value(v) > w->cur)
			w->cur = json_integer_value(v);
	}
	if (!w->ifaces) /* not asked for */
		return 0;
	json_object_foreach ((json_t *)json_object_get(updates, "Interface"), uuid, row) {
		const json_t *vals = update2_values(row);
		json_t *now = json_object_get(w->ifaces, uuid);
		if (json_object_get(row, "delete")) {
			json_object_del(w->ifaces, uuid);
			continue;
		}
		if (!vals)
			continue;
		if (!now || !json_object_get(row, "modify")) {
			if (json_object_set_new(w->ifaces, uuid, now = json_object()) < 0 || !now)
				return -ENOMEM;
		}
		for (size_t i = 0; i < 2; i++) {
			const char *col = i ? "error" : "ofport";
			json_t *v = json_object_get(vals, col);
			if (v && json_object_set(now, col, v) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/*
 * msg taken in when it is the watch's (its reply, or an update2 of it):
 * 1, and msg released; 0: not the watch's, msg left to the caller; or
 * -errno with e set (the monitor refused: e says why).
 */
static int watch_take(struct ovsdb *db, struct cfg_watch *w, json_t *msg, struct nm_err *e)
{
	const json_t *params = json_object_get(msg, "params");
	json_t *initial;
	int rc;

	if (!w || !w->sent)
		return 0;
	if (ovsdb_is_reply(msg, w->id)) {
		rc = ovsdb_reply_result(db, msg, &initial, e);
		if (rc == 0) {
			rc = watch_updates(w, initial);
			json_decref(initial);
			w->ready = true;
		}
	} else if (!strcmp(str_of(json_object_get(msg, "method")), "update2") &&
		   !strcmp(str_of(json_array_get(params, 0)), WATCH_ID)) {
		rc = watch_updates(w, json_array_get(params, 1));
	} else {
		return 0;
	}
	json_decref(msg);
	return rc < 0 ? rc : 1;
}

/* The reply to request id (the caller's reference), the watch's messages taken in meanwhile. */
static int await_reply(struct ovsdb *db, json_int_t id, const char *method, struct cfg_watch *w,
		       uint64_t deadline, json_t **ret_msg, struct nm_err *e)
{
	uint64_t start = ovsdb_now_ms();

	for (;;) {
		json_t *msg;
		int rc = ovsdb_recv(db, deadline, &msg, e);
		if (rc == -ETIMEDOUT)
			return nm_fail(e, rc, "ovsdb-server at %s: no answer to %s within %llu ms",
				       ovsdb_path(db), method,
				       (unsigned long long)(ovsdb_now_ms() - start));
		if (rc < 0)
			return rc;
		if (ovsdb_is_reply(msg, id)) {
			*ret_msg = msg;
			return 0;
		}
		if ((rc = watch_take(db, w, msg, e)) < 0)
			return rc;
		if (rc == 0)
			json_decref(msg); /* anything else: skipped, as ovsdb_call does */
	}
}

/*
 * A transact (ops stolen) on the connection the watch w listens on, as
 * ovsdb_transact makes it; w NULL: ovsdb_transact. When w has not sent
 * its monitor yet, it is sent right after the transact (dev: see
 * watch_send).
 */
static int transact_watched(struct ovsdb *db, json_t *ops, struct cfg_watch *w, const char *dev,
			    uint64_t deadline, json_t **ret_results, size_t *ret_failed,
			    struct nm_err *e)
{
	json_t *msg, *results;
	json_int_t id;
	int rc;

	if (!w)
		return ovsdb_transact(db, OVS_DB_NAME, ops, deadline, ret_results, ret_failed, e);
	if (ret_failed)
		*ret_failed = SIZE_MAX;
	if ((rc = ovsdb_send(db, "transact", ovsdb_transact_params(OVS_DB_NAME, ops), deadline, &id,
			     e)) < 0 ||
	    (!w->sent && (rc = watch_send(db, w, dev, deadline, e)) < 0) ||
	    (rc = await_reply(db, id, "transact", w, deadline, &msg, e)) < 0)
		return rc;
	rc = ovsdb_reply_result(db, msg, &results, e);
	json_decref(msg);
	return rc < 0 ? rc : ovsdb_transact_result(db, results, ret_results, ret_failed, e);
}

/* Waits, by the watch, until ovs-vswitchd has applied next_cfg. */
static int watch_applied(struct ovsdb *db, struct cfg_watch *w, int64_t next_cfg, uint64_t deadline,
			 struct nm_err *e)
{
	uint64_t start = ovsdb_now_ms();

	while (!w->ready || w->cur < next_cfg) {
		json_t *msg;
		int rc = ovsdb_recv(db, deadline, &msg, e);
		if (rc == -ETIMEDOUT)
			return nm_fail(e, rc, "ovs-vswitchd did not apply the change within %llu ms "
					      "(cur_cfg %lld, next_cfg %lld): is ovs-vswitchd running?",
				       (unsigned long long)(ovsdb_now_ms() - start), (long long)w->cur,
				       (long long)next_cfg);
		if (rc < 0 || (rc = watch_take(db, w, msg, e)) < 0)
			return rc;
		if (rc == 0)
			json_decref(msg);
	}
	return 0;
}

/* --- add-port --- */

struct add_op {
	char *sock;
	uint64_t deadline;
	char *bridge, *dev;
	int tag;
	bool has_trunks;
	struct ovs_vlans trunks;
	char *vlan_mode; /* NULL: left empty */
	char *ext[N_EXT]; /* NULL: not written */
	/* from the plan's read (ovs_port_read), for the first try; NULL: none */
	struct ovsdb *db;
	json_t *guard;
	/* what apply inserted, for undo */
	char port_uuid[UUID_LEN], iface_uuid[UUID_LEN];
};

static json_t *trunks_json(const struct ovs_vlans *v)
{
	json_t *set = json_array(), *t;

	for (unsigned vid = 0; vid < OVS_VLAN_COUNT; vid++)
		if (ovs_vlans_has(v, vid) && json_array_append_new(set, json_integer(vid)) < 0) {
			json_decref(set);
			return NULL;
		}
	t = set ? json_pack("[s,O]", "set", set) : NULL;
	json_decref(set);
	return t;
}

static json_t *op_insert_iface(const struct add_op *o)
{
	json_t *pairs = json_array(), *row, *op;

	for (size_t i = 0; i < N_EXT; i++)
		if (o->ext[i] &&
		    json_array_append_new(pairs, json_pack("[s,s]", ext_keys[i], o->ext[i])) < 0) {
			json_decref(pairs);
			return NULL;
		}
	row = pairs ? json_pack("{s:s, s:s, s:[s,O]}", "name", o->dev, "type", "", "external_ids",
				"map", pairs)
		    : NULL;
	op = row ? json_pack("{s:s, s:s, s:s, s:O}", "op", "insert", "table", "Interface",
			     "uuid-name", "iface", "row", row)
		 : NULL;
	json_decref(pairs);
	json_decref(row);
	return op;
}

static json_t *op_insert_port(const struct add_op *o)
{
	json_t *row = json_pack("{s:s, s:[s,s]}", "name", o->dev, "interfaces", "named-uuid", "iface");
	json_t *op;

	if (row && o->tag >= 0 && json_object_set_new(row, "tag", json_integer(o->tag)) < 0)
		goto fail;
	if (row && o->has_trunks && json_object_set_new(row, "trunks", trunks_json(&o->trunks)) < 0)
		goto fail;
	if (row && o->vlan_mode && json_object_set_new(row, "vlan_mode", json_string(o->vlan_mode)) < 0)
		goto fail;
	op = row ? json_pack("{s:s, s:s, s:s, s:O}", "op", "insert", "table", "Port", "uuid-name",
			     "port", "row", row)
		 : NULL;
	json_decref(row);
	return op;
fail:
	json_decref(row);
	return NULL;
}

/* Indices of the add transaction's operations that its outcome is read from. */
enum {
	ADD_COMMENT,
	ADD_BRIDGE_EXISTS, /* a wait: fails when there is no such bridge */
	ADD_PORT_SAME,	   /* a wait: fails when the Port read before has changed */
};

/*
 * The add transaction, on the Port DEV rows read before:
 *   comment; wait until Bridge BR exists; wait until Port DEV is as read;
 *   [the stale port: unlinked from every bridge, deleted, its interfaces
 *   deleted]; insert Interface; insert Port; Bridge BR's ports += Port;
 *   next_cfg += 1; select next_cfg.
 */
static json_t *add_txn(const struct add_op *o, json_t *stale, size_t *ret_iface, size_t *ret_port,
		       size_t *ret_cfg)
{
	json_t *ops = json_array(), *where = where_eq("name", json_string(o->bridge));
	bool ok = ops && where;

	ok = ok && json_array_append_new(ops, op_comment("add-port", o->dev)) == 0;
	ok = ok && json_array_append_new(ops, json_pack("{s:s, s:s, s:O, s:[s], s:s, s:[], s:i}", "op",
							 "wait", "table", "Bridge", "where", where,
							 "columns", "name", "until", "!=", "rows",
							 "timeout", 0)) == 0;
	ok = ok && json_array_append_new(ops, op_guard_port(o->dev, stale)) == 0;
	ok = ok && add_removal(ops, stale) == 0;
	*ret_iface = json_array_size(ops);
	ok = ok && json_array_append_new(ops, op_insert_iface(o)) == 0;
	*ret_port = json_array_size(ops);
	ok = ok && json_array_append_new(ops, op_insert_port(o)) == 0;
	ok = ok && json_array_append_new(ops, json_pack("{s:s, s:s, s:O, s:[[s,s,[s,[[s,s]]]]]}", "op",
							 "mutate", "table", "Bridge", "where", where,
							 "mutations", "ports", "insert", "set",
							 "named-uuid", "port")) == 0;
	ok = ok && add_next_cfg(ops, ret_cfg) == 0;
	json_decref(where);
	if (!ok) {
		json_decref(ops);
		return NULL;
	}
	return ops;
}

/*
 * Removes the port and interface of these uuids (from whichever bridge
 * holds the port) and bumps next_cfg; with a next_cfg to wait for in
 * *ret_cfg when ret_cfg is not NULL, and w, when not NULL, the watch to
 * wait with (its monitor sent with the transact: transact_watched).
 */
static int remove_rows(struct ovsdb *db, const char *dev, const char *port, const char *iface,
		       struct cfg_watch *w, uint64_t deadline, int64_t *ret_cfg, struct nm_err *e)
{
	json_t *ops = json_array(), *results;
	size_t cfg_at = 0;
	bool ok = ops;
	int rc;

	ok = ok && json_array_append_new(ops, op_comment("del-port", dev)) == 0;
	ok = ok && json_array_append_new(ops, op_unlink_port(port)) == 0;
	ok = ok && json_array_append_new(ops, op_delete_uuid("Port", port)) == 0;
	ok = ok && (!iface || json_array_append_new(ops, op_delete_uuid("Interface", iface)) == 0);
	ok = ok && add_next_cfg(ops, &cfg_at) == 0;
	if (!ok) {
		json_decref(ops);
		return -ENOMEM;
	}
	if ((rc = transact_watched(db, ops, w, NULL, deadline, &results, NULL, e)) < 0)
		return rc;
	rc = ret_cfg ? next_cfg_of(results, cfg_at, ret_cfg, e) : 0;
	json_decref(results);
	return rc;
}

/* The deadline of an undo: the call's, or OVS_UNDO_GRACE_MS from now if that is later. */
static uint64_t undo_deadline(uint64_t deadline)
{
	uint64_t grace = ovsdb_now_ms() + OVS_UNDO_GRACE_MS;

	return deadline && deadline > grace ? deadline : grace;
}

/* Takes back a failed add's port, and says so after the reason in e. */
static void take_back(struct ovsdb *db, struct add_op *o, struct nm_err *e)
{
	struct nm_err ue = { "" };
	size_t len = strlen(e->msg);

	if (remove_rows(db, o->dev, o->port_uuid, o->iface_uuid, NULL, undo_deadline(o->deadline),
			NULL, &ue) < 0)
		snprintf(e->msg + len, sizeof(e->msg) - len, "; removing the port failed too: %s",
			 ue.msg);
	else
		o->port_uuid[0] = o->iface_uuid[0] = '\0';
}

/* The interface's ofport and error, now that ovs-vswitchd has applied it, as the watch has them. */
static int check_iface(const struct cfg_watch *w, const struct add_op *o, struct nm_err *e)
{
	const json_t *row = json_object_get(w->ifaces, o->iface_uuid);
	const json_t *ofport = set_at(json_object_get(row, "ofport"), 0);
	const json_t *err = set_at(json_object_get(row, "error"), 0);

	if (!row)
		return nm_fail(e, -ENOENT, "interface %s was removed while ovs-vswitchd applied it",
			       o->dev);
	if (json_is_string(err) && *json_string_value(err))
		return nm_fail(e, -EIO, "ovs-vswitchd cannot add %s to %s: %s", o->dev, o->bridge,
			       json_string_value(err));
	if (json_is_integer(ofport) && json_integer_value(ofport) == OVS_OFPORT_FAILED)
		return nm_fail(e, -EIO, "ovs-vswitchd cannot add %s to %s: it has no OpenFlow port",
			       o->dev, o->bridge);
	return 0;
}

static void copy_uuid(char *dst, const json_t *result)
{
	snprintf(dst, UUID_LEN, "%s", str_or_empty(uuid_str(json_object_get(result, "uuid"))));
}

/*
 * One session: the plan's (ovs_port_read) when it left one, its Port rows
 * the first try's guard; the transact and the watch's monitor sent
 * together; the wait and the interface's outcome from the watch.
 */
static int add_apply(struct op *op, struct nm_err *e)
{
	struct add_op *o = op->data;
	uint64_t deadline = ovsdb_deadline(o->deadline);
	struct ovsdb *db = o->db;
	struct cfg_watch w = { .cur = -1, .ifaces = json_object() };
	json_t *results = NULL, *stale = o->guard;
	int64_t next_cfg = 0;
	size_t at_iface, at_port, at_cfg;
	int rc, tries = 0;

	o->db = NULL;
	o->guard = NULL;
	if (!w.ifaces) {
		rc = -ENOMEM;
		goto out;
	}
	if (!db && (rc = ovsdb_open(o->sock, deadline, &db, e)) < 0)
		goto out;
	for (;;) {
		json_t *ops;
		size_t failed;
		if (!stale && (rc = read_port(db, o->dev, w.sent ? &w : NULL, deadline, &stale, e)) < 0)
			goto out;
		ops = add_txn(o, stale, &at_iface, &at_port, &at_cfg);
		json_decref(stale);
		stale = NULL;
		if (!ops) {
			rc = -ENOMEM;
			goto out;
		}
		rc = transact_watched(db, ops, &w, o->dev, deadline, &results, &failed, e);
		if (rc == 0)
			break;
		if (failed == ADD_BRIDGE_EXISTS) {
			rc = nm_fail(e, -ENODEV, "no such Open vSwitch bridge %s", o->bridge);
			goto out;
		}
		/* the Port DEV changed between our read and our transaction: read again */
		if (failed != ADD_PORT_SAME)
			goto out;
		if (++tries == OVS_TXN_TRIES) {
			rc = nm_fail(e, -EAGAIN, "port %s changed %d times while it was replaced",
				     o->dev, tries);
			goto out;
		}
	}
	copy_uuid(o->iface_uuid, json_array_get(results, at_iface));
	copy_uuid(o->port_uuid, json_array_get(results, at_port));
	if ((rc = next_cfg_of(results, at_cfg, &next_cfg, e)) < 0 ||
	    (rc = watch_applied(db, &w, next_cfg, deadline, e)) < 0 ||
	    (rc = check_iface(&w, o, e)) < 0)
		take_back(db, o, e);
out:
	json_decref(stale);
	json_decref(results);
	json_decref(w.ifaces);
	ovsdb_close(db);
	return rc;
}

static int add_undo(struct op *op, struct nm_err *e)
{
	struct add_op *o = op->data;
	uint64_t deadline = undo_deadline(o->deadline);
	struct ovsdb *db;
	struct cfg_watch w = { .cur = -1 };
	int64_t next_cfg = 0;
	int rc;

	if (!o->port_uuid[0])
		return 0;
	if ((rc = ovsdb_open(o->sock, deadline, &db, e)) < 0)
		return rc;
	/* applied before the rollback goes on: the steps before may be undone only after it */
	if ((rc = remove_rows(db, o->dev, o->port_uuid, o->iface_uuid, &w, deadline, &next_cfg,
			      e)) == 0)
		rc = watch_applied(db, &w, next_cfg, deadline, e);
	ovsdb_close(db);
	if (rc == 0)
		o->port_uuid[0] = o->iface_uuid[0] = '\0';
	return rc;
}

/*
 * A value as ovs-vsctl reads and prints one: bare when it is a plain word,
 * else in double quotes with JSON's escapes (control bytes too, so the line
 * stays one line).
 */
static void put_value(FILE *out, const char *s)
{
	bool bare = *s && !(*s >= '0' && *s <= '9') && *s != '-' && *s != '.';

	for (const char *c = s; *c && bare; c++)
		bare = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		       *c == '_' || *c == '-' || *c == '.';
	if (bare)
		fputs(s, out);
	else
		json_put_string(out, s);
}

static void put_trunks(FILE *out, const struct ovs_vlans *v)
{
	const char *sep = "";

	for (unsigned vid = 0; vid < OVS_VLAN_COUNT; vid++)
		if (ovs_vlans_has(v, vid)) {
			fprintf(out, "%s%u", sep, vid);
			sep = ",";
		}
}

static void add_describe(const struct op *op, FILE *out)
{
	const struct add_op *o = op->data;
	bool set = false;

	fprintf(out, "ovs-vsctl --if-exists del-port %s -- add-port %s %s", o->dev, o->bridge, o->dev);
	if (o->tag >= 0)
		fprintf(out, " tag=%d", o->tag);
	if (o->has_trunks) {
		fputs(" trunks=", out);
		put_trunks(out, &o->trunks);
	}
	if (o->vlan_mode) {
		fputs(" vlan_mode=", out);
		put_value(out, o->vlan_mode);
	}
	for (size_t i = 0; i < N_EXT; i++) {
		if (!o->ext[i])
			continue;
		if (!set)
			fprintf(out, " -- set interface %s", o->dev);
		set = true;
		fprintf(out, " external-ids:%s=", ext_keys[i]);
		put_value(out, o->ext[i]);
	}
	fputc('\n', out);
}

static void add_release(void *data)
{
	struct add_op *o = data;

	if (!o)
		return;
	free(o->sock);
	free(o->bridge);
	free(o->dev);
	free(o->vlan_mode);
	for (size_t i = 0; i < N_EXT; i++)
		free(o->ext[i]);
	ovsdb_close(o->db);
	json_decref(o->guard);
	free(o);
}

static const struct op_type add_type = {
	.name = "add Open vSwitch port",
	.apply = add_apply,
	.undo = add_undo,
	.describe = add_describe,
	.release = add_release,
};

/* strdup that keeps NULL: 0, or -ENOMEM */
static int dup_or_null(char **dst, const char *s)
{
	*dst = s ? strdup(s) : NULL;
	return s && !*dst ? -ENOMEM : 0;
}

int op_ovs_add_port(struct plan *p, const char *sock, uint64_t deadline_ms,
		    const struct ovs_port_spec *spec)
{
	return op_ovs_add_port_on(p, sock, deadline_ms, spec, NULL);
}

int op_ovs_add_port_on(struct plan *p, const char *sock, uint64_t deadline_ms,
		       const struct ovs_port_spec *spec, struct ovs_port_read *read)
{
	const char *ext[N_EXT] = { spec->vm_name, spec->vm_uuid, spec->attached_mac };
	struct add_op *o = calloc(1, sizeof(*o));
	int rc = 0;

	if (!o) {
		ovs_port_read_release(read);
		return -ENOMEM;
	}
	if (read) {
		o->db = read->db;
		o->guard = read->guard;
		read->db = NULL;
		read->guard = NULL;
	}
	o->deadline = deadline_ms;
	o->tag = spec->tag;
	o->has_trunks = spec->trunks && !ovs_vlans_empty(spec->trunks);
	if (o->has_trunks)
		o->trunks = *spec->trunks;
	rc |= dup_or_null(&o->sock, sock);
	rc |= dup_or_null(&o->bridge, spec->bridge);
	rc |= dup_or_null(&o->dev, spec->dev);
	rc |= dup_or_null(&o->vlan_mode, spec->vlan_mode);
	for (size_t i = 0; i < N_EXT; i++)
		rc |= dup_or_null(&o->ext[i], ext[i]);
	if (rc) {
		add_release(o);
		return -ENOMEM;
	}
	return plan_add(p, &add_type, o);
}

/* --- del-port --- */

struct del_op {
	char *sock, *dev;
	uint64_t deadline;
};

enum {
	DEL_COMMENT,
	DEL_PORT_SAME, /* a wait: fails when the Port read before has changed */
};

static int del_apply(struct op *op, struct nm_err *e)
{
	struct del_op *o = op->data;
	uint64_t deadline = ovsdb_deadline(o->deadline);
	struct ovsdb *db = NULL;
	struct cfg_watch w = { .cur = -1 };
	int64_t next_cfg = 0;
	int rc, tries = 0;

	if ((rc = ovsdb_open(o->sock, deadline, &db, e)) < 0)
		return rc;
	for (;;) {
		json_t *stale = NULL, *ops, *results;
		size_t failed, at_cfg = 0;
		bool ok;
		/* (once the watch listens, its updates are taken in meanwhile) */
		if ((rc = read_port(db, o->dev, w.sent ? &w : NULL, deadline, &stale, e)) < 0)
			goto out;
		if (json_array_size(stale) == 0) {
			json_decref(stale);
			goto out; /* --if-exists */
		}
		ok = (ops = json_array()) != NULL;
		ok = ok && json_array_append_new(ops, op_comment("del-port", o->dev)) == 0;
		ok = ok && json_array_append_new(ops, op_guard_port(o->dev, stale)) == 0;
		ok = ok && add_removal(ops, stale) == 0;
		ok = ok && add_next_cfg(ops, &at_cfg) == 0;
		json_decref(stale);
		if (!ok) {
			json_decref(ops);
			rc = -ENOMEM;
			goto out;
		}
		rc = transact_watched(db, ops, &w, NULL, deadline, &results, &failed, e);
		if (rc == 0) {
			rc = next_cfg_of(results, at_cfg, &next_cfg, e);
			json_decref(results);
			break;
		}
		if (failed != DEL_PORT_SAME)
			goto out;
		if (++tries == OVS_TXN_TRIES) {
			rc = nm_fail(e, -EAGAIN, "port %s changed %d times while it was removed",
				     o->dev, tries);
			goto out;
		}
	}
	if (rc == 0 && (rc = watch_applied(db, &w, next_cfg, deadline, e)) < 0) {
		size_t len = strlen(e->msg);
		snprintf(e->msg + len, sizeof(e->msg) - len, " (port %s is out of the database)", o->dev);
	}
out:
	ovsdb_close(db);
	return rc;
}

static void del_describe(const struct op *op, FILE *out)
{
	const struct del_op *o = op->data;

	fprintf(out, "ovs-vsctl --if-exists del-port %s\n", o->dev);
}

static void del_release(void *data)
{
	struct del_op *o = data;

	if (!o)
		return;
	free(o->sock);
	free(o->dev);
	free(o);
}

static const struct op_type del_type = {
	.name = "remove Open vSwitch port",
	.apply = del_apply,
	.describe = del_describe,
	.release = del_release,
};

int op_ovs_del_port(struct plan *p, const char *sock, uint64_t deadline_ms, const char *dev)
{
	struct del_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->deadline = deadline_ms;
	if (dup_or_null(&o->sock, sock) < 0 || dup_or_null(&o->dev, dev) < 0) {
		del_release(o);
		return -ENOMEM;
	}
	return plan_add(p, &del_type, o);
}

/* --- queries --- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ovs_bridge_state_free(struct ovs_bridge_state *s)
{
	for (size_t i = 0; i < s->n_ports; i++)
		free(s->ports[i]);
	free(s->ports);
	memset(s, 0, sizeof(*s));
}

int ovs_bridge_query(struct ovsdb *db, const char *br, uint64_t deadline_ms,
		     struct ovs_bridge_state *ret, struct nm_err *e)
{
	static const char *const br_cols[] = { "ports" }, *const port_cols_q[] = { "_uuid", "name" };
	struct ovs_bridge_state s = { 0 };
	json_t *ops = json_array(), *results, *bridge, *ports, *row;
	size_t i;
	int rc;

	if (json_array_append_new(ops, op_select("Bridge", where_eq("name", json_string(br)), br_cols,
						 1)) < 0 ||
	    json_array_append_new(ops, op_select("Port", json_array(), port_cols_q, 2)) < 0) {
		json_decref(ops);
		return -ENOMEM;
	}
	if ((rc = ovsdb_transact(db, OVS_DB_NAME, ops, deadline_ms, &results, NULL, e)) < 0)
		return rc;
	bridge = json_array_get(rows_of(results, 0), 0);
	ports = json_object_get(bridge, "ports");
	s.exists = bridge != NULL;
	if (s.exists && set_size(ports) && !(s.ports = calloc(set_size(ports), sizeof(*s.ports))))
		rc = -ENOMEM;
	json_array_foreach (rows_of(results, 1), i, row) {
		const char *uuid = uuid_str(json_object_get(row, "_uuid"));
		const char *name = json_string_value(json_object_get(row, "name"));
		if (rc || !uuid || !name || !set_has_uuid(ports, uuid) || s.n_ports == set_size(ports))
			continue;
		if (!(s.ports[s.n_ports] = strdup(name)))
			rc = -ENOMEM;
		else
			s.n_ports++;
	}
	json_decref(results);
	if (rc) {
		ovs_bridge_state_free(&s);
		return rc;
	}
	if (s.n_ports)
		qsort(s.ports, s.n_ports, sizeof(*s.ports), cmp_names);
	*ret = s;
	return 0;
}

static void copy_ext(char *dst, size_t n, const json_t *map, const char *key)
{
	snprintf(dst, n, "%s", str_of(map_get(map, key)));
}

/* Port dev's rows reduced to the guard's columns (op_guard_port): the add-port's stale rows. */
static json_t *guard_of(const json_t *rows)
{
	json_t *guard = json_array(), *row;
	size_t i;

	json_array_foreach ((json_t *)rows, i, row) {
		json_t *g = json_object();
		for (size_t c = 0; g && c < 2; c++) {
			json_t *v = json_object_get(row, port_cols[c]);
			if (v && json_object_set(g, port_cols[c], v) < 0) {
				json_decref(g);
				g = NULL;
			}
		}
		if (json_array_append_new(guard, g) < 0) {
			json_decref(guard);
			return NULL;
		}
	}
	return guard;
}

/*
 * ovs_port_query, and with it (in the same transaction) whether bridge br
 * exists (br NULL: not asked) and Port dev's rows as the add-port's guard
 * (ret_guard NULL: not kept).
 */
/* The query's operations: Port dev, Interface dev, every Bridge's name and ports. NULL: out of memory. */
static json_t *port_query_ops(const char *dev)
{
	static const char *const pcols[] = { "_uuid", "tag", "trunks", "vlan_mode", "interfaces" },
				 *const icols[] = { "_uuid", "ofport", "error", "external_ids" },
				 *const bcols[] = { "name", "ports" };
	json_t *ops = json_array();

	if (json_array_append_new(ops, op_select("Port", where_eq("name", json_string(dev)), pcols, 5)) < 0 ||
	    json_array_append_new(ops, op_select("Interface", where_eq("name", json_string(dev)), icols,
						 4)) < 0 ||
	    json_array_append_new(ops, op_select("Bridge", json_array(), bcols, 2)) < 0) {
		json_decref(ops);
		return NULL;
	}
	return ops;
}

/* The query's results (stolen) read into ret, and br's existence and the guard when asked. */
static int port_query_parse(json_t *results, const char *br, struct ovs_port_state *ret,
			    bool *ret_br_exists, json_t **ret_guard)
{
	struct ovs_port_state s = { .tag = -1 };
	json_t *port, *iface, *row;
	const char *puuid, *iuuid;
	size_t i;

	port = json_array_get(rows_of(results, 0), 0);
	iface = json_array_get(rows_of(results, 1), 0);
	puuid = uuid_str(json_object_get(port, "_uuid"));
	iuuid = uuid_str(json_object_get(iface, "_uuid"));
	if (port && puuid) {
		const json_t *tag = set_at(json_object_get(port, "tag"), 0);
		const json_t *trunks = json_object_get(port, "trunks");
		const json_t *mode = set_at(json_object_get(port, "vlan_mode"), 0);
		s.exists = true;
		if (json_is_integer(tag))
			s.tag = (int)json_integer_value(tag);
		for (size_t j = 0; j < set_size(trunks); j++)
			if (json_is_integer(set_at(trunks, j)))
				ovs_vlans_add(&s.trunks, (unsigned)json_integer_value(set_at(trunks, j)));
		snprintf(s.vlan_mode, sizeof(s.vlan_mode), "%s", str_of(mode));
		json_array_foreach (rows_of(results, 2), i, row)
			if (set_has_uuid(json_object_get(row, "ports"), puuid))
				snprintf(s.bridge, sizeof(s.bridge), "%s",
					 str_of(json_object_get(row, "name")));
	}
	if (s.exists && iuuid && set_has_uuid(json_object_get(port, "interfaces"), iuuid)) {
		const json_t *ofport = set_at(json_object_get(iface, "ofport"), 0);
		const json_t *err = set_at(json_object_get(iface, "error"), 0);
		const json_t *ext = json_object_get(iface, "external_ids");
		s.has_iface = true;
		s.ofport = json_is_integer(ofport) ? json_integer_value(ofport) : 0;
		snprintf(s.error, sizeof(s.error), "%s", str_of(err));
		copy_ext(s.vm_name, sizeof(s.vm_name), ext, ext_keys[0]);
		copy_ext(s.vm_uuid, sizeof(s.vm_uuid), ext, ext_keys[1]);
		copy_ext(s.attached_mac, sizeof(s.attached_mac), ext, ext_keys[2]);
	}
	if (br) {
		*ret_br_exists = false;
		json_array_foreach (rows_of(results, 2), i, row)
			if (!strcmp(str_of(json_object_get(row, "name")), br))
				*ret_br_exists = true;
	}
	if (ret_guard && !(*ret_guard = guard_of(rows_of(results, 0)))) {
		json_decref(results);
		return -ENOMEM;
	}
	json_decref(results);
	*ret = s;
	return 0;
}

int ovs_port_query(struct ovsdb *db, const char *dev, uint64_t deadline_ms,
		   struct ovs_port_state *ret, struct nm_err *e)
{
	json_t *results;
	int rc = ovsdb_transact(db, OVS_DB_NAME, port_query_ops(dev), deadline_ms, &results, NULL, e);

	return rc < 0 ? rc : port_query_parse(results, NULL, ret, NULL, NULL);
}

int ovs_port_read_start(const char *sock, const char *dev, uint64_t deadline_ms,
			struct ovs_port_read *r, struct nm_err *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = ovsdb_open(sock, deadline_ms, &r->db, e)) < 0)
		return rc;
	if ((rc = ovsdb_send(r->db, "transact", ovsdb_transact_params(OVS_DB_NAME, port_query_ops(dev)),
			     deadline_ms, &r->id, e)) < 0)
		ovs_port_read_release(r);
	return rc;
}

int ovs_port_read_end(struct ovs_port_read *r, const char *br, uint64_t deadline_ms,
		      bool *ret_br_exists, struct ovs_port_state *ret, bool keep, struct nm_err *e)
{
	json_t *msg, *results;
	int rc;

	if (!r->db)
		return nm_fail(e, -EINVAL, "no read under way");
	if ((rc = await_reply(r->db, r->id, "transact", NULL, ovsdb_deadline(deadline_ms), &msg,
			      e)) == 0) {
		rc = ovsdb_reply_result(r->db, msg, &results, e);
		json_decref(msg);
	}
	if (rc == 0)
		rc = ovsdb_transact_result(r->db, results, &results, NULL, e);
	if (rc == 0)
		rc = port_query_parse(results, br, ret, ret_br_exists, keep ? &r->guard : NULL);
	if (rc < 0 || !keep)
		ovs_port_read_release(r);
	return rc;
}

int ovs_port_read(const char *sock, const char *br, const char *dev, uint64_t deadline_ms,
		  bool *ret_br_exists, struct ovs_port_state *ret, struct ovs_port_read *ret_read,
		  struct nm_err *e)
{
	struct ovs_port_read r;
	int rc = ovs_port_read_start(sock, dev, deadline_ms, &r, e);

	if (rc == 0 && (rc = ovs_port_read_end(&r, br, deadline_ms, ret_br_exists, ret,
					       ret_read != NULL, e)) == 0 && ret_read)
		*ret_read = r;
	return rc;
}

void ovs_port_read_release(struct ovs_port_read *r)
{
	if (!r)
		return;
	ovsdb_close(r->db);
	json_decref(r->guard);
	r->db = NULL;
	r->guard = NULL;
}
