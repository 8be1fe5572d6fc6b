/* Walking dom0's vif backends in xenstore, for status and check. */
#ifndef HOTPLUG_BACKENDS_H
#define HOTPLUG_BACKENDS_H

#include <stddef.h>

struct xs_handle;

#define VIF_BACKENDS "/local/domain/0/backend/vif"

/*
 * Calls fn for every backend VIF_BACKENDS/D/N with its absolute path; stops
 * early when fn returns nonzero, and returns that value (0 after them all).
 */
int backends_each(struct xs_handle *xs,
		  int (*fn)(const char *be, unsigned domid, unsigned devid, void *arg), void *arg);

/* The device of backend be (an absolute path): its vifname node, else vifDOMID.DEVID. */
void backend_ifname(struct xs_handle *xs, const char *be, unsigned domid, unsigned devid, char *buf,
		    size_t n);

#endif
