#include "hotplug/daemon/daemon_droplog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hotplug/call/log.h"
#include "hotplug/daemon/daemon_jobs.h"
#include "hotplug/daemon/droplog_port.h"
#include "hotplug/daemon/droplog_text.h"

#define KMSG "/dev/kmsg"
/* One record with its dictionary: the kernel's largest (CONSOLE_EXT_LOG_MAX); a smaller buffer gets EINVAL. */
#define RECORD_MAX 8192

/*
 * A port whose last line came less than this after the one before drops
 * still: the kernel lets one line a minute through while the drops go on.
 */
#define AGAIN_USEC ((uint64_t)PORT_DROP_LOG_INTERVAL * 3 / 2 * 1000000)

/* The ports whose last line is remembered; the oldest makes room. Only the thread uses it. */
#define RECENT_PORTS 256

struct recent {
	char ifname[IFNAMSIZ]; /* "" for a free slot */
	bool has_domain;
	unsigned domid, devid;
	uint64_t usec; /* its last line's record's time */
};

static struct recent recent[RECENT_PORTS];
static int kmsg_fd = -1, stop_fd = -1;
static pthread_t thread;

/* Whether g's port had a line shortly before usec; remembers this one. */
static bool again(const struct drop_guest *g, uint64_t usec)
{
	struct recent *slot = &recent[0];
	bool ret = false;

	for (size_t i = 0; i < RECENT_PORTS; i++) {
		struct recent *r = &recent[i];

		if (!strcmp(r->ifname, g->ifname) && r->has_domain == g->has_domain &&
		    r->domid == g->domid && r->devid == g->devid) {
			ret = usec >= r->usec && usec - r->usec < AGAIN_USEC;
			slot = r;
			break;
		}
		if (r->usec < slot->usec)
			slot = r;
	}
	snprintf(slot->ifname, sizeof(slot->ifname), "%s", g->ifname);
	slot->has_domain = g->has_domain;
	slot->domid = g->domid;
	slot->devid = g->devid;
	slot->usec = usec;
	return ret;
}

static void on_record(const char *rec, size_t len)
{
	struct drop_record r;
	struct drop_guest g;
	struct port_drops d;
	char line[512];

	if (!drop_record_parse(rec, len, &r) || !droplog_port(&r, &g, &d))
		return; /* not a drop, or not a port of ours */
	drop_line(&g, r.kind, &d, again(&g, r.usec), line, sizeof(line));
	log_line(LOG_WARNING, "%s", line);
}

/* Every record there is now. Returns false when the log cannot be read. */
static bool read_records(void)
{
	static char rec[RECORD_MAX];

	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec));

		if (n > 0)
			on_record(rec, (size_t)n);
		else if (n < 0 && errno == EAGAIN)
			return true;
		else if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue; /* EPIPE: records overwritten before they were read; on from the oldest left */
		else {
			log_line(LOG_ERR, "drop log: cannot read " KMSG ": %s; drops are logged by the kernel alone",
				 n < 0 ? strerror(errno) : "end of file");
			return false;
		}
	}
}

static void *droplog_main(void *arg)
{
	(void)arg;
	log_init(DAEMON_PROG);
	for (;;) {
		struct pollfd p[2] = { { .fd = kmsg_fd, .events = POLLIN }, { .fd = stop_fd, .events = POLLIN } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_line(LOG_ERR, "drop log: cannot wait for " KMSG ": %s", strerror(errno));
			break;
		}
		if (p[1].revents || !read_records())
			break;
	}
	return NULL;
}

int droplog_start(struct nm_err *e)
{
	int rc;

	if ((kmsg_fd = open(KMSG, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    lseek(kmsg_fd, 0, SEEK_END) < 0) {
		rc = nm_fail(e, nm_errno(), "cannot read " KMSG ": %s", strerror(errno));
		goto fail;
	}
	if ((stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		rc = nm_fail(e, nm_errno(), "cannot make an eventfd: %s", strerror(errno));
		goto fail;
	}
	if ((rc = pthread_create(&thread, NULL, droplog_main, NULL)) != 0) {
		rc = nm_fail(e, -rc, "cannot start its thread: %s", strerror(rc));
		goto fail;
	}
	return 0;
fail:
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	if (stop_fd >= 0)
		close(stop_fd);
	kmsg_fd = stop_fd = -1;
	return rc;
}

void droplog_stop(void)
{
	if (stop_fd < 0)
		return;
	(void)!eventfd_write(stop_fd, 1);
	pthread_join(thread, NULL);
	close(kmsg_fd);
	close(stop_fd);
	kmsg_fd = stop_fd = -1;
}
