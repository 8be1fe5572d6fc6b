/*
 * A per-vif call's one deadline. libxl kills a hotplug script 40 s after
 * it started it; a call here, whoever makes it (the daemon or the script
 * itself), is over CALL_BUDGET_MS after the script started: the wait for
 * the daemon to take the call, the wait for its vif's lock, the daemon's
 * answer and a fallback all come out of that one budget.
 */
#ifndef HOTPLUG_DEADLINE_H
#define HOTPLUG_DEADLINE_H

#include <stdint.h>

#define CALL_BUDGET_MS 30000u
/* What the call keeps, after its lock wait, for planning and applying. */
#define CALL_WORK_MS 3000u

/* A point in time on CLOCK_MONOTONIC, in ms; 0: no deadline. */
typedef uint64_t deadline_t;

/* The deadline ms from now. */
deadline_t deadline_in(unsigned ms);

/* The ms left until d (0 once it has passed); UINT32_MAX when d is 0 (none). */
unsigned deadline_left(deadline_t d);

/*
 * The budget of a call that starts now: CALL_BUDGET_MS; a test build
 * (XNM_FAULT_INJECTION) takes XEN_NETMODES_CALL_BUDGET_MS from envp.
 */
unsigned call_budget_ms(char **envp);

#endif
