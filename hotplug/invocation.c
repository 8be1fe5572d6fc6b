#include "invocation.h"

#include <errno.h>
#include <string.h>

#include "../netmodes/netaddr.h"
#include "config.h"
#include "log.h"
#include "request.h"

static bool one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

static const char *const yes_words[] = { "1", "yes", "true", "on", NULL };
static const char *const no_words[] = { "0", "no", "false", "off", NULL };

int parse_dry_run(const char *s, bool *ret, struct nm_err *e)
{
	char q[64];

	if (!s || !*s || one_of(s, no_words)) {
		*ret = false;
		return 0;
	}
	if (one_of(s, yes_words)) {
		*ret = true;
		return 0;
	}
	return nm_fail(e, -EINVAL,
		       "invalid XEN_NETMODES_DRY_RUN \"%s\": expected 1, yes or true (a dry run) or "
		       "0, no, false or empty (a real run)",
		       quote_value(s, q, sizeof(q)));
}

static int parse_daemon_use(const char *s, enum daemon_use *ret, struct nm_err *e)
{
	char q[64];

	if (!s || !*s || !strcmp(s, "auto"))
		*ret = DAEMON_AUTO;
	else if (one_of(s, yes_words))
		*ret = DAEMON_ALWAYS;
	else if (one_of(s, no_words))
		*ret = DAEMON_NEVER;
	else
		return nm_fail(e, -EINVAL,
			       "invalid XEN_NETMODES_DAEMON \"%s\": expected yes, no or auto",
			       quote_value(s, q, sizeof(q)));
	return 0;
}

/* NAME's value, else def when it is unset or empty. */
static const char *env_or(char **envp, const char *name, const char *def)
{
	const char *v = env_get(envp, name);

	return v && *v ? v : def;
}

static struct call_env call_env_of(char **envp)
{
	return (struct call_env){
		.run_dir = env_or(envp, "XEN_NETMODES_RUN_DIR", CALLENV_RUN_DIR),
		.lock_dir = env_or(envp, "XEN_NETMODES_LOCK_DIR", CALLENV_LOCK_DIR),
		.conf = env_or(envp, "XEN_NETMODES_CONF", CONFIG_FILE),
		.mounts = env_or(envp, "XEN_NETMODES_MOUNTS", CALLENV_MOUNTS),
		.fail_at = env_get(envp, "XEN_NETMODES_FAIL_AT"),
		.event_at = env_get(envp, "XEN_NETMODES_EVENT_AT"),
		.event_cmd = env_get(envp, "XEN_NETMODES_EVENT_CMD"),
	};
}

/* Keeps the first error only: it is the one the caller reports. */
static void note(struct invocation *inv, int rc, const struct nm_err *e)
{
	if (rc < 0 && !inv->rc) {
		inv->rc = rc;
		inv->err = *e;
	}
}

int invocation_parse(int argc, char **argv, char **envp, unsigned accept, struct invocation *ret)
{
	struct invocation inv = { .argc = argc,
				  .argv = argv,
				  .envp = envp,
				  .env = call_env_of(envp),
				  .log_dir = env_or(envp, "XEN_NETMODES_LOG_DIR", HOTPLUG_LOG_DIR) };
	struct nm_err e = { "" };
	bool env_dry = false;
	char q[64];
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			inv.help = true;
		else if (!strcmp(a, "--dry-run"))
			inv.dry_run = true;
		else if ((accept & INV_JSON) && !strcmp(a, "--json"))
			inv.json = true;
		else if (strchr(a, '=')) {
			if (inv.n_assign < INV_MAX_ASSIGN)
				inv.assign[inv.n_assign++] = a;
			else
				note(&inv, nm_fail(&e, -EINVAL, "too many VAR=VAL arguments (at most %d)",
						   INV_MAX_ASSIGN),
				     &e);
		} else if (!inv.command)
			inv.command = a;
		else
			note(&inv, nm_fail(&e, -EINVAL, "unexpected argument \"%s\"",
					   quote_value(a, q, sizeof(q))),
			     &e);
	}
	/* An invalid value may have been meant as a dry run: nothing is written for it. */
	rc = parse_dry_run(env_get(envp, "XEN_NETMODES_DRY_RUN"), &env_dry, &e);
	inv.dry_run = inv.dry_run || env_dry || rc < 0;
	note(&inv, rc, &e);
	if (accept & INV_DAEMON)
		note(&inv, parse_daemon_use(env_get(envp, "XEN_NETMODES_DAEMON"), &inv.daemon, &e), &e);
	*ret = inv;
	return ret->rc;
}
