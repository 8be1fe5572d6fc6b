/*
 * The benchmark's stand-in for a Debian host's syslog: a datagram socket at
 * PATH (/dev/log) that takes every message and keeps none, so that
 * logger(1) in Debian's scripts sends its lines as it does on a host with
 * journald or rsyslog, instead of failing at once for want of a socket.
 *   devlog PATH      (runs until killed; removes PATH at SIGTERM)
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sigaction sa = { .sa_handler = on_term };
	char buf[8192];
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: devlog PATH\n");
		return 2;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror(argv[1]);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop)
		(void)recv(fd, buf, sizeof(buf), 0);
	unlink(argv[1]);
	return 0;
}
