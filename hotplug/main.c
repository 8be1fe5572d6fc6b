/*
 * xen-netmodes: one binary, many names. The toolstack runs it as the
 * script it replaces (a link named vif-bridge...); run as xen-netmodes,
 * its first argument names the applet. main finds the row, reads the
 * invocation and runs the call: a per-vif mode through xen-netmodesd when
 * one listens, else here.
 */
#include <stdio.h>
#include <string.h>

#include "hotplug/applets.h"
#include "hotplug/call/deadline.h"
#include "hotplug/call/invocation.h"
#include "hotplug/call/log.h"
#include "hotplug/call/usage.h"
#include "hotplug/daemon/daemon_client.h"
#include "hotplug/network/network_flow.h"
#include "hotplug/vif/vif_flow.h"

extern char **environ;

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The names make and make install link to this binary, one per line. */
static int list_links(void)
{
	for (size_t i = 0; i < applet_table.n; i++)
		if (applet_table.rows[i].linked)
			printf("%s\n", applet_table.rows[i].name);
	return 0;
}

/* The overview: the applets and their summaries come from the table. */
static void overview(FILE *out)
{
	fputs("usage: xen-netmodes APPLET [ARGS...]   or run as APPLET itself (a link named so)\n"
	      "       xen-netmodes status [--json]      every vif this project manages\n"
	      "       xen-netmodes status --watch       its filters' drops per second\n"
	      "       xen-netmodes check VIF            what differs from its configuration\n"
	      "       APPLET --help                     the applet's own usage\n"
	      "  -h, --help            this text\n\n",
	      out);
	for (size_t i = 0; i < applet_table.n; i++)
		if (applet_table.rows[i].linked)
			fprintf(out, "  %-20s %s\n", applet_table.rows[i].name,
				applet_table.rows[i].summary);
	fputs("  xen-netmodesd        serve the per-vif modes from a resident process\n\n"
	      "Per-vif applets take: online|offline|add|remove [type_if=vif|tap] [VAR=VAL...] "
	      "[--dry-run]\n"
	      "network-* applets take: start|stop|status [VAR=VAL...] [--dry-run] [--json]\n"
	      "Environment:\n" DRY_RUN_ENV CONF_ENV
	      "\nSee xen-netmodes(8), xen-netmodes(7) and each applet's page.\n",
	      out);
}

/*
 * A per-vif call goes to xen-netmodesd when one is listening, and is made
 * here only when the daemon never took it; all of it by deadline.
 */
static int run_vif_mode(const struct applet *a, const struct invocation *inv, deadline_t deadline)
{
	struct nm_err e = { "" };
	int status;

	if (inv->rc < 0) {
		vif_flow_refused(a->name, inv->err.msg, inv);
		return 1;
	}
	switch ((status = daemon_client_call(a->name, inv, deadline, &e))) {
	case DAEMON_LOCAL:
		if (inv->daemon != DAEMON_ALWAYS || inv->dry_run)
			return vif_flow_run(a->name, a->plan, inv, deadline);
		vif_flow_refused(a->name, "xen-netmodesd did not make the call (XEN_NETMODES_DAEMON=yes)",
				 inv);
		return 1;
	case DAEMON_LOST: /* the daemon is gone: no one else reports it */
		vif_flow_refused(a->name, e.msg, inv);
		return 1;
	case DAEMON_LATE: /* the daemon may still make it, and reports it then */
		log_init(a->name);
		log_line(LOG_ERR, "%s", e.msg);
		return 1;
	default:
		return status;
	}
}

/* Runs a as inv says (its argv, its environment), all of it by deadline. Returns the exit status. */
static int applet_run(const struct applet *a, const struct invocation *inv, deadline_t deadline)
{
	int status = 1;

	/* vif-setup: the applet $script names makes the call */
	if (a->choose && !(a = a->choose(a, &applet_table, inv, &status)))
		return status;
	switch (a->kind) {
	case APPLET_VIF:
		return run_vif_mode(a, inv, deadline);
	case APPLET_NETWORK:
		return network_flow_run(a->name, a->net_plan, a->net_status, a->net_keys, inv);
	default:
		return a->main(a, &applet_table, inv, deadline);
	}
}

int main(int argc, char **argv)
{
	/* The call's one deadline starts with the process. */
	deadline_t deadline = deadline_in(call_budget_ms(environ));
	const struct applet *a = applet_find(&applet_table, base_name(argv[0]));
	struct invocation inv;

	if (!a || !a->linked) {
		if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			overview(argc < 2 ? stderr : stdout);
			return argc < 2 ? 1 : 0;
		}
		if (!strcmp(argv[1], "--list"))
			return list_links();
		if (!(a = applet_find(&applet_table, argv[1]))) {
			fprintf(stderr, "xen-netmodes: unknown applet \"%s\"\n", argv[1]);
			overview(stderr);
			return 1;
		}
		argc--;
		argv++;
	}
	(void)invocation_parse(argc, argv, environ, a->accept, &inv);
	log_set_dir(inv.log_dir);
	/* Help before anything else: it reads nothing, and changes nothing. */
	if (inv.help) {
		fputs(a->usage, stdout);
		return 0;
	}
	return applet_run(a, &inv, deadline);
}
