#include "hotplug/daemon/daemon_watch.h"

#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "netmodes/netaddr.h"
#include "hotplug/daemon/daemon_conns.h"
#include "hotplug/xen/libxl_owned.h"
#include "hotplug/call/log.h"
#include "hotplug/call/parse.h"
#include "hotplug/daemon/watch_rules.h"

#define SEEN_BUCKETS 4096

/* What the daemon last did for a vif; only the watch thread reads or writes it. */
struct seen {
	struct seen *next;
	unsigned domid, devid;
	enum watch_cmd last;
};

static struct seen *seen[SEEN_BUCKETS];
static const struct call_env *call_env; /* the daemon's own, for the calls it makes */
static const struct applet_table *modes; /* the applets whose scripts it serves */

static struct seen **seen_slot(unsigned domid, unsigned devid)
{
	struct seen **p = &seen[(domid * 31u + devid) % SEEN_BUCKETS];

	while (*p && ((*p)->domid != domid || (*p)->devid != devid))
		p = &(*p)->next;
	return p;
}

static void remember(unsigned domid, unsigned devid, enum watch_cmd now)
{
	struct seen **p = seen_slot(domid, devid), *s = *p;

	if (now == WATCH_NONE) { /* the backend is gone: forget it */
		if (s) {
			*p = s->next;
			free(s);
		}
		return;
	}
	if (!s && (s = calloc(1, sizeof(*s)))) {
		s->domid = domid;
		s->devid = devid;
		*p = s;
	}
	if (s)
		s->last = now;
}

static void forget_all(void)
{
	for (unsigned i = 0; i < SEEN_BUCKETS; i++)
		while (seen[i]) {
			struct seen *s = seen[i];
			seen[i] = s->next;
			free(s);
		}
}

/* A node of backend/vif/D/N, or NULL when absent (or too long to be sane). */
static char *node(struct xs_handle *h, unsigned domid, unsigned devid, const char *leaf)
{
	char path[128];
	unsigned len;
	char *v;

	snprintf(path, sizeof(path), WATCH_PATH "/%u/%u/%s", domid, devid, leaf);
	v = xs_read(h, XBT_NULL, path, &len);
	if (v && (len > 1024 || memchr(v, '\0', len))) {
		free(v);
		return NULL;
	}
	return v;
}

static void queue_call(const struct applet *mode, enum watch_cmd cmd, unsigned domid,
		       unsigned devid, const char *script)
{
	char xenbus[96], vif[48], scr[1100];
	char *argv[] = { (char *)mode->name, cmd == WATCH_ONLINE ? "online" : "offline", "type_if=vif",
			 NULL };
	char *envp[] = { xenbus, "XENBUS_TYPE=vif", "XENBUS_BASE_PATH=backend", vif, scr, NULL };
	struct job *j;

	snprintf(xenbus, sizeof(xenbus), "XENBUS_PATH=" WATCH_PATH "/%u/%u", domid, devid);
	snprintf(vif, sizeof(vif), "vif=vif%u.%u", domid, devid);
	snprintf(scr, sizeof(scr), "script=%s", script);
	if (!(j = job_new(mode, 3, argv, envp, call_env))) {
		log_line(LOG_ERR, "vif%u.%u: out of memory, %s not made", domid, devid, argv[1]);
		return;
	}
	jobs_submit(j);
}

/* Looks at backend/vif/D/N and queues what it needs. */
static void examine(struct xs_handle *h, unsigned domid, unsigned devid)
{
	char *script = node(h, domid, devid, "script"), *online = NULL, *state = NULL, *status = NULL;
	const struct applet *mode;
	struct watch_verdict v;

	if (!script) { /* gone, or not a backend that names a script */
		remember(domid, devid, WATCH_NONE);
		return;
	}
	if (!(mode = applet_of_script(modes, script)))
		goto out; /* not one of ours */
	if (libxl_runs_scripts(h, domid))
		goto out; /* libxl makes the calls itself */
	online = node(h, domid, devid, "online");
	state = node(h, domid, devid, "state");
	status = node(h, domid, devid, "hotplug-status");
	{
		struct vif_nodes n = { online, state, status };
		struct seen *s = *seen_slot(domid, devid);

		v = watch_decide(&n, s ? s->last : WATCH_NONE);
	}
	if (v.run != WATCH_NONE)
		queue_call(mode, v.run, domid, devid, script);
	remember(domid, devid, v.now);
out:
	free(script);
	free(online);
	free(state);
	free(status);
}

static bool number(const char *s, unsigned max, unsigned *ret)
{
	struct nm_err e = { "" };

	return parse_uint(s, "id", max, ret, &e) == 0;
}

/* Every device of domain domid (every domain's when domid is NULL). */
static void scan(struct xs_handle *h, const unsigned *domid)
{
	char path[64];
	unsigned n = 0, id;
	char **names;

	if (domid)
		snprintf(path, sizeof(path), WATCH_PATH "/%u", *domid);
	else
		snprintf(path, sizeof(path), WATCH_PATH);
	if (!(names = xs_directory(h, XBT_NULL, path, &n)))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!domid && number(names[i], DOMID_MAX, &id))
			scan(h, &id);
		else if (domid && number(names[i], DEVID_MAX, &id))
			examine(h, *domid, id);
	}
	free(names);
}

/* A watch event at path: the backend, its domain or the whole tree to look at again. */
static void on_event(struct xs_handle *h, const char *path)
{
	const char *rest = path + strlen(WATCH_PATH);
	char d[16], n[16], leaf[32];
	unsigned domid, devid;
	int k;

	if (strncmp(path, WATCH_PATH, strlen(WATCH_PATH)) || (*rest && *rest != '/'))
		return;
	if (!*rest) {
		scan(h, NULL);
		return;
	}
	d[0] = n[0] = leaf[0] = '\0';
	k = sscanf(rest, "/%15[0-9]/%15[0-9]/%31s", d, n, leaf);
	if (k < 1 || !number(d, DOMID_MAX, &domid))
		return;
	if (k == 1) {
		scan(h, &domid);
		return;
	}
	if (!number(n, DEVID_MAX, &devid))
		return;
	/* Only what says coming or going, or the backend itself appearing or going away. */
	if (k == 2 || !strcmp(leaf, "online") || !strcmp(leaf, "state") || !strcmp(leaf, "script"))
		examine(h, domid, devid);
}

#define STOP_TOKEN "stop"

static pthread_t thread;
static pthread_mutex_t stop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cv = PTHREAD_COND_INITIALIZER;
static bool stopping;
static struct xs_handle *watching; /* under stop_mu: what watch_stop wakes */

/* Waits up to a second, or until watch_stop. Returns whether to stop. */
static bool pause_or_stop(void)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&stop_mu);
	if (!stopping)
		pthread_cond_timedwait(&stop_cv, &stop_mu, &until);
	stop = stopping;
	pthread_mutex_unlock(&stop_mu);
	return stop;
}

/*
 * The watch's own xenstore connection, with the watch set on it; NULL when
 * xenstore is not there. Not the calls' connection: a watched handle gets
 * libxenstore's reader thread, which hands every reply over (some 200 µs a
 * call on the benchmark rig), and the calls would wait behind the watch's
 * scans of every backend.
 */
static struct xs_handle *connect_watch(struct nm_err *e)
{
	struct xs_handle *h = xs_open(0);

	if (!h || !xs_watch(h, WATCH_PATH, "vif")) {
		nm_fail(e, errno ? -errno : -EIO, "cannot watch %s in xenstore: %s", WATCH_PATH,
			strerror(errno ? errno : EIO));
		if (h)
			xs_close(h);
		return NULL;
	}
	return h;
}

/* Follows the events on h until xenstore goes away (false) or watch_stop (true). */
static bool follow(struct xs_handle *h)
{
	char **ev;
	unsigned num;
	bool stop = false;

	pthread_mutex_lock(&stop_mu);
	watching = h;
	stop = stopping; /* watch_stop came before there was anything to wake */
	pthread_mutex_unlock(&stop_mu);
	if (!stop)
		scan(h, NULL);
	while (!stop && (ev = xs_read_watch(h, &num))) {
		if (!strcmp(ev[XS_WATCH_TOKEN], STOP_TOKEN)) {
			pthread_mutex_lock(&stop_mu);
			stop = stopping;
			pthread_mutex_unlock(&stop_mu);
		} else
			on_event(h, ev[XS_WATCH_PATH]);
		free(ev);
	}
	pthread_mutex_lock(&stop_mu);
	watching = NULL;
	stop = stop || stopping;
	pthread_mutex_unlock(&stop_mu);
	return stop;
}

static void *watch_main(void *arg)
{
	struct xs_handle *h = arg;
	struct nm_err e = { "" };

	log_init(DAEMON_PROG);
	for (;;) {
		if (follow(h)) {
			xs_close(h);
			return NULL;
		}
		/* The connection is gone (xenstored restarted): so is the calls'. */
		log_line(LOG_WARNING, "lost xenstore: %s; reconnecting", strerror(errno ? errno : EIO));
		xs_close(h);
		conns_retire_current();
		forget_all();
		do {
			if (pause_or_stop())
				return NULL;
		} while (!(h = connect_watch(&e)));
		log_line(LOG_NOTICE, "xenstore is back; looking at every vif again");
	}
}

int watch_start(const struct call_env *env, const struct applet_table *all, struct nm_err *e)
{
	struct xs_handle *h;
	int rc;

	call_env = env;
	modes = all;
	if (!(h = connect_watch(e)))
		return -EIO;
	if ((rc = pthread_create(&thread, NULL, watch_main, h)) != 0) {
		xs_close(h);
		return nm_fail(e, -rc, "cannot start the watch: %s", strerror(rc));
	}
	return 0;
}

void watch_stop(void)
{
	pthread_mutex_lock(&stop_mu);
	stopping = true;
	pthread_cond_broadcast(&stop_cv);
	/* A second watch fires at once: its event wakes xs_read_watch. */
	if (watching)
		(void)xs_watch(watching, WATCH_PATH, STOP_TOKEN);
	pthread_mutex_unlock(&stop_mu);
	pthread_join(thread, NULL);
	forget_all();
}
