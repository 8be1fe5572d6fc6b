#include "netmodes/host/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* After SIGKILL, how long the child may take to die before it is left to itself. */
#define KILL_WAIT_MS 2000u

void child_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

/* Between fork and exec: async-signal-safe calls only (the daemon has threads). */
static void __attribute__((noreturn)) exec_child(const struct child_spec *s)
{
	char *const *envp = s->envp ? s->envp : environ;

	setpgid(0, 0);
	if (s->null_stdio) {
		/* close-on-exec: only its copies on 0 and 1 reach the program */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			if (null <= 1) /* dup2 onto itself keeps the flag */
				fcntl(null, F_SETFD, 0);
		}
	}
	child_reset_signals();
	execve(s->path, s->argv, envp);
	if (errno == ENOEXEC && s->shell_fallback) {
		char *sh[] = { "/bin/sh", (char *)s->path, NULL };
		execve("/bin/sh", sh, envp);
	}
	_exit(127);
}

/*
 * Waits for pid until the monotonic time `until`: 1 when it was reaped
 * (*status set), 0 when it still runs then. A pidfd when the kernel gives
 * one (no descriptor left: polled every 10 ms instead).
 */
static int wait_until(pid_t pid, unsigned long long until, int *status)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int rc = 0;

	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		unsigned long long now = now_ms();

		if (got == pid || (got < 0 && errno != EINTR)) {
			rc = 1;
			break;
		}
		if (now >= until)
			break;
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };
			(void)poll(&p, 1, (int)(until - now));
		} else {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (pfd >= 0)
		close(pfd);
	return rc;
}

int child_run(const struct child_spec *s, int *status, struct nm_err *e)
{
	unsigned long long start = now_ms();
	pid_t pid = fork();

	if (pid < 0)
		return nm_fail(e, nm_errno(), "cannot fork: %s", strerror(errno));
	if (pid == 0)
		exec_child(s);
	(void)setpgid(pid, pid); /* both sides: the group exists before either goes on */
	*status = 0;
	if (wait_until(pid, start + s->limit_ms, status))
		return 0;
	/* The group: what the program started and left in it goes too. */
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
	if (!wait_until(pid, now_ms() + KILL_WAIT_MS, status))
		return nm_fail(e, -ETIMEDOUT,
			       "did not finish within %u s; killed it and its process group "
			       "(it has not died yet)",
			       s->limit_ms / 1000);
	return nm_fail(e, -ETIMEDOUT, "did not finish within %u s; killed it and its process group",
		       s->limit_ms / 1000);
}
