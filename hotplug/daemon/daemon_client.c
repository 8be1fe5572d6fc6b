#include "hotplug/daemon/daemon_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hotplug/daemon/daemon_proto.h"
#include "hotplug/call/log.h"

static int connect_daemon(const char *run_dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[sizeof(sa.sun_path) + 1];
	int fd;

	dproto_socket_path(run_dir, path, sizeof(path));
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One message into buf within wait_ms: its length, 0 at EOF, -ETIMEDOUT, or -errno. */
static ssize_t take_message(int fd, char *buf, size_t n, unsigned wait_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t got;
	int rc;

	do
		rc = poll(&p, 1, (int)wait_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return -ETIMEDOUT;
	got = recv(fd, buf, n, MSG_DONTWAIT);
	return got < 0 ? -errno : got;
}

/*
 * Waits for "accepted". When it does not come in time, the client stops
 * reading (shutdown): from then on the daemon's "accepted" cannot be sent
 * (it gets EPIPE and drops the call), so one that is still queued here
 * was sent before, and the call is the daemon's after all. Returns 0
 * (accepted), DAEMON_LOCAL (not taken), or the reply's length when the
 * daemon answered at once (a refusal, DPROTO_NOT_SERVED) into buf.
 */
static ssize_t wait_accepted(int fd, char *buf, size_t n, deadline_t deadline, bool *ret_deaf)
{
	unsigned left = deadline_left(deadline);
	ssize_t got = take_message(fd, buf, n,
				   left < DAEMON_ACCEPT_TIMEOUT_MS ? left : DAEMON_ACCEPT_TIMEOUT_MS);

	*ret_deaf = false;
	if (got == -ETIMEDOUT) {
		(void)shutdown(fd, SHUT_RD);
		*ret_deaf = true;
		got = recv(fd, buf, n, MSG_DONTWAIT);
	}
	if (got <= 0)
		return DAEMON_LOCAL;
	return dproto_is_accept(buf, (size_t)got) ? 0 : got;
}

/* The status of a reply (its text copied to stderr), or -1 when it is none. */
static int reply_status(const char *buf, size_t len)
{
	const char *text;
	size_t text_len;
	int status;

	if (dproto_unpack_reply(buf, len, &status, &text, &text_len) < 0)
		return -1;
	if (text_len)
		fwrite(text, 1, text_len, stderr);
	return status;
}

static int exchange(int fd, const char *prog, deadline_t deadline, struct nm_err *e)
{
	static char buf[DPROTO_MAX_REPLY];
	bool deaf;
	ssize_t got = wait_accepted(fd, buf, sizeof(buf), deadline, &deaf);
	int status;

	if (got < 0) {
		log_init(prog);
		log_line(LOG_WARNING, "xen-netmodesd did not take the call; making it here");
		return DAEMON_LOCAL;
	}
	if (got > 0) /* answered without taking the call */
		return (status = reply_status(buf, (size_t)got)) < 0 || status == DPROTO_NOT_SERVED
			       ? DAEMON_LOCAL
			       : status;
	if (deaf) {
		nm_set(e, "xen-netmodesd took the call too late to answer it here; it makes the "
			  "call, this client does not");
		return DAEMON_LATE;
	}
	got = take_message(fd, buf, sizeof(buf), deadline_left(deadline));
	if (got == -ETIMEDOUT) {
		nm_set(e, "xen-netmodesd took the call and did not answer by its deadline; "
			  "not making it a second time");
		return DAEMON_LATE;
	}
	if (got <= 0 || (status = reply_status(buf, (size_t)got)) < 0) {
		nm_set(e, "xen-netmodesd went away while it had the call; not making it a second time");
		return DAEMON_LOST;
	}
	/* Stopping, it dropped the call it had queued: never made, so made here. */
	if (status == DPROTO_NOT_SERVED)
		return DAEMON_LOCAL;
	return status;
}

int daemon_client_call(const char *prog, const struct invocation *inv, deadline_t deadline,
		       struct nm_err *e)
{
	static char req[DPROTO_MAX_REQUEST];
	unsigned left = deadline_left(deadline);
	unsigned budget = left > DAEMON_REPLY_MARGIN_MS ? left - DAEMON_REPLY_MARGIN_MS : 1;
	size_t len;
	int fd, status;

	if (inv->dry_run || inv->daemon == DAEMON_NEVER)
		return DAEMON_LOCAL;
	if (!(len = dproto_pack_request(req, sizeof(req), budget, prog, inv->argc, inv->argv,
					inv->envp)) ||
	    (fd = connect_daemon(inv->env.run_dir)) < 0)
		return DAEMON_LOCAL;
	status = send(fd, req, len, MSG_NOSIGNAL) == (ssize_t)len ? exchange(fd, prog, deadline, e)
								   : DAEMON_LOCAL;
	close(fd);
	return status;
}
