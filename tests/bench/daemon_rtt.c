/*
 * The benchmark's xen-netmodesd client: calls made over the daemon's
 * socket from one warm process, so the figures hold the daemon's work and
 * the socket's round trip, no process start.
 *
 *   daemon_rtt latency MODE DOMID ROUNDS
 *       ROUNDS times MODE online then offline for vifDOMID.0; one line
 *       "online_us offline_us" per round.
 *   daemon_rtt burst MODE COMMAND FIRST COUNT CLIENTS
 *       COMMAND for vifFIRST.0 .. vif(FIRST+COUNT-1).0 from CLIENTS threads
 *       at once; one line "total_us succeeded".
 *   daemon_rtt watch FIRST COUNT
 *       for vifFIRST.0 .. : writes state 2 (online 1 and script already
 *       there) and waits for hotplug-status "connected": the daemon's watch
 *       made the call. One line "us" per vif.
 *
 * The socket is found as the clients find it (XEN_NETMODES_RUN_DIR); each
 * call carries this process's environment plus the vif's XENBUS_PATH, vif
 * and type_if.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "../../hotplug/daemon_proto.h"

extern char **environ;

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* One call of mode for vifDOMID.0 through the daemon; its exit status, or -1. */
static int call(const char *mode, const char *cmd, unsigned domid)
{
	static __thread char req[DPROTO_MAX_REQUEST], rep[DPROTO_MAX_REPLY + 16];
	char xenbus[64], vif[32], *env[DPROTO_MAX_ENV + 1], *argv[] = { (char *)mode, (char *)cmd, NULL };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *text;
	size_t len, n_env = 0, text_len;
	int fd, status = -1;
	ssize_t n;

	snprintf(xenbus, sizeof(xenbus), "XENBUS_PATH=backend/vif/%u/0", domid);
	snprintf(vif, sizeof(vif), "vif=vif%u.0", domid);
	env[n_env++] = xenbus;
	env[n_env++] = vif;
	env[n_env++] = "type_if=vif";
	for (char **e = environ; *e && n_env < DPROTO_MAX_ENV; e++)
		env[n_env++] = *e;
	env[n_env] = NULL;
	if (!(len = dproto_pack_request(req, sizeof(req), mode, 2, argv, env)))
		return -1;
	dproto_socket_path(sa.sun_path, sizeof(sa.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send(fd, req, len, MSG_NOSIGNAL) == (ssize_t)len &&
	    (n = recv(fd, rep, sizeof(rep), 0)) > 0 &&
	    dproto_unpack_reply(rep, (size_t)n, &status, &text, &text_len) < 0)
		status = -1;
	close(fd);
	return status;
}

static int latency(const char *mode, unsigned domid, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		long long t0 = now_us(), t1, t2;
		int on = call(mode, "online", domid);

		t1 = now_us();
		int off = call(mode, "offline", domid);
		t2 = now_us();
		if (on || off) {
			fprintf(stderr, "daemon_rtt: %s vif%u.0: online %d, offline %d\n", mode, domid, on,
				off);
			return 1;
		}
		printf("%lld %lld\n", t1 - t0, t2 - t1);
	}
	return 0;
}

struct burst {
	const char *mode, *cmd;
	unsigned first, count;
	atomic_uint next, ok;
};

static void *burst_client(void *arg)
{
	struct burst *b = arg;
	unsigned i;

	while ((i = atomic_fetch_add(&b->next, 1)) < b->count)
		if (call(b->mode, b->cmd, b->first + i) == 0)
			atomic_fetch_add(&b->ok, 1);
	return NULL;
}

static int burst(struct burst *b, unsigned clients)
{
	pthread_t t[256];
	long long t0 = now_us();

	if (clients < 1 || clients > 256)
		return 2;
	for (unsigned i = 0; i < clients; i++)
		if (pthread_create(&t[i], NULL, burst_client, b) != 0)
			return 1;
	for (unsigned i = 0; i < clients; i++)
		pthread_join(t[i], NULL);
	printf("%lld %u\n", now_us() - t0, atomic_load(&b->ok));
	return 0;
}

/* Waits for path to read want, on h's watch of it. */
static int wait_for(struct xs_handle *h, const char *path, const char *want)
{
	for (;;) {
		unsigned len, num;
		char *v = xs_read(h, XBT_NULL, path, &len), **ev;
		int done = v && !strcmp(v, want);

		free(v);
		if (done)
			return 0;
		if (!(ev = xs_read_watch(h, &num)))
			return -1;
		free(ev);
	}
}

static int watch(unsigned first, unsigned count)
{
	struct xs_handle *h = xs_open(0);

	if (!h) {
		perror("daemon_rtt: xenstore");
		return 1;
	}
	for (unsigned d = first; d < first + count; d++) {
		char status[96], state[96];
		long long t0;

		snprintf(status, sizeof(status), "/local/domain/0/backend/vif/%u/0/hotplug-status", d);
		snprintf(state, sizeof(state), "/local/domain/0/backend/vif/%u/0/state", d);
		if (!xs_watch(h, status, "s"))
			return 1;
		t0 = now_us();
		if (!xs_write(h, XBT_NULL, state, "2", 1) || wait_for(h, status, "connected") < 0) {
			fprintf(stderr, "daemon_rtt: vif%u.0 not connected\n", d);
			return 1;
		}
		printf("%lld\n", now_us() - t0);
		xs_unwatch(h, status, "s");
	}
	xs_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "latency"))
		return latency(argv[2], (unsigned)atoi(argv[3]), atoi(argv[4]));
	if (argc == 7 && !strcmp(argv[1], "burst")) {
		struct burst b = { .mode = argv[2], .cmd = argv[3], .first = (unsigned)atoi(argv[4]),
				   .count = (unsigned)atoi(argv[5]) };
		return burst(&b, (unsigned)atoi(argv[6]));
	}
	if (argc == 4 && !strcmp(argv[1], "watch"))
		return watch((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
	fprintf(stderr, "usage: daemon_rtt latency MODE DOMID ROUNDS\n"
			"       daemon_rtt burst MODE COMMAND FIRST COUNT CLIENTS\n"
			"       daemon_rtt watch FIRST COUNT\n");
	return 2;
}
