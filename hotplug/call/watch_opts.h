/*
 * The values of status --watch's options, strict as every value from
 * outside (parse.h): each returns 0, or -EINVAL with a one-line reason in e
 * quoting the value, ret untouched.
 */
#ifndef HOTPLUG_CALL_WATCH_OPTS_H
#define HOTPLUG_CALL_WATCH_OPTS_H

#include "netmodes/err.h"

#define WATCH_INTERVAL_DEFAULT_MS 2000u
#define WATCH_INTERVAL_MIN_MS 100u
#define WATCH_INTERVAL_MAX_MS 86400000u /* a day */
#define WATCH_COUNT_MAX 1000000000u

/* --interval SECONDS: "2", "0.5", "1.25" (at most 3 decimals), 0.1 to 86400, in ms. */
int parse_watch_interval(const char *s, unsigned *ret_ms, struct nm_err *e);

/* --count N: how many refreshes, 1 to WATCH_COUNT_MAX. */
int parse_watch_count(const char *s, unsigned *ret, struct nm_err *e);

#endif
