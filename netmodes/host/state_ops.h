/*
 * What a per-host call changed, kept in DIR/NAME.state as KEY=VALUE
 * lines so that the matching stop restores exactly that. DIR is the call's
 * run directory (struct call_env).
 */
#ifndef NETMODES_STATE_OPS_H
#define NETMODES_STATE_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/plan.h"

#define STATE_MAX 32
#define STATE_KEY_LEN 128
#define STATE_VALUE_LEN 128

struct state {
	size_t n;
	struct {
		char key[STATE_KEY_LEN], value[STATE_VALUE_LEN];
	} kv[STATE_MAX];
};

/* Returns 0, -ENOENT when there is no state, or -errno with e set (a bad file included). */
int state_load(const char *dir, const char *name, struct state *ret, struct nm_err *e);
/* NULL when absent. */
const char *state_get(const struct state *s, const char *key);
/* Adds or replaces; returns 0 or -E2BIG. */
int state_set(struct state *s, const char *key, const char *value);

/* What a started network-* recorded: its state file, loaded. */
struct network_state {
	bool started;
	struct state st;
};

/* Loads NAME's state from dir; started false when there is none. Returns 0 or -errno with e set. */
int network_state_load(const char *dir, const char *name, struct network_state *ret, struct nm_err *e);
/* A recorded value, or def when absent or not started. */
const char *network_state_get(const struct network_state *ns, const char *key, const char *def);

/* Plan operations: write s (atomically) / remove the file; each undoes the other. */
int op_state_save(struct plan *p, const char *dir, const char *name, const struct state *s);
int op_state_remove(struct plan *p, const char *dir, const char *name, const struct state *s);

#endif
