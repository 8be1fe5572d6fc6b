/*
 * xen-netmodes status --watch [--interval SECONDS] [--count N]: every
 * interval, each filtered port's drops per second since the last refresh,
 * by kind, and the totals, as `watch` over `wg show` would show them: the
 * screen redrawn on a terminal, one block after another (a blank line
 * between them) elsewhere. Until SIGINT or SIGTERM, or N refreshes.
 */
#ifndef HOTPLUG_TOOLS_STATUS_WATCH_H
#define HOTPLUG_TOOLS_STATUS_WATCH_H

#include <stdint.h>
#include <stdio.h>

#include "hotplug/tools/drops_table.h"

/* count 0: until a signal. Returns the exit status: 0, or 1 when no count can be read at all. */
int status_watch(unsigned interval_ms, unsigned count, FILE *out);

/*
 * One refresh's block: a line per port of cur (its rates over the ms since
 * prev, its count in all), a line per kind that could not be read, the
 * totals:
 *
 *   drops per second over the last 2 s:
 *   vif1.0 (bridge): 5/s (mac 4.5/s, ipv4 0.5/s); 12 in all
 *   vif2.0 (bridge): 0/s; 0 in all
 *   total: 5/s (mac 4.5/s, ipv4 0.5/s); 12 in all
 */
void status_watch_block(const struct drops_table *prev, const struct drops_table *cur, uint64_t ms,
			FILE *out);

#endif
