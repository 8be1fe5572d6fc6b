#include "hotplug/call/invocation.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/netaddr.h"
#include "hotplug/call/config.h"
#include "hotplug/call/log.h"
#include "hotplug/call/watch_opts.h"

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

#define KNOB_PREFIX "XEN_NETMODES_"

/* The XEN_NETMODES_* values a call reads, in one pass over envp; the first of a name wins, as with getenv. */
struct knobs {
	const char *run_dir, *lock_dir, *conf, *mounts, *log_dir, *dry_run, *daemon;
	const char *fail_at, *event_at, *event_cmd;
};

static struct knobs knobs_of(char **envp)
{
	struct knobs k = { 0 };
	const struct {
		const char *name;
		const char **slot;
	} names[] = {
		{ "RUN_DIR", &k.run_dir },   { "LOCK_DIR", &k.lock_dir }, { "CONF", &k.conf },
		{ "MOUNTS", &k.mounts },     { "LOG_DIR", &k.log_dir },	  { "DRY_RUN", &k.dry_run },
		{ "DAEMON", &k.daemon },     { "FAIL_AT", &k.fail_at },	  { "EVENT_AT", &k.event_at },
		{ "EVENT_CMD", &k.event_cmd },
	};

	for (char **p = envp; p && *p; p++) {
		const char *rest = *p + sizeof(KNOB_PREFIX) - 1;
		if (strncmp(*p, KNOB_PREFIX, sizeof(KNOB_PREFIX) - 1))
			continue;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			size_t n = strlen(names[i].name);
			if (!strncmp(rest, names[i].name, n) && rest[n] == '=') {
				if (!*names[i].slot)
					*names[i].slot = rest + n + 1;
				break;
			}
		}
	}
	return k;
}

/* v, else def when it is unset or empty. */
static const char *or_default(const char *v, const char *def)
{
	return v && *v ? v : def;
}

static struct call_env call_env_of(const struct knobs *k)
{
	return (struct call_env){
		.run_dir = or_default(k->run_dir, CALLENV_RUN_DIR),
		.lock_dir = or_default(k->lock_dir, CALLENV_LOCK_DIR),
		.conf = or_default(k->conf, CONFIG_FILE),
		.mounts = or_default(k->mounts, CALLENV_MOUNTS),
		.fail_at = k->fail_at,
		.event_at = k->event_at,
		.event_cmd = k->event_cmd,
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

/*
 * a is option name alone (its value the next word, next: NULL when none)
 * or "name=VALUE": the value, "" when it has none, *took_next set when it
 * is next. NULL: a is another word.
 */
static const char *option_value(const char *a, const char *next, const char *name, bool *took_next)
{
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	*took_next = next != NULL;
	return next ? next : "";
}

/* status's --watch, --interval and --count; false: a is none of them. */
static bool watch_option(const char *a, const char *next, bool *took_next, struct invocation *inv,
			 struct nm_err *e)
{
	const char *v;

	if (!strcmp(a, "--watch"))
		inv->watch = true;
	else if ((v = option_value(a, next, "--interval", took_next)))
		note(inv, parse_watch_interval(v, &inv->interval_ms, e), e);
	else if ((v = option_value(a, next, "--count", took_next)))
		note(inv, parse_watch_count(v, &inv->count, e), e);
	else
		return false;
	return true;
}

int invocation_parse(int argc, char **argv, char **envp, unsigned accept, struct invocation *ret)
{
	const struct knobs k = knobs_of(envp);
	struct invocation inv = { .argc = argc,
				  .argv = argv,
				  .envp = envp,
				  .env = call_env_of(&k),
				  .log_dir = or_default(k.log_dir, HOTPLUG_LOG_DIR) };
	struct nm_err e = { "" };
	bool env_dry = false;
	char q[64];
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool took = false;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			inv.help = true;
		else if (!strcmp(a, "--dry-run"))
			inv.dry_run = true;
		else if ((accept & INV_JSON) && !strcmp(a, "--json"))
			inv.json = true;
		else if ((accept & INV_WATCH) &&
			 watch_option(a, i + 1 < argc ? argv[i + 1] : NULL, &took, &inv, &e))
			i += took;
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
	rc = parse_dry_run(k.dry_run, &env_dry, &e);
	inv.dry_run = inv.dry_run || env_dry || rc < 0;
	note(&inv, rc, &e);
	if (accept & INV_DAEMON)
		note(&inv, parse_daemon_use(k.daemon, &inv.daemon, &e), &e);
	*ret = inv;
	return ret->rc;
}

const char *env_get(char **envp, const char *name)
{
	size_t len = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, len) && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

#ifndef XEN_SCRIPT_DIR
#define XEN_SCRIPT_DIR "/etc/xen/scripts"
#endif

void script_dir_of(const char *argv0, char *buf, size_t n)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (slash)
		snprintf(buf, n, "%.*s", slash == argv0 ? 1 : (int)(slash - argv0), argv0);
	else
		snprintf(buf, n, "%s", XEN_SCRIPT_DIR);
}
