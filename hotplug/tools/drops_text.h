/*
 * A port's drop counts (netmodes/nft/port_drops.h) as status, check and
 * status --watch show them: pure formatting and arithmetic, no kernel.
 */
#ifndef HOTPLUG_TOOLS_DROPS_TEXT_H
#define HOTPLUG_TOOLS_DROPS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netmodes/nft/port_drops.h"

/* "12 (mac 10, ipv4 2)": the total, then each kind that counted any; "0" when none did. */
void drops_text(const struct port_drops *d, char *buf, size_t n);

/*
 * {"mac": {"packets": 10, "bytes": 600}, ..., "total": {"packets": 12, "bytes": 720}}:
 * every kind, in port_drop_names' order, then the sums.
 */
void drops_json(const struct port_drops *d, FILE *out);

/* Frames per second, by kind and in all, over one refresh. */
struct drop_rates {
	double per_s[DROP_KINDS];
	double total;
};

/*
 * cur's frames since prev, over ms milliseconds: prev NULL (a port new
 * since the last refresh) or a kind counting fewer than in prev (its
 * counters made anew since) counts all of cur's. ms 0: no rate at all.
 */
void drop_rates_of(const struct port_drops *prev, const struct port_drops *cur, uint64_t ms,
		   struct drop_rates *ret);

/* "5.5/s (mac 5/s, ipv4 0.5/s)": the total, then each kind with any; "0/s" when none. */
void drop_rates_text(const struct drop_rates *r, char *buf, size_t n);

/* A number with at most one decimal, none when it is zero: "0", "0.5", "12", "1234.5"; "<0.1" when below 0.05 but not 0. */
void tenths_text(double v, char *buf, size_t n);

/* One rate: tenths_text's, then "/s": "0/s", "<0.1/s", "0.5/s", "12/s". */
void rate_text(double per_s, char *buf, size_t n);

#endif
