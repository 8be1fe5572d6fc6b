/* Plan operations around nft_port.h: one batch each, so one step of the plan. */
#ifndef NETMODES_PORT_FILTER_OPS_H
#define NETMODES_PORT_FILTER_OPS_H

#include <stdbool.h>

#include "nft_port.h"
#include "plan.h"

/*
 * Installs f. Undo removes it again when the port had no filter before
 * (had_filter false); a filter it replaced cannot be restored and is left
 * in place, which still filters. Returns 0 or -ENOMEM.
 */
int op_port_filter_set(struct plan *p, const struct port_filter *f, bool table_exists,
		       bool had_filter);

/* Removes ifname's filter. Returns 0 or -ENOMEM. */
int op_port_filter_clear(struct plan *p, const char *ifname);

#endif
