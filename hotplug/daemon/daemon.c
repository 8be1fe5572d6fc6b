#include "hotplug/daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netmodes/host/dirs.h"
#include "netmodes/netaddr.h"
#include "hotplug/daemon/daemon_conns.h"
#include "hotplug/daemon/daemon_droplog.h"
#include "hotplug/daemon/daemon_watch.h"
#include "hotplug/call/log.h"
#include "hotplug/call/usage.h"

#define PROG DAEMON_PROG
/* A client sends its request as soon as it is connected; one that does not is dropped. */
#define REQUEST_TIMEOUT_MS 1000

/* accept4 found no descriptor left and none could be freed: the socket rests this long. */
#define ACCEPT_PAUSE_MS 100

struct options {
	bool foreground, watch;
	unsigned workers, queue;
};

_Static_assert(DAEMON_MAX_WORKERS == 64 && DAEMON_DEFAULT_WORKERS == 8,
	       "xen-netmodesd's usage text names both");

static int usage(FILE *out, int status)
{
	fputs("usage: xen-netmodesd [--foreground] [--workers N] [--queue N] [--no-watch]\n"
	  "Serves vif-bridge, vif-route and vif-nat from one resident process.\n"
	  "  --foreground          stay attached to the terminal, log errors to stderr too\n"
	  "  --workers N           calls made at once, 1-64 (default 8)\n"
	  "  --queue N             clients' calls waiting for a worker, 1-4096 (default 256)\n"
	  "  --no-watch            serve clients only; do not watch xenstore for vifs\n"
	  "  -h, --help            this text\n"
	  "Environment:\n"
	  "  XEN_NETMODES_RUN_DIR  where its socket is (else /run/xen-netmodes)\n"
	  LOG_ENV
	  "  NOTIFY_SOCKET         systemd's: told READY=1 once it serves\n"
	  "A call's own environment (XEN_NETMODES_CONF...) comes from its client.\n"
	  "\nSee xen-netmodesd(8).\n",
	      out);
	return status;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	struct nm_err e = { "" };

	*o = (struct options){ .watch = true, .workers = DAEMON_DEFAULT_WORKERS,
			       .queue = DAEMON_DEFAULT_QUEUE };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--foreground"))
			o->foreground = true;
		else if (!strcmp(argv[i], "--no-watch"))
			o->watch = false;
		else if (!strcmp(argv[i], "--workers") && i + 1 < argc) {
			if (parse_uint(argv[++i], "--workers", DAEMON_MAX_WORKERS, &o->workers, &e) < 0 ||
			    o->workers == 0) {
				fprintf(stderr, PROG ": --workers: %s\n",
					e.msg[0] ? e.msg : "at least 1");
				return -1;
			}
		} else if (!strcmp(argv[i], "--queue") && i + 1 < argc) {
			if (parse_uint(argv[++i], "--queue", DAEMON_MAX_QUEUE, &o->queue, &e) < 0 ||
			    o->queue == 0) {
				fprintf(stderr, PROG ": --queue: %s\n", e.msg[0] ? e.msg : "at least 1");
				return -1;
			}
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			exit(usage(stdout, 0));
		} else {
			fprintf(stderr, PROG ": unknown argument \"%s\"\n", argv[i]);
			return usage(stderr, -1);
		}
	}
	return 0;
}

/* Binds the socket, mode 0600; refuses when another daemon answers there. */
static int listen_socket(const char *dir, const char *path, struct nm_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, probe, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return nm_fail(e, -ENAMETOOLONG, "socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((rc = nm_mkdirs(dir, 0755, e)) < 0)
		return rc;
	if ((probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) >= 0) {
		rc = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		close(probe);
		if (rc == 0)
			return nm_fail(e, -EADDRINUSE, "another " PROG " is listening on %s", path);
	}
	/* non-blocking: an accept4 after a client went away must not hold the loop */
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return nm_fail(e, nm_errno(), "cannot create a socket: %s", strerror(errno));
	(void)unlink(path); /* a dead daemon's */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(fd, 256) < 0) {
		int err = errno;
		close(fd);
		return nm_fail(e, -err, "cannot listen on %s: %s", path, strerror(err));
	}
	return fd;
}

/* systemd's Type=notify: "READY=1" to $NOTIFY_SOCKET, when there is one. */
static void notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	(void)!sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	close(fd);
}

static void refuse(int fd, int status, const char *why)
{
	char buf[256], text[200];
	int n = snprintf(text, sizeof(text), PROG ": %s\n", why);

	size_t len = dproto_pack_reply(buf, sizeof(buf), status, text, (size_t)n);
	(void)!send(fd, buf, len, MSG_NOSIGNAL);
	close(fd);
}

/* Only root (or the daemon's own user) may hand it calls. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       (cred.uid == 0 || cred.uid == geteuid());
}

/*
 * The descriptor kept for the moment accept4 finds none left (EMFILE): it
 * is closed, the waiting client taken on it and told to make its call
 * itself, and it is opened again. Without it the listening socket would
 * stay readable and the loop spin.
 */
static int spare_fd = -1;

static void spare_open(void)
{
	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/*
 * No descriptor for a client: one is freed to answer it. Returns false
 * when that failed too (another thread took the slot): the caller rests
 * the socket a while.
 */
static bool turn_away(int lfd)
{
	int fd;

	if (spare_fd < 0)
		return false;
	close(spare_fd);
	spare_fd = -1;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		static deadline_t logged;
		deadline_t now = deadline_in(0);
		char c;

		/* Its request read (cut to nothing): closing on unread data would reset the answer. */
		(void)!recv(fd, &c, 1, MSG_DONTWAIT | MSG_TRUNC);
		refuse(fd, DPROTO_NOT_SERVED, "no descriptor left for the call; the client makes it");
		if (!logged || now - logged >= 1000) { /* a flood: one line a second */
			log_line(LOG_WARNING, "no descriptor left: clients are told to make their calls themselves");
			logged = now;
		}
	}
	spare_open();
	return fd >= 0 && spare_fd >= 0;
}

/*
 * One client: its request read, checked and queued. Returns false when the
 * listening socket must rest (no descriptor, no memory).
 */
static bool take_client(int lfd, const struct applet_table *all)
{
	/* Read here, by the main thread only; a queued call keeps just what its request takes. */
	static char in[DPROTO_MAX_REQUEST];
	struct pollfd p = { .events = POLLIN };
	const char *why;
	struct job *j;
	char *buf;
	ssize_t n;

	if ((p.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		if (errno == EMFILE || errno == ENFILE)
			return turn_away(lfd);
		return errno != ENOBUFS && errno != ENOMEM;
	}
	if (!peer_allowed(p.fd)) {
		log_line(LOG_WARNING, "refused a client that is not root");
		close(p.fd);
		return true;
	}
	if (poll(&p, 1, REQUEST_TIMEOUT_MS) != 1) {
		close(p.fd);
		return true;
	}
	/* SOCK_SEQPACKET: a request larger than the buffer is cut, and then malformed. */
	n = recv(p.fd, in, sizeof(in), MSG_DONTWAIT | MSG_TRUNC);
	if (n <= 0 || (size_t)n > sizeof(in)) {
		refuse(p.fd, 1, "malformed request");
		return true;
	}
	if (!(buf = malloc((size_t)n))) {
		close(p.fd);
		return false; /* no memory: the socket rests */
	}
	memcpy(buf, in, (size_t)n);
	if (!(j = job_from_request(all, buf, (size_t)n, p.fd, &why))) {
		free(buf);
		log_line(LOG_WARNING, "refused a request: %s", why);
		refuse(p.fd, 1, why);
		return true;
	}
	if (j->inv.dry_run) {
		j->fd = -1;
		refuse(p.fd, DPROTO_NOT_SERVED, "a dry run is made by the client");
		job_free(j);
		return true;
	}
	/* "accepted" comes from the worker that starts it, or it is handed back. */
	jobs_submit(j);
	return true;
}

/* Signals arrive on a descriptor: no handler runs between a worker's steps. */
static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Which signal stops the daemon, and who sent it: a stop nobody asked for is found by its sender. */
static void log_stop_signal(int sfd)
{
	struct signalfd_siginfo si;
	const char *name;

	if (read(sfd, &si, sizeof(si)) != sizeof(si) || !(name = sigabbrev_np((int)si.ssi_signo))) {
		log_line(LOG_NOTICE, "stopping on a signal");
		return;
	}
	log_line(LOG_NOTICE, "stopping on SIG%s from pid %u (uid %u)", name, si.ssi_pid, si.ssi_uid);
}

/*
 * Forks into the background; the parent exits once the child says it
 * serves (0) or gave up (1, its reason in syslog), so whoever started the
 * daemon learns whether it runs. Returns the child's end of that pipe.
 */
static int detach(void)
{
	int p[2], fd;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, PROG ": cannot fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) == 1)
			_exit(0);
		fprintf(stderr, PROG ": did not start; syslog says why\n");
		_exit(1);
	}
	close(p[0]);
	setsid();
	if (chdir("/") < 0)
		_exit(1);
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		else /* dup2 onto itself kept close-on-exec: hooks need it open */
			fcntl(fd, F_SETFD, 0);
	}
	return p[1];
}

int daemon_main(const struct invocation *inv, const struct applet_table *all)
{
	const struct call_env *env = &inv->env;
	struct nm_err e = { "" };
	struct options o;
	char path[256];
	int lfd, sfd, started = -1;

	if (parse_options(inv->argc, inv->argv, &o) < 0)
		return 1;
	log_shared(PROG, o.foreground);
	log_init(PROG);
	dproto_socket_path(env->run_dir, path, sizeof(path));
	if ((lfd = listen_socket(env->run_dir, path, &e)) < 0 || (sfd = signal_fd()) < 0) {
		log_line(LOG_ERR, "%s", e.msg[0] ? e.msg : "cannot take signals");
		return 1;
	}
	if (!o.foreground)
		started = detach();
	spare_open();
	if (jobs_start(o.workers, o.queue, &e) < 0 || (o.watch && watch_start(env, all, &e) < 0)) {
		log_line(LOG_ERR, "%s", e.msg);
		unlink(path);
		return 1;
	}
	if (droplog_start(&e) < 0)
		log_line(LOG_WARNING, "no drop log: %s; the kernel's lines name no guest", e.msg);
	log_line(LOG_NOTICE, "serving on %s with %u workers%s", path, o.workers,
		 o.watch ? ", watching " WATCH_PATH : "");

	notify_ready();
	if (started >= 0) {
		(void)!write(started, "", 1);
		close(started);
	}
	for (bool resting = false;;) {
		/* A resting socket is not polled: it stays readable, and would spin the loop. */
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = resting ? -1 : lfd, .events = POLLIN } };
		int wait = jobs_expire();

		if (resting && (wait < 0 || wait > ACCEPT_PAUSE_MS))
			wait = ACCEPT_PAUSE_MS;
		if (poll(p, 2, wait) < 0 && errno != EINTR) {
			log_line(LOG_ERR, "stopping: cannot wait for clients: %s", strerror(errno));
			break;
		}
		if (p[0].revents) {
			log_stop_signal(sfd);
			break;
		}
		if (resting) {
			spare_open();
			resting = false;
		} else if (p[1].revents & POLLIN)
			resting = !take_client(lfd, all);
	}
	/* New clients make their calls themselves; running calls finish. */
	unlink(path);
	close(lfd);
	if (o.watch)
		watch_stop();
	droplog_stop();
	jobs_stop();
	conns_stop();
	log_line(LOG_NOTICE, "stopped after %lu calls", jobs_served());

	return 0;
}
