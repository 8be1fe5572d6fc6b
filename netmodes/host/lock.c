#include "netmodes/host/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netmodes/host/dirs.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the flock with a growing pause: cheap when free, bounded when not. */
static int flock_bounded(int fd, long long deadline)
{
	long pause_us = 200;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return nm_errno();
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep((useconds_t)pause_us);
		if (pause_us < 20000)
			pause_us *= 2;
	}
}

/* Still the file at path? A releaser may have removed it while we waited. */
static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int lock_claim(const char *dir, const char *name, unsigned timeout_ms, struct hp_lock *ret, struct nm_err *e)
{
	long long deadline = now_ms() + timeout_ms;
	int made;

	ret->fd = -1;
	if (!*name || strchr(name, '/') || name[0] == '.')
		return nm_fail(e, -EINVAL, "invalid lock name \"%s\"", name);
	if ((made = nm_mkdirs(dir, 0755, e)) < 0)
		return made;
	snprintf(ret->path, sizeof(ret->path), "%s/%s", dir, name);
	for (;;) {
		int fd = open(ret->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), rc;
		if (fd < 0)
			return nm_fail(e, nm_errno(), "cannot open lock %s: %s", ret->path,
				       strerror(errno));
		rc = flock_bounded(fd, deadline);
		if (rc == 0 && same_file(fd, ret->path)) {
			ret->fd = fd;
			return 0;
		}
		close(fd);
		if (rc == -ETIMEDOUT)
			return nm_fail(e, rc, "timed out after %u ms waiting for lock %s",
				       timeout_ms, ret->path);
		if (rc < 0)
			return nm_fail(e, rc, "cannot lock %s: %s", ret->path, strerror(-rc));
	}
}

void lock_release(struct hp_lock *l)
{
	if (l->fd < 0)
		return;
	unlink(l->path);
	close(l->fd);
	l->fd = -1;
}
