#include "hotplug/daemon/daemon_jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netmodes/netaddr.h"
#include "hotplug/daemon/daemon_client.h"
#include "hotplug/daemon/daemon_conns.h"
#include "hotplug/call/log.h"
#include "hotplug/vif/request.h"
#include "hotplug/vif/vif_flow.h"

/* Why a client's call is handed back. */
#define ALL_HUNG "all %u workers have been on their calls for over %u s"
#define LATE "no worker was free to start the call in time"
#define VIF_HUNG "the call before it for its vif has run for over %u s"

struct worker {
	pthread_t thread;
	char key[64];	   /* of the call it makes; "" when idle or the call has none */
	deadline_t since;  /* when it started its call; 0 when idle */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct job *head, **tail = &head;
static struct worker workers[DAEMON_MAX_WORKERS];
static unsigned n_workers, queue_max = DAEMON_DEFAULT_QUEUE;
static unsigned n_waiting; /* clients' calls queued */
static bool stopping;
static atomic_ulong served;

/*
 * Calls handed back and not logged yet, all for one reason: a line says
 * how many, at most one a second, or at once when the reason changes.
 */
static pthread_mutex_t back_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long handed_back;
static char back_why[128];
static deadline_t back_logged;

struct job *job_new(const struct applet *mode, int argc, char **argv, char **envp,
		    const struct call_env *env)
{
	/* The watch's calls: three arguments and five variables of at most some 1100 bytes. */
	enum { WATCH_REQUEST_MAX = 4096 };
	char *buf = malloc(WATCH_REQUEST_MAX);
	size_t len = buf ? dproto_pack_request(buf, WATCH_REQUEST_MAX, CALL_BUDGET_MS, mode->name, argc,
					       argv, envp)
			 : 0;
	struct job *j = len ? calloc(1, sizeof(*j)) : NULL;

	if (!j || dproto_unpack_request(buf, len, &j->req) < 0) {
		free(buf);
		free(j);
		return NULL;
	}
	j->buf = buf;
	j->fd = -1;
	j->mode = mode;
	(void)invocation_parse(j->req.argc, j->req.argv, j->req.envp, INV_DAEMON, &j->inv);
	j->inv.env = *env;
	snprintf(j->key, sizeof(j->key), "%s",
		 env_get(j->req.envp, "XENBUS_PATH") ? env_get(j->req.envp, "XENBUS_PATH") : "");
	return j;
}

struct job *job_from_request(const struct applet_table *all, char *buf, size_t len, int fd,
			     const char **why)
{
	struct job *j = calloc(1, sizeof(*j));

	*why = "out of memory";
	if (!j)
		return NULL;
	j->buf = buf;
	j->fd = fd;
	if (dproto_unpack_request(buf, len, &j->req) < 0) {
		*why = "malformed request";
		goto fail;
	}
	if (!(j->mode = applet_find(all, j->req.prog)) || j->mode->kind != APPLET_VIF) {
		*why = "not a per-vif mode";
		goto fail;
	}
	/* A bad invocation is the call's own failure, reported as the call. */
	(void)invocation_parse(j->req.argc, j->req.argv, j->req.envp, INV_DAEMON, &j->inv);
	j->deadline = deadline_in(j->req.budget_ms < CALL_BUDGET_MS ? j->req.budget_ms : CALL_BUDGET_MS);
	j->start_by = deadline_in(j->req.budget_ms < DAEMON_START_WINDOW_MS ? j->req.budget_ms
									     : DAEMON_START_WINDOW_MS);
	snprintf(j->key, sizeof(j->key), "%s",
		 env_get(j->req.envp, "XENBUS_PATH") ? env_get(j->req.envp, "XENBUS_PATH") : "");
	return j;
fail:
	j->buf = NULL;
	free(j);
	return NULL;
}

void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->buf);
	free(j);
}

static void reply(struct job *j, int status, const char *text, size_t len)
{
	char buf[DPROTO_MAX_REPLY];
	size_t n;

	if (j->fd < 0)
		return;
	n = dproto_pack_reply(buf, sizeof(buf), status, text, len);
	/* A client that gave up (libxl's timeout) is gone: nothing to tell. */
	(void)!send(j->fd, buf, n, MSG_NOSIGNAL);
}

/* Whether a worker is making a call for key ("" never waits for anyone). */
static bool key_busy(const char *key)
{
	if (!*key)
		return false;
	for (unsigned i = 0; i < n_workers; i++)
		if (!strcmp(workers[i].key, key))
			return true;
	return false;
}

/*
 * The first queued job whose vif has no call running, unlinked; a job
 * behind another for the same vif waits for it, so one vif's calls keep
 * their order. Called with mu held.
 */
static struct job *take_job(void)
{
	char seen[DAEMON_MAX_WORKERS * 4][64];
	unsigned n_seen = 0;

	for (struct job **p = &head; *p; p = &(*p)->next) {
		struct job *j = *p;
		bool blocked = key_busy(j->key);

		for (unsigned i = 0; !blocked && *j->key && i < n_seen; i++)
			blocked = !strcmp(seen[i], j->key);
		if (!blocked) {
			*p = j->next;
			if (tail == &j->next)
				tail = p;
			j->next = NULL;
			return j;
		}
		if (n_seen == sizeof(seen) / sizeof(seen[0]))
			return NULL; /* a long run of blocked jobs: wait for a call to end */
		snprintf(seen[n_seen++], sizeof(seen[0]), "%s", j->key);
	}
	return NULL;
}

/*
 * j's call on c (NULL: the call opens its own xenstore and rtnetlink
 * connections) and the daemon's nftables connection; its text goes to *text.
 */
static int make_call(struct job *j, struct daemon_conns *c, char **text, size_t *len)
{
	struct flow_conns lent = { c ? c->xs : NULL, c ? c->nl : NULL, conns_nft() };
	FILE *err = open_memstream(text, len);
	int status;

	log_set_err(err);
	status = vif_flow_serve(j->mode->name, j->mode->plan, &j->inv, j->deadline, &lent);
	log_set_err(NULL);
	if (err)
		fclose(err);
	return status;
}

static void log_handed_back(unsigned long n, const char *why)
{
	log_line(LOG_WARNING, "handed %lu call%s back to %s client%s: %s", n, n == 1 ? "" : "s",
		 n == 1 ? "its" : "their", n == 1 ? "" : "s", why);
}

/*
 * Hands a client's call back, never made: the client makes it itself (why
 * goes to its standard error). Logged at most once a second, with how many.
 */
static void hand_back(struct job *j, const char *why)
{
	char text[256], before[sizeof(back_why)] = "", now_why[sizeof(back_why)] = "";
	int n = snprintf(text, sizeof(text), DAEMON_PROG ": %s; the client makes the call\n", why);
	deadline_t now = deadline_in(0);
	unsigned long count = 0, earlier = 0;

	reply(j, DPROTO_NOT_SERVED, text, (size_t)n);
	pthread_mutex_lock(&back_mu);
	if (handed_back && strcmp(back_why, why)) { /* the others' reason first */
		earlier = handed_back;
		snprintf(before, sizeof(before), "%s", back_why);
		handed_back = 0;
	}
	snprintf(back_why, sizeof(back_why), "%s", why);
	handed_back++;
	if (earlier || !back_logged || now - back_logged >= 1000) {
		count = handed_back;
		snprintf(now_why, sizeof(now_why), "%s", back_why);
		handed_back = 0;
		back_logged = now;
	}
	pthread_mutex_unlock(&back_mu);
	log_init(DAEMON_PROG);
	if (earlier)
		log_handed_back(earlier, before);
	if (count)
		log_handed_back(count, now_why);
	job_free(j); /* why may be its own */
}

static bool send_accepted(int fd)
{
	char buf[8];
	size_t n = dproto_pack_accept(buf, sizeof(buf));

	return send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n;
}

/*
 * A worker starts a client's call: "accepted" now, and from then on the
 * call is the daemon's. A client that stopped waiting has shut its end:
 * the send fails, and the call is dropped, never made (the client makes
 * it). False when the call is not to be made here.
 */
static bool start_client_call(struct job *j)
{
	if (j->fd < 0)
		return true;
	if (!deadline_left(j->start_by)) {
		hand_back(j, LATE);
		return false;
	}
	if (!send_accepted(j->fd)) {
		log_init(DAEMON_PROG);
		log_line(LOG_WARNING, "a client gave up before its call was started; dropped");
		job_free(j);
		return false;
	}
	return true;
}

static void serve(struct job *j)
{
	struct nm_err e = { "" };
	struct daemon_conns *c;
	char *text = NULL;
	size_t len = 0;
	int status;

	c = conns_take(&e);
	status = make_call(j, c, &text, &len);

	/*
	 * A failure may be xenstore gone (restarted): the connections are
	 * retired and the call, which left the host as it was, is made once
	 * more on new ones.
	 */
	if (status && c && !conns_alive(c)) {
		conns_retire(c);
		conns_give(c);
		free(text);
		text = NULL;
		len = 0;
		c = conns_take(&e);
		status = make_call(j, c, &text, &len);
	}
	conns_give(c);
	atomic_fetch_add(&served, 1);
	reply(j, status, text ? text : "", text ? len : 0);
	free(text);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *j = NULL;

	pthread_mutex_lock(&mu);
	for (;;) {
		while (!stopping && !(j = take_job()))
			pthread_cond_wait(&cv, &mu);
		if (stopping)
			break;
		if (j->fd >= 0)
			n_waiting--;
		snprintf(w->key, sizeof(w->key), "%s", j->key);
		w->since = deadline_in(0);
		pthread_mutex_unlock(&mu);
		if (start_client_call(j)) {
			serve(j);
			job_free(j);
		}
		pthread_mutex_lock(&mu);
		w->key[0] = '\0';
		w->since = 0;
		/*
		 * A queued job may have waited for this vif. With none queued,
		 * waking every idle worker to find nothing costs each call a
		 * herd of context switches.
		 */
		if (head)
			pthread_cond_broadcast(&cv);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int jobs_start(unsigned n, unsigned max_queue, struct nm_err *e)
{
	queue_max = max_queue;
	for (n_workers = 0; n_workers < n; n_workers++) {
		int rc = pthread_create(&workers[n_workers].thread, NULL, worker_main,
					&workers[n_workers]);
		if (rc)
			return nm_fail(e, -rc, "cannot start a worker: %s", strerror(rc));
	}
	return 0;
}

static bool hung(const struct worker *w, deadline_t now)
{
	return w->since && now - w->since > DAEMON_HUNG_MS;
}

/* Whether every worker is hung. Under mu. */
static bool all_hung(deadline_t now)
{
	for (unsigned i = 0; i < n_workers; i++)
		if (!hung(&workers[i], now))
			return false;
	return n_workers > 0;
}

/* Whether a hung worker makes a call for key (the one a call for key waits for). Under mu. */
static bool key_hung(const char *key, deadline_t now)
{
	for (unsigned i = 0; *key && i < n_workers; i++)
		if (hung(&workers[i], now) && !strcmp(workers[i].key, key))
			return true;
	return false;
}

void jobs_submit(struct job *j)
{
	char why[128] = "";

	pthread_mutex_lock(&mu);
	if (stopping) {
		pthread_mutex_unlock(&mu);
		reply(j, DPROTO_NOT_SERVED, "", 0);
		job_free(j);
		return;
	}
	if (j->fd >= 0) {
		if (n_waiting >= queue_max)
			snprintf(why, sizeof(why), "%u calls wait for a worker already", n_waiting);
		else if (all_hung(deadline_in(0)))
			snprintf(why, sizeof(why), ALL_HUNG, n_workers, DAEMON_HUNG_MS / 1000);
		else
			n_waiting++;
	}
	if (why[0]) {
		pthread_mutex_unlock(&mu);
		hand_back(j, why);
		return;
	}
	*tail = j;
	tail = &j->next;
	/* One job, one worker woken; a job behind a busy vif waits for that call's broadcast. */
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

/* A queued job of a client's, to be handed back now (why set), or not. Under mu. */
static bool expired(const struct job *j, deadline_t now, bool all, char *why, size_t n)
{
	if (j->fd < 0)
		return false;
	if (all)
		snprintf(why, n, ALL_HUNG, n_workers, DAEMON_HUNG_MS / 1000);
	else if (!deadline_left(j->start_by))
		snprintf(why, n, LATE);
	else if (key_hung(j->key, now))
		snprintf(why, n, VIF_HUNG, DAEMON_HUNG_MS / 1000);
	else
		return false;
	return true;
}

/* When the next worker turns hung (ms from now), or UINT32_MAX. Under mu. */
static unsigned next_hung(deadline_t now)
{
	unsigned next = UINT32_MAX;

	for (unsigned i = 0; i < n_workers; i++) {
		const struct worker *w = &workers[i];
		if (w->since && !hung(w, now) && w->since + DAEMON_HUNG_MS + 1 - now < next)
			next = (unsigned)(w->since + DAEMON_HUNG_MS + 1 - now);
	}
	return next;
}

int jobs_expire(void)
{
	struct job *late = NULL, **p;
	unsigned next = UINT32_MAX;
	deadline_t now = deadline_in(0);
	bool all, clients = false;

	pthread_mutex_lock(&mu);
	all = all_hung(now);
	for (p = &head; *p;) {
		struct job *j = *p;
		char why[128];

		if (!expired(j, now, all, why, sizeof(why))) {
			if (j->fd >= 0) {
				unsigned left = deadline_left(j->start_by);
				clients = true;
				if (left < next)
					next = left;
			}
			p = &j->next;
			continue;
		}
		*p = j->next;
		if (tail == &j->next)
			tail = p;
		n_waiting--;
		j->next = late;
		snprintf(j->why, sizeof(j->why), "%s", why);
		late = j;
	}
	if (clients && next_hung(now) < next)
		next = next_hung(now);
	pthread_mutex_unlock(&mu);
	while (late) {
		struct job *j = late;
		late = j->next;
		hand_back(j, j->why);
	}
	return next == UINT32_MAX ? -1 : (int)next;
}

void jobs_stop(void)
{
	struct job *j;

	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (unsigned i = 0; i < n_workers; i++)
		pthread_join(workers[i].thread, NULL);
	while ((j = head)) {
		head = j->next;
		reply(j, DPROTO_NOT_SERVED, "", 0);
		job_free(j);
	}
	tail = &head;
	n_waiting = 0;
}

unsigned long jobs_served(void)
{
	return atomic_load(&served);
}
