/*
 * A xenstore server for tests. Debian's xenstored and oxenstored need a
 * hypervisor; this one speaks the same wire protocol (xs_wire.h) over a
 * Unix socket, so the unmodified libxenstore and xenstore-* tools work
 * against it through XENSTORED_PATH. Every client is dom0.
 *
 *   xs-fixture --socket PATH [--pidfile FILE] [--dump FILE] [--log FILE]
 *
 * Writing N to /tool/xs-fixture/drop-after makes it hang up on each client
 * at that client's (N+1)th request (0: never), for fault tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "store.h"

#define HOME "/local/domain/0"

struct watch {
	char *path; /* absolute, or "@..." */
	char *token;
	bool relative;
	struct watch *next;
};

struct txn {
	uint32_t id;
	struct store view;
	unsigned long long base;
	char **changed;
	size_t n_changed;
	struct txn *next;
};

struct conn {
	int fd;
	struct xsd_sockmsg hdr;
	size_t got; /* bytes of header + payload received */
	char payload[XENSTORE_PAYLOAD_MAX + 1];
	char *out;
	size_t out_len, out_off;
	struct watch *watches;
	struct txn *txns;
	unsigned long requests;
	struct conn *next;
};

static struct store tree;
static struct conn *conns;
static uint32_t next_txn = 1;
static FILE *log_file;
static const char *dump_path;
static volatile sig_atomic_t stop, dump_now;

/* Changes made by the current request, whose watches fire after its reply. */
static char *fired[64];
static bool fired_rm[64];
static size_t n_fired;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_now = 1;
	else
		stop = 1;
}

static void queue(struct conn *c, const void *data, size_t len)
{
	char *grown;

	if (c->out_off == c->out_len)
		c->out_len = c->out_off = 0;
	grown = realloc(c->out, c->out_len + len);
	if (!grown)
		return; /* the client sees a short reply and its own error */
	memcpy(grown + c->out_len, data, len);
	c->out = grown;
	c->out_len += len;
}

static void send_msg(struct conn *c, uint32_t type, uint32_t req, uint32_t tx, const void *data,
		     size_t len)
{
	struct xsd_sockmsg h = { .type = type, .req_id = req, .tx_id = tx, .len = (uint32_t)len };

	queue(c, &h, sizeof(h));
	queue(c, data, len);
}

static void reply(struct conn *c, const void *data, size_t len)
{
	send_msg(c, c->hdr.type, c->hdr.req_id, c->hdr.tx_id, data, len);
}

static void reply_ok(struct conn *c)
{
	reply(c, "OK", 3);
}

static void reply_err(struct conn *c, int err)
{
	const char *name = "EINVAL";

	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			name = xsd_errors[i].errstring;
	send_msg(c, XS_ERROR, c->hdr.req_id, c->hdr.tx_id, name, strlen(name) + 1);
}

/* Resolves a client path into abs (absolute); false when it is not valid. */
static bool resolve(const char *p, char *abs, size_t n)
{
	size_t len = strlen(p);

	if (!len || len > XENSTORE_ABS_PATH_MAX)
		return false;
	for (const char *q = p; *q; q++) {
		char ch = *q;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr("/_@-.", ch)))
			return false;
		if (ch == '/' && q[1] == '/')
			return false;
	}
	if (len > 1 && p[len - 1] == '/')
		return false;
	if (p[0] == '/')
		return (size_t)snprintf(abs, n, "%s", p) < n;
	return (size_t)snprintf(abs, n, "%s/%s", HOME, p) < n;
}

static struct txn *find_txn(struct conn *c, uint32_t id)
{
	for (struct txn *t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

static void txn_free(struct txn *t)
{
	store_free(&t->view);
	for (size_t i = 0; i < t->n_changed; i++)
		free(t->changed[i]);
	free(t->changed);
	free(t);
}

static void note_change(struct txn *t, const char *path, bool rm)
{
	if (t) {
		char **grown = realloc(t->changed, (t->n_changed + 1) * sizeof(*grown));
		if (grown && (grown[t->n_changed] = strdup(path))) {
			t->changed = grown;
			t->n_changed++;
		} else if (grown) {
			t->changed = grown;
		}
		return;
	}
	if (n_fired < sizeof(fired) / sizeof(fired[0]) && (fired[n_fired] = strdup(path)))
		fired_rm[n_fired++] = rm;
}

static bool under(const char *path, const char *top)
{
	size_t n = strlen(top);

	return !strcmp(top, "/") || (!strncmp(path, top, n) && (path[n] == '\0' || path[n] == '/'));
}

static void fire_event(struct conn *c, struct watch *w, const char *path)
{
	const char *shown = path;
	char buf[XENSTORE_ABS_PATH_MAX * 2 + 4];
	int len;

	if (w->relative && !strncmp(path, HOME "/", strlen(HOME) + 1))
		shown = path + strlen(HOME) + 1;
	len = snprintf(buf, sizeof(buf), "%s%c%s", shown, '\0', w->token);
	if (len > 0 && (size_t)len < sizeof(buf))
		send_msg(c, XS_WATCH_EVENT, 0, 0, buf, (size_t)len + 1);
}

static void fire_watches(const char *path, bool rm)
{
	for (struct conn *c = conns; c; c = c->next)
		for (struct watch *w = c->watches; w; w = w->next)
			if (w->path[0] != '@' && (under(path, w->path) || (rm && under(w->path, path))))
				fire_event(c, w, under(path, w->path) ? path : w->path);
}

static void fire_pending(void)
{
	for (size_t i = 0; i < n_fired; i++) {
		fire_watches(fired[i], fired_rm[i]);
		free(fired[i]);
	}
	n_fired = 0;
}

/* The payload as up to max NUL-terminated strings; returns how many. */
static size_t split(struct conn *c, const char **out, size_t max)
{
	size_t n = 0, i = 0, len = c->hdr.len;

	while (i < len && n < max) {
		out[n++] = c->payload + i;
		i += strnlen(c->payload + i, len - i) + 1;
	}
	return n;
}

static void do_read(struct conn *c, struct store *s, const char *path)
{
	struct node *n = store_find(s, path);

	if (!n)
		reply_err(c, ENOENT);
	else
		reply(c, n->value, n->len);
}

static void do_directory(struct conn *c, struct store *s, const char *path, bool part,
			 const char *offset)
{
	struct node *n = store_find(s, path);
	size_t len, off = offset ? strtoul(offset, NULL, 10) : 0;
	char *names, *buf;
	int gl;

	if (!n) {
		reply_err(c, ENOENT);
		return;
	}
	if (!(names = store_children(n, &len))) {
		reply_err(c, ENOMEM);
		return;
	}
	if (!part) {
		if (len > XENSTORE_PAYLOAD_MAX)
			reply_err(c, E2BIG);
		else
			reply(c, names, len);
		free(names);
		return;
	}
	/*
	 * The generation, then as many whole names from off as fit in one
	 * message; an empty string after them says they were the last.
	 */
	if (off > len)
		off = len;
	buf = malloc(XENSTORE_PAYLOAD_MAX + 1);
	if (buf) {
		size_t end = off, room;
		bool last;

		gl = snprintf(buf, 32, "%llu", tree.generation) + 1;
		room = XENSTORE_PAYLOAD_MAX - (size_t)gl - 1;
		last = len - off <= room;
		if (last)
			end = len;
		else
			while (end < len && end + strlen(names + end) + 1 - off <= room)
				end += strlen(names + end) + 1;
		memcpy(buf + gl, names + off, end - off);
		if (last)
			buf[gl + end - off] = '\0';
		reply(c, buf, (size_t)gl + end - off + last);
	} else {
		reply_err(c, ENOMEM);
	}
	free(buf);
	free(names);
}

static bool perms_valid(const char **perms, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *p = perms[i];
		if (!strchr("nrwb", p[0]) || !p[1])
			return false;
		for (p++; *p; p++)
			if (*p < '0' || *p > '9')
				return false;
	}
	return true;
}

static void watch_free(struct watch *w)
{
	if (w) {
		free(w->path);
		free(w->token);
		free(w);
	}
}

static void do_watch(struct conn *c, const char **a, size_t n, bool add)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	struct watch **at, *w;

	if (n < 2 || (a[0][0] != '@' && !resolve(a[0], abs, sizeof(abs)))) {
		reply_err(c, EINVAL);
		return;
	}
	if (a[0][0] == '@')
		snprintf(abs, sizeof(abs), "%s", a[0]);
	for (at = &c->watches; *at; at = &(*at)->next)
		if (!strcmp((*at)->path, abs) && !strcmp((*at)->token, a[1]))
			break;
	if (!add) {
		if (!*at) {
			reply_err(c, ENOENT);
			return;
		}
		w = *at;
		*at = w->next;
		watch_free(w);
		reply_ok(c);
		return;
	}
	if (*at) {
		reply_err(c, EEXIST);
		return;
	}
	if (!(w = calloc(1, sizeof(*w))) || !(w->path = strdup(abs)) || !(w->token = strdup(a[1]))) {
		watch_free(w);
		reply_err(c, ENOMEM);
		return;
	}
	w->relative = a[0][0] != '/' && a[0][0] != '@';
	*at = w;
	reply_ok(c);
	fire_event(c, w, abs); /* a new watch fires once at once */
}

static void do_transaction_start(struct conn *c)
{
	struct txn *t = calloc(1, sizeof(*t));
	char id[16];

	if (!t || store_clone(&tree, &t->view) < 0) {
		if (t)
			txn_free(t);
		reply_err(c, ENOMEM);
		return;
	}
	t->id = next_txn++;
	if (!next_txn)
		next_txn = 1;
	t->base = tree.generation;
	t->next = c->txns;
	c->txns = t;
	snprintf(id, sizeof(id), "%u", t->id);
	reply(c, id, strlen(id) + 1);
}

/* Commit only when nothing changed since the start: conservative, always correct. */
static void do_transaction_end(struct conn *c, const char *how)
{
	struct txn **at, *t;

	for (at = &c->txns; *at && (*at)->id != c->hdr.tx_id; at = &(*at)->next)
		;
	if (!(t = *at)) {
		reply_err(c, ENOENT);
		return;
	}
	*at = t->next;
	if (strcmp(how, "T")) {
		txn_free(t);
		reply_ok(c);
		return;
	}
	if (tree.generation != t->base) {
		txn_free(t);
		reply_err(c, EAGAIN);
		return;
	}
	if (t->n_changed) {
		struct store old = tree;
		tree = t->view;
		tree.generation = t->base + 1;
		t->view = old;
	}
	for (size_t i = 0; i < t->n_changed; i++)
		note_change(NULL, t->changed[i], true);
	txn_free(t);
	reply_ok(c);
}

static void drop_watches(struct conn *c)
{
	while (c->watches) {
		struct watch *w = c->watches;
		c->watches = w->next;
		watch_free(w);
	}
}

/* Replies to a change: its error, or OK with the change noted for watches. */
static void changed(struct conn *c, struct txn *t, const char *path, int rc, bool rm)
{
	if (rc < 0) {
		reply_err(c, -rc);
		return;
	}
	note_change(t, path, rm);
	reply_ok(c);
}

static void handle(struct conn *c)
{
	const char *a[256];
	size_t n = split(c, a, sizeof(a) / sizeof(a[0]));
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	struct txn *t = NULL;
	struct store *s = &tree;
	uint32_t type = c->hdr.type;
	int rc;

	if (log_file) {
		fprintf(log_file, "type %u tx %u %s\n", type, c->hdr.tx_id, n ? a[0] : "");
		fflush(log_file);
	}
	if (c->hdr.tx_id && type != XS_TRANSACTION_END && type != XS_WATCH && type != XS_UNWATCH) {
		if (!(t = find_txn(c, c->hdr.tx_id))) {
			reply_err(c, ENOENT);
			return;
		}
		s = &t->view;
	}
	switch (type) {
	case XS_READ:
	case XS_DIRECTORY:
	case XS_DIRECTORY_PART:
	case XS_GET_PERMS:
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM:
	case XS_SET_PERMS:
		if (!n || !resolve(a[0], abs, sizeof(abs))) {
			reply_err(c, EINVAL);
			return;
		}
		break;
	}
	switch (type) {
	case XS_READ:
		do_read(c, s, abs);
		break;
	case XS_DIRECTORY:
	case XS_DIRECTORY_PART:
		do_directory(c, s, abs, type == XS_DIRECTORY_PART, n > 1 ? a[1] : NULL);
		break;
	case XS_GET_PERMS: {
		struct node *node = store_find(s, abs);
		if (node)
			reply(c, node->perms, node->perms_len);
		else
			reply_err(c, ENOENT);
		break;
	}
	case XS_WRITE: {
		size_t plen = strlen(a[0]) + 1;
		size_t vlen = c->hdr.len > plen ? c->hdr.len - plen : 0;
		changed(c, t, abs, store_write(s, abs, c->payload + plen, vlen), false);
		break;
	}
	case XS_MKDIR:
		changed(c, t, abs, store_mkdir(s, abs), false);
		break;
	case XS_RM:
		changed(c, t, abs, store_rm(s, abs), true);
		break;
	case XS_SET_PERMS: {
		size_t plen = strlen(a[0]) + 1;
		rc = perms_valid(a + 1, n - 1)
			     ? store_set_perms(s, abs, c->payload + plen, c->hdr.len - plen)
			     : -EINVAL;
		changed(c, t, abs, rc, false);
		break;
	}
	case XS_WATCH:
	case XS_UNWATCH:
		do_watch(c, a, n, type == XS_WATCH);
		break;
	case XS_TRANSACTION_START:
		do_transaction_start(c);
		break;
	case XS_TRANSACTION_END:
		do_transaction_end(c, n ? a[0] : "");
		break;
	case XS_GET_DOMAIN_PATH: {
		char path[64];
		unsigned long d = n ? strtoul(a[0], NULL, 10) : 0;
		snprintf(path, sizeof(path), "/local/domain/%lu", d);
		reply(c, path, strlen(path) + 1);
		break;
	}
	case XS_IS_DOMAIN_INTRODUCED:
		reply(c, "T", 2);
		break;
	case XS_RESET_WATCHES:
		drop_watches(c);
		reply_ok(c);
		break;
	case XS_CONTROL:
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_RESUME:
	case XS_SET_TARGET:
		reply_ok(c);
		break;
	default:
		reply_err(c, EINVAL);
	}
}

static void conn_free(struct conn *c)
{
	close(c->fd);
	drop_watches(c);
	while (c->txns) {
		struct txn *t = c->txns;
		c->txns = t->next;
		txn_free(t);
	}
	free(c->out);
	free(c);
}

/* Reads what is there; handles every complete message. false: drop the client. */
/*
 * Tests make the fixture hang up on a client in the middle of a call:
 * /tool/xs-fixture/drop-after = N closes every connection, unanswered, at
 * its (N+1)th request.
 */
static bool drop_due(struct conn *c)
{
	const struct node *n = store_find(&tree, "/tool/xs-fixture/drop-after");
	unsigned long limit = n ? strtoul(n->value, NULL, 10) : 0;

	return limit && ++c->requests > limit;
}

static bool conn_read(struct conn *c)
{
	for (;;) {
		size_t want = c->got < sizeof(c->hdr) ? sizeof(c->hdr) - c->got
						      : sizeof(c->hdr) + c->hdr.len - c->got;
		char *dst = c->got < sizeof(c->hdr) ? (char *)&c->hdr + c->got
						    : c->payload + (c->got - sizeof(c->hdr));
		ssize_t r = want ? read(c->fd, dst, want) : 0;

		if (r < 0)
			return errno == EAGAIN || errno == EINTR;
		if (want && r == 0)
			return false;
		c->got += (size_t)r;
		if (c->got == sizeof(c->hdr) && c->hdr.len > XENSTORE_PAYLOAD_MAX)
			return false;
		if (c->got >= sizeof(c->hdr) && c->got == sizeof(c->hdr) + c->hdr.len) {
			c->payload[c->hdr.len] = '\0';
			if (drop_due(c))
				return false;
			handle(c);
			fire_pending();
			c->got = 0;
		}
	}
}

static bool conn_write(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (w < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_off += (size_t)w;
	}
	return true;
}

static void dump_tree(void)
{
	FILE *f;

	if (!dump_path || !(f = fopen(dump_path, "w")))
		return;
	store_dump(&tree, f);
	fclose(f);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path) >= (int)sizeof(sa.sun_path)) {
		close(fd);
		return -1;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1024) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void accept_all(int lfd)
{
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->next = conns;
		conns = c;
	}
}

static int serve(int lfd)
{
	struct pollfd *pfd = NULL;

	while (!stop) {
		size_t n = 1, i = 1;
		struct conn **at;
		for (struct conn *c = conns; c; c = c->next)
			n++;
		struct pollfd *grown = realloc(pfd, n * sizeof(*pfd));
		if (!grown)
			break;
		pfd = grown;
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (struct conn *c = conns; c; c = c->next, i++)
			pfd[i] = (struct pollfd){ .fd = c->fd,
						  .events = (short)(POLLIN | (c->out_off < c->out_len ? POLLOUT : 0)) };
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			break;
		if (dump_now) {
			dump_now = 0;
			dump_tree();
		}
		i = 1;
		for (at = &conns; *at; i++) {
			struct conn *c = *at;
			bool keep = true;
			if (i < n && pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				keep = conn_read(c);
			if (keep)
				keep = conn_write(c);
			if (keep) {
				at = &c->next;
			} else {
				*at = c->next;
				conn_free(c);
			}
		}
		if (pfd[0].revents & POLLIN)
			accept_all(lfd);
	}
	free(pfd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *pidfile = NULL, *logpath = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct rlimit rl;
	int lfd;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--socket"))
			sock = argv[i + 1];
		else if (!strcmp(argv[i], "--pidfile"))
			pidfile = argv[i + 1];
		else if (!strcmp(argv[i], "--dump"))
			dump_path = argv[i + 1];
		else if (!strcmp(argv[i], "--log"))
			logpath = argv[i + 1];
	}
	if (!sock) {
		fprintf(stderr, "usage: xs-fixture --socket PATH [--pidfile FILE] [--dump FILE] [--log FILE]\n");
		return 2;
	}
	/* Many clients at once (benchmarks start hundreds of calls together). */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (store_init(&tree) < 0 || (lfd = listen_on(sock)) < 0) {
		fprintf(stderr, "xs-fixture: cannot listen on %s: %s\n", sock, strerror(errno));
		return 1;
	}
	if (logpath)
		log_file = fopen(logpath, "a");
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	serve(lfd);
	dump_tree();
	while (conns) {
		struct conn *c = conns;
		conns = c->next;
		conn_free(c);
	}
	close(lfd);
	unlink(sock);
	store_free(&tree);
	if (log_file)
		fclose(log_file);
	return 0;
}
