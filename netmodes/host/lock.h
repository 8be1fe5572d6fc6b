/*
 * Locks shared with Xen's locking.sh: an flock on DIR/NAME (DIR is
 * /var/run/xen-hotplug unless the call's environment says otherwise),
 * taken with the open-flock-stat loop so that the holder may remove the file
 * on release. A mix of these binaries and the shell scripts still serialises.
 */
#ifndef NETMODES_LOCK_H
#define NETMODES_LOCK_H

#include <limits.h>

#include "netmodes/err.h"

struct hp_lock {
	int fd; /* -1 when not held */
	char path[PATH_MAX];
};

/*
 * Takes lock NAME (letters, digits, '.', '_', '-') in dir, waiting at most
 * timeout_ms. Returns 0, -ETIMEDOUT with e naming the lock, or -errno.
 */
int lock_claim(const char *dir, const char *name, unsigned timeout_ms, struct hp_lock *ret, struct nm_err *e);

/* Removes the file, then drops the lock, as release_lock does. Takes a lock not held. */
void lock_release(struct hp_lock *l);

#endif
