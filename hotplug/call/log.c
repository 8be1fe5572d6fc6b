#include "hotplug/call/log.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static __thread const char *log_prog = "xen-netmodes";
static __thread FILE *log_err;
static bool shared_ident, echo_all, journal;
static char log_file[PATH_MAX] = HOTPLUG_LOG_DIR "/" HOTPLUG_LOG_NAME;

void log_init(const char *prog)
{
	log_prog = prog;
	if (!shared_ident)
		openlog(prog, LOG_PID, LOG_DAEMON);
}

void log_shared(const char *ident, bool foreground)
{
	shared_ident = true;
	echo_all = foreground;
	/* stderr is the journal, which has the syslog lines already. */
	journal = getenv("JOURNAL_STREAM") != NULL;
	openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_set_dir(const char *dir)
{
	int n = snprintf(log_file, sizeof(log_file), "%s/%s", dir, HOTPLUG_LOG_NAME);

	if (n < 0 || (size_t)n >= sizeof(log_file))
		log_file[0] = '\0'; /* too long a path: syslog only, never a truncated one */
}

void log_set_err(FILE *f)
{
	log_err = f;
}

/* One write with O_APPEND, so lines of concurrent calls never interleave. */
static void log_to_file(const char *msg)
{
	char line[1024];
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int fd, n;

	if (!log_file[0])
		return;
	fd = open(log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return; /* no log directory: not a Xen host's layout, syslog has it */
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
	n = snprintf(line, sizeof(line), "%s %s[%d]: %s\n", stamp, log_prog, (int)getpid(), msg);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	(void)!write(fd, line, (size_t)n);
	close(fd);
}

void log_line(int prio, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (shared_ident)
		syslog(prio, "%s: %s", log_prog, msg);
	else
		syslog(prio, "%s", msg);
	log_to_file(msg);
	if (log_err ? prio <= LOG_WARNING : !journal && (prio <= LOG_WARNING || echo_all))
		fprintf(log_err ? log_err : stderr, "%s: %s\n", log_prog, msg);
}
