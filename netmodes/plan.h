/*
 * A plan: the ordered operations one call performs. Each operation can
 * apply itself, undo itself and describe itself in one line per change, so
 * that --dry-run prints exactly what apply would do, and a failed step undoes
 * the ones before it in reverse.
 */
#ifndef NETMODES_PLAN_H
#define NETMODES_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "netmodes/err.h"

struct call_env;
struct op;

struct op_type {
	const char *name; /* names the step in errors: "enslave" */
	int (*apply)(struct op *op, struct nm_err *e);	/* 0 or -errno with e set */
	int (*undo)(struct op *op, struct nm_err *e);	/* NULL: nothing to undo */
	void (*describe)(const struct op *op, FILE *out); /* whole lines */
	void (*release)(void *data);			/* NULL: free(data) */
};

struct op {
	const struct op_type *type;
	void *data;
};

struct plan {
	struct op *ops;
	size_t n, cap;
};

/*
 * Appends an operation; the plan owns data from here on, also when this
 * fails (it is released then). Returns 0 or -ENOMEM.
 *
 * An op_NAME() constructor only allocates its data and calls this: it
 * fails with -ENOMEM and nothing else, and sets no reason, so a planner
 * reports any failure of a chain of them as "out of memory". A constructor
 * that can fail for another cause takes a struct nm_err and says why
 * itself (op_isc_host: no dhcpd.conf), and its caller passes its rc on.
 */
int plan_add(struct plan *p, const struct op_type *type, void *data);

/* Releases every operation's data and the array; p may be empty. */
void plan_free(struct plan *p);

void plan_describe(const struct plan *p, FILE *out);

/*
 * Applies the operations in order. When one fails, undoes the applied ones
 * in reverse and returns its -errno; e says "STEP: reason", plus any undo
 * that failed too. env (may be NULL) carries a test build's switches.
 */
int plan_apply(struct plan *p, const struct call_env *env, struct nm_err *e);

#endif
