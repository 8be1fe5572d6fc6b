/*
 * Locks shared with Xen's locking.sh: an flock on /var/run/xen-hotplug/NAME,
 * taken with the open-flock-stat loop so that the holder may remove the file
 * on release. A mix of these binaries and the shell scripts still serialises.
 */
#ifndef HOTPLUG_LOCK_H
#define HOTPLUG_LOCK_H

#include <limits.h>

#include "../netmodes/err.h"

#define LOCK_DIR "/var/run/xen-hotplug"

struct hp_lock {
	int fd; /* -1 when not held */
	char path[PATH_MAX];
};

/*
 * Takes lock NAME (letters, digits, '.', '_', '-'), waiting at most
 * timeout_ms. Returns 0, -ETIMEDOUT with e naming the lock, or -errno.
 */
int lock_claim(const char *name, unsigned timeout_ms, struct hp_lock *ret, struct nm_err *e);

/* Removes the file, then drops the lock, as release_lock does. Takes a lock not held. */
void lock_release(struct hp_lock *l);

#endif
