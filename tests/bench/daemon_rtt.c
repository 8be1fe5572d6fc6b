/*
 * The benchmark's xen-netmodesd client: calls made over the daemon's
 * socket from one warm process, so the figures hold the daemon's work and
 * the socket's round trip, no process start.
 *
 *   daemon_rtt latency MODE DOMID ROUNDS
 *       ROUNDS times MODE online then offline for vifDOMID.0; one line
 *       "online_us offline_us" per round.
 *   daemon_rtt burst MODE COMMAND FIRST COUNT CLIENTS
 *       COMMAND for vifFIRST.0 .. vif(FIRST+COUNT-1).0 from CLIENTS client
 *       processes at once; one line "total_us succeeded".
 *   daemon_rtt watch FIRST COUNT
 *       for vifFIRST.0 .. : writes state 2 (online 1 and script already
 *       there) and waits for hotplug-status "connected": the daemon's watch
 *       made the call. One line "us" per vif.
 *
 * Each call is made by the clients' own code (daemon_client_call), with
 * this process's environment plus the vif's XENBUS_PATH, vif and type_if,
 * and XEN_NETMODES_DAEMON=yes: a call the daemon does not make fails.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenstore.h>

#include "hotplug/daemon/daemon_client.h"
#include "hotplug/daemon/daemon_proto.h"

#include "clock.h"

extern char **environ;

/* One call of mode for vifDOMID.0 through the daemon; its exit status (negative: not made, or not answered). */
static int call(const char *mode, const char *cmd, unsigned domid)
{
	char xenbus[64], vif[32], *env[DPROTO_MAX_ENV + 1], *argv[] = { (char *)mode, (char *)cmd, NULL };
	size_t n_env = 0;
	struct invocation inv;
	struct nm_err e = { "" };

	snprintf(xenbus, sizeof(xenbus), "XENBUS_PATH=backend/vif/%u/0", domid);
	snprintf(vif, sizeof(vif), "vif=vif%u.0", domid);
	env[n_env++] = xenbus;
	env[n_env++] = vif;
	env[n_env++] = "type_if=vif";
	env[n_env++] = "XEN_NETMODES_DAEMON=yes";
	for (char **e = environ; *e && n_env < DPROTO_MAX_ENV; e++)
		env[n_env++] = *e;
	env[n_env] = NULL;
	(void)invocation_parse(2, argv, env, INV_DAEMON, &inv);
	return daemon_client_call(mode, &inv, deadline_in(CALL_BUDGET_MS), &e);
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

/* What the burst's client processes share. */
struct burst {
	atomic_uint next, ok;
};

/*
 * COUNT calls from CLIENTS processes at once (the clients' code keeps its
 * buffers static: one call at a time per process, as a hotplug is).
 */
static int burst(const char *mode, const char *cmd, unsigned first, unsigned count,
		 unsigned clients)
{
	struct burst *b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
	int go[2];
	long long t0;
	char c;

	if (b == MAP_FAILED || clients < 1 || clients > 256 || pipe(go) < 0)
		return 2;
	atomic_init(&b->next, 0);
	atomic_init(&b->ok, 0);
	for (unsigned k = 0; k < clients; k++) {
		pid_t pid = fork();
		unsigned i;

		if (pid < 0)
			return 1;
		if (pid > 0)
			continue;
		/* Every client starts when the last is forked: forking is not what is timed. */
		close(go[1]);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		while ((i = atomic_fetch_add(&b->next, 1)) < count)
			if (call(mode, cmd, first + i) == 0)
				atomic_fetch_add(&b->ok, 1);
		_exit(0);
	}
	t0 = now_us();
	close(go[1]);
	while (wait(NULL) > 0)
		;
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
	if (argc == 7 && !strcmp(argv[1], "burst"))
		return burst(argv[2], argv[3], (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]),
			     (unsigned)atoi(argv[6]));
	if (argc == 4 && !strcmp(argv[1], "watch"))
		return watch((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
	fprintf(stderr, "usage: daemon_rtt latency MODE DOMID ROUNDS\n"
			"       daemon_rtt burst MODE COMMAND FIRST COUNT CLIENTS\n"
			"       daemon_rtt watch FIRST COUNT\n");
	return 2;
}
