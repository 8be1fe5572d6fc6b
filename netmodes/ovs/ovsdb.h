/*
 * An OVSDB client (RFC 7047): JSON-RPC over ovsdb-server's Unix socket,
 * the JSON through jansson. One connection, one request at a time; the
 * server's echo requests are answered and its notifications passed to
 * whoever reads them (ovsdb_recv) or skipped (ovsdb_call). Nothing here
 * knows the Open_vSwitch schema: that is ovs_port.c.
 *
 * Every wait ends by a deadline: an absolute time on CLOCK_MONOTONIC in
 * ms, as ovsdb_now_ms() counts it (the call's deadline, which hotplug/
 * keeps the same way). 0 means none was given, and a wait then stops
 * OVSDB_DEFAULT_WAIT_MS after it began: ovs-vsctl's --timeout=30 in Xen's
 * script, so a call here never waits forever.
 *
 * Errors: negative errno, with e saying why in one line:
 *   "cannot reach ovsdb-server at PATH: REASON"   (connect; -ENOENT, -ECONNREFUSED...)
 *   "ovsdb-server at PATH: no answer to METHOD within N ms"   (-ETIMEDOUT)
 *   "ovsdb-server: ERROR: DETAILS"    (a JSON-RPC or transaction error, -EIO)
 *   "ovsdb-server at PATH ..."         (the connection lost, -ECONNRESET;
 *                                       not JSON-RPC, -EPROTO)
 */
#ifndef NETMODES_OVSDB_H
#define NETMODES_OVSDB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netmodes/err.h"

#define OVSDB_DEFAULT_SOCK "/var/run/openvswitch/db.sock"
#define OVSDB_DEFAULT_WAIT_MS 30000u

struct ovsdb;

/* Now, on CLOCK_MONOTONIC, in ms: what deadlines are counted in. */
uint64_t ovsdb_now_ms(void);

/* The deadline that applies to a wait starting now: deadline_ms, or now + OVSDB_DEFAULT_WAIT_MS if 0. */
uint64_t ovsdb_deadline(uint64_t deadline_ms);

/*
 * Connects to ovsdb-server's socket at path. On success *ret is a
 * connection the caller closes with ovsdb_close. Returns 0, or -errno with
 * e set ("cannot reach ovsdb-server at PATH: REASON"); *ret untouched then.
 */
int ovsdb_open(const char *path, uint64_t deadline_ms, struct ovsdb **ret, struct nm_err *e);

/* Closes the connection; db may be NULL. */
void ovsdb_close(struct ovsdb *db);

/* The socket's path, for messages. */
const char *ovsdb_path(const struct ovsdb *db);

/*
 * Sends the request METHOD with params (an array; stolen: the call owns it
 * from here, also on failure) and waits for the reply of the same id,
 * answering echo requests and skipping notifications meanwhile. On success
 * *ret_result is the reply's result, the caller's reference. Returns 0, or
 * -EIO when the reply carries an error (e: "ovsdb-server: ERROR"),
 * -ETIMEDOUT, -ECONNRESET, -EPROTO, -ENOMEM, or a send's -errno.
 */
int ovsdb_call(struct ovsdb *db, const char *method, json_t *params, uint64_t deadline_ms,
	       json_t **ret_result, struct nm_err *e);

/*
 * The same in parts, for requests sent one after another before their
 * replies are read (ovs_port.c's add-port: the transact and the monitor of
 * its outcome, in one round trip).
 *
 * ovsdb_send sends the request METHOD with params (stolen, as above)
 * without waiting: *ret_id is its id. Returns 0, -ENOMEM or a send's
 * -errno with e set.
 */
int ovsdb_send(struct ovsdb *db, const char *method, json_t *params, uint64_t deadline_ms,
	       json_int_t *ret_id, struct nm_err *e);

/* Whether msg (from ovsdb_recv) is the reply to the request of this id. */
bool ovsdb_is_reply(const json_t *msg, json_int_t id);

/*
 * The result of the reply msg: 0 with *ret_result (the caller's
 * reference), -EIO when it carries an error (e: "ovsdb-server: ERROR"),
 * -EPROTO when it has no result.
 */
int ovsdb_reply_result(const struct ovsdb *db, const json_t *msg, json_t **ret_result,
		       struct nm_err *e);

/* A transact's params: database db_name, then the operations ops (stolen). NULL: out of memory. */
json_t *ovsdb_transact_params(const char *db_name, json_t *ops);

/* A transact's result (stolen), checked as ovsdb_transact checks it (below). */
int ovsdb_transact_result(const struct ovsdb *db, json_t *results, json_t **ret_results,
			  size_t *ret_failed, struct nm_err *e);

/*
 * A transact on database db_name with the operations ops (an array;
 * stolen). Returns 0 with *ret_results the array of the operations'
 * results (the caller's reference) when every operation and the commit
 * succeeded. When one failed (an object with "error"), returns -EIO with e
 * "ovsdb-server: ERROR: DETAILS" (": DETAILS" when there are some) and, when ret_failed is not NULL,
 * *ret_failed the index of the failed operation (ops' length or more: the
 * commit failed); ret_failed is SIZE_MAX for any other failure (those of
 * ovsdb_call).
 */
int ovsdb_transact(struct ovsdb *db, const char *db_name, json_t *ops, uint64_t deadline_ms,
		   json_t **ret_results, size_t *ret_failed, struct nm_err *e);

/*
 * The next message from the server that is not an echo request (those are
 * answered here): a notification, or a reply nobody waited for. On success
 * *ret_msg is the whole message object, the caller's reference. Returns 0,
 * -ETIMEDOUT (e: "... no message within N ms"), -ECONNRESET, -EPROTO or
 * -ENOMEM.
 */
int ovsdb_recv(struct ovsdb *db, uint64_t deadline_ms, json_t **ret_msg, struct nm_err *e);

/*
 * The length of the first JSON value (an object or array) at the start of
 * buf[0..n), leading white space included: 0 when it is not complete yet,
 * -1 when buf does not start one. The stream's framing: JSON-RPC over a
 * socket has no delimiter between messages. Pure, for the tests.
 */
long ovsdb_frame_len(const char *buf, size_t n);

#endif
