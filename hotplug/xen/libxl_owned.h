#ifndef XNM_LIBXL_OWNED_H
#define XNM_LIBXL_OWNED_H

#include <stdbool.h>
#include <xenstore.h>

/*
 * Whether libxl manages domain DOMID, and so runs its vif scripts itself
 * and waits for their exit: then neither udev's calls nor the daemon's
 * watch may make a call of their own for it, or every online and offline
 * would be made twice. libxl 4.17 keeps its record of every domain it
 * manages under /libxl/DOMID and writes no libxl/disable_udev; older libxl
 * wrote /local/domain/0/libxl/disable_udev instead. xend writes neither.
 */
bool libxl_runs_scripts(struct xs_handle *xs, unsigned domid);

#endif
