#include "netmodes/plan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/callenv.h"
#include "netmodes/grow.h"

int plan_add(struct plan *p, const struct op_type *type, void *data)
{
	struct op *ops = grow_for(p->ops, &p->cap, p->n, sizeof(*ops), 16);

	if (!ops) {
		if (type->release)
			type->release(data);
		else
			free(data);
		return -ENOMEM;
	}
	p->ops = ops;
	p->ops[p->n++] = (struct op){ .type = type, .data = data };
	return 0;
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->ops[i].type->release)
			p->ops[i].type->release(p->ops[i].data);
		else
			free(p->ops[i].data);
	}
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

void plan_describe(const struct plan *p, FILE *out)
{
	for (size_t i = 0; i < p->n; i++)
		p->ops[i].type->describe(&p->ops[i], out);
}

/* Undoes ops[0..n) in reverse; appends the first undo failure to e. */
static void plan_rollback(struct plan *p, size_t n, struct nm_err *e)
{
	bool noted = false;

	while (n-- > 0) {
		struct op *op = &p->ops[n];
		struct nm_err ue = { "" };
		if (!op->type->undo || op->type->undo(op, &ue) == 0 || noted)
			continue;
		noted = true;
		size_t len = strlen(e->msg);
		snprintf(e->msg + len, sizeof(e->msg) - len, "; rollback of %s failed too: %s",
			 op->type->name, ue.msg);
	}
}

#ifdef XNM_FAULT_INJECTION
/* Marks a test build's binaries: make install refuses them. */
__attribute__((used)) static const char test_build_mark[] = "XNM_FAULT_INJECTION_BUILD";

/*
 * Test builds only: XEN_NETMODES_FAIL_AT=N makes step N (from 0) fail before
 * it runs; XEN_NETMODES_EVENT_AT=N runs the command XEN_NETMODES_EVENT_CMD
 * before step N, for what the world does behind a call's back (a vif
 * vanishing between two steps).
 */
static int injected_failure(const struct call_env *env, size_t step, struct nm_err *e)
{
	const char *at = env ? env->fail_at : NULL;
	const char *ev = env ? env->event_at : NULL, *cmd = env ? env->event_cmd : NULL;

	if (ev && *ev && cmd && strtoul(ev, NULL, 10) == step && system(cmd) != 0)
		return nm_fail(e, -EIO, "injected event at step %zu failed: %s", step, cmd);
	if (at && *at && strtoul(at, NULL, 10) == step)
		return nm_fail(e, -EIO, "failure injected at step %zu", step);
	return 0;
}
#else
static int injected_failure(const struct call_env *env, size_t step, struct nm_err *e)
{
	(void)env;
	(void)step;
	(void)e;
	return 0;
}
#endif

int plan_apply(struct plan *p, const struct call_env *env, struct nm_err *e)
{
	for (size_t i = 0; i < p->n; i++) {
		struct op *op = &p->ops[i];
		struct nm_err se = { "" };
		int rc = injected_failure(env, i, &se);

		if (rc == 0)
			rc = op->type->apply(op, &se);
		if (rc < 0) {
			nm_fail(e, rc, "%s: %s", op->type->name,
				se.msg[0] ? se.msg : strerror(-rc));
			plan_rollback(p, i, e);
			return rc;
		}
	}
	return 0;
}
