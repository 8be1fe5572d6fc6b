#include "daemon_jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../netmodes/netaddr.h"
#include "daemon_conns.h"
#include "log.h"
#include "request.h"
#include "vif_flow.h"

struct worker {
	pthread_t thread;
	char key[64]; /* of the call it makes; "" when idle */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct job *head, **tail = &head;
static struct worker workers[DAEMON_MAX_WORKERS];
static unsigned n_workers;
static bool stopping;
static atomic_ulong served;

struct job *job_new(const struct applet *mode, int argc, char **argv, char **envp,
		    const struct call_env *env)
{
	char *buf = malloc(DPROTO_MAX_REQUEST);
	size_t len = buf ? dproto_pack_request(buf, DPROTO_MAX_REQUEST, CALL_BUDGET_MS, mode->name, argc,
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

struct job *job_from_request(char *buf, size_t len, int fd, const char **why)
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
	if (!(j->mode = applet_find(j->req.prog)) || j->mode->kind != APPLET_VIF) {
		*why = "not a per-vif mode";
		goto fail;
	}
	/* A bad invocation is the call's own failure, reported as the call. */
	(void)invocation_parse(j->req.argc, j->req.argv, j->req.envp, INV_DAEMON, &j->inv);
	j->deadline = deadline_in(j->req.budget_ms < CALL_BUDGET_MS ? j->req.budget_ms : CALL_BUDGET_MS);
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

/*
 * A client's call that waited in the queue past its deadline is not made:
 * its client has given up on it and failed (and never makes it itself).
 * Only logged: the backend's nodes say what the last call made did.
 */
static void refuse_late(struct job *j)
{
	char *text = NULL, cmd[32], key[96];
	size_t len = 0;
	FILE *err = open_memstream(&text, &len);

	log_set_err(err);
	log_init(j->mode->name);
	log_line(LOG_ERR, "%s %s for %s waited past its deadline in xen-netmodesd's queue; not made",
		 j->mode->name, quote_value(j->inv.command ? j->inv.command : "?", cmd, sizeof(cmd)),
		 quote_value(j->key, key, sizeof(key)));
	log_set_err(NULL);
	if (err)
		fclose(err);
	reply(j, 1, text ? text : "", text ? len : 0);
	free(text);
}

static void serve(struct job *j)
{
	struct nm_err e = { "" };
	struct daemon_conns *c;
	char *text = NULL;
	size_t len = 0;
	int status;

	if (j->deadline && !deadline_left(j->deadline)) {
		refuse_late(j);
		return;
	}
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
		snprintf(w->key, sizeof(w->key), "%s", j->key);
		pthread_mutex_unlock(&mu);
		serve(j);
		job_free(j);
		pthread_mutex_lock(&mu);
		w->key[0] = '\0';
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

int jobs_start(unsigned n, struct nm_err *e)
{
	for (n_workers = 0; n_workers < n; n_workers++) {
		int rc = pthread_create(&workers[n_workers].thread, NULL, worker_main,
					&workers[n_workers]);
		if (rc)
			return nm_fail(e, -rc, "cannot start a worker: %s", strerror(rc));
	}
	return 0;
}

void jobs_submit(struct job *j)
{
	pthread_mutex_lock(&mu);
	if (stopping) {
		pthread_mutex_unlock(&mu);
		reply(j, DPROTO_NOT_SERVED, "", 0);
		job_free(j);
		return;
	}
	*tail = j;
	tail = &j->next;
	/* One job, one worker woken; a job behind a busy vif waits for that call's broadcast. */
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
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
}

unsigned long jobs_served(void)
{
	return atomic_load(&served);
}
