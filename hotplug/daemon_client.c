#include "daemon_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon_proto.h"
#include "log.h"
#include "request.h"

bool daemon_call_stays_local(int argc, char **argv, char **envp)
{
	const char *dry = env_get(envp, "XEN_NETMODES_DRY_RUN"), *d = env_get(envp, "XEN_NETMODES_DAEMON");

	if ((dry && *dry) || (d && !strcmp(d, "no")))
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--dry-run"))
			return true;
	return false;
}

static int connect_daemon(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[sizeof(sa.sun_path) + 1];
	int fd;

	dproto_socket_path(path, sizeof(path));
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

/* The reply's status with its text copied to stderr, or -1 (EOF, timeout, garbage). */
static int take_reply(int fd, const char *prog, bool required)
{
	static char buf[DPROTO_MAX_REPLY];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	const char *text;
	size_t text_len;
	ssize_t n;
	int status, rc;

	do
		rc = poll(&p, 1, DAEMON_REPLY_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		log_init(prog);
		log_line(LOG_WARNING, "xen-netmodesd did not answer in %d ms%s", DAEMON_REPLY_TIMEOUT_MS,
			 required ? "" : "; making the call here");
		return DAEMON_LOCAL;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n <= 0 || dproto_unpack_reply(buf, (size_t)n, &status, &text, &text_len) < 0) {
		log_init(prog);
		log_line(LOG_WARNING, "xen-netmodesd went away before answering%s",
			 required ? "" : "; making the call here");
		return DAEMON_LOCAL;
	}
	if (text_len)
		fwrite(text, 1, text_len, stderr);
	return status == DPROTO_NOT_SERVED ? DAEMON_LOCAL : status;
}

int daemon_client_call(const char *prog, int argc, char **argv, char **envp)
{
	static char req[DPROTO_MAX_REQUEST];
	size_t len;
	int fd, status;

	const char *want = env_get(envp, "XEN_NETMODES_DAEMON");
	bool required = want && !strcmp(want, "yes");

	if (daemon_call_stays_local(argc, argv, envp))
		return DAEMON_LOCAL;
	if (!(len = dproto_pack_request(req, sizeof(req), prog, argc, argv, envp)) ||
	    (fd = connect_daemon()) < 0)
		status = DAEMON_LOCAL;
	else {
		status = send(fd, req, len, MSG_NOSIGNAL) == (ssize_t)len ? take_reply(fd, prog, required)
									: DAEMON_LOCAL;
		close(fd);
	}
	if (status < 0 && required)
		return DAEMON_REQUIRED;
	return status < 0 ? DAEMON_LOCAL : status;
}
