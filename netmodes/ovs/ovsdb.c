#include "netmodes/ovs/ovsdb.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define OVSDB_READ_CHUNK ((size_t)4096)
/* A reply larger than this is refused: the queries here read a few rows. */
#define OVSDB_MSG_MAX (16u << 20)

struct ovsdb {
	int fd;
	json_int_t next_id;
	char *buf; /* bytes read, not yet parsed: buf[0..len) */
	size_t len, cap;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

uint64_t ovsdb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t ovsdb_deadline(uint64_t deadline_ms)
{
	return deadline_ms ? deadline_ms : ovsdb_now_ms() + OVSDB_DEFAULT_WAIT_MS;
}

/* The ms left until deadline, for poll(): 0 once it has passed. */
static int ms_left(uint64_t deadline)
{
	uint64_t now = ovsdb_now_ms();

	if (now >= deadline)
		return 0;
	return deadline - now > INT32_MAX ? INT32_MAX : (int)(deadline - now);
}

/* Waits for events on the socket until deadline: 1 ready, 0 timed out, -errno. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, ms_left(deadline));
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return nm_errno();
	}
}

/*
 * A connect that ends by the deadline. A Unix socket's connect does not
 * go on in the background: a full backlog (a server too busy, or stopped)
 * answers EAGAIN at once, and the connect is tried again.
 */
static int connect_by(int fd, const struct sockaddr_un *sa, uint64_t deadline)
{
	long pause_us = 200;

	for (;;) {
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return nm_errno();
		if (!ms_left(deadline))
			return -ETIMEDOUT;
		usleep((useconds_t)pause_us);
		if (pause_us < 20000)
			pause_us *= 2;
	}
}

int ovsdb_open(const char *path, uint64_t deadline_ms, struct ovsdb **ret, struct nm_err *e)
{
	uint64_t deadline = ovsdb_deadline(deadline_ms);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ovsdb *db;
	int rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return nm_fail(e, -ENAMETOOLONG, "cannot reach ovsdb-server at %s: the path is too long",
			       path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (!(db = calloc(1, sizeof(*db))))
		return -ENOMEM;
	db->next_id = 1;
	memcpy(db->path, path, strlen(path) + 1);
	if ((db->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		rc = nm_fail(e, nm_errno(), "cannot reach ovsdb-server at %s: socket: %s", path,
			     strerror(errno));
		free(db);
		return rc;
	}
	if ((rc = connect_by(db->fd, &sa, deadline)) < 0) {
		nm_set(e, "cannot reach ovsdb-server at %s: %s", path,
		       rc == -ETIMEDOUT ? "its socket accepts no connection" : strerror(-rc));
		ovsdb_close(db);
		return rc;
	}
	*ret = db;
	return 0;
}

void ovsdb_close(struct ovsdb *db)
{
	if (!db)
		return;
	if (db->fd >= 0)
		close(db->fd);
	free(db->buf);
	free(db);
}

const char *ovsdb_path(const struct ovsdb *db)
{
	return db->path;
}

long ovsdb_frame_len(const char *buf, size_t n)
{
	size_t i = 0, depth = 0;
	bool in_string = false, escaped = false;

	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i == n)
		return 0;
	if (buf[i] != '{' && buf[i] != '[')
		return -1;
	for (; i < n; i++) {
		char c = buf[i];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return (long)(i + 1);
		}
	}
	return 0;
}

/* Sends msg whole (a compact JSON text), by the deadline. */
static int send_msg(struct ovsdb *db, const json_t *msg, uint64_t deadline, struct nm_err *e)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;
	int rc = 0;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	while (off < len) {
		ssize_t n = send(db->fd, text + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			rc = nm_fail(e, nm_errno(), "ovsdb-server at %s: cannot send: %s", db->path,
				     strerror(errno));
			break;
		}
		if ((rc = wait_fd(db->fd, POLLOUT, deadline)) <= 0) {
			rc = rc ? nm_fail(e, rc, "ovsdb-server at %s: cannot send: %s", db->path,
					  strerror(-rc))
				: nm_fail(e, -ETIMEDOUT, "ovsdb-server at %s takes no request", db->path);
			break;
		}
		rc = 0;
	}
	free(text);
	return rc;
}

/*
 * The next message off the socket, whatever it is: 0 with *ret_msg, or
 * -ETIMEDOUT (no reason set: the callers say what they waited for),
 * -ECONNRESET, -EPROTO, -ENOMEM.
 */
static int read_msg(struct ovsdb *db, uint64_t deadline, json_t **ret_msg, struct nm_err *e)
{
	for (;;) {
		long frame = ovsdb_frame_len(db->buf, db->len);
		ssize_t n;
		int rc;

		if (frame < 0)
			return nm_fail(e, -EPROTO, "ovsdb-server at %s: its answer is not JSON-RPC",
				       db->path);
		if (frame > 0) {
			json_error_t je;
			json_t *msg = json_loadb(db->buf, (size_t)frame, 0, &je);
			memmove(db->buf, db->buf + frame, db->len - (size_t)frame);
			db->len -= (size_t)frame;
			if (!msg || !json_is_object(msg)) {
				json_decref(msg);
				return nm_fail(e, -EPROTO, "ovsdb-server at %s: its answer is not JSON-RPC: %s",
					       db->path, msg ? "not an object" : je.text);
			}
			*ret_msg = msg;
			return 0;
		}
		if (db->len + OVSDB_READ_CHUNK > db->cap) {
			size_t cap = db->cap ? 2 * db->cap : 2 * OVSDB_READ_CHUNK;
			char *buf;
			if (cap > OVSDB_MSG_MAX)
				return nm_fail(e, -EPROTO, "ovsdb-server at %s: an answer over %u bytes",
					       db->path, OVSDB_MSG_MAX);
			if (!(buf = realloc(db->buf, cap)))
				return -ENOMEM;
			db->buf = buf;
			db->cap = cap;
		}
		n = recv(db->fd, db->buf + db->len, db->cap - db->len, 0);
		if (n > 0) {
			db->len += (size_t)n;
			continue;
		}
		if (n == 0)
			return nm_fail(e, -ECONNRESET, "ovsdb-server at %s closed the connection",
				       db->path);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return nm_fail(e, nm_errno(), "ovsdb-server at %s: cannot read: %s", db->path,
				       strerror(errno));
		if ((rc = wait_fd(db->fd, POLLIN, deadline)) < 0)
			return nm_fail(e, rc, "ovsdb-server at %s: cannot read: %s", db->path,
				       strerror(-rc));
		if (rc == 0)
			return -ETIMEDOUT;
	}
}

/* An echo request (the server's keepalive), answered: 1; anything else: 0. */
static int answer_echo(struct ovsdb *db, const json_t *msg, uint64_t deadline, struct nm_err *e)
{
	const json_t *method = json_object_get(msg, "method"), *id = json_object_get(msg, "id");
	json_t *params = json_object_get(msg, "params"), *reply;
	int rc;

	if (!json_is_string(method) || strcmp(json_string_value(method), "echo") || !id ||
	    json_is_null(id))
		return 0;
	reply = json_pack("{s:O, s:O, s:n}", "id", id, "result", params ? params : json_null(),
			  "error");
	if (!reply)
		return -ENOMEM;
	rc = send_msg(db, reply, deadline, e);
	json_decref(reply);
	return rc < 0 ? rc : 1;
}

/* The next message that is not an echo request (those are answered on the way). */
static int read_answering(struct ovsdb *db, uint64_t deadline, json_t **ret_msg, struct nm_err *e)
{
	for (;;) {
		json_t *msg;
		int rc = read_msg(db, deadline, &msg, e);

		if (rc < 0)
			return rc;
		if ((rc = answer_echo(db, msg, deadline, e)) == 0) {
			*ret_msg = msg;
			return 0;
		}
		json_decref(msg);
		if (rc < 0)
			return rc;
	}
}

int ovsdb_recv(struct ovsdb *db, uint64_t deadline_ms, json_t **ret_msg, struct nm_err *e)
{
	uint64_t start = ovsdb_now_ms();
	int rc = read_answering(db, ovsdb_deadline(deadline_ms), ret_msg, e);

	if (rc == -ETIMEDOUT)
		return nm_fail(e, rc, "ovsdb-server at %s: no message within %llu ms", db->path,
			       (unsigned long long)(ovsdb_now_ms() - start));
	return rc;
}

/* "ovsdb-server: ERROR: DETAILS" from an error object (or string) into e. */
static void error_reason(const json_t *err, struct nm_err *e)
{
	const char *what = NULL, *details = NULL;

	if (json_is_string(err)) {
		what = json_string_value(err);
	} else if (json_is_object(err)) {
		const json_t *w = json_object_get(err, "error"), *d = json_object_get(err, "details");
		what = json_is_string(w) ? json_string_value(w) : NULL;
		details = json_is_string(d) ? json_string_value(d) : NULL;
	}
	if (!what) {
		char *text = json_dumps(err, JSON_COMPACT | JSON_ENCODE_ANY);
		nm_set(e, "ovsdb-server: %s", text ? text : "an error");
		free(text);
	} else if (details && *details) {
		nm_set(e, "ovsdb-server: %s: %s", what, details);
	} else {
		nm_set(e, "ovsdb-server: %s", what);
	}
}

int ovsdb_send(struct ovsdb *db, const char *method, json_t *params, uint64_t deadline_ms,
	       json_int_t *ret_id, struct nm_err *e)
{
	json_int_t id = db->next_id++;
	json_t *req;
	int rc;

	if (!params)
		return -ENOMEM;
	req = json_pack("{s:s, s:O, s:I}", "method", method, "params", params, "id", id);
	json_decref(params);
	if (!req)
		return -ENOMEM;
	rc = send_msg(db, req, ovsdb_deadline(deadline_ms), e);
	json_decref(req);
	if (rc == 0)
		*ret_id = id;
	return rc;
}

bool ovsdb_is_reply(const json_t *msg, json_int_t id)
{
	const json_t *rid = json_object_get(msg, "id");

	/* not a notification (id null), nor the answer to another request */
	return !json_object_get(msg, "method") && json_is_integer(rid) && json_integer_value(rid) == id;
}

int ovsdb_reply_result(const struct ovsdb *db, const json_t *msg, json_t **ret_result,
		       struct nm_err *e)
{
	const json_t *err = json_object_get(msg, "error"), *result = json_object_get(msg, "result");

	if (err && !json_is_null(err)) {
		error_reason(err, e);
		return -EIO;
	}
	if (!result)
		return nm_fail(e, -EPROTO, "ovsdb-server at %s: an answer with no result", db->path);
	*ret_result = json_incref((json_t *)result);
	return 0;
}

int ovsdb_call(struct ovsdb *db, const char *method, json_t *params, uint64_t deadline_ms,
	       json_t **ret_result, struct nm_err *e)
{
	uint64_t start = ovsdb_now_ms(), deadline = ovsdb_deadline(deadline_ms);
	json_int_t id;
	int rc;

	if ((rc = ovsdb_send(db, method, params, deadline, &id, e)) < 0)
		return rc;
	for (;;) {
		json_t *msg;
		bool ours;

		if ((rc = read_answering(db, deadline, &msg, e)) == -ETIMEDOUT)
			return nm_fail(e, rc, "ovsdb-server at %s: no answer to %s within %llu ms",
				       db->path, method, (unsigned long long)(ovsdb_now_ms() - start));
		if (rc < 0)
			return rc;
		/* else a notification, or the answer to a request given up on: skipped */
		ours = ovsdb_is_reply(msg, id);
		if (ours)
			rc = ovsdb_reply_result(db, msg, ret_result, e);
		json_decref(msg);
		if (ours)
			return rc;
	}
}

json_t *ovsdb_transact_params(const char *db_name, json_t *ops)
{
	json_t *params = ops ? json_array() : NULL;

	if (!params || json_array_append_new(params, json_string(db_name)) < 0 ||
	    json_array_extend(params, ops) < 0) {
		json_decref(params);
		params = NULL;
	}
	json_decref(ops);
	return params;
}

int ovsdb_transact_result(const struct ovsdb *db, json_t *results, json_t **ret_results,
			  size_t *ret_failed, struct nm_err *e)
{
	json_t *r;
	size_t i;

	if (ret_failed)
		*ret_failed = SIZE_MAX;
	if (!json_is_array(results)) {
		json_decref(results);
		return nm_fail(e, -EPROTO, "ovsdb-server at %s: a transact's result is not an array",
			       db->path);
	}
	/* RFC 7047 4.1.3: the failed operation's result is an error object;
	 * one past the operations, the commit's. */
	json_array_foreach (results, i, r) {
		const json_t *err = json_object_get(r, "error");
		if (err && !json_is_null(err)) {
			error_reason(r, e);
			if (ret_failed)
				*ret_failed = i;
			json_decref(results);
			return -EIO;
		}
	}
	*ret_results = results;
	return 0;
}

int ovsdb_transact(struct ovsdb *db, const char *db_name, json_t *ops, uint64_t deadline_ms,
		   json_t **ret_results, size_t *ret_failed, struct nm_err *e)
{
	json_t *results;
	int rc;

	if (ret_failed)
		*ret_failed = SIZE_MAX;
	if ((rc = ovsdb_call(db, "transact", ovsdb_transact_params(db_name, ops), deadline_ms,
			     &results, e)) < 0)
		return rc;
	return ovsdb_transact_result(db, results, ret_results, ret_failed, e);
}
